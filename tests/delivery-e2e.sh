#!/usr/bin/env bash
# Delivery end to end, with real peers on loopback: ./mailgate accepts mail submitted by swaks,
# finds the MX in Knot DNS, and delivers to a private Postfix instance (with STARTTLS, and
# without where the config says "none"); Postfix's 5xx comes back as a bounce in the sender's
# Maildir; Dovecot reads the Maildirs Mailgate wrote (doveadm), then takes local mail over LMTP.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
source scripts/lib.sh
source scripts/postfix-instance.sh
need swaks openssl python3 knotd kdig postfix dovecot dovecot-lmtp dkimpy

work=$(mktemp -d)
chmod 755 "$work"
knot_pid="" mailgate_pid="" postfix_up=0 dovecot_up=0
cleanup() {
  [[ -n $mailgate_pid ]] && kill -9 "$mailgate_pid" 2>/dev/null
  [[ -n $knot_pid ]] && kill "$knot_pid" 2>/dev/null
  ((postfix_up)) && postfix -c "$work/postfix/etc" stop >/dev/null 2>&1
  ((dovecot_up)) && doveadm -c "$work/dovecot/dovecot.conf" stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
fail_setup() { echo "delivery-e2e: $*"; for f in "$work"/*.log "$work"/postfix/maillog "$work"/dovecot/dovecot.log; do [[ -f $f ]] && { echo "--- $f"; tail -20 "$f"; }; done; exit 1; }

DNS_PORT=$(free_port) PF_PORT=$(free_port) SUB_PORT=$(free_port) LMTP_PORT=$(free_port)

# --- Knot DNS: the zone "test." with the MX of two domains, both at the Postfix on loopback
mkdir -p "$work/knot/zones"
cat >"$work/knot/zones/test.zone" <<ZONE
\$ORIGIN test.
\$TTL 60
@ SOA ns.test. admin.test. 1 60 60 600 60
@ NS ns.test.
ns A 127.0.0.1
tls MX 10 mx.postfix
plain MX 10 mx.postfix
mx.postfix A 127.0.0.1
ZONE
start_knot "$work/knot" "$DNS_PORT" test
zone_served() { kdig @127.0.0.1 -p "$DNS_PORT" +short MX tls.test | grep -q mx.postfix; }
wait_for 15 zone_served || fail_setup "knotd did not serve the zone"

# --- Postfix: the remote MX, STARTTLS offered, every recipient into one Maildir, one address refused
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=mx.postfix.test -keyout "$work/pf-key.pem" \
  -out "$work/pf-cert.pem" >/dev/null 2>&1 || fail_setup "openssl cannot make a certificate"
etc=$work/postfix/etc
mkdir -p "$work/vmail"
chown nobody:nogroup "$work/vmail"
postfix_main_cf "$work/postfix" mx.postfix.test
cat >>"$etc/main.cf" <<CONF
mynetworks =
virtual_mailbox_domains = tls.test, plain.test
virtual_mailbox_base = $work/vmail
virtual_mailbox_maps = static:inbox/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
smtpd_recipient_restrictions = check_recipient_access inline:{ {nobody@tls.test = REJECT no such user here} }, permit
smtpd_relay_restrictions = reject_unauth_destination
smtpd_tls_cert_file = $work/pf-cert.pem
smtpd_tls_key_file = $work/pf-key.pem
smtpd_tls_security_level = may
smtpd_tls_received_header = yes
CONF
postfix_master_cf "$etc/master.cf" "127.0.0.1:$PF_PORT inet n - n - - smtpd"
postfix_start "$etc" "$work/postfix/data" || fail_setup "postfix did not start"
postfix_up=1
wait_for 15 port_open "$PF_PORT" || fail_setup "postfix does not listen"

# --- Mailgate: submission on a free port, delivery port = Postfix's, DNS = Knot
data=$work/mailgate-data
cat >"$work/mailgate.toml" <<CONF
hostname = "mailgate.e2e.test"
domains = ["example.com"]

[[listener]]
address = "127.0.0.1"
port = $SUB_PORT
kind = "submission"

[delivery]
port = $PF_PORT
dns-servers = ["127.0.0.1:$DNS_PORT"]
dnssec = "off"
retry-first = "2s"

[delivery.tls-policy]
"plain.test" = "none"
CONF
printf 'e2e-secret\n' | ./mailgate user add alice@example.com --password-stdin --data-dir "$data" >/dev/null || fail_setup "user add failed"
# DKIM keys for example.com, active at once; their records, for dkimpy, as keygen printed them
./mailgate dkim keygen example.com --data-dir "$data" >"$work/keygen.out" || fail_setup "dkim keygen failed"
python3 - "$work/keygen.out" "$work/dkim-records.json" <<'PY'
import json, re, sys
lines = [l.split(". 3600 IN TXT ") for l in open(sys.argv[1]) if " IN TXT " in l]
json.dump({name: "".join(re.findall(r'"([^"]*)"', text)) for name, text in lines}, open(sys.argv[2], "w"))
PY
for selector in $(sed -nE 's/^(\S+)\._domainkey\.example\.com\..*/\1/p' "$work/keygen.out"); do
  ./mailgate dkim activate example.com "$selector" --force --data-dir "$data" >/dev/null || fail_setup "dkim activate failed"
done

start_mailgate() { # start_mailgate CONFIG
  ./mailgate serve --config "$1" --data-dir "$data" >"$work/mailgate.log" 2>&1 &
  mailgate_pid=$!
  mailgate_ready "$work/mailgate.log" "$mailgate_pid" || fail_setup "mailgate did not start"
}
stop_mailgate() {
  kill "$mailgate_pid"; wait "$mailgate_pid" 2>/dev/null; mailgate_pid=""
}
submit() { # submit TO SUBJECT
  swaks --server "127.0.0.1:$SUB_PORT" --tls --auth PLAIN --auth-user alice@example.com --auth-password e2e-secret \
    --from alice@example.com --to "$1" --header "Subject: $2" --timeout 20 >>"$work/swaks.log" 2>&1
}
inbox_has() { grep -lq "Subject: $1" "$work"/vmail/inbox/new/* 2>/dev/null; }
inbox_file() { grep -l "Subject: $1" "$work"/vmail/inbox/new/* | head -1; }

start_mailgate "$work/mailgate.toml"
check "swaks submits to a remote domain" submit bob@tls.test "e2e over tls"
check "swaks submits to the plaintext-policy domain" submit carol@plain.test "e2e in plaintext"
check "Postfix (the MX found in Knot) receives the message" wait_for 30 inbox_has "e2e over tls"
# Postfix's own Received field (the first) says how Mailgate delivered: "with ESMTPS" over TLS
postfix_received() { sed -n '/^Received: from mailgate.e2e.test/,/^[^ \t]/p' "$(inbox_file "$1")" | tr -d '\n'; }
received_with() { [[ $(postfix_received "$1") == *"by mx.postfix.test (Postfix) with $2 id"* ]]; } # received_with SUBJECT PROTOCOL
check "... over STARTTLS (Postfix records TLS and ESMTPS)" received_with "e2e over tls" ESMTPS
check "... and the copy Postfix stored still passes dkimpy, both signatures" \
  /usr/bin/python3 tests/dkim-tools.py verify "$(inbox_file "e2e over tls")" "$work/dkim-records.json" 2
check "Postfix receives the message for the 'none' domain" wait_for 30 inbox_has "e2e in plaintext"
check "... without TLS (with ESMTP, not ESMTPS)" received_with "e2e in plaintext" ESMTP
check "Mailgate's log says which connection had TLS, and by which policy" bash -c "grep -qE 'mx.postfix.test\\[127.0.0.1\\]:[0-9]+: TLSv1.[23] [A-Z0-9_]+ \\(opportunistic TLS\\)' '$work/mailgate.log' \
  && grep -qE 'mx.postfix.test\\[127.0.0.1\\]:[0-9]+: no TLS \\(plaintext by config\\)' '$work/mailgate.log'"

check "... using CHUNKING (BDAT), which Postfix offers" wait_for 20 grep -q "disconnect from localhost\[127.0.0.1\] ehlo=2 starttls=1 mail=.* bdat=" "$work/postfix/maillog"

# --- Postfix refuses one address: the bounce lands in alice's Maildir, as a multipart/report
check "swaks submits to an address Postfix refuses" submit nobody@tls.test "e2e to be bounced"
bounce_arrived() { grep -lq "Undelivered Mail Returned to Sender" "$data"/mailboxes/alice@example.com/new/* 2>/dev/null; }
check "the bounce arrives in the sender's Maildir" wait_for 30 bounce_arrived
bounce_is_a_report() {
  local f
  f=$(grep -l 'Undelivered Mail Returned to Sender' "$data"/mailboxes/alice@example.com/new/* | head -1)
  grep -q 'report-type=delivery-status' "$f" && grep -q 'Status: 5.7.1' "$f" && grep -q 'Remote-MTA: dns; mx.postfix.test' "$f" \
    && grep -q 'no such user here' "$f" && grep -q 'Subject: e2e to be bounced' "$f"
}
check "... as multipart/report with Postfix's reply and the original headers" bounce_is_a_report
queue_empty() { ./mailgate queue list --data-dir "$data" | grep -q '^0 messages in the queue'; }
check "the queue is empty once everything is delivered or bounced" wait_for 20 queue_empty
# mailgate log: the bounced message's whole story, from its session to its notice's delivery
bounced_id=$(sed -n 's/.*<~  250 2.0.0 Ok: queued as \([0-9A-Z]*\).*/\1/p' "$work/swaks.log" | tail -1)
whole_story() {
  ./mailgate log "$bounced_id" "$work/mailgate.log" >"$work/story.log" || return 1
  local session
  session=$(sed -n "s/.*$bounced_id queued session=\([0-9a-f]*\) .*/\1/p" "$work/story.log")
  [[ -n $session ]] && grep -q "session=$session client=127.0.0.1 connected to port $SUB_PORT" "$work/story.log" \
    && grep -q "session=$session client=127.0.0.1 authenticated user=alice@example.com" "$work/story.log" \
    && grep -q "$bounced_id queued session=$session client=127.0.0.1 user=alice@example.com from=<alice@example.com> recipients=1" "$work/story.log" \
    && grep -qE "$bounced_id: (connected|reusing the connection) to mx.postfix.test\[127.0.0.1\]:[0-9]+: TLSv1" "$work/story.log" \
    && grep -q "$bounced_id: to=<nobody@tls.test> relay=mx.postfix.test.* status=bounced" "$work/story.log" \
    && grep -qE "$bounced_id: failed notice [0-9A-Z]+ queued for <alice@example.com>" "$work/story.log" \
    && grep -qE "[0-9A-Z]+: to=<alice@example.com> .*status=sent" "$work/story.log" \
    && ! grep -q 'e2e over tls\|bob@tls.test' "$work/story.log"
}
check "mailgate log $bounced_id: its session, login, queueing, TLS connection, bounce and the notice's delivery" whole_story

# mailgate probe against the private Postfix: an MX with STARTTLS, no AUTH, so no way for a mail client to send
./mailgate probe 127.0.0.1 --ports "$PF_PORT" --timeout 5s >"$work/probe.log" 2>&1
probe_rc=$?
probe_explains_postfix() {
  ((probe_rc == 1)) && grep -qE "^$PF_PORT +ok +greeting: 220 mx.postfix.test ESMTP Postfix" "$work/probe.log" \
    && grep -qE "^$PF_PORT +ok +STARTTLS: TLSv1.[23] " "$work/probe.log" \
    && grep -qE "^$PF_PORT +fail +no AUTH after TLS: this port takes no logins, so a mail client cannot send here" "$work/probe.log" \
    && grep -q '^Verdict: no secure way to send works from here' "$work/probe.log"
}
check "mailgate probe explains Postfix's port: greeting, STARTTLS, no AUTH for mail clients (exit $probe_rc)" probe_explains_postfix

# mailgate audit with Postfix on a listener's port, as a proxy or another MTA in front of it would be:
# the audit sees on the wire what Mailgate's own settings cannot say, here Postfix's CBC suites
cat >"$work/audit-postfix.toml" <<CONF
hostname = "mx.postfix.test"
domains = ["example.com"]

[[listener]]
address = "127.0.0.1"
port = $PF_PORT
kind = "inbound"
CONF
mkdir -m 700 "$work/audit-data"
./mailgate audit --config "$work/audit-postfix.toml" --data-dir "$work/audit-data" --no-dns >"$work/audit.log" 2>&1
audit_rc=$?
audit_sees_weak_tls() {
  ((audit_rc == 1)) && grep -qE "^PASS +$PF_PORT +TLS: TLSv1.[23] " "$work/audit.log" \
    && grep -qE "^FAIL +$PF_PORT +TLS below the defaults: TLSv1.2 TLS_[A-Z0-9_]+ was accepted \(no forward secrecy, or CBC\)" "$work/audit.log"
}
check "mailgate audit finds the weak TLS Postfix takes on a listener's port (exit $audit_rc)" audit_sees_weak_tls

# --- Dovecot reads what Mailgate wrote, then takes local mail over LMTP
dovecot_lmtp_conf "$work/dovecot" "$data" "$LMTP_PORT"
# Dovecot and Mailgate share the mailboxes, as a mail system's delivery agent and IMAP server share
# one mail user; here that user is nobody, and Mailgate (run as root by the test) hands them over.
# The data directory is private (0700): nobody may pass through it to the mailboxes, no more.
chown -R 65534:65534 "$data/mailboxes"
chmod 711 "$data"
dovecot -c "$work/dovecot/dovecot.conf" || fail_setup "dovecot did not start"
dovecot_up=1
wait_for 15 port_open "$LMTP_PORT" || fail_setup "dovecot lmtp does not listen"
dovecot_reads_bounce() {
  doveadm -c "$work/dovecot/dovecot.conf" fetch -u alice@example.com hdr mailbox INBOX | grep -q 'Subject: Undelivered Mail Returned to Sender'
}
check "Dovecot (doveadm) reads the bounce from the Maildir Mailgate wrote" dovecot_reads_bounce

stop_mailgate
sed 's/^retry-first = "2s"$/retry-first = "2s"\nlmtp = "127.0.0.1:'"$LMTP_PORT"'"/' "$work/mailgate.toml" >"$work/mailgate-lmtp.toml"
start_mailgate "$work/mailgate-lmtp.toml"
check "swaks submits to a local user" submit alice@example.com "e2e over lmtp"
lmtp_delivered() { doveadm -c "$work/dovecot/dovecot.conf" fetch -u alice@example.com hdr mailbox INBOX | grep -q 'Subject: e2e over lmtp'; }
check "the local message reaches Dovecot over LMTP" wait_for 30 lmtp_delivered
# Dovecot has the message a moment before Mailgate, having journaled the reply, logs it
check "... and Mailgate logged the LMTP delivery" wait_for 10 grep -q "to=<alice@example.com> relay=127.0.0.1.*status=sent" "$work/mailgate.log"
stop_mailgate

echo "delivery-e2e: $passed passed, $failed failed"
((failed == 0)) || { for f in "$work/mailgate.log" "$work/postfix/maillog" "$work/dovecot/dovecot.log" "$work/swaks.log"; do echo "--- $f"; tail -30 "$f"; done; exit 1; }
