#!/usr/bin/env bash
# DKIM signing end to end: ./mailgate with keys from `mailgate dkim keygen`, mail submitted over
# STARTTLS + AUTH (DATA with Python's smtplib, BDAT by hand), read back from the recipient's
# Maildir and verified by two independent verifiers: Debian's dkimpy and npm's mailauth 4.13.3,
# each answering DNS from the records keygen printed. Then a foreign From (not signed), a tampered
# copy (both verifiers fail it), and a key rotated while the server runs.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
source scripts/lib.sh
need python3 dkimpy mailauth

work=$(mktemp -d)
mailgate_pid=""
cleanup() {
  [[ -n $mailgate_pid ]] && kill -9 "$mailgate_pid" 2>/dev/null
  if [[ -n ${KEEP:-} ]]; then echo "dkim-e2e: kept $work"; else rm -rf "$work"; fi # KEEP=1 keeps it, to look into a failure
}
trap cleanup EXIT
fail_setup() { echo "dkim-e2e: $*"; [[ -f $work/mailgate.log ]] && tail -30 "$work/mailgate.log"; exit 1; }

SUB_PORT=$(free_port)
data=$work/data
cat >"$work/mailgate.toml" <<CONF
hostname = "mx.example.test"
domains = ["example.test"]

[[listener]]
address = "127.0.0.1"
port = $SUB_PORT
kind = "submission"

[limits]
max-message-size = "40MiB"   # the 20 MiB attachment is 27 MiB in base64
CONF
for user in alice@example.test bob@example.test; do
  printf 'dkim-secret\n' | ./mailgate user add "$user" --password-stdin --data-dir "$data" >/dev/null || fail_setup "user add failed"
done
printf 'dkim-secret\n' | ./mailgate user add mallory@example.test --any-sender --password-stdin --data-dir "$data" >/dev/null \
  || fail_setup "user add --any-sender failed"

