#!/usr/bin/env bash
# Delivery throughput: how fast Mailgate drains a full queue into a remote MX, against Postfix
# draining the same load in the same run. The MX is Postfix's smtp-sink, all on loopback; Mailgate
# finds it through Knot DNS, Postfix through relayhost (it resolves only through the system).
# Each run fills Mailgate's queue with delivery off (mailgate bench over STARTTLS+AUTH), restarts
# it with delivery on and times until the queue is empty; then fills Postfix's queue with its smtp
# transport deferred, releases it and times the same. Both use 5 connections to the destination.
# Prints messages/s per run, the medians, the spread and the ratio.
#   bench/delivery.sh [MESSAGES] [RUNS]     (defaults: 5000 messages, 3 runs)
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MESSAGES=${1:-5000} RUNS=${2:-3}
source "$root/scripts/lib.sh"
need knotd postfix postfix-tools python3 bc
log() { echo "delivery-bench: $*" >&2; }

work=$(mktemp -d)
chmod 755 "$work" # Postfix's own user reaches its queue inside
knot_pid="" sink_pid="" mg_pid="" postfix_up=0
source "$root/scripts/postfix-instance.sh"
cleanup() {
  ((postfix_up)) && postfix -c "$work/postfix/etc" stop >/dev/null 2>&1
  for pid in $mg_pid $sink_pid $knot_pid; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

DNS_PORT=$(free_port) SINK_PORT=$(free_port) SUB_PORT=$(free_port) PF_PORT=$(free_port)
mkdir -p "$work/knot/zones"
printf '$ORIGIN test.\n$TTL 60\n@ SOA ns.test. admin.test. 1 60 60 600 60\n@ NS ns.test.\nns A 127.0.0.1\nsink MX 10 mx.sink\nmx.sink A 127.0.0.1\n' \
  >"$work/knot/zones/test.zone"
start_knot "$work/knot" "$DNS_PORT" test
smtp-sink -u postfix -c "127.0.0.1:$SINK_PORT" 1024 </dev/null >/dev/null 2>&1 &
sink_pid=$!

data=$work/data
write_config() { # write_config ENABLED
  cat >"$work/mailgate.toml" <<CONF
hostname = "bench.mailgate.test"
[[listener]]
address = "127.0.0.1"
port = $SUB_PORT
kind = "submission"
[delivery]
enabled = $1
port = $SINK_PORT
dns-servers = ["127.0.0.1:$DNS_PORT"]
dnssec = "off"
per-destination = ${PER_DESTINATION:-5}
CONF
  cat "$root/bench/load-limits.toml" >>"$work/mailgate.toml"
}
start_mailgate() {
  "$root/mailgate" serve --config "$work/mailgate.toml" --data-dir "$data" >"$work/server.log" 2>&1 &
  mg_pid=$!
  mailgate_ready "$work/server.log" "$mg_pid" && return 0
  log "mailgate did not start"; cat "$work/server.log" >&2; exit 1
}
stop_mailgate() { kill "$mg_pid"; wait "$mg_pid" 2>/dev/null; mg_pid=""; }
queued() { find "$data/spool/queue" -type f | wc -l; }

# Postfix: relays everything to the sink through its smtp transport, 5 connections, as Mailgate
postfix_main_cf "$work/postfix" bench.postfix.test
cat >>"$work/postfix/etc/main.cf" <<CONF
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:$SINK_PORT
smtp_destination_concurrency_limit = 5
initial_destination_concurrency = 5
smtp_tls_security_level = none
CONF
postfix_master_cf "$work/postfix/etc/master.cf" "127.0.0.1:$PF_PORT inet n - n - - smtpd"
postfix_start "$work/postfix/etc" "$work/postfix/data" || { log "postfix did not start"; exit 1; }
postfix_up=1
postfix_queued() { find "$work/postfix/queue/incoming" "$work/postfix/queue/active" "$work/postfix/queue/deferred" "$work/postfix/queue/maildrop" -type f 2>/dev/null | wc -l; }
postfix_drain() { # prints the rate
  postconf -c "$work/postfix/etc" -e "defer_transports = smtp" && postfix -c "$work/postfix/etc" reload >/dev/null 2>&1
  "$root/mailgate" bench "127.0.0.1:$PF_PORT" --from bench@example.com --to rcpt@sink.test -s 10 -n "$MESSAGES" -l 1024 >/dev/null \
    || { log "filling Postfix's queue failed"; exit 1; }
  # wait until every message sits in the queue as deferred, none still on its way in
  local deadline=$((SECONDS + 120))
  while (( $(find "$work/postfix/queue/deferred" -type f | wc -l) < MESSAGES && SECONDS < deadline )); do sleep 0.2; done
  local filled start elapsed
  filled=$(postfix_queued)
  start=$(date +%s.%N)
  postconf -c "$work/postfix/etc" -e "defer_transports =" && postfix -c "$work/postfix/etc" reload >/dev/null 2>&1
  postqueue -c "$work/postfix/etc" -f
  deadline=$((SECONDS + 600))
  while (( $(postfix_queued) > 0 && SECONDS < deadline )); do sleep 0.1; done
  elapsed=$(echo "$(date +%s.%N) - $start" | bc)
  (( $(postfix_queued) == 0 )) || { log "Postfix still has mail queued after 600 s"; exit 1; }
  echo "scale=1; $filled / $elapsed" | bc
}

printf 'bench-password\n' | "$root/mailgate" user add bench@example.com --password-stdin --data-dir "$data" >/dev/null || exit 1
rates=() postfix_rates=()
for run in $(seq 1 "$RUNS"); do
  write_config false
  start_mailgate
  MAILGATE_BENCH_PASSWORD=bench-password "$root/mailgate" bench "127.0.0.1:$SUB_PORT" --tls starttls \
    --auth-user bench@example.com --from bench@example.com --to rcpt@sink.test -s 10 -n "$MESSAGES" -l 1024 >/dev/null \
    || { log "filling the queue failed"; exit 1; }
  stop_mailgate
  filled=$(queued)
  write_config true
  start=$(date +%s.%N)
  start_mailgate
  deadline=$((SECONDS + 600))
  while (( $(queued) > 0 && SECONDS < deadline )); do sleep 0.1; done
  elapsed=$(echo "$(date +%s.%N) - $start" | bc)
  left=$(queued)
  stop_mailgate
  ((left == 0)) || { log "run $run: $left messages still queued after 600 s"; exit 1; }
  rate=$(echo "scale=1; $filled / $elapsed" | bc)
  rates+=("$rate")
  echo "run $run: Mailgate delivered $filled messages in ${elapsed%??????}s = $rate msg/s"
  postfix_rate=$(postfix_drain) || exit 1
  postfix_rates+=("$postfix_rate")
  echo "run $run: Postfix delivered $MESSAGES messages at $postfix_rate msg/s"
done
python3 - "${rates[*]}" "${postfix_rates[*]}" <<'PY'
import statistics, sys
m = sorted(float(x) for x in sys.argv[1].split())
p = sorted(float(x) for x in sys.argv[2].split())
print(f"Mailgate: median {statistics.median(m):.0f} msg/s, spread {m[0]:.0f}..{m[-1]:.0f} over {len(m)} runs (includes its start, ~1 s)")
print(f"Postfix:  median {statistics.median(p):.0f} msg/s, spread {p[0]:.0f}..{p[-1]:.0f}")
print(f"ratio Mailgate/Postfix: {statistics.median(m) / statistics.median(p):.2f}")
PY
