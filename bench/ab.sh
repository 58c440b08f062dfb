#!/usr/bin/env bash
# Two or more builds side by side: `bench/ab.sh [--auth] [--repeats N] COMMIT COMMIT...` checks
# each commit out into a temporary worktree, builds it, starts its server (delivery off, the
# benchmark limits of load-limits.toml), then alternates 8-second `mailgate bench` runs (this
# checkout's generator, the same for all) against each, after 25 s of warm-up each, and prints
# every run and each build's median. Runs an hour apart do not compare on this machine; runs
# interleaved in the same minutes do. Plain: 50 sessions of 1 KiB on an inbound listener;
# --auth: STARTTLS and AUTH PLAIN, 20 sessions, one message each, on a submission listener.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/lib.sh"
repeats=5 mode=plain commits=()
while (($#)); do
  case $1 in
    --repeats) repeats=$2; shift 2 ;;
    --auth) mode=auth; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) commits+=("$1"); shift ;;
  esac
done
((${#commits[@]} >= 2)) || { echo "ab.sh: name two commits or more (e.g. bench/ab.sh main HEAD)" >&2; exit 2; }
need openssl python3

work=$(mktemp -d /tmp/mailgate-ab.XXXXXX)
pids=()
cleanup() {
  set +e
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  for c in "${commits[@]}"; do git -C "$root" worktree remove --force "$work/$c" 2>/dev/null; done
  git -C "$root" worktree prune
  rm -rf "$work"
}
trap cleanup EXIT
export MAILGATE_BENCH_PASSWORD=bench-password-1
declare -A inbound submission

for c in "${commits[@]}"; do
  git -C "$root" worktree add -q --detach "$work/$c" "$c"
  echo "ab: building $c" >&2
  (cd "$work/$c" && ./mailgate --version >/dev/null)
  inbound[$c]=$(free_port) submission[$c]=$(free_port)
  mkdir -p "$work/run-$c"
  cat >"$work/run-$c/mailgate.toml" <<TOML
hostname = "bench.mailgate.test"
domains = ["example.com"]
[delivery]
enabled = false
[[listener]]
address = "127.0.0.1"
port = ${inbound[$c]}
kind = "inbound"
[[listener]]
address = "127.0.0.1"
port = ${submission[$c]}
kind = "submission"
TOML
  cat "$root/bench/load-limits.toml" >>"$work/run-$c/mailgate.toml"
  printf '%s\n' "$MAILGATE_BENCH_PASSWORD" | "$work/$c/mailgate" user add sink@example.com --password-stdin --data-dir "$work/run-$c/data" >/dev/null
  "$work/$c/mailgate" serve --config "$work/run-$c/mailgate.toml" --data-dir "$work/run-$c/data" >"$work/run-$c/server.log" 2>&1 &
  pids+=($!)
done
for c in "${commits[@]}"; do
  wait_for 60 port_open "${submission[$c]}" || { echo "ab: the server of $c did not start; its log:" >&2; tail -20 "$work/run-$c/server.log" >&2; exit 1; }
done

bench() { # bench COMMIT SECONDS: one run, messages per second
  local args=(127.0.0.1:"${inbound[$1]}" -s 50 -l 1024)
  [[ $mode == auth ]] && args=(127.0.0.1:"${submission[$1]}" --tls starttls --auth-user sink@example.com --from sink@example.com -s 20 -m 1)
  "$root/mailgate" bench "${args[@]}" --total 10000000 --duration "$2" --warmup 2 --json \
    | python3 -c 'import json, sys; print(round(json.load(sys.stdin)["messages_per_second"]))'
}
for c in "${commits[@]}"; do bench "$c" 25 >/dev/null; done
for ((r = 1; r <= repeats; r++)); do
  for c in "${commits[@]}"; do
    find "$work/run-$c/data/spool/queue" -type f -delete 2>/dev/null || true
    echo "$c $(bench "$c" 8)" | tee -a "$work/runs"
  done
done
python3 - "$work/runs" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    commit, rate = line.split()
    runs[commit].append(int(rate))
first = next(iter(runs))
for commit, rates in runs.items():
    print(f"{commit}: median {statistics.median(rates):.0f} msg/s ({min(rates)}-{max(rates)}), "
          f"{statistics.median(rates) / statistics.median(runs[first]):.2f}x {first}")
PY