./mailgate dkim keygen example.test --data-dir "$data" >"$work/keygen.out" 2>&1 || fail_setup "dkim keygen failed: $(cat "$work/keygen.out")"
keygen_prints() { # two zone-file TXT lines, RSA split into strings of 255 octets at most
  grep -qE '^[0-9]{8}-rsa\._domainkey\.example\.test\. 3600 IN TXT "v=DKIM1; k=rsa; p=[^"]{200,}" "[^"]+"$' "$work/keygen.out" \
    && grep -qE '^[0-9]{8}-ed25519\._domainkey\.example\.test\. 3600 IN TXT "v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}="$' "$work/keygen.out"
}
check "dkim keygen prints one zone-file line per key (RSA in 255-octet strings)" keygen_prints
keys_private() { [[ $(stat -c %a "$data"/dkim/example.test/*.pem | sort -u) == 600 ]]; }
check "the private keys are mode 0600" keys_private
# The records as DNS would serve them (the strings of each TXT joined), for both verifiers
python3 - "$work/keygen.out" "$work/records.json" "$work/dns-cache.json" <<'PY'
import json, re, sys
records = {}
for line in open(sys.argv[1]):
    m = re.match(r'^(\S+)\. 3600 IN TXT (.*)$', line.strip())
    if m:
        records[m.group(1)] = "".join(re.findall(r'"([^"]*)"', m.group(2)))
json.dump(records, open(sys.argv[2], "w"))
json.dump({name: {"TXT": [[text]]} for name, text in records.items()}, open(sys.argv[3], "w"))
PY
check "pending keys do not sign: dkim list says pending" bash -c "./mailgate dkim list --data-dir '$data' --dns-server 127.0.0.1:$(free_port) | grep -c pending | grep -qx 2"
for selector in $(sed -nE 's/^([0-9]{8}-(rsa|ed25519))\._domainkey.*/\1/p' "$work/keygen.out"); do
  ./mailgate dkim activate example.test "$selector" --force --data-dir "$data" >>"$work/activate.out" 2>&1 || fail_setup "activate failed"
done

./mailgate serve --config "$work/mailgate.toml" --data-dir "$data" >"$work/mailgate.log" 2>&1 &
mailgate_pid=$!
mailgate_ready "$work/mailgate.log" "$mailgate_pid" || fail_setup "mailgate did not start"

# --- The messages: each has a Subject that names it, and is sent to bob's Maildir
n=0
message() { # message NAME: writes $work/NAME.eml from stdin (LF line ends become CRLF; printf %s keeps a missing final one)
  python3 -c 'import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().replace(b"\n", b"\r\n"))' >"$work/$1.eml"
}
message ascii <<'M'
From: Alice <alice@example.test>
To: Bob <bob@example.test>
Subject: dkim ascii
Message-ID: <ascii@example.test>
Date: Wed, 02 Dec 2026 10:00:00 +0000

Hello Bob,   spaces	and tabs  stay as they are.
M
message utf8 <<'M'
From: =?utf-8?q?Al=C3=AFce?= <alice@example.test>
To: Bøb <bob@example.test>
Subject: dkim utf8 — grüße, 日本語
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Grüße aus Zürich: 8-bit UTF-8 in the body, 日本語 too.
M
message folded <<M
From: alice@example.test
To: bob@example.test,
 carol@example.org,
	dave@example.org, erin@example.org
Subject: dkim folded $(printf 'a long subject word %.0s' {1..12})
 continued on a folded line
References: <one@example.test>
	<two@example.test>
	<three@example.test>

Folded headers, signed relaxed.
M
message trailing <<'M'
From: alice@example.test
To: bob@example.test
Subject: dkim trailing blank lines

The body ends in blank lines, which relaxed canonicalization drops.



M
printf 'From: alice@example.test\r\nTo: bob@example.test\r\nSubject: dkim no final crlf\r\n\r\nThe last line has no CRLF' >"$work/nocrlf.eml"
printf 'From: alice@example.test\r\nTo: bob@example.test\r\nSubject: dkim empty body\r\n\r\n' >"$work/empty.eml"
python3 - "$work/big.eml" <<'PY'
import base64, os, sys
# a 20 MiB attachment, base64 in 76-character lines
payload = base64.encodebytes(os.urandom(20 * 1024 * 1024)).replace(b"\n", b"\r\n")
head = (b"From: alice@example.test\r\nTo: bob@example.test\r\nSubject: dkim big attachment\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n"
        b"--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n")
open(sys.argv[1], "wb").write(head + payload + b"--b1--\r\n")
PY
cp "$work/ascii.eml" "$work/bdat.eml" && sed -i 's/^Subject: dkim ascii/Subject: dkim bdat/' "$work/bdat.eml"

submit() { # submit NAME [--bdat] [--smtputf8] [FROM-USER]: the message of NAME, from alice (or FROM-USER) to bob
  local user=${4:-alice@example.test}
  /usr/bin/python3 tests/dkim-tools.py submit "$SUB_PORT" "$user" dkim-secret "$user" bob@example.test "$work/$1.eml" "${@:2:2}" \
    >>"$work/submit.log" 2>&1
}
delivered() { grep -l "^Subject: dkim $1" "$data"/mailboxes/bob@example.test/new/* 2>/dev/null | head -1; }
both_verify() { # both_verify SUBJECT COUNT: dkimpy and mailauth each pass COUNT signatures of the delivered copy
  local file
  file=$(delivered "$1") && [[ -n $file ]] || return 1
  /usr/bin/python3 tests/dkim-tools.py verify "$file" "$work/records.json" "$2" >>"$work/verify.log" 2>&1 || return 1
  "$MAILGATE_NPM/node_modules/.bin/mailauth" report "$file" --dns-cache "$work/dns-cache.json" >"$work/mailauth.json" 2>>"$work/verify.log" \
    || return 1
  python3 - "$work/mailauth.json" "$2" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["dkim"]["results"]
print("mailauth:", [(r["status"]["result"], r.get("algo")) for r in results], file=sys.stderr)
sys.exit(0 if len(results) == int(sys.argv[2]) and all(r["status"]["result"] == "pass" for r in results) else 1)
PY
}
signed_and_verified() { # signed_and_verified NAME SUBJECT [SUBMIT-FLAGS...]
  submit "$1" "${@:3}" && wait_for 30 delivered "$2" && both_verify "$2" 2
}

check "plain ASCII (DATA): both signatures pass dkimpy and mailauth" signed_and_verified ascii "ascii"
check "8-bit UTF-8 headers and body (SMTPUTF8): both pass" signed_and_verified utf8 "utf8" "" --smtputf8
check "long folded headers: both pass" signed_and_verified folded "folded"
check "trailing blank lines: both pass" signed_and_verified trailing "trailing"
check "a body without a final CRLF (BDAT): both pass" signed_and_verified nocrlf "no final crlf" --bdat
check "an empty body: both pass" signed_and_verified empty "empty body"
check "BDAT: both pass" signed_and_verified bdat "bdat" --bdat
check "a 20 MiB attachment: both pass" signed_and_verified big "big attachment"
rsa_then_ed25519() { # dual-signed, RSA first, each with its own selector, one body hash
  local file
  file=$(delivered ascii)
  [[ $(grep -c '^DKIM-Signature:' "$file") == 2 ]] && grep -m1 '^DKIM-Signature:' "$file" | grep -q 'a=rsa-sha256' \
    && [[ $(grep -oE 'bh=[^;]+' "$file" | sort -u | wc -l) == 1 ]]
}
check "dual-signed: RSA first, then Ed25519, one body hash" rsa_then_ed25519
oversigned() { grep -A3 '^DKIM-Signature:' "$(delivered ascii)" | tr -d '\r\n\t ' | grep -q 'h=from:from:to:to:cc:subject:subject:'; }
check "From, To, Subject oversigned; an absent Cc named once so none can be added" oversigned
bigmem() { ! grep -q 'OutOfMemory' "$work/mailgate.log"; }
check "the 20 MiB message passed without an OutOfMemoryError (512 MiB heap)" bigmem

tampered() { # a changed body and an added From fail both verifiers
  local file
  file=$(delivered ascii)
  sed 's/Hello Bob/Hello Eve/' "$file" >"$work/tampered-body.eml"
  sed '0,/^From:/s//From: Mallory <mallory@evil.example>\r\nFrom:/' "$file" >"$work/tampered-from.eml"
  local f
  for f in "$work/tampered-body.eml" "$work/tampered-from.eml"; do
    /usr/bin/python3 tests/dkim-tools.py verify "$f" "$work/records.json" 2 >>"$work/verify.log" 2>&1 && return 1
    "$MAILGATE_NPM/node_modules/.bin/mailauth" report "$f" --dns-cache "$work/dns-cache.json" 2>/dev/null \
      | python3 -c 'import json,sys; sys.exit(any(r["status"]["result"] == "pass" for r in json.load(sys.stdin)["dkim"]["results"]))' || return 1
  done
}
check "a changed body or a prepended From fails both verifiers" tampered

message foreign <<'M'
From: someone@foreign.example
To: bob@example.test
Subject: dkim foreign from

Sent by an --any-sender user as a domain that is not ours.
M
foreign_unsigned() { submit foreign "" "" mallory@example.test && wait_for 30 delivered "foreign from" && ! grep -q '^DKIM-Signature:' "$(delivered "foreign from")"; }
check "mail from a foreign domain is not signed with our keys" foreign_unsigned

# --- Rotation while the server runs: a new RSA key activated, the old one retiring
./mailgate dkim keygen example.test --algorithm rsa --selector rotated --data-dir "$data" >"$work/rotated.out" 2>&1
python3 - "$work/rotated.out" "$work/records.json" "$work/dns-cache.json" <<'PY'
import json, re, sys
line = [l for l in open(sys.argv[1]) if " IN TXT " in l][0]
name, text = line.split(". 3600 IN TXT ")[0], "".join(re.findall(r'"([^"]*)"', line))
records = json.load(open(sys.argv[2])); records[name] = text; json.dump(records, open(sys.argv[2], "w"))
json.dump({n: {"TXT": [[t]]} for n, t in records.items()}, open(sys.argv[3], "w"))
PY
old_rsa=$(sed -nE 's/^([0-9]{8}-rsa)\._domainkey.*/\1/p' "$work/keygen.out")
./mailgate dkim activate example.test rotated --force --data-dir "$data" >"$work/rotate.out" 2>&1
retiring() { ./mailgate dkim list --json --data-dir "$data" --dns-server "127.0.0.1:$(free_port)" \
  | python3 -c 'import json,sys; k={x["selector"]: x["stage"] for x in json.load(sys.stdin)}; sys.exit(0 if k["rotated"] == "active" and k[sys.argv[1]] == "retiring" else 1)' "$old_rsa"; }
check "activate: the new key is active, the old RSA key retiring (dkim list --json)" retiring
sed 's/^Subject: dkim ascii/Subject: dkim rotated/' "$work/ascii.eml" >"$work/rotated.eml"
rotated_signs() { sleep 2; submit rotated && wait_for 30 delivered rotated && grep -A1 '^DKIM-Signature:' "$(delivered rotated)" | grep -q 's=rotated;' && both_verify rotated 2; }
check "the running server signs with the rotated key, no restart" rotated_signs
check "retire refuses an active key" bash -c "! ./mailgate dkim retire example.test rotated --data-dir '$data' >/dev/null 2>&1"
retired() { ./mailgate dkim retire example.test "$old_rsa" --data-dir "$data" >/dev/null && [[ ! -e $data/dkim/example.test/$old_rsa.pem ]]; }
check "retire: the retiring key's private half is deleted" retired

kill "$mailgate_pid" && wait "$mailgate_pid" 2>/dev/null
mailgate_pid=""
echo "dkim-e2e: $passed passed, $failed failed"
((failed == 0)) || { for f in "$work/mailgate.log" "$work/submit.log" "$work/verify.log"; do echo "--- $f"; tail -30 "$f"; done; exit 1; }
