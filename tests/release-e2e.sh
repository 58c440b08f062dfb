#!/usr/bin/env bash
# The release as an admin installs it: the archive `mvn package` made is unpacked into a
# temporary root (opt/mailgate, etc/systemd/system), its unit passes `systemd-analyze verify`
# with no warning, its example config passes check-config, and the server runs from it as an
# unprivileged user (nobody) that binds a privileged port through CAP_NET_BIND_SERVICE alone, as
# the unit's User= and AmbientCapabilities= have it (setpriv stands in for systemd, which is not
# PID 1 here). It tells NOTIFY_SOCKET READY=1, RELOADING=1 on SIGHUP and STOPPING=1 on SIGTERM,
# as a Type=notify unit needs; without the capability it stops with one clear line.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
source scripts/lib.sh
need python3 openssl swaks systemd-analyze setpriv
if [[ $(id -u) -ne 0 ]]; then echo "release-e2e: runs as root (it switches to the user nobody with setpriv)"; exit 1; fi

work=$(mktemp -d)
chmod 755 "$work"
server_pid="" notify_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill -9 "$server_pid" 2>/dev/null
  [[ -n $notify_pid ]] && kill "$notify_pid" 2>/dev/null
  if [[ -n ${KEEP:-} ]]; then echo "release-e2e: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail_setup() { echo "release-e2e: $*"; for f in "$work"/*.log; do [[ -f $f ]] && { echo "--- $f"; tail -20 "$f"; }; done; exit 1; }

archive=$(ls target/mailgate-*.tar.gz 2>/dev/null | head -1)
[[ -n $archive ]] || fail_setup "no release archive in target/: mvn package makes it"
top=$work/root
mkdir -p "$top/opt" "$top/etc/systemd/system" "$top/etc/mailgate" "$top/var/lib" "$top/usr/lib/systemd" "$top/bin" "$top/tmp"
tar xzf "$archive" -C "$top/opt" || fail_setup "cannot unpack $archive"
mv "$top/opt"/mailgate-* "$top/opt/mailgate"
home=$top/opt/mailgate
has_layout() {
  [[ -x $home/bin/mailgate && -f $home/etc/mailgate.toml.example && -f $home/systemd/mailgate.service ]] \
    && ls "$home"/lib/mailgate-*.jar >/dev/null 2>&1
}
check "the archive holds bin/mailgate, lib/ with the jars, etc/mailgate.toml.example and systemd/mailgate.service" has_layout

# --- The unit, against the units and programs of this machine (its targets, /bin/kill)
cp "$home/systemd/mailgate.service" "$top/etc/systemd/system/"
cp -a /usr/lib/systemd/system "$top/usr/lib/systemd/"
cp /bin/kill "$top/bin/"
verify_clean() {
  systemd-analyze verify --root="$top" --man=no mailgate.service >"$work/verify.log" 2>&1 || return 1
  [[ ! -s $work/verify.log ]] # a warning (an unknown key, a missing program) fails too
}
check "systemd-analyze verify accepts the unit without a warning" verify_clean
hardened() {
  local unit=$top/etc/systemd/system/mailgate.service
  grep -qx 'User=mailgate' "$unit" && grep -qx 'AmbientCapabilities=CAP_NET_BIND_SERVICE' "$unit" \
    && grep -qx 'CapabilityBoundingSet=CAP_NET_BIND_SERVICE' "$unit" && grep -qx 'NoNewPrivileges=yes' "$unit" \
    && grep -qx 'ProtectSystem=strict' "$unit" && grep -qx 'ReadWritePaths=/var/lib/mailgate' "$unit" \
    && grep -qx 'PrivateTmp=yes' "$unit" && grep -qx 'Type=notify' "$unit" && grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$unit"
}
check "... runs as the user mailgate with only CAP_NET_BIND_SERVICE, hardened, Type=notify, reload by SIGHUP" hardened
systemd-analyze security --offline=true --root="$top" mailgate.service 2>/dev/null | tail -1 | sed 's/^/release-e2e: /'

# --- The example config: its certificate paths pointed at certificates made here, it passes check-config
for name in "" other.example/; do
  mkdir -p "$top/etc/mailgate/$name"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=mail.example.com \
    -keyout "$top/etc/mailgate/${name}privkey.pem" -out "$top/etc/mailgate/${name}fullchain.pem" >/dev/null 2>&1
