#!/usr/bin/env bash
# A spool that fills up, on a real file system: the data directory on a 6 MiB tmpfs this script
# mounts. MAIL with a SIZE that would leave less than [limits] min-free-space is deferred up
# front (452 4.3.1, Postfix's queue_minfree); with min-free-space 1 byte (applied by `mailgate
# reload`), a message without SIZE that runs out of room mid-write is deferred too (452 4.3.1),
# not failed; every message answered 250 is in `queue list` and reads back whole; and once
# room is made the server takes mail again, without a restart.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
source scripts/lib.sh
need python3 mount
if [[ $(id -u) -ne 0 ]]; then echo "storage-e2e: runs as root (it mounts a small tmpfs)"; exit 1; fi

work=$(mktemp -d)
data=$work/spool
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill -9 "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  mountpoint -q "$data" && umount "$data"
  if [[ -n ${KEEP:-} ]]; then echo "storage-e2e: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail_setup() { echo "storage-e2e: $*"; [[ -f $work/serve.log ]] && tail -20 "$work/serve.log"; exit 1; }

mkdir -p "$data" && mount -t tmpfs -o size=6m,mode=700 tmpfs "$data" || fail_setup "cannot mount a tmpfs on $data"
config=$work/mailgate.toml
write_config() { # write_config MIN-FREE-SPACE
  cat >"$config" <<CONF
hostname = "mx.storage.test"
data-dir = "$data"
domains = ["storage.test"]

[limits]
min-free-space = $1

[delivery]
enabled = false

[[listener]]
address = "127.0.0.1"
port = 0
kind = "inbound"
CONF
}
write_config '"1MiB"'
printf 'storage-password\n' | ./mailgate user add alice@storage.test --password-stdin --config "$config" >/dev/null \
  || fail_setup "user add failed"
./mailgate serve --config "$config" >"$work/serve.log" 2>&1 &
server_pid=$!
mailgate_ready "$work/serve.log" "$server_pid" || fail_setup "the server did not start"
port=$(sed -n 's/^  inbound *127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/serve.log")
[[ -n $port ]] || fail_setup "no inbound port in the start-up report"

# send.py MODE: sends 400 KiB messages until one is deferred; prints the queue IDs accepted, then
# the deferral's reply on the last line. MODE "size" declares SIZE at MAIL; "nosize" does not.
cat >"$work/send.py" <<'PY'
import smtplib, sys
mode, port = sys.argv[1], int(sys.argv[2])
body = "Subject: filler\r\n\r\n" + ("y" * 76 + "\r\n") * 5300   # about 400 KiB
for _ in range(100):
    smtp = smtplib.SMTP("127.0.0.1", port, timeout=30)
    smtp.ehlo("client.test")
    code, reply = smtp.mail("sender@elsewhere.test", ["SIZE=%d" % len(body)] if mode == "size" else [])
    if code == 250:
        smtp.rcpt("alice@storage.test")
        code, reply = smtp.data(body)
    reply = reply.decode()
    if code != 250:
        print(code, reply)
        break
    print(reply.split()[-1])
    smtp.quit()
PY

python3 "$work/send.py" size "$port" >"$work/size.out" 2>&1
deferred_up_front() { tail -1 "$work/size.out" | grep -q '^452 4.3.1 ' && (($(wc -l <"$work/size.out") > 5)); }
check "MAIL with a SIZE that would leave under min-free-space: 452 4.3.1, after $(($(wc -l <"$work/size.out") - 1)) accepted" deferred_up_front

write_config 1
./mailgate reload --config "$config" >"$work/reload.log" 2>&1
python3 "$work/send.py" nosize "$port" >"$work/nosize.out" 2>&1
deferred_mid_write() {
  grep -qx 'config: applied \[limits\]' "$work/reload.log" && tail -1 "$work/nosize.out" | grep -q '^452 4.3.1 ' \
    && grep -q 'not queued session=[0-9a-f]* client=127.0.0.1: the spool is out of space (No space left on device)' "$work/serve.log"
}
check "min-free-space 1 byte by reload, no SIZE: the write that finds the disk full is 452 4.3.1 too, and logged as such" deferred_mid_write

accepted=$(cat <(head -n -1 "$work/size.out") <(head -n -1 "$work/nosize.out"))
./mailgate queue list --config "$config" >"$work/queue.log" 2>&1
all_listed() {
  local id
  (($(grep -c 'bytes' "$work/queue.log") == $(wc -l <<<"$accepted"))) || return 1
  for id in $accepted; do grep -q "^$id " "$work/queue.log" || return 1; done
}
check "every message answered 250 is in queue list ($(wc -l <<<"$accepted") of them), and nothing else" all_listed
reads_back() {
  local id
  for id in $accepted; do
    ./mailgate queue show "$id" --config "$config" | grep -q "$(printf 'y%.0s' {1..76})" || return 1
  done
}
check "... and each reads back with its content (queue show)" reads_back

for id in $accepted; do ./mailgate queue delete "$id" --config "$config" >/dev/null; done
takes_mail_again() {
  python3 - "$port" <<'PY'
import smtplib, sys
smtp = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30)
smtp.sendmail("sender@elsewhere.test", ["alice@storage.test"], "Subject: room again\r\n\r\nhello\r\n")
PY
}
check "with room made (queue delete), it takes mail again, no restart" wait_for 10 takes_mail_again
check "the server is still running, and its log has no stack trace" bash -c \
  "kill -0 $server_pid && ! grep -q '^\s*at \|Exception' '$work/serve.log'"
echo "storage-e2e: $passed passed, $failed failed"
((failed == 0)) || { for f in "$work"/*.log "$work"/*.out; do echo "--- $f"; tail -30 "$f"; done; exit 1; }
