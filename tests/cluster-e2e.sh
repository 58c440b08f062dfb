#!/usr/bin/env bash
# Three nodes, one queue: Mailgate three times on loopback (one data directory each, one private
# PostgreSQL), behind HAProxy (PROXY protocol v2 to the nodes). Several clients submit 10,000
# messages through HAProxy with STARTTLS and AUTH while one node is killed (kill -9) and
# restarted: every message answered 250 is delivered (the nodes' Maildirs are the sink, counted
# by Subject), none lost, and the duplicates are counted. Then PostgreSQL is stopped for 20 s
# during a second run: clients get 4xx, never a 250 for a message not committed, and once it is
# back everything acknowledged is delivered. The users are the database's (added through one
# node, seen by all), a password-guessing flood spread over the nodes is locked out after as
# many failures as against one, and a ban from the CLI refuses the client at every node.
#
#   tests/cluster-e2e.sh        (MESSAGES=N for another count; KEEP=1 keeps the work directory)
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
source scripts/lib.sh
need python3 postgresql haproxy

MESSAGES=${MESSAGES:-10000}
work=$(mktemp -d /tmp/mailgate-cluster.XXXXXX)
chmod 755 "$work"
pg=$work/pg
declare -A node_pid=()
haproxy_pid=""
cleanup() {
  for n in "${!node_pid[@]}"; do kill -9 "${node_pid[$n]}" 2>/dev/null; done
  [[ -n $haproxy_pid ]] && kill "$haproxy_pid" 2>/dev/null
  [[ -f $pg/data/postmaster.pid ]] && postgres_ctl "$pg" stop
  wait 2>/dev/null
  if [[ -n ${KEEP:-} ]]; then echo "cluster-e2e: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail_setup() { echo "cluster-e2e: $*"; for f in "$work"/node*.log "$work"/haproxy.log "$pg/server.log"; do [[ -f $f ]] && { echo "--- $f"; tail -15 "$f"; }; done; exit 1; }

start_postgres "$pg" "$(free_port)" || fail_setup "PostgreSQL did not start"
HA_PORT=$(free_port)

# Four clients, four accounts
for i in 1 2 3 4; do echo "user$i@cluster.test cluster-pass-$i"; done >"$work/users"
for n in 1 2 3; do
  port=$(free_port)
  echo "$port" >"$work/node$n.port"
  cat >"$work/node$n.toml" <<CONF
hostname = "mx$n.cluster.test"
data-dir = "$work/node$n"
domains = ["cluster.test"]
trusted-proxies = ["127.0.0.1"]

[limits]
trusted-networks = ["127.0.0.0/8"]
auth-failure-delay = "0s"

[login-throttle]
lockout-after = 6                  # reached fast: the flood below counts to it
delay-after = 100

[sending-limits]
messages-per-hour = 1000000
messages-per-day = 1000000
recipients-per-hour = 1000000
recipients-per-day = 1000000

[[listener]]
address = "127.0.0.1"
port = $port
kind = "submission"
proxy-protocol = true

[storage]
kind = "postgres"
url = "jdbc:postgresql://127.0.0.1:$(cat "$pg/port")/mailgate"
user = "mailgate"
password-file = "$pg/password"
node = "node$n"
pool-size = 8
CONF
done
./mailgate storage migrate --config "$work/node1.toml" >"$work/migrate.out" 2>&1 || fail_setup "storage migrate failed: $(cat "$work/migrate.out")"
# The users live in the database: added once, through any node's config, for all three
while read -r user password; do
  printf '%s\n' "$password" | ./mailgate user add "$user" --password-stdin --config "$work/node1.toml" >/dev/null \
    || fail_setup "user add failed"
done <"$work/users"
check "the users, added through node 1's config, are every node's (user list through node 3's)" \
  bash -c "[[ \$(./mailgate user list --config '$work/node3.toml' | grep -c '@cluster.test') == 4 ]]"

start_node() { # start_node N [LOG]: mailgate serve for node N, until its start-up report is written to LOG (default nodeN.log)
  local log=${2:-$work/node$1.log}
  ./mailgate serve --config "$work/node$1.toml" >"$log" 2>&1 &
  node_pid[$1]=$!
  mailgate_ready "$log" "${node_pid[$1]}" || fail_setup "node $1 did not start"
}
for n in 1 2 3; do start_node "$n"; done

cat >"$work/haproxy.cfg" <<CONF
global
    maxconn 2000
defaults
    mode tcp
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    option redispatch
    retries 3
frontend submission
    bind 127.0.0.1:$HA_PORT
    default_backend nodes
backend nodes
    balance roundrobin
    default-server send-proxy-v2 check check-send-proxy inter 300ms fall 1 rise 2
    server node1 127.0.0.1:$(cat "$work/node1.port")
    server node2 127.0.0.1:$(cat "$work/node2.port")
    server node3 127.0.0.1:$(cat "$work/node3.port")
CONF
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
haproxy_pid=$!
wait_for 15 port_open "$HA_PORT" || fail_setup "haproxy does not listen"

queue_empty() { [[ $(postgres_sql "$pg" "SELECT count(*) FROM message") == 0 ]]; }
progress_at_least() { [[ $(cat "$1" 2>/dev/null || echo 0) -ge $2 ]]; } # progress_at_least FILE N
delivered_subjects() { # every delivered message's Subject, one a line, from all three nodes' Maildirs
  find "$work"/node{1,2,3}/mailboxes -path '*/new/*' -type f -print0 2>/dev/null | xargs -0 -r grep -h -m1 '^Subject: ' | sed 's/^Subject: //; s/\r$//'
}
# compare ACKED PREFIX: every acknowledged token delivered at least once; prints the counts
compare() {
  delivered_subjects | grep "^$2-" | sort >"$work/delivered-$2"
  cut -d' ' -f1 "$1" | sort -u >"$work/acknowledged-$2"
  lost=$(comm -23 "$work/acknowledged-$2" <(sort -u "$work/delivered-$2") | wc -l)
  duplicates=$(($(wc -l <"$work/delivered-$2") - $(sort -u "$work/delivered-$2" | wc -l)))
  echo "cluster-e2e: $2: $(wc -l <"$work/acknowledged-$2") acknowledged, $(sort -u "$work/delivered-$2" | wc -l) delivered," \
    "$lost lost, $duplicates delivered twice"
  ((lost == 0)) && [[ -s $work/acknowledged-$2 ]]
}

# --- Run 1: 10,000 messages, node 2 killed with kill -9 at a third of them and restarted 3 s later
python3 tests/cluster-load.py "127.0.0.1:$HA_PORT" "$work/users" "$MESSAGES" 12 600 "$work/acked-kill" "$work/progress" kill \
  >"$work/load-kill.json" &
load_pid=$!
wait_for 300 progress_at_least "$work/progress" $((MESSAGES / 3)) || fail_setup "the load did not get going"
kill -9 "${node_pid[2]}"
wait "${node_pid[2]}" 2>/dev/null
unset 'node_pid[2]'
echo "cluster-e2e: node 2 killed after $(wc -l <"$work/acked-kill") acknowledged"
sleep 3
start_node 2 "$work/node2-restarted.log"
wait "$load_pid"
echo "cluster-e2e: load: $(cat "$work/load-kill.json")"
check "all $MESSAGES messages were tried and most acknowledged through HAProxy" python3 -c "
import json, sys; s = json.load(open('$work/load-kill.json')); sys.exit(0 if s['acked'] + s['unanswered'] + s['refused'] >= $MESSAGES and s['acked'] >= $MESSAGES * 0.95 else 1)"
check "the queue drains: every message delivered or gone, by any node" wait_for 240 queue_empty
check "every message that got a 250 is delivered, none lost (duplicates counted, not refused)" compare "$work/acked-kill" kill
grep -h "leases node node2 held before it stopped" "$work/node2-restarted.log" | sed 's/^/cluster-e2e: node 2 at its restart: /'
for n in 1 3; do
  check "node $n delivered some of the mail" bash -c "find '$work/node$n/mailboxes' -path '*/new/*' -type f | grep -q ."
done

# --- Run 2: PostgreSQL stopped for 20 s while clients send
python3 tests/cluster-load.py "127.0.0.1:$HA_PORT" "$work/users" 100000 4 35 "$work/acked-down" "$work/progress-down" down \
  >"$work/load-down.json" &
load_pid=$!
wait_for 60 progress_at_least "$work/progress-down" 300 || fail_setup "the second load did not get going"
postgres_ctl "$pg" stop
acked_at_stop=$(wc -l <"$work/acked-down")
sleep 20
acked_while_down=$(($(wc -l <"$work/acked-down") - acked_at_stop))
postgres_ctl "$pg" start || fail_setup "PostgreSQL did not start again"
wait "$load_pid"
echo "cluster-e2e: load with the database stopped for 20 s: $(cat "$work/load-down.json"); acknowledged while it was down: $acked_while_down"
check "while the database was down, clients got 4xx (451 4.3.0)" python3 -c "
import json, sys; s = json.load(open('$work/load-down.json')); sys.exit(0 if s['refused'] > 0 and s['first_refusal'].startswith('451 4.3.0') else 1)"
# a 250 may still arrive in the first moments: a commit that was on its way when the stop began
check "no 250 while the database was down (at most those committed as it stopped: $acked_while_down)" test "$acked_while_down" -le 8
check "after it is back, the queue drains" wait_for 240 queue_empty
check "every message acknowledged around the outage is delivered" compare "$work/acked-down" down

# --- A password-guessing flood over the three nodes (HAProxy deals the connections round robin):
# locked out after lockout-after failures in all, as on one node; unshared it would be 3 times that
cat >"$work/flood.py" <<'PY'
import smtplib, ssl, sys
host, port = sys.argv[1].rsplit(":", 1)
context = ssl.create_default_context()
context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
failures = 0
for guess in range(60):
    smtp = smtplib.SMTP(host, int(port), timeout=30)
    smtp.ehlo("guesser.test")
    smtp.starttls(context=context)
    smtp.ehlo("guesser.test")
    try:  # AUTH PLAIN alone: login() would try LOGIN after a refused PLAIN, two checks a guess
        smtp.user, smtp.password = "user4@cluster.test", "wrong-guess-%d" % guess
        smtp.auth("PLAIN", smtp.auth_plain)
        sys.exit("a wrong password was taken")
    except smtplib.SMTPAuthenticationError as e:
        if e.smtp_code == 454:
            print(failures, e.smtp_error.decode())
            sys.exit(0)
        failures += 1
    finally:
        smtp.close()
sys.exit("never locked out after %d failures" % failures)
PY
flood=$(python3 "$work/flood.py" "127.0.0.1:$HA_PORT" 2>&1)
echo "cluster-e2e: the flood: $flood"
check "a guessing flood spread over the three nodes is locked out after 6 failures, as against one node (454 4.7.0)" \
  bash -c "[[ '$flood' == '6 4.7.0 Too many failed logins'* ]]"
check "every node took part in the flood" bash -c "for n in 1 2 3; do grep -q 'authentication failed user=user4@cluster.test' '$work'/node\$n*.log || exit 1; done"

# --- A ban from the CLI holds on every node: HAProxy deals six connections from 127.0.0.9 to
# the three nodes in turn, two each (PROXY v2 gives them the client's address), and each refuses it
cat >"$work/greetings.py" <<'PY'
import socket, sys
host, port = sys.argv[1].rsplit(":", 1)
for _ in range(int(sys.argv[3])):
    with socket.create_connection((host, int(port)), timeout=10, source_address=(sys.argv[2], 0)) as s:
        print(s.makefile("rb").readline().decode().split(" ")[0])
PY
all_greet() { # all_greet CODE: six connections from 127.0.0.9 through HAProxy (two per node) all get CODE
  [[ $(python3 "$work/greetings.py" "127.0.0.1:$HA_PORT" 127.0.0.9 6 | sort -u) == "$1" ]]
}
./mailgate ban add 127.0.0.9 --reason "cluster test" --config "$work/node1.toml" >/dev/null
check "a ban added with --config through node 1 refuses the client at all three nodes (554)" wait_for 10 all_greet 554
./mailgate ban remove 127.0.0.9 --config "$work/node3.toml" >/dev/null
check "removed through node 3, all three nodes greet it again (220)" wait_for 10 all_greet 220

echo "cluster-e2e: $passed passed, $failed failed"
((failed == 0))