done
sed "s#/etc/mailgate/#$top/etc/mailgate/#g; s#/var/lib/mailgate#$top/var/lib/mailgate#" "$home/etc/mailgate.toml.example" \
  >"$top/etc/mailgate/example.toml"
check "the example config passes check-config" bash -c "'$home/bin/mailgate' check-config '$top/etc/mailgate/example.toml' >'$work/check.log' 2>&1"

# --- Run from the install as nobody, on a privileged port, through the capability alone
free_privileged_port() {
  python3 - "$@" <<'PY'
import socket, sys
for port in range(1023, 600, -1):
    if str(port) in sys.argv[1:]:
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
PY
}
privileged_port=$(free_privileged_port)
[[ -n $privileged_port ]] || fail_setup "no free port under 1024 on 127.0.0.1"
data=$top/var/lib/mailgate
mkdir -p "$data" && chown 65534:65534 "$data" && chmod 700 "$data"
cat >"$top/etc/mailgate/mailgate.toml" <<CONF
hostname = "mx.release.test"
data-dir = "$data"
domains = ["release.test"]

[log]
format = "json"

[delivery]
enabled = false

[[listener]]
address = "127.0.0.1"
port = $privileged_port
kind = "submission"
CONF
chmod 644 "$top/etc/mailgate/mailgate.toml"
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
printf 'release-password\n' | "${as_nobody[@]}" "$home/bin/mailgate" user add alice@release.test --password-stdin \
  --config "$top/etc/mailgate/mailgate.toml" >"$work/user.log" 2>&1 || fail_setup "user add as nobody failed"

# the notify socket systemd would give: a Unix datagram socket nobody may write to
python3 - "$work/notify" "$work/notify.out" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode().replace("\n", " ") + "\n")
PY
notify_pid=$!
wait_for 10 test -S "$work/notify" || fail_setup "the notify socket was not made"

NOTIFY_SOCKET=$work/notify "${as_nobody[@]}" --inh-caps=+net_bind_service --ambient-caps=+net_bind_service \
  --bounding-set=-all,+net_bind_service "$home/bin/mailgate" serve --config "$top/etc/mailgate/mailgate.toml" >"$work/serve.log" 2>&1 &
