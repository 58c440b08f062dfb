#!/usr/bin/env bash
# What checking inbound mail costs: SPF, DKIM, DMARC and iprev on the inbound listener. Two
# Mailgates on loopback started alike, asking the same Knot DNS server, one with [mailauth]
# verify = true (the default), one with verify = false; `mailgate bench` sends both the same
# dkimpy-signed message (RSA 2048, relaxed/relaxed, From a domain with SPF and DMARC p=reject),
# 50 sessions of one message each, alternating, REPEATS runs each. The records' TTL outlives the
# run, so after the first message the answers come from Mailgate's own cache, as they mostly do
# for a real MX. Prints messages/s and latency of each run, the medians, and the ratio; then
# checks the checked server's queue holds spf=pass, dkim=pass and dmarc=pass, the other's none.
#
#   bench/mailauth.sh [--repeats N] [--seconds N] [--sessions N]
set -euo pipefail

repeats=5 seconds=10 sessions=50
while (($#)); do
  case $1 in
    --repeats) repeats=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --sessions) sessions=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "mailauth.sh: unknown argument $1 (expected --repeats N, --seconds N or --sessions N)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/lib.sh"
need python3 openssl knotd kdig dkimpy
work=$(mktemp -d /tmp/mailgate-mailauth-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  [[ -n ${KEEP:-} ]] || rm -rf "$work"
}
trap cleanup EXIT
log() { echo "mailauth-bench: $*" >&2; }
(cd "$root" && ./mailgate --version >/dev/null)

# --- sender.test: SPF for 127.0.0.1, a DKIM key, DMARC p=reject; 127.0.0.1's PTR, for iprev
DNS_PORT=$(free_port)
dkim_record=$(dkim_key "$work/dkim.pem") || { log "openssl cannot make an RSA key"; exit 1; }
mkdir -p "$work/knot/zones"
cat >"$work/knot/zones/test.zone" <<ZONE
\$ORIGIN test.
\$TTL 86400
@ SOA ns.test. admin.test. 1 60 60 600 86400
@ NS ns.test.
ns A 127.0.0.1
sender TXT "v=spf1 ip4:127.0.0.1 -all"
_dmarc.sender TXT "v=DMARC1; p=reject"
bench._domainkey.sender TXT $dkim_record
mx.sender A 127.0.0.1
ZONE
cat >"$work/knot/zones/127.in-addr.arpa.zone" <<ZONE
\$ORIGIN 127.in-addr.arpa.
\$TTL 86400
@ SOA ns.test. admin.test. 1 60 60 600 86400
@ NS ns.test.
1.0.0 PTR mx.sender.test.
ZONE
start_knot "$work/knot" "$DNS_PORT" test 127.in-addr.arpa
pids+=("$knot_pid")
served() { kdig @127.0.0.1 -p "$DNS_PORT" +short TXT bench._domainkey.sender.test | grep -q 'v=DKIM1'; }
wait_for 15 served || { log "knotd did not serve the zone"; tail "$work/knot.log" >&2; exit 1; }

# --- the message: about 1 KiB, signed by sender.test
python3 - "$work/message.eml" <<'PY'
import sys
body = "".join(f"Line {i} of the message body, as a newsletter or a reply would have it.\r\n" for i in range(12))
open(sys.argv[1], "w", newline="").write("From: Alice <alice@sender.test>\r\nTo: sink@example.com\r\nSubject: mailauth bench\r\n"
                                         "Date: Thu, 03 Dec 2026 10:00:00 +0000\r\nMessage-ID: <bench@sender.test>\r\n\r\n" + body)
