#!/usr/bin/env bash
# What a shared queue costs: acceptance and delivery of one node on the file spool, one node on
# PostgreSQL, and three nodes on PostgreSQL behind HAProxy (PROXY v2), in the same run on the same
# machine. Acceptance: `mailgate bench` with STARTTLS+AUTH at 50 sessions, delivery off. Delivery:
# the queue that load left, drained into local Maildirs once delivery is turned on. For the
# database it also counts commits and WAL per message (pg_stat_database, pg_current_wal_lsn).
#   bench/cluster.sh [MESSAGES] [RUNS]     (defaults: 5000 messages, 3 runs)
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MESSAGES=${1:-5000} RUNS=${2:-3}
source "$root/scripts/lib.sh"
need postgresql haproxy python3 bc
log() { echo "cluster-bench: $*" >&2; }

work=$(mktemp -d /tmp/mailgate-cluster-bench.XXXXXX)
chmod 755 "$work"
pg=$work/pg
declare -A pids=()
haproxy_pid=""
cleanup() {
  # every node started, also by a run (a subshell, whose pids[] this shell never sees) that failed
  for pid in $(cat "$work"/node*.pid 2>/dev/null); do kill "$pid" 2>/dev/null; done
  [[ -n $haproxy_pid ]] && kill "$haproxy_pid" 2>/dev/null
  [[ -f $pg/data/postmaster.pid ]] && postgres_ctl "$pg" stop
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

start_postgres "$pg" "$(free_port)" || { log "PostgreSQL did not start"; exit 1; }
HA_PORT=$(free_port)
for n in 1 2 3; do free_port >"$work/port$n"; done

write_config() { # write_config NODE STORAGE(file|postgres) DELIVERY(true|false) PROXY(true|false)
  cat >"$work/node$1.toml" <<CONF
hostname = "mx$1.bench.test"
data-dir = "$work/$2-node$1"
domains = ["bench.test"]
trusted-proxies = ["127.0.0.1"]
[[listener]]
address = "127.0.0.1"
port = $(cat "$work/port$1")
kind = "submission"
proxy-protocol = $4
[delivery]
enabled = $3
CONF
  if [[ $2 == postgres ]]; then
    printf '[storage]\nkind = "postgres"\nurl = "jdbc:postgresql://127.0.0.1:%s/mailgate"\nuser = "mailgate"\npassword-file = "%s"\nnode = "node%s"\n' \
      "$(cat "$pg/port")" "$pg/password" "$1" >>"$work/node$1.toml"
  fi
  cat "$root/bench/load-limits.toml" >>"$work/node$1.toml"
  # 50 sessions' first logins from one address at once look like a guessing flood (checks in
  # progress count): lifted here, where the whole load is one client's
  printf '[login-throttle]\nlockout-after = 100000\ndelay-after = 100000\n' >>"$work/node$1.toml"
  if [[ $2 == postgres && ! -f $work/migrated ]]; then # the admin commands need the schema; the first node would make it too
    "$root/mailgate" storage migrate --config "$work/node$1.toml" >"$work/migrated" 2>&1 || { log "storage migrate: $(cat "$work/migrated")"; exit 1; }
  fi
  if [[ ! -d $work/$2-node$1 ]]; then
    printf 'bench-password\n' | "$root/mailgate" user add bench@bench.test --password-stdin --config "$work/node$1.toml" >"$work/user-add.out" 2>&1 \
      || grep -q "already exists" "$work/user-add.out" || { log "user add: $(cat "$work/user-add.out")"; exit 1; }
  fi
}
start_node() {
  "$root/mailgate" serve --config "$work/node$1.toml" >"$work/node$1.log" 2>&1 &
  pids[$1]=$!
  echo "${pids[$1]}" >"$work/node$1.pid"
  mailgate_ready "$work/node$1.log" "${pids[$1]}" || { log "node $1 did not start"; tail -20 "$work/node$1.log" >&2; exit 1; }
}
stop_nodes() { for n in "${!pids[@]}"; do kill "${pids[$n]}"; wait "${pids[$n]}" 2>/dev/null; done; pids=(); }
sql() { postgres_sql "$pg" "$1"; }
queued() { # queued STORAGE NODES
  if [[ $1 == file ]]; then find "$work/file-node1/spool/queue" -type f | wc -l; else sql "SELECT count(*) FROM message"; fi
}
start_haproxy() {
  cat >"$work/haproxy.cfg" <<CONF
global
    maxconn 4000
defaults
    mode tcp
    timeout connect 2s
    timeout client 60s
    timeout server 60s
frontend submission
    bind 127.0.0.1:$HA_PORT
    default_backend nodes
backend nodes
    balance roundrobin
    server node1 127.0.0.1:$(cat "$work/port1") send-proxy-v2
    server node2 127.0.0.1:$(cat "$work/port2") send-proxy-v2
    server node3 127.0.0.1:$(cat "$work/port3") send-proxy-v2
CONF
  haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
  haproxy_pid=$!
  wait_for 10 port_open "$HA_PORT" || { log "haproxy does not listen"; exit 1; }
}

# run SETUP: one acceptance load and one drain; prints "accept-rate p99 drain-rate commits/msg wal-bytes/msg"
run() {
  local setup=$1 storage=postgres nodes=1 target proxy=false
  [[ $setup == file ]] && storage=file
  [[ $setup == pg3 ]] && nodes=3 proxy=true
  for n in $(seq 1 "$nodes"); do write_config "$n" "$storage" false "$proxy"; start_node "$n"; done
  target=127.0.0.1:$(cat "$work/port1")
  [[ $setup == pg3 ]] && target=127.0.0.1:$HA_PORT
  local commits0 wal0
  commits0=$(sql "SELECT xact_commit FROM pg_stat_database WHERE datname = 'mailgate'")
  wal0=$(sql "SELECT pg_current_wal_lsn()")
  MAILGATE_BENCH_PASSWORD=bench-password "$root/mailgate" bench "$target" --tls starttls --auth-user bench@bench.test \
    --from bench@bench.test --to bench@bench.test -s 50 -m 20 -n "$MESSAGES" -l 1024 -d 300 --json >"$work/accept.json" \
    || { log "$setup: the load failed: $(cat "$work/accept.json")"; exit 1; }
  stop_nodes
  local filled start elapsed
  filled=$(queued "$storage")
  for n in $(seq 1 "$nodes"); do write_config "$n" "$storage" true "$proxy"; done
  start=$(date +%s.%N)
  for n in $(seq 1 "$nodes"); do start_node "$n"; done
  local deadline=$((SECONDS + 600))
  while (($(queued "$storage") > 0 && SECONDS < deadline)); do sleep 0.1; done
  elapsed=$(echo "$(date +%s.%N) - $start" | bc)
  (($(queued "$storage") == 0)) || { log "$setup: mail still queued after 600 s"; exit 1; }
  stop_nodes
  local commits wal
  commits=$(sql "SELECT xact_commit FROM pg_stat_database WHERE datname = 'mailgate'")
  wal=$(sql "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$wal0')")
  python3 - "$work/accept.json" "$filled" "$elapsed" "$storage" "$((commits - commits0))" "$wal" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
filled, elapsed = int(sys.argv[2]), float(sys.argv[3])
per = lambda v: float(v) / max(filled, 1) if sys.argv[4] == "postgres" else 0.0
print(f"{r['messages_per_second']:.0f} {r['latency_ms']['p99']:.1f} {filled / elapsed:.0f} {per(sys.argv[5]):.1f} {per(sys.argv[6]):.0f}")
PY
  rm -rf "$work"/file-node* "$work"/postgres-node*
}

declare -A results=()
for round in $(seq 1 "$RUNS"); do
  for setup in file pg1 pg3; do
    [[ $setup == pg3 && -z $haproxy_pid ]] && start_haproxy
    line=$(run "$setup") || exit 1
    results[$setup]+="$line;"
    echo "run $round $setup: accept msg/s, p99 ms, drain msg/s, commits/msg, WAL bytes/msg: $line"
  done
done
python3 - "${results[file]}" "${results[pg1]}" "${results[pg3]}" <<'PY'
import statistics, sys
names = ["one node, file spool", "one node, PostgreSQL", "three nodes, PostgreSQL, HAProxy"]
table = [[list(map(float, run.split())) for run in arg.split(";") if run] for arg in sys.argv[1:]]
def med(rows, i): return statistics.median(r[i] for r in rows)
def spread(rows, i): return f"{min(r[i] for r in rows):.0f}..{max(r[i] for r in rows):.0f}"
base = med(table[0], 0), med(table[0], 2)
for name, rows in zip(names, table):
    print(f"{name}: accept {med(rows, 0):.0f} msg/s ({spread(rows, 0)}, x{med(rows, 0) / base[0]:.2f}), p99 {med(rows, 1):.0f} ms;"
          f" drain {med(rows, 2):.0f} msg/s ({spread(rows, 2)}, x{med(rows, 2) / base[1]:.2f})"
          + (f"; {med(rows, 3):.1f} commits and {med(rows, 4):.0f} WAL bytes per message" if med(rows, 3) else ""))
PY
