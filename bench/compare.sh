#!/usr/bin/env bash
# Side-by-side benchmark: Mailgate and Postfix on this machine, in the same run, with Postfix's
# smtp-sink as the ceiling, the servers interleaved (A B C A B C). Each plain load runs under two
# generators: Postfix's own smtp-source (C, a connection per message, no pipelining: the neutral
# one) and `mailgate bench`, which also measures latency; the loads with TLS and AUTH use
# `mailgate bench` alone (smtp-source has neither). Postfix's log is checked for errors and
# penalties after the loads. Everything runs on loopback in a temporary directory and is
# stopped at the end.
#
#   bench/compare.sh [--repeats N] [--quick]
#
# Prints one Markdown table (also written to bench/results/latest.md).
# -e: a benchmark stops at its first error (the test scripts count failures instead, without it).
set -euo pipefail

repeats=3
quick=0
while (($#)); do
  case $1 in
    --repeats) repeats=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument $1 (expected --repeats N or --quick)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/lib.sh"
source "$root/scripts/postfix-instance.sh"
need postfix postfix-tools dovecot openssl python3
work=$(mktemp -d /tmp/mailgate-compare.XXXXXX)
chmod 755 "$work"
MG_PORT=$(free_port) MG_SUB=$(free_port) PF_PORT=$(free_port) PF_SUB=$(free_port) SINK_PORT=$(free_port)
USER_ADDR=sink@example.com USER_PASS=bench-password-1
export MAILGATE_BENCH_PASSWORD=$USER_PASS
mg_pid="" sink_pid="" postfix_up=0 dovecot_up=0

log() { echo "compare: $*" >&2; }

cleanup() {
  set +e
  [[ -n $mg_pid ]] && kill -TERM "$mg_pid" 2>/dev/null && wait "$mg_pid" 2>/dev/null
  [[ -n $sink_pid ]] && kill "$sink_pid" 2>/dev/null
  ((postfix_up)) && postfix -c "$work/postfix/etc" stop >/dev/null 2>&1
  ((dovecot_up)) && doveadm -c "$work/dovecot/dovecot.conf" stop >/dev/null 2>&1
  sleep 1
  rm -rf "$work"
}
trap cleanup EXIT

wait_port() { # wait_port PORT: until something accepts on 127.0.0.1:PORT
  wait_for 20 port_open "$1" || { log "nothing listens on port $1"; return 1; }
}

start_mailgate() {
  mkdir -p "$work/mailgate"
  cat >"$work/mailgate/mailgate.toml" <<TOML
hostname = "bench.mailgate.test"
domains = ["example.com"]
# Postfix discards what it accepts; Mailgate accepts and queues only: both measure acceptance.
[delivery]
enabled = false
# Postfix checks no SPF, DKIM or DMARC by itself: neither does Mailgate here (bench/mailauth.sh measures what they cost)
[mailauth]
verify = false
[tls]
certificate = "$work/tls/cert.pem"
key = "$work/tls/key.pem"
[[listener]]
address = "127.0.0.1"
port = $MG_PORT
kind = "inbound"
[[listener]]
address = "127.0.0.1"
port = $MG_SUB
kind = "submission"
TOML
  cat "$root/bench/load-limits.toml" >>"$work/mailgate/mailgate.toml"
  printf '%s\n' "$USER_PASS" | "$root/mailgate" user add "$USER_ADDR" --password-stdin --data-dir "$work/mailgate/data" >/dev/null
  "$root/mailgate" serve --config "$work/mailgate/mailgate.toml" --data-dir "$work/mailgate/data" >"$work/mailgate/server.log" 2>&1 &
  mg_pid=$!
  wait_port $MG_SUB
}

make_certificate() { # one ECDSA P-256 certificate for both servers
  mkdir -p "$work/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=bench.test" \
    -keyout "$work/tls/key.pem" -out "$work/tls/cert.pem" >/dev/null 2>&1
  chmod 644 "$work/tls/key.pem"
}

start_dovecot() { # SASL for Postfix, with the same Argon2id hash Mailgate stores
  local hash
  hash=$(cut -d: -f2 "$work/mailgate/data/users" | grep argon2id)
  mkdir -p "$work/dovecot/run" "$work/dovecot/state"
  echo "$USER_ADDR:{ARGON2ID}$hash" >"$work/dovecot/passwd"
  chmod 644 "$work/dovecot/passwd"
  cat >"$work/dovecot/dovecot.conf" <<CONF
protocols = none
base_dir = $work/dovecot/run
state_dir = $work/dovecot/state
log_path = $work/dovecot/dovecot.log
ssl = no
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = $work/dovecot/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
service auth {
  unix_listener $work/postfix/queue/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
CONF
  dovecot -c "$work/dovecot/dovecot.conf" </dev/null >/dev/null 2>&1
  dovecot_up=1
}

start_postfix() {
  local etc=$work/postfix/etc
  postfix_main_cf "$work/postfix" bench.postfix.test
  cat >>"$etc/main.cf" <<CONF
mynetworks = 127.0.0.0/8
relay_domains =
default_transport = discard
relay_transport = discard
local_transport = discard
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
smtpd_tls_cert_file = $work/tls/cert.pem
smtpd_tls_key_file = $work/tls/key.pem
smtpd_tls_security_level = may
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
CONF
  postfix_master_cf "$etc/master.cf" "127.0.0.1:$PF_PORT inet n - n - - smtpd" \
    "127.0.0.1:$PF_SUB inet n - n - - smtpd -o smtpd_tls_security_level=encrypt -o smtpd_sasl_auth_enable=yes -o smtpd_tls_auth_only=yes -o smtpd_relay_restrictions=permit_sasl_authenticated,reject"
  postfix_start "$etc" "$work/postfix/data" || { log "postfix did not start:"; cat "$work/postfix/maillog" >&2 || true; return 1; }
  postfix_up=1
  wait_port $PF_PORT
}

start_sink() {
  smtp-sink -u postfix -c 127.0.0.1:$SINK_PORT 1024 </dev/null >/dev/null 2>&1 &
  sink_pid=$!
  wait_port $SINK_PORT
}

postfix_pids() { # master and its children (smtpd, cleanup, qmgr, ...)
  local master
  master=$(head -1 "$work/postfix/queue/pid/master.pid" | tr -d ' ')
  echo "$master"; pgrep -P "$master" || true
}

rss_kib() { # rss_kib SERVER: memory of the whole server as PSS (shared pages counted once across processes)
  local pids
  case $1 in
    mailgate) pids=$mg_pid ;;
    postfix) pids=$(postfix_pids) ;;
  esac
  for pid in $pids; do awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null; done | awk '{s+=$1} END {print s+0}'
}