PY
/usr/bin/python3 - "$work/message.eml" "$work/dkim.pem" <<'PY'
import dkim, sys
message, key = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
signature = dkim.sign(message, b"bench", b"sender.test", key, canonicalize=(b"relaxed", b"relaxed"),
                      include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
open(sys.argv[1], "wb").write(signature + message)
PY

# --- two Mailgates, alike but for [mailauth] verify
declare -A port
for variant in checked unchecked; do
  port[$variant]=$(free_port)
  verify=true; [[ $variant == unchecked ]] && verify=false
  cat >"$work/$variant.toml" <<TOML
hostname = "$variant.mailgate.test"
domains = ["example.com"]
[delivery]
enabled = false            # accept and queue only: the cost measured is the acceptance's
dns-servers = ["127.0.0.1:$DNS_PORT"]
dnssec = "off"
[mailauth]
verify = $verify
[[listener]]
address = "127.0.0.1"
port = ${port[$variant]}
kind = "inbound"
TOML
  cat "$root/bench/load-limits.toml" >>"$work/$variant.toml"
  data=$work/$variant-data
  echo "unused-password-1" | "$root/mailgate" user add sink@example.com --password-stdin --data-dir "$data" >/dev/null
  "$root/mailgate" serve --config "$work/$variant.toml" --data-dir "$data" >"$work/$variant.log" 2>&1 &
  pids+=($!)
  mailgate_ready "$work/$variant.log" "${pids[-1]}" || { log "$variant server did not start"; tail "$work/$variant.log" >&2; exit 1; }
done

run() { # run VARIANT N
  "$root/mailgate" bench "127.0.0.1:${port[$1]}" --data "$work/message.eml" --from alice@sender.test --to sink@example.com \
    -s "$sessions" -m 1 -n 100000000 -d "$seconds" --warmup 3 --json >"$work/$1.$2.json"
}
for ((i = 1; i <= repeats; i++)); do
  run unchecked "$i"; run checked "$i"
  log "round $i of $repeats done"
done
python3 - "$work" "$repeats" <<'PY'
import json, statistics, sys
work, repeats = sys.argv[1], int(sys.argv[2])
runs = {v: [json.load(open(f"{work}/{v}.{i}.json")) for i in range(1, repeats + 1)] for v in ("unchecked", "checked")}
for v, r in runs.items():
    rates = [x["messages_per_second"] for x in r]
    p99 = [x["latency_ms"]["p99"] for x in r]
    errors = sum(sum(x["errors"].values()) for x in r)
    print(f"{v:9s} msg/s: " + " ".join(f"{x:7.1f}" for x in rates) + f"   median {statistics.median(rates):7.1f}"
          f"  spread {min(rates):.1f}-{max(rates):.1f}  p50 {statistics.median(x['latency_ms']['p50'] for x in r):.1f} ms"
          f"  p99 {statistics.median(p99):.1f} ms  errors {errors}")
ratio = statistics.median(x["messages_per_second"] for x in runs["checked"]) / statistics.median(x["messages_per_second"] for x in runs["unchecked"])
rounds = [c["messages_per_second"] / u["messages_per_second"] for c, u in zip(runs["checked"], runs["unchecked"])]
print(f"checked/unchecked (medians): {ratio:.2f}; per round " + ", ".join(f"{x:.2f}" for x in rounds)
      + f" (median {statistics.median(rounds):.2f})  ->  the checks cost {100 * (1 - ratio):.0f}% of messages/s")
PY
# What was measured is what was meant: the checked server's messages carry passing verdicts, the other's no field
queued() { find "$work/$1-data/spool" -type f -path '*/queue/*' | sed -n 1,200p; } # sed reads to the end: no SIGPIPE under pipefail
checked=$(queued checked | xargs grep -lE 'dkim=pass header.d=sender.test' | xargs grep -l 'dmarc=pass' | xargs grep -l 'spf=pass' | wc -l)
unchecked=$(queued unchecked | xargs grep -l '^Authentication-Results:' | wc -l || true)
log "of 200 queued messages each: $checked with spf, dkim and dmarc pass on the checked server, $unchecked with a field on the other"
((checked == $(queued checked | wc -l) && unchecked == 0)) || { log "the checks were not what the run meant"; exit 1; }