server_pid=$!
mailgate_ready "$work/serve.log" "$server_pid" || fail_setup "the server did not start as nobody"
notified() { grep -q "^$1" "$work/notify.out"; }
check "it binds port $privileged_port as nobody with CAP_NET_BIND_SERVICE, and tells systemd READY=1" wait_for 10 notified "READY=1"
check "... runs as uid 65534" bash -c "[[ \$(ps -o uid= -p $server_pid | tr -d ' ') == 65534 ]]"
submit() {
  swaks --server "127.0.0.1:$privileged_port" --tls --auth PLAIN --auth-user alice@release.test --auth-password release-password \
    --from alice@release.test --to bob@elsewhere.test --timeout 20 >"$work/swaks.log" 2>&1 \
    && grep -qE '^<[-~]  250 2.0.0' "$work/swaks.log"
}
check "... and takes a message over STARTTLS and AUTH (swaks)" submit
# the log, in JSON lines: each parses; one session's lines share its id; the size logged is the size queue list shows
"${as_nobody[@]}" "$home/bin/mailgate" queue list --config "$top/etc/mailgate/mailgate.toml" >"$work/queue.log" 2>&1
json_log() {
  python3 - "$work/serve.log" "$work/queue.log" <<'PY'
import json, re, sys
events = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
assert len(events) >= 4 and all({"timestamp", "level", "loggerName", "formattedMessage"} <= e.keys() for e in events), events
queued = [e["formattedMessage"] for e in events if " queued session=" in e["formattedMessage"]]
assert len(queued) == 1, queued
queue_id, session, size = re.match(r"(\S+) queued session=(\S+) client=127\.0\.0\.1 user=alice@release\.test .* size=(\d+)$", queued[0]).groups()
mine = [e["formattedMessage"] for e in events if "session=" + session + " " in e["formattedMessage"]]
assert any("connected to port" in m for m in mine) and any("authenticated user=alice@release.test" in m for m in mine), mine
listed = re.search(re.escape(queue_id) + r"\s+\S+\s+(\d+) bytes", open(sys.argv[2]).read())
assert listed and listed.group(1) == size, (size, open(sys.argv[2]).read())
PY
}
check "its log is JSON lines ([log] format = \"json\"); one session's connect, login and queued lines share its id; the size logged is queue list's" json_log
owned_by_nobody() { [[ -z $(find "$data" ! -uid 65534 -print -quit) ]]; }
check "... everything in its data directory belongs to nobody" owned_by_nobody
kill -HUP "$server_pid"
reloaded() { grep -q '^RELOADING=1' "$work/notify.out" && [[ $(grep -c '^READY=1' "$work/notify.out") -ge 2 ]]; }
check "SIGHUP: it tells systemd RELOADING=1, then READY=1 again" wait_for 10 reloaded
second_port=$(free_privileged_port "$privileged_port")
printf '\n[[listener]]\naddress = "127.0.0.1"\nport = %s\nkind = "submission"\n' "$second_port" >>"$top/etc/mailgate/mailgate.toml"
"${as_nobody[@]}" "$home/bin/mailgate" reload --config "$top/etc/mailgate/mailgate.toml" >"$work/reload.log" 2>&1
reload_rc=$?
rebound() {
  ((reload_rc == 0)) && grep -qx "config: applied \[\[listener\]\]" "$work/reload.log" \
    && grep -qx "listener: listening on 127.0.0.1:$second_port (submission)" "$work/reload.log" \
    && swaks --server "127.0.0.1:$second_port" --quit-after EHLO --timeout 10 >"$work/second.log" 2>&1
}
check "mailgate reload as nobody: a new listener on privileged port $second_port is bound through the capability, and answers" rebound
kill -TERM "$server_pid"
wait "$server_pid"
stopped=$?
server_pid=""
check "SIGTERM: it tells systemd STOPPING=1 and exits 0 (got $stopped)" bash -c "(( $stopped == 0 )) && grep -q '^STOPPING=1' '$work/notify.out'"

# --- Without the capability the bind fails, and it says so in one line
"${as_nobody[@]}" --inh-caps=-all --ambient-caps=-all "$home/bin/mailgate" serve --config "$top/etc/mailgate/mailgate.toml" \
  >"$work/nocap.log" 2>&1
nocap=$?
clear_refusal() {
  ((nocap != 0)) && grep -q "127.0.0.1:$privileged_port" "$work/nocap.log" && grep -qi 'permission denied' "$work/nocap.log" \
    && ! grep -q 'Exception\|^\s*at ' "$work/nocap.log"
}
check "without CAP_NET_BIND_SERVICE it exits $nocap, naming the port and 'permission denied', without a stack trace" clear_refusal

# --- A data directory the service user cannot write: it does not start, and says why
mkdir -p "$work/not-writable" && chmod 755 "$work/not-writable"
"${as_nobody[@]}" "$home/bin/mailgate" serve --data-dir "$work/not-writable" >"$work/readonly.log" 2>&1
readonly_rc=$?
refuses_readonly() {
  ((readonly_rc != 0)) && grep -q "^mailgate: $work/not-writable/.*: permission denied (running as nobody)" "$work/readonly.log"
}
check "a data directory nobody may not write: serve exits $readonly_rc, naming the file and 'permission denied'" refuses_readonly
sed "s#^data-dir = .*#data-dir = \"$work/not-writable\"#" "$top/etc/mailgate/mailgate.toml" >"$work/not-writable.toml"
chmod 644 "$work/not-writable.toml"
check_config_says() {
  ! "${as_nobody[@]}" "$home/bin/mailgate" check-config "$work/not-writable.toml" >"$work/check-nobody.log" 2>&1 \
    && grep -q "data directory $work/not-writable: permission denied: nobody cannot write it" "$work/check-nobody.log"
}
check "... and check-config, run as nobody, says so before a start" check_config_says

echo "release-e2e: $passed passed, $failed failed"
((failed == 0)) || { for f in "$work"/*.log "$work/notify.out"; do echo "--- $f"; tail -30 "$f"; done; exit 1; }