port_of() { # port_of SERVER KIND
  case $1:$2 in
    mailgate:plain) echo $MG_PORT ;; mailgate:auth) echo $MG_SUB ;;
    postfix:plain) echo $PF_PORT ;; postfix:auth) echo $PF_SUB ;;
    sink:plain) echo $SINK_PORT ;;
  esac
}

disk=$(basename "$(df --output=source "$work" | tail -1)")

settle_disk() { # until the disk has had no I/O in flight for a second (discards after deletes, writeback)
  local quiet=0
  for _ in $(seq 1 300); do
    if [[ $(cat "/sys/block/$disk/inflight" 2>/dev/null || echo "0 0") =~ ^[[:space:]]*0[[:space:]]+0[[:space:]]*$ ]]; then
      ((++quiet >= 10)) && return 0
    else
      quiet=0
    fi
    sleep 0.1
  done
}

clear_queues() { # between runs: Mailgate's queue emptied, Postfix's delivered (to discard), the disk quiet,
  # so no run pays for the one before (this disk may be mounted with online discard)
  find "$work/mailgate/data/spool/queue" -type f -delete 2>/dev/null || true
  for _ in $(seq 1 600); do
    [[ -z $(find "$work/postfix/queue/incoming" "$work/postfix/queue/active" "$work/postfix/queue/deferred" -type f -print -quit 2>/dev/null) ]] && break
    sleep 0.2
  done
  sync
  sleep 2
  settle_disk
}

bench() { # bench SERVER ARGS...: one run, JSON on stdout
  "$root/mailgate" bench "127.0.0.1:$(port_of "$1" "${BENCH_KIND:-plain}")" --json "${@:2}"
}

