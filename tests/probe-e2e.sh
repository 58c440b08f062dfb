#!/usr/bin/env bash
# mailgate probe where the network itself is the problem, in a network namespace this script
# makes (loopback only, nothing leaves it): a port whose packets an nftables rule drops (a
# firewall, an ISP blocking 25) must be told apart from a port nobody listens on, and each
# explained with its fix; a port with a server that closes at once is a third case.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
source scripts/lib.sh
need python3 ip nft
if [[ $(id -u) -ne 0 ]]; then echo "probe-e2e: runs as root (it makes a network namespace)"; exit 1; fi

work=$(mktemp -d)
ns=mailgate-probe-$$
closer_pid=""
cleanup() {
  [[ -n $closer_pid ]] && kill "$closer_pid" 2>/dev/null && wait "$closer_pid" 2>/dev/null
  ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null # whatever still runs in it
  ip netns del "$ns" 2>/dev/null
  if [[ -n ${KEEP:-} ]]; then echo "probe-e2e: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail_setup() { echo "probe-e2e: $*"; exit 1; }

ip netns add "$ns" && ip netns exec "$ns" ip link set lo up || fail_setup "cannot make the network namespace $ns"
in_ns() { ip netns exec "$ns" "$@"; }
in_ns nft add table inet probe && in_ns nft add chain inet probe input '{ type filter hook input priority 0; }' \
  && in_ns nft add rule inet probe input tcp dport 25 drop || fail_setup "cannot add the nftables DROP rule"
# a "server" on 2525 that closes each connection at once, as a middlebox or a ban does (started
# without a function or subshell, so that $! is its own pid: ip netns exec becomes python)
ip netns exec "$ns" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 2525)); s.listen()
while True:
    c, _ = s.accept(); c.close()
' &
closer_pid=$!
wait_for 10 in_ns python3 -c 'import socket; socket.create_connection(("127.0.0.1", 2525), 1)' || fail_setup "the closing server did not start"

started=$SECONDS
in_ns ./mailgate probe 127.0.0.1 --ports 25,587,2525 --timeout 3s >"$work/probe.log" 2>&1
rc=$?
took=$((SECONDS - started))
line() { grep -qE "^$1 +$2 +$3" "$work/probe.log"; }
check "dropped packets on 25: a timeout, told as a firewall or ISP block, with 587 and 465 as the fix" bash -c \
  "grep -qE '^25 +fail +no answer to the connection within 3 s: the packets are dropped, by a firewall or the network' '$work/probe.log' \
   && grep -q 'port 25 is commonly blocked by ISPs and clouds: a mail client should use 587 with STARTTLS, or 465' '$work/probe.log'"
check "nothing on 587: connection refused, told as nothing listening" line 587 fail "connection refused: nothing listens on 127.0.0.1:587"
check "a server on 2525 that closes at once: the connection lost, with the likely causes" line 2525 fail "the connection was lost: "
check "exit status 1 (no secure way to send), within the timeouts ($took s)" test "$rc" -eq 1 -a "$took" -lt 30
echo "probe-e2e: $passed passed, $failed failed"
((failed == 0)) || { cat "$work/probe.log"; exit 1; }
