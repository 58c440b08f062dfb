#!/usr/bin/env bash
# Password guessing under load: about 1,000 failed AUTH attempts per second from 10 addresses
# (127.0.0.11-20) against Mailgate's submission listener, while legitimate clients on other
# addresses (127.0.0.1-8) keep submitting: STARTTLS + AUTH + one message per session. Prints the
# legitimate client's session latency alone and under the flood, and what the flood got.
# Everything runs on loopback in a temporary directory and is stopped at the end.
#
#   bench/auth-flood.sh [--seconds N]
# -e: a benchmark stops at its first error (the test scripts count failures instead, without it).
set -euo pipefail

seconds=15
while (($#)); do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "auth-flood.sh: unknown argument $1 (expected --seconds N)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/lib.sh"
need python3
work=$(mktemp -d /tmp/mailgate-flood.XXXXXX)
PORT=$(free_port) USER_ADDR=user@example.com
export MAILGATE_BENCH_PASSWORD=right-password-1
mg_pid=""
cleanup() {
  [[ -n $mg_pid ]] && kill -TERM "$mg_pid" 2>/dev/null && wait "$mg_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
log() { echo "auth-flood: $*" >&2; }

(cd "$root" && ./mailgate --version >/dev/null)
cat >"$work/mailgate.toml" <<TOML
hostname = "flood.mailgate.test"
domains = ["example.com"]
[sending-limits]            # the legitimate client sends for the whole run
messages-per-hour = 1000000
messages-per-day = 1000000
recipients-per-hour = 1000000
recipients-per-day = 1000000
[[listener]]
address = "127.0.0.1"
port = $PORT
kind = "submission"
TOML
printf '%s\n' "$MAILGATE_BENCH_PASSWORD" | "$root/mailgate" user add "$USER_ADDR" --password-stdin --data-dir "$work/data" >/dev/null
"$root/mailgate" serve --config "$work/mailgate.toml" --data-dir "$work/data" >"$work/server.log" 2>&1 &
mg_pid=$!
wait_for 20 port_open "$PORT" || { log "mailgate does not listen on $PORT:"; cat "$work/server.log" >&2; exit 1; }

legit() { # legit SECONDS: 4 sessions from 8 addresses, 20 a second in all, one message each
  "$root/mailgate" bench "127.0.0.1:$PORT" --tls starttls --auth-user "$USER_ADDR" --from "$USER_ADDR" \
    --source 127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,127.0.0.7,127.0.0.8 \
    -s 4 -m 1 --rate 20 -n 10000000 -d "$1" --warmup 3 --json
}
flood() { # flood SECONDS: wrong passwords from 10 addresses, 1,000 sessions a second
  echo "wrong-password" | "$root/mailgate" bench "127.0.0.1:$PORT" --tls starttls --auth-user "$USER_ADDR" --password-stdin \
    --source 127.0.0.11,127.0.0.12,127.0.0.13,127.0.0.14,127.0.0.15,127.0.0.16,127.0.0.17,127.0.0.18,127.0.0.19,127.0.0.20 \
    -s 400 -m 1 --rate 1000 -n 10000000 -d "$1" --json
}

log "warm-up: ${seconds} s of legitimate load (not measured)"
legit "$seconds" >/dev/null
log "legitimate client alone: ${seconds} s"
legit "$seconds" >"$work/alone.json"
log "legitimate client under the flood: ${seconds} s"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$mg_pid/stat"; }
all_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
server0=$(cpu_ticks) all0=$(all_ticks) t0=$(date +%s.%N)
flood "$((seconds + 2))" >"$work/flood.json" &
flood_pid=$!
sleep 1
legit "$seconds" >"$work/under.json"
wait "$flood_pid"
server1=$(cpu_ticks) all1=$(all_ticks) t1=$(date +%s.%N)
hz=$(getconf CLK_TCK)
echo "$server0 $server1 $all0 $all1 $t0 $t1 $hz" >"$work/cpu"

python3 - "$work" "$((seconds + 2))" <<'PY'
import json, sys
w = sys.argv[1]
alone, under, flood = (json.load(open(f"{w}/{n}.json")) for n in ("alone", "under", "flood"))
s0, s1, a0, a1, t0, t1, hz = (float(x) for x in open(f"{w}/cpu").read().split())
cores = lambda ticks: ticks / hz / (t1 - t0)
attempts = sum(flood["errors"].values()) + flood["sessions"]
print(f"| legitimate client (STARTTLS + AUTH + 1 message) | alone | under the flood |")
print(f"|---|---|---|")
print(f"| sessions completed | {alone['sessions']} | {under['sessions']} |")
for p in ("p50", "p99"):
    print(f"| session latency {p} ms | {alone['session_latency_ms'][p]} | {under['session_latency_ms'][p]} |")
print(f"| errors | {alone['errors'] or 'none'} | {under['errors'] or 'none'} |")
print()
paced = float(sys.argv[2])  # the flood starts sessions for this long; held ones finish later
print(f"Flood: {attempts} attempts started in {paced:.0f} s ({attempts / paced:.0f}/s), all answered within {flood['seconds']:.1f} s, from 10 addresses; "
      f"answers by code: {flood['errors']} (535 wrong password, 454 locked out, 554 banned at connect, io: cut off)")
print(f"CPU during the flood: Mailgate {cores(s1 - s0):.2f} cores, the load generators {cores((a1 - a0) - (s1 - s0)):.2f} cores, of 2")
PY