source_run() { # source_run SERVER SESSIONS SIZE COUNT: smtp-source sends COUNT messages; JSON on stdout (no latency: it measures none)
  local start end failed=0
  start=$(date +%s%N)
  timeout 600 smtp-source -s "$2" -l "$3" -m "$4" -M source.bench.test -f bench@source.example -t "$USER_ADDR" \
    "127.0.0.1:$(port_of "$1" plain)" >/dev/null 2>"$work/smtp-source.err" || failed=1
  end=$(date +%s%N)
  ((failed)) && log "smtp-source against $1: $(tail -1 "$work/smtp-source.err")"
  python3 -c 'import sys; n, ns, failed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]); print("{\"messages_per_second\": %.1f, \"messages\": %d, \"seconds\": %.2f, \"errors\": {\"exit\": %d}}" % (n * 1e9 / ns, n, ns / 1e9, failed))' \
    "$4" "$((end - start))" "$failed"
}

rate_of() { # rate_of JSON: its messages per second, as a whole number
  python3 -c 'import json, sys; print(int(json.loads(sys.argv[1])["messages_per_second"]))' "$1"
}

results=$work/results.jsonl
record() { # record LOAD SERVER JSON
  printf '{"load":"%s","server":"%s","result":%s}\n' "$1" "$2" "$3" >>"$results"
}

run_load() { # run_load NAME KIND SERVERS BENCH-ARGS...
  local name=$1 kind=$2 servers=$3; shift 3
  log "load: $name"
  for ((r = 1; r <= repeats; r++)); do
    for server in $servers; do
      clear_queues
      record "$name" "$server" "$(BENCH_KIND=$kind bench "$server" "$@" --warmup 2)"
    done
  done
}

run_plain() { # run_plain SIZE SESSIONS: each server in turn under smtp-source, then mailgate bench, per repeat
  local size=$1 s=$2 name="plain ${1}B ${2} sessions" json count
  log "load: $name, smtp-source and mailgate bench"
  for ((r = 1; r <= repeats; r++)); do
    for server in mailgate postfix sink; do
      clear_queues
      json=$(bench "$server" -s "$s" -l "$size" --total 10000000 --duration "$seconds" --warmup 2)
      record "$name" "$server" "$json"
      # as many messages as mailgate bench sent in the same time, within bounds, so the runs are alike
      count=$(($(rate_of "$json") * seconds))
      count=$((count < 500 ? 500 : count > 200000 ? 200000 : count))
      clear_queues
      record "smtp-source: $name" "$server" "$(source_run "$server" "$s" "$size" "$count")"
    done
  done
}

