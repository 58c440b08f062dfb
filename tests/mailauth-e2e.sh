#!/usr/bin/env bash
# Inbound SPF, DKIM and DMARC end to end, with real peers on loopback: Knot DNS serves the SPF,
# DKIM and DMARC records of sender.test (p=reject) and quarantine.test (p=quarantine) and the PTR
# of 127.0.0.1; swaks sends to ./mailgate's inbound listener from 127.0.0.1 (authorised by SPF)
# and from 127.0.0.2 (not); dkimpy signs the legitimate mail. Mailgate refuses the p=reject
# forgery with 550 and queues nothing, files the p=quarantine one in .Junk, delivers the signed
# one with dkim=pass and dmarc=pass; Dovecot reads both folders, Debian's python3-authres parses
# the Authentication-Results field, and a forged one claiming our authserv-id is gone. Then over
# LMTP to Dovecot, with ARC on: a list's ARC seal (dkimpy's) over a p=reject failure sends it to
# Junk when the list is trusted, and it is refused when the sealer is not.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
source scripts/lib.sh
need swaks openssl python3 knotd kdig dovecot dovecot-lmtp dkimpy authres

work=$(mktemp -d)
chmod 755 "$work"
knot_pid="" mailgate_pid="" dovecot_up=0
cleanup() {
  [[ -n $mailgate_pid ]] && kill -9 "$mailgate_pid" 2>/dev/null
  [[ -n $knot_pid ]] && kill "$knot_pid" 2>/dev/null
  ((dovecot_up)) && doveadm -c "$work/dovecot/dovecot.conf" stop >/dev/null 2>&1
  if [[ -n ${KEEP:-} ]]; then echo "mailauth-e2e: kept $work"; else rm -rf "$work"; fi # KEEP=1 keeps it, to look into a failure
}
trap cleanup EXIT
fail_setup() { echo "mailauth-e2e: $*"; for f in "$work"/*.log "$work"/dovecot/dovecot.log; do [[ -f $f ]] && { echo "--- $f"; tail -20 "$f"; }; done; exit 1; }

DNS_PORT=$(free_port) IN_PORT=$(free_port) LMTP_PORT=$(free_port)

# --- sender.test's DKIM key (dkimpy signs with it), its public half for the zone in strings of 250
dkim_record=$(dkim_key "$work/dkim.pem") || fail_setup "openssl cannot make an RSA key"

# --- Knot DNS: the zones "test." and "127.in-addr.arpa." (iprev of 127.0.0.1)
mkdir -p "$work/knot/zones"
cat >"$work/knot/zones/test.zone" <<ZONE
\$ORIGIN test.
\$TTL 60
@ SOA ns.test. admin.test. 1 60 60 600 60
@ NS ns.test.
ns A 127.0.0.1
sender TXT "v=spf1 ip4:127.0.0.1 -all"
_dmarc.sender TXT "v=DMARC1; p=reject"
e2e._domainkey.sender TXT $dkim_record
mx.sender A 127.0.0.1
quarantine TXT "v=spf1 ip4:127.0.0.1 -all"
lists TXT "v=spf1 ip4:127.0.0.2 -all"
arc._domainkey.lists TXT $dkim_record
arc._domainkey.untrusted TXT $dkim_record
_dmarc.quarantine TXT "v=DMARC1; p=quarantine"
ZONE
cat >"$work/knot/zones/127.in-addr.arpa.zone" <<ZONE
\$ORIGIN 127.in-addr.arpa.
\$TTL 60
@ SOA ns.test. admin.test. 1 60 60 600 60
@ NS ns.test.
1.0.0 PTR mx.sender.test.
ZONE
start_knot "$work/knot" "$DNS_PORT" test 127.in-addr.arpa
zones_served() {
  kdig @127.0.0.1 -p "$DNS_PORT" +short TXT e2e._domainkey.sender.test | grep -q 'v=DKIM1' \
    && kdig @127.0.0.1 -p "$DNS_PORT" +short -x 127.0.0.1 | grep -q mx.sender.test
}
wait_for 15 zones_served || fail_setup "knotd did not serve the zones"

# --- Mailgate: the inbound listener for example.test, its resolver asking Knot
data=$work/data
cat >"$work/mailgate.toml" <<CONF
hostname = "mx.example.test"
domains = ["example.test"]

[[listener]]
address = "127.0.0.1"
port = $IN_PORT
kind = "inbound"

[delivery]
dns-servers = ["127.0.0.1:$DNS_PORT"]
dnssec = "off"
CONF
printf 'unused-secret\n' | ./mailgate user add bob@example.test --password-stdin --data-dir "$data" >/dev/null || fail_setup "user add failed"
./mailgate serve --config "$work/mailgate.toml" --data-dir "$data" >"$work/mailgate.log" 2>&1 &
mailgate_pid=$!
mailgate_ready "$work/mailgate.log" "$mailgate_pid" || fail_setup "mailgate did not start"

# --- The messages (LF line ends become CRLF)
message() { python3 -c 'import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().replace(b"\n", b"\r\n"))' >"$work/$1.eml"; }
message legit <<'M'
From: Alice <alice@sender.test>
To: Bob <bob@example.test>
Subject: mailauth legit
Date: Wed, 02 Dec 2026 10:00:00 +0000
Message-ID: <legit@sender.test>

Signed by sender.test, sent from the address its SPF record names.
M
/usr/bin/python3 - "$work/legit.eml" "$work/dkim.pem" <<'PY' || fail_setup "dkimpy cannot sign"
import dkim, sys
message, key = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
signature = dkim.sign(message, b"e2e", b"sender.test", key, canonicalize=(b"relaxed", b"relaxed"),
                      include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
# fields added on the way (unsigned): one claiming our authserv-id, one of another receiver
forged = (b"Authentication-Results: mx.example.test; dkim=pass header.d=bank.test; dmarc=pass header.from=bank.test\r\n"
          b"Authentication-Results: relay.other.test; spf=pass smtp.mailfrom=alice@sender.test\r\n")
open(sys.argv[1], "wb").write(forged + signature + message)
PY
# a mailing list (lists.test, trusted) and another forwarder (untrusted.test) tag the Subject and
# add a footer, which breaks sender.test's signature, and seal the result with ARC
/usr/bin/python3 - "$work" <<'PY' || fail_setup "dkimpy cannot seal"
import dkim, sys
work = sys.argv[1]
key, legit = open(work + "/dkim.pem", "rb").read(), open(work + "/legit.eml", "rb").read()
signed = legit[legit.index(b"DKIM-Signature:"):]  # as sender.test sent it, without the fields added on the way
for name, sealer in (("list", b"lists.test"), ("untrusted-list", b"untrusted.test")):
    m = signed.replace(b"Subject: mailauth legit", b"Subject: mailauth " + name.encode() + b" forwarded") + b"-- \r\nThe list's footer.\r\n"
    m = b"Authentication-Results: " + sealer + b"; dkim=pass header.d=sender.test; dmarc=pass header.from=sender.test\r\n" + m
    open(f"{work}/{name}.eml", "wb").write(b"".join(dkim.arc_sign(m, b"arc", sealer, key, sealer)) + m)
PY
message reject <<'M'
From: CEO <ceo@sender.test>
To: bob@example.test
Subject: mailauth reject forgery

Please wire the money today.
M
message quarantine <<'M'
From: news@quarantine.test
To: bob@example.test
Subject: mailauth quarantine forgery

You won a prize.
M
message local <<'M'
From: boss@example.test
To: bob@example.test
Subject: mailauth local forgery

Our own domain, from outside, unsigned.
M

send() { # send NAME FROM-ADDRESS SENDER: swaks from that loopback address; its transcript in $work/NAME.swaks
  swaks --server "127.0.0.1:$IN_PORT" --local-interface "$2" --helo mx.sender.test --from "$3" --to bob@example.test \
    --data "@$work/$1.eml" --timeout 20 >"$work/$1.swaks" 2>&1
}
replied() { grep -qE "^<(-|~|\*\*) +$2" "$work/$1.swaks"; } # replied NAME REPLY-PREFIX: to the end of data
mailbox() { echo "$data/mailboxes/bob@example.test${1:+/.$1}"; }
delivered() { grep -l "^Subject: mailauth $2" "$(mailbox "$1")"/new/* 2>/dev/null | head -1; } # delivered FOLDER SUBJECT ("" = INBOX)
nowhere() { ! grep -rlq "^Subject: mailauth $1" "$data/mailboxes" 2>/dev/null; }
queue_empty() { ./mailgate queue list --data-dir "$data" | grep -q '^0 messages in the queue'; }

# --- The legitimate message
send legit 127.0.0.1 alice@sender.test
check "a signed message from an SPF-authorised address is accepted (250)" replied legit '250 2.0.0'
check "... and delivered to bob's INBOX" wait_for 30 delivered "" legit
results() { # results FILE: our Authentication-Results field, parsed by python3-authres, as "method=result prop=value ..." lines
  /usr/bin/python3 - "$1" <<'PY'
import authres, email, email.policy, sys
message = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.compat32)
ours = [f for f in message.get_all("Authentication-Results", []) if f.split(";")[0].strip() == "mx.example.test"]
if len(ours) != 1:
    sys.exit(f"{len(ours)} fields of mx.example.test")
field = authres.AuthenticationResultsHeader.parse("Authentication-Results: " + " ".join(ours[0].split()))
for r in field.results:
    print(f"{r.method}={r.result}", *[f"{p.type}.{p.name}={p.value}" for p in r.properties])
PY
}
parsed_pass() {
  local file
  file=$(delivered "" legit) && results "$file" >"$work/legit.results" || return 1
  cat "$work/legit.results"
  grep -qx 'iprev=pass policy.iprev=127.0.0.1' "$work/legit.results" \
    && grep -qx 'spf=pass smtp.mailfrom=alice@sender.test' "$work/legit.results" \
    && grep -qx 'dkim=pass header.d=sender.test header.s=e2e header.a=rsa-sha256 header.b=.*' "$work/legit.results" \
    && grep -qx 'dmarc=pass header.from=sender.test policy.dmarc=reject' "$work/legit.results"
}
check "python3-authres parses the field: iprev, spf, dkim and dmarc pass" parsed_pass
forged_gone() {
  local file
  file=$(delivered "" legit) || return 1
  ! grep -q 'bank.test' "$file" && grep -q '^Authentication-Results: relay.other.test; spf=pass' "$file"
}
check "the arriving field claiming mx.example.test is removed; another receiver's stays" forged_gone
above_arrived() { # ours comes before every field the message arrived with (after Return-Path and Delivered-To)
  grep -m1 -vE '^(Return-Path|Delivered-To):' "$(delivered "" legit)" | grep -q '^Authentication-Results: mx.example.test;'
}
check "our field is above those the message arrived with" above_arrived

# --- Forgeries from 127.0.0.2, which no SPF record names, and unsigned
send reject 127.0.0.2 ceo@sender.test
check "a p=reject forgery is refused with 550 5.7.1 at the end of data" replied reject '550 5.7.1'
check "... saying why" grep -q 'fails the DMARC policy (p=reject)' "$work/reject.swaks"
check "... and nothing is queued or delivered" bash -c "$(declare -f nowhere queue_empty); data='$data'; nowhere 'reject forgery' && queue_empty"
check "... and the log has its verdicts" grep -q 'mailauth client=127.0.0.2 .*spf=fail dkim=none dmarc=fail policy=reject from=sender.test action=550' "$work/mailgate.log"

send quarantine 127.0.0.2 news@quarantine.test
check "a p=quarantine forgery is accepted (250)" replied quarantine '250 2.0.0'
check "... into bob's .Junk folder" wait_for 30 delivered Junk "quarantine forgery"
check "... and not into the INBOX" bash -c "! grep -lq '^Subject: mailauth quarantine' '$(mailbox)'/new/* 2>/dev/null"
parsed_quarantine() {
  results "$(delivered Junk "quarantine forgery")" >"$work/quarantine.results" || return 1
  grep -qx 'spf=fail smtp.mailfrom=news@quarantine.test' "$work/quarantine.results" \
    && grep -qx 'dmarc=fail header.from=quarantine.test policy.dmarc=quarantine' "$work/quarantine.results"
}
check "... with the field saying spf=fail and dmarc=fail under p=quarantine" parsed_quarantine

send local 127.0.0.2 boss@example.test
check "mail whose From is our own domain, unsigned, from outside, is refused with 550 5.7.1" replied local '550 5.7.1'
check "... and is not delivered" nowhere "local forgery"

# --- Dovecot reads both folders Mailgate wrote
# bob+Junk@ (how Mailgate passes a folder over LMTP) is bob's, into his Junk mailbox
dovecot_lmtp_conf "$work/dovecot" "$data" "$LMTP_PORT" "recipient_delimiter = +
lmtp_save_to_detail_mailbox = yes"
# Dovecot's mail user (nobody) owns the mailboxes; Mailgate runs as root here (see delivery-e2e.sh)
chown -R 65534:65534 "$data/mailboxes"
chmod 711 "$data"
dovecot -c "$work/dovecot/dovecot.conf" || fail_setup "dovecot did not start"
dovecot_up=1
doveadm_has() { doveadm -c "$work/dovecot/dovecot.conf" fetch -u bob@example.test hdr mailbox "$1" | grep -q "Subject: mailauth $2"; }
check "Dovecot reads the legitimate message in INBOX" wait_for 15 doveadm_has INBOX legit
check "Dovecot reads the quarantined one in Junk" doveadm_has Junk "quarantine forgery"

# --- Over LMTP to Dovecot instead of Maildirs: the quarantined message still lands in Junk;
# and ARC on, with lists.test trusted
kill "$mailgate_pid" && wait "$mailgate_pid" 2>/dev/null
{
  sed "s/^dnssec = \"off\"$/dnssec = \"off\"\nlmtp = \"127.0.0.1:$LMTP_PORT\"/" "$work/mailgate.toml"
  printf '\n[mailauth]\narc = true\narc-trusted-sealers = ["lists.test"]\n'
} >"$work/mailgate-lmtp.toml"
./mailgate serve --config "$work/mailgate-lmtp.toml" --data-dir "$data" >"$work/mailgate-lmtp.log" 2>&1 &
mailgate_pid=$!
mailgate_ready "$work/mailgate-lmtp.log" "$mailgate_pid" || fail_setup "mailgate (with LMTP) did not start"
sed 's/^Subject: mailauth quarantine forgery/Subject: mailauth lmtp quarantine/' "$work/quarantine.eml" >"$work/lmtp-quarantine.eml"
sed 's/^Subject: mailauth legit/Subject: mailauth lmtp legit/' "$work/legit.eml" >"$work/lmtp-legit.eml" # the changed Subject fails DKIM; SPF aligns
send lmtp-quarantine 127.0.0.2 news@quarantine.test
send lmtp-legit 127.0.0.1 alice@sender.test
check "over LMTP, the p=quarantine forgery reaches Dovecot's Junk (bob+Junk, lmtp_save_to_detail_mailbox)" \
  wait_for 30 doveadm_has Junk "lmtp quarantine"
check "... and the legitimate message Dovecot's INBOX" wait_for 30 doveadm_has INBOX "lmtp legit"
check "... logged as delivered to bob, not bob+Junk" grep -q 'to=<bob@example.test> relay=127.0.0.1.*status=sent' "$work/mailgate-lmtp.log"

send list 127.0.0.2 list-bounces@lists.test
send untrusted-list 127.0.0.2 list-bounces@lists.test
check "with ARC on, a p=reject failure that the trusted list sealed is accepted (250)" replied list '250 2.0.0'
check "... into Dovecot's Junk" wait_for 30 doveadm_has Junk "list forwarded"
parsed_arc() {
  results "$(delivered Junk "list forwarded")" >"$work/list.results" || return 1
  cat "$work/list.results"
  grep -qx 'dmarc=fail header.from=sender.test policy.dmarc=reject' "$work/list.results" \
    && grep -qx 'arc=pass smtp.remote-ip=127.0.0.2' "$work/list.results"
}
check "... with the field saying dmarc=fail under p=reject and arc=pass" parsed_arc
check "... and the log line arc=pass(lists.test) action=accept(Junk)" \
  grep -q 'spf=pass dkim=fail(sender.test) dmarc=fail policy=reject from=sender.test arc=pass(lists.test) action=accept(Junk)' "$work/mailgate-lmtp.log"
check "the same sealed by a forwarder not trusted is refused with 550 5.7.1" replied untrusted-list '550 5.7.1'

# --- The admin's view of the same message: mailgate mailauth verify, asking the same DNS server
verify_cli() {
  ./mailgate mailauth verify --ip 127.0.0.1 --helo mx.sender.test --sender alice@sender.test --dns-server "127.0.0.1:$DNS_PORT" \
    <"$work/legit.eml" >"$work/verify.out" 2>&1 \
    && grep -q 'dkim=pass header.d=sender.test header.s=e2e' "$work/verify.out" && grep -q 'dmarc=pass' "$work/verify.out"
}
check "mailgate mailauth verify gives the same verdicts for the message as sent" verify_cli

kill "$mailgate_pid" && wait "$mailgate_pid" 2>/dev/null
mailgate_pid=""
echo "mailauth-e2e: $passed passed, $failed failed"
((failed == 0)) || { for f in "$work"/mailgate*.log "$work"/*.swaks "$work/verify.out" "$work/dovecot/dovecot.log"; do echo "--- $f"; tail -30 "$f"; done; exit 1; }
