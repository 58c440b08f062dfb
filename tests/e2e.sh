#!/usr/bin/env bash
# End-to-end: build ./mailgate, start it on its embedded defaults in a temporary data directory,
# add a user, submit mail with real clients (swaks and openssl s_client) over every submission
# listener, check what the security defaults refuse, check the queue, and stop it with SIGTERM.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
source scripts/lib.sh
need swaks openssl python3 prometheus-client

# The embedded defaults listen on these ports: wait a little for a server that is still stopping.
embedded_ports_free() { local port; for port in 1587 1465 2525 1025 8587; do port_open "$port" && return 1; done; return 0; }
wait_for 30 embedded_ports_free \
  || { echo "e2e: a port of 1587, 1465, 2525, 1025 and 8587 stays in use; the embedded defaults need them free on 127.0.0.1"; exit 1; }

tmp=$(mktemp -d)
data="$tmp/data"
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill -9 "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

./mailgate --version >/dev/null || { echo "e2e: ./mailgate does not build or run"; exit 1; }
printf 'e2e-secret\n' | ./mailgate user add alice@example.com --password-stdin --data-dir "$data" >/dev/null \
  || { echo "e2e: user add failed"; exit 1; }

./mailgate serve --data-dir "$data" >"$tmp/server.log" 2>&1 &
server_pid=$!
mailgate_ready "$tmp/server.log" "$server_pid" || { echo "e2e: server did not start:"; cat "$tmp/server.log"; exit 1; }
check "serve prints its listeners, and Ready (not 'Next: add a user', there is one)" bash -c \
  "grep -q 'submission   127.0.0.1:1587' '$tmp/server.log' && grep -qx 'Ready: 1 user' '$tmp/server.log' && ! grep -q '^Next:' '$tmp/server.log'"

# The recipients are at 192.0.2.1 (TEST-NET-1, RFC 5737: routed nowhere), so that delivery, whatever
# this machine's DNS, can only defer and the messages stay queued for the queue checks below; a
# domain would bounce at once where the resolver says NXDOMAIN, and defer where it cannot answer.
swaks_submit() { # swaks_submit PORT TLS-FLAG
  swaks --server "127.0.0.1:$1" "$2" --auth PLAIN --auth-user alice@example.com --auth-password e2e-secret \
    --from alice@example.com --to 'carol@[192.0.2.1]' --header "Subject: e2e via $1" --timeout 20 >"$tmp/swaks.$1" 2>&1
  grep -q '<~  250 2.0.0 Ok: queued as' "$tmp/swaks.$1"
}
check "swaks STARTTLS + AUTH PLAIN on 1587" swaks_submit 1587 --tls
check "swaks STARTTLS + AUTH PLAIN on 2525" swaks_submit 2525 --tls
check "swaks implicit TLS + AUTH on 1465" swaks_submit 1465 --tlsc

openssl_submit() { # a dialogue with openssl s_client as a coprocess: each command waits for its reply, no sleeps
  local token
  token=$(printf '\0alice@example.com\0e2e-secret' | base64 -w0)
  coproc OSSL { timeout 30 openssl s_client -starttls smtp -connect 127.0.0.1:1587 -crlf -quiet 2>>"$tmp/openssl.err"; }
  say "EHLO e2e.test" 250 && say "AUTH PLAIN $token" 235 && say "MAIL FROM:<alice@example.com>" 250 \
    && say "RCPT TO:<dave@[192.0.2.1]>" 250 && say "DATA" 354 \
    && say $'From: alice@example.com\nSubject: e2e via openssl\n\nHello.\n.' 250 && say "QUIT" 221
  local ok=$?
  kill "$OSSL_PID" 2>/dev/null; wait "$OSSL_PID" 2>/dev/null
  ((ok == 0)) && grep -q '^250 2.0.0 Ok: queued as' "$tmp/openssl.out"
}
say() { # say TEXT CODE: write TEXT to openssl, read until a final reply line with CODE (20 s at most)
  local line
  printf '%s\n' "$1" >&"${OSSL[1]}"
  while IFS= read -r -t 20 line <&"${OSSL[0]}"; do
    line=${line%$'\r'}
    echo "$line" >>"$tmp/openssl.out"
    [[ $line == "$2 "* ]] && return 0
    [[ $line =~ ^[0-9]{3}\  ]] && return 1
  done
  return 1
}
check "openssl s_client -starttls smtp + AUTH on 1587" openssl_submit

refused() { # refused EXPECTED SWAKS-ARGS...: swaks fails and the server said EXPECTED
  swaks --server "127.0.0.1:$2" "${@:3}" --timeout 20 >"$tmp/refused" 2>&1
  grep -qE "<[~*]\* +$1" "$tmp/refused"
}
auth_before_tls() { # swaks will not try an AUTH that is not advertised: Python's smtplib sends it anyway
  python3 - <<'PY'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", 1587, timeout=20)
s.ehlo("e2e.test")
code, text = s.docmd("AUTH", "PLAIN AGFsaWNlQGV4YW1wbGUuY29tAGUyZS1zZWNyZXQ=")
s.quit()
sys.exit(0 if (code, text[:5]) == (530, b"5.7.0") else 1)
PY
}
check "AUTH before STARTTLS is refused (530 5.7.0)" auth_before_tls
check "inbound 1025 refuses relaying (554 5.7.1)" refused "554 5.7.1" 1025 --from a@remote.example --to victim@elsewhere.example
check "inbound 1025 refuses unknown users (550 5.1.1)" refused "550 5.1.1" 1025 --from a@remote.example --to nobody@example.com
check "sending as someone else is refused (553 5.7.1)" refused "553 5.7.1" 1587 --tls --auth PLAIN \
  --auth-user alice@example.com --auth-password e2e-secret --from ceo@example.com --to x@remote.example