postfix_log_check() { # what Postfix's log says about the loads: its errors, warnings and penalties
  local maillog=$work/postfix/maillog warnings
  warnings=$({ grep -oE '(warning|error): .*' "$maillog" || true; } | sed -E 's/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -5 \
    | python3 -c 'import json, sys; print(json.dumps([line.strip() for line in sys.stdin]))')
  printf '{"load":"postfix-log","server":"postfix","result":{"errors":%d,"warnings":%d,"improper_pipelining":%d,"too_many_errors":%d,"top":%s}}\n' \
    "$(grep -c ' error: ' "$maillog")" "$(grep -c ' warning: ' "$maillog")" "$(grep -c 'improper command pipelining' "$maillog")" \
    "$(grep -c 'too many errors' "$maillog")" "$warnings" >>"$results"
}

peak_rss_during() { # peak_rss_during SERVER COMMAND...: runs the command, samples the server's RSS
  local server=$1 peak=0 rss pid; shift
  "$@" >/dev/null &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    rss=$(rss_kib "$server"); ((rss > peak)) && peak=$rss
    sleep 0.2
  done
  wait "$pid"
  echo "$peak"
}

main() {
  (cd "$root" && ./mailgate --version >/dev/null)
  make_certificate
  start_mailgate
  start_postfix
  start_dovecot
  start_sink
  sleep 2
  local idle_mg idle_pf
  idle_mg=$(rss_kib mailgate); idle_pf=$(rss_kib postfix)
  printf '{"load":"rss-idle","server":"mailgate","result":{"rss_kib":%s}}\n{"load":"rss-idle","server":"postfix","result":{"rss_kib":%s}}\n' \
    "$idle_mg" "$idle_pf" >>"$results"

  # The JVM compiles its hot paths during the first ~20 s of load (cold, Mailgate reaches ~40% of its
  # steady rate); a server runs for weeks, so both servers get the same unmeasured 30 s first.
  log "warm-up: 30 s of plain and STARTTLS+AUTH load on each server (not measured)"
  for server in mailgate postfix; do
    bench "$server" -s 50 -l 1024 --total 10000000 --duration 20 >/dev/null
    BENCH_KIND=auth bench "$server" --tls starttls --auth-user "$USER_ADDR" --from "$USER_ADDR" -s 20 --total 10000000 --duration 10 >/dev/null
  done

  local sizes="1024 102400" parallel="1 10 50 200"
  seconds=8
  ((quick)) && { sizes=1024; parallel=50; }
  for size in $sizes; do
    for s in $parallel; do
      run_plain "$size" "$s"
    done
  done
  run_load "STARTTLS+AUTH 1 msg/session" auth "mailgate postfix" --tls starttls --auth-user "$USER_ADDR" --from "$USER_ADDR" -s 20 -m 1 --total 10000000 --duration "$seconds"
  run_load "STARTTLS+AUTH 10 msg/session" auth "mailgate postfix" --tls starttls --auth-user "$USER_ADDR" --from "$USER_ADDR" -s 20 -m 10 --total 10000000 --duration "$seconds"

  postfix_log_check

  # Postfix's in_flow_delay (1 s) makes smtpd pause before each message while the queue manager
  # lags: its p99 at 50 sessions is that pause. The same load once more with it off, to show it.
  postconf -c "$work/postfix/etc" -e "in_flow_delay = 0s"
  postfix -c "$work/postfix/etc" reload >/dev/null 2>&1
  sleep 2
  log "load: plain 1024B 50 sessions, Postfix in_flow_delay = 0s, smtp-source and mailgate bench"
  local json
  for ((r = 1; r <= repeats; r++)); do
    clear_queues
    json=$(bench postfix -s 50 -l 1024 --total 10000000 --duration "$seconds" --warmup 2)
    record "plain 1024B 50 sessions, Postfix in_flow_delay = 0s" postfix "$json"
    clear_queues
    record "smtp-source: plain 1024B 50 sessions, Postfix in_flow_delay = 0s" postfix \
      "$(source_run postfix 50 1024 $(($(rate_of "$json") * seconds)))"
  done
  postconf -c "$work/postfix/etc" -e "in_flow_delay = 1s"
  postfix -c "$work/postfix/etc" reload >/dev/null 2>&1

  log "load: peak RSS at 50 sessions"
  for server in mailgate postfix; do
    local peak
    peak=$(peak_rss_during "$server" bench "$server" -s 50 -l 1024 --total 10000000 --duration "$seconds")
    printf '{"load":"rss-peak-50","server":"%s","result":{"rss_kib":%s}}\n' "$server" "$peak" >>"$results"
  done

  local hold=10000
  ((quick)) && hold=2000
  log "load: $hold idle TLS connections"
  for server in mailgate postfix; do
    local report rss
    "$root/mailgate" bench "127.0.0.1:$(port_of "$server" plain)" --tls starttls --hold "$hold" --hold-time 10 --json >"$work/hold.json" &
    local bench_pid=$!
    rss=0
    while kill -0 "$bench_pid" 2>/dev/null; do
      local now; now=$(rss_kib "$server"); ((now > rss)) && rss=$now
      sleep 0.5
    done
    wait "$bench_pid" || true
    report=$(cat "$work/hold.json")
    printf '{"load":"hold","server":"%s","result":%s,"rss_kib":%s}\n' "$server" "$report" "$rss" >>"$results"
  done

  python3 "$root/bench/summarize.py" "$results" \
    "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)" \
    "Mailgate $(cd "$root" && git describe --always --dirty 2>/dev/null || echo dev), Postfix $(postconf -d -h mail_version), Dovecot $(dovecot --version | cut -d' ' -f1)" \
    | tee "$root/bench/results/latest.md"
}

mkdir -p "$root/bench/results"
main
