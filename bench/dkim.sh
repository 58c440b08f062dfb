#!/usr/bin/env bash
# What DKIM signing costs: STARTTLS + AUTH, 10 messages of 1 KiB per session, against two
# Mailgates on loopback started alike, one dual-signing (RSA 2048 and Ed25519 keys active), one
# with [dkim] sign = false; runs alternate between them, REPEATS each, so the machine's noise
# falls on both. Prints messages/s of each run, the medians, and the signed/unsigned ratio.
#
#   bench/dkim.sh [--repeats N] [--seconds N] [--algorithm both|rsa|ed25519]
set -euo pipefail

repeats=5 seconds=10 algorithm=both
while (($#)); do
  case $1 in
    --repeats) repeats=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --algorithm) algorithm=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "dkim.sh: unknown argument $1 (expected --repeats N, --seconds N or --algorithm A)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/lib.sh"
need python3
work=$(mktemp -d /tmp/mailgate-dkim-bench.XXXXXX)
USER_ADDR=bench@example.com
export MAILGATE_BENCH_PASSWORD=bench-password-1
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  [[ -n ${KEEP:-} ]] || rm -rf "$work"
}
trap cleanup EXIT
log() { echo "dkim-bench: $*" >&2; }

(cd "$root" && ./mailgate --version >/dev/null)
declare -A port
for variant in signed unsigned; do
  port[$variant]=$(free_port)
  sign=true; [[ $variant == unsigned ]] && sign=false
  cat >"$work/$variant.toml" <<TOML
hostname = "$variant.mailgate.test"
domains = ["example.com"]
[delivery]
enabled = false            # accept and queue only: the cost measured is the submission's
[dkim]
sign = $sign
[[listener]]
address = "127.0.0.1"
port = ${port[$variant]}
kind = "submission"
TOML
  cat "$root/bench/load-limits.toml" >>"$work/$variant.toml"
  data=$work/$variant-data
  echo "$MAILGATE_BENCH_PASSWORD" | "$root/mailgate" user add "$USER_ADDR" --password-stdin --data-dir "$data" >/dev/null
  "$root/mailgate" dkim keygen example.com --algorithm "$algorithm" --data-dir "$data" >"$work/$variant-keygen.out"
  for selector in $(sed -nE 's/^(\S+)\._domainkey\.example\.com\..*/\1/p' "$work/$variant-keygen.out"); do
    "$root/mailgate" dkim activate example.com "$selector" --force --data-dir "$data" >/dev/null
  done
  "$root/mailgate" serve --config "$work/$variant.toml" --data-dir "$data" >"$work/$variant.log" 2>&1 &
  pids+=($!)
  mailgate_ready "$work/$variant.log" "${pids[-1]}" || { log "$variant server did not start"; tail "$work/$variant.log" >&2; exit 1; }
done

run() { # run VARIANT N
  "$root/mailgate" bench "127.0.0.1:${port[$1]}" --tls starttls --auth-user "$USER_ADDR" --from "$USER_ADDR" --to sink@example.org \
    -s 10 -m 10 -n 100000000 -d "$seconds" --warmup 2 --json >"$work/$1.$2.json"
}
for ((i = 1; i <= repeats; i++)); do
  run unsigned "$i"; run signed "$i"
  log "round $i of $repeats done"
done
python3 - "$work" "$repeats" <<'PY'
import json, statistics, sys
work, repeats = sys.argv[1], int(sys.argv[2])
rates = {v: [json.load(open(f"{work}/{v}.{i}.json"))["messages_per_second"] for i in range(1, repeats + 1)] for v in ("unsigned", "signed")}
errors = {v: sum(sum(json.load(open(f"{work}/{v}.{i}.json"))["errors"].values()) for i in range(1, repeats + 1)) for v in rates}
for v, r in rates.items():
    print(f"{v:9s} msg/s: " + " ".join(f"{x:7.1f}" for x in r) + f"   median {statistics.median(r):7.1f}  spread {min(r):.1f}-{max(r):.1f}  errors {errors[v]}")
ratio = statistics.median(rates["signed"]) / statistics.median(rates["unsigned"])
print(f"signed/unsigned (medians): {ratio:.2f}  ->  dual signing costs {100 * (1 - ratio):.0f}% of messages/s (target: at most 20%)")
PY
# What was measured is what was meant: every queued message of one server signed, of the other not one
queued() { find "$work/$1-data/spool" -type f -path '*/queue/*' | sed -n 1,200p; } # sed reads to the end: no SIGPIPE under pipefail
signed=$(queued signed | xargs grep -l '^DKIM-Signature: v=1;' | wc -l)
unsigned=$(queued unsigned | xargs grep -l '^DKIM-Signature:' | wc -l || true)
log "of 200 queued messages each: $signed signed by the signing server, $unsigned by the other"
((signed == $(queued signed | wc -l) && unsigned == 0)) || { log "signing was not what the run meant"; exit 1; }