logged_refusals() { # one line each, with the client, the port, the user, the command and the reply
  grep -q 'client=127.0.0.1 session=[0-9a-f]* port=1025 user=- reject: RCPT TO:<victim@elsewhere.example>: 554 5.7.1 Relay access denied' "$tmp/server.log" \
    && grep -q 'client=127.0.0.1 session=[0-9a-f]* port=1025 user=- reject: RCPT TO:<nobody@example.com>: 550 5.1.1 Recipient address rejected' "$tmp/server.log" \
    && grep -q 'client=127.0.0.1 session=[0-9a-f]* port=1587 user=alice@example.com reject: MAIL FROM:<ceo@example.com>: 553 5.7.1' "$tmp/server.log" \
    && ! grep -q 'e2e-secret' "$tmp/server.log"
}
check "the log has a line per refusal: client, port, user, command, reply (and never a password)" logged_refusals

queued=$(./mailgate queue list --json --data-dir "$data" | grep -o '"id"' | wc -l)
check "queue list shows the 4 accepted messages (saw $queued)" test "$queued" -eq 4
first=$(./mailgate queue list --data-dir "$data" | head -1 | cut -d' ' -f1)
check "queue show prints our Received header" bash -c "./mailgate queue show $first --data-dir '$data' | grep -q '(Mailgate) with ESMTPSA id $first'"

banned_at_connect() { # a ban from the command line is in force within seconds, and lifts as quickly
  ./mailgate ban add 127.0.0.1 --reason e2e --data-dir "$data" >/dev/null || return 1
  local _
  for _ in $(seq 1 20); do
    swaks --server 127.0.0.1:1025 --from a@remote.example --to alice@example.com --quit-after CONNECT --timeout 5 >"$tmp/ban" 2>&1
    grep -q '<-\*\? *554 5.7.1' "$tmp/ban" && break
    sleep 0.25
  done
  grep -qE '554 5.7.1 Access denied\s*$' "$tmp/ban" || return 1 # a manual ban gives no reason
  ./mailgate ban list --data-dir "$data" | grep -q '127.0.0.1/32' || return 1
  ./mailgate ban remove 127.0.0.1 --data-dir "$data" >/dev/null || return 1
  for _ in $(seq 1 20); do
    swaks --server 127.0.0.1:1025 --quit-after CONNECT --timeout 5 >"$tmp/ban" 2>&1 && return 0
    sleep 0.25
  done
  return 1
}
check "mailgate ban add refuses a client at connect (554 5.7.1); ban remove lets it in" banned_at_connect

# /metrics after this run, read by Prometheus's own parser: the counters the run moved
scraped() {
  /usr/bin/python3 - <<'PY'
import urllib.request
from prometheus_client.parser import text_string_to_metric_families
text = urllib.request.urlopen("http://127.0.0.1:8587/metrics", timeout=10).read().decode()
value = {}
for family in text_string_to_metric_families(text):
    for s in family.samples:
        value[(s.name, tuple(sorted(s.labels.items())))] = s.value
def at(name, **labels):
    return value.get((name, tuple(sorted(labels.items()))), -1)
checks = {
    "4 messages accepted on submission": at("mailgate_messages_accepted_total", listener="submission") == 3
        and at("mailgate_messages_accepted_total", listener="submissions") == 1,
    "logins": at("mailgate_auth_total", result="success") >= 4,
    "TLS handshakes": at("mailgate_tls_handshakes_total", result="done") >= 4,
    "the relay attempt refused": at("mailgate_refusals_total", reason="relay_denied") >= 1,
    "the banned connection refused": at("mailgate_refusals_total", reason="access_denied") >= 1,
    "commit latency histogram": at("mailgate_message_commit_seconds_count") == 4,
}
failed = [name for name, ok in checks.items() if not ok]
assert not failed, (failed, [line for line in text.splitlines() if line.startswith("mailgate_")])
assert "alice" not in text and "127.0.0.1" not in text, "no user or address in a label"
PY
}
check "/metrics on 127.0.0.1:8587, parsed by prometheus_client: the logins, TLS, messages and refusals of this run" scraped
ready() {
  python3 -c 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:8587/readyz", timeout=10).read().decode())' >"$tmp/ready" \
    && grep -qx 'ready' "$tmp/ready" && grep -qx 'ok   listeners: 4 of 4 bound' "$tmp/ready"
}
check "/readyz: ready, a line per check" ready

kill -TERM "$server_pid"
wait "$server_pid"
status=$?
server_pid=""
check "SIGTERM stops the server with exit code 0 (got $status)" test "$status" -eq 0

echo "e2e: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
