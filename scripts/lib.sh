# shellcheck shell=bash
# Sourced by tests/ and bench/: the helpers they share, and the one list of the programs they run.
#
# What a test or benchmark needs is a capability, checked by what it must do (swaks that can do
# STARTTLS and AUTH, not just /usr/bin/swaks), with the Debian packages that provide it. `need`
# installs what is missing and stops the run with one line naming what could not be had.

# The packages of each capability. openssl, python3 and bc are on every machine of ours, and
# systemd, util-linux and mount on every Debian; they are listed so that a machine without them gets
# them, and fresh-machine.sh leaves them alone (mount too: Debian cannot be without it).
declare -gA CAPABILITY_PACKAGES=(
  [swaks]="swaks libio-socket-ssl-perl libnet-ssleay-perl libauthen-sasl-perl"
  [openssl]="openssl"
  [python3]="python3"
  [knotd]="knot"
  [kdig]="knot-dnsutils"
  [postfix]="postfix"
  [postfix-tools]="postfix"
  [dovecot]="dovecot-core"
  [dovecot-lmtp]="dovecot-lmtpd"
  [bc]="bc"
  [dkimpy]="python3-dkim"
  [authres]="python3-authres"
  [node]="nodejs npm"
  [systemd-analyze]="systemd"
  [setpriv]="util-linux"
  [mount]="mount"
  [prometheus-client]="python3-prometheus-client"
  [ip]="iproute2"
  [nft]="nftables"
  [postgresql]="postgresql"
  [haproxy]="haproxy"
)
# Capabilities from npm (Node's registry), each a pinned package installed under MAILGATE_NPM,
# never globally: mailauth 4.13.3 is the newest that runs on Node 20 (later ones need Node 22).
declare -gA CAPABILITY_NPM=(
  [mailauth]='"mailauth": "4.13.3"'
)
# Debian 12's Node is 18: mailauth's undici 7 needs Node 20, undici 6 (the same API) runs on 18.
NPM_OVERRIDES='"undici": "6.21.3"'
MAILGATE_NPM=${MAILGATE_NPM:-${XDG_CACHE_HOME:-$HOME/.cache}/mailgate/npm}
# What `mvn -B verify` runs against (JUnit's Knot DNS, the end-to-end scripts' peers and clients).
# shellcheck disable=SC2034 # used by the scripts that source this
TEST_CAPABILITIES=(swaks openssl python3 knotd kdig postfix dovecot dovecot-lmtp dkimpy authres node mailauth systemd-analyze setpriv mount prometheus-client ip nft postgresql haproxy)

has_capability() { # has_capability NAME: true when this machine can do it
  case $1 in
    swaks) command -v swaks >/dev/null && swaks --support 2>&1 | grep -q '^=== TLS supported' \
      && perl -MAuthen::SASL -e 1 2>/dev/null ;;
    openssl) command -v openssl >/dev/null ;;
    python3) python3 -c 'import smtplib, ssl, socket' 2>/dev/null ;;
    knotd) [[ -x /usr/sbin/knotd ]] ;;
    kdig) command -v kdig >/dev/null ;;
    postfix) [[ -x /usr/sbin/postfix && -x /usr/sbin/postconf ]] ;;
    postfix-tools) [[ -x /usr/sbin/smtp-source && -x /usr/sbin/smtp-sink && -x /usr/sbin/postqueue ]] ;;
    dovecot) [[ -x /usr/sbin/dovecot ]] && command -v doveadm >/dev/null ;;
    dovecot-lmtp) [[ -x /usr/lib/dovecot/lmtp ]] ;;
    bc) command -v bc >/dev/null ;;
    # Debian's dkimpy, for Debian's python3 (a python3 earlier on the PATH may be another one)
    dkimpy) /usr/bin/python3 -c 'import dkim, dkim.dnsplug' 2>/dev/null ;;
    authres) /usr/bin/python3 -c 'import authres' 2>/dev/null ;;
    node) command -v node >/dev/null && command -v npm >/dev/null ;;
    systemd-analyze) command -v systemd-analyze >/dev/null && systemd-analyze verify --help >/dev/null 2>&1 ;;
    setpriv) command -v setpriv >/dev/null && setpriv --help 2>&1 | grep -q -- '--ambient-caps' ;;
    mount) command -v mount >/dev/null && command -v umount >/dev/null ;;
    ip) command -v ip >/dev/null && { ip netns help 2>&1 || true; } | grep -q 'netns add' ;;
    nft) command -v nft >/dev/null ;;
    # the server programs, run by the tests as the postgres user on a cluster of their own
    postgresql) [[ -n $(postgres_bin) ]] && id postgres >/dev/null 2>&1 && command -v runuser >/dev/null && command -v psql >/dev/null ;;
    haproxy) command -v haproxy >/dev/null && haproxy -vv 2>/dev/null | grep -q 'Built with OpenSSL' ;;
    # Prometheus's own text-format parser, for Debian's python3
    prometheus-client) /usr/bin/python3 -c 'import prometheus_client.parser' 2>/dev/null ;;
    mailauth) [[ -x $MAILGATE_NPM/node_modules/.bin/mailauth ]] && "$MAILGATE_NPM/node_modules/.bin/mailauth" --version 2>/dev/null | grep -qx '4.13.3' ;;
    *) echo "scripts/lib.sh: unknown capability $1" >&2; return 2 ;;
  esac
}

postgres_bin() { # the newest PostgreSQL's bin directory (Debian: /usr/lib/postgresql/VERSION/bin), or nothing
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [[ -n $dir && -x $dir/initdb && -x $dir/pg_ctl && -x $dir/postgres ]] && echo "$dir"
}

need() { # need CAPABILITY...: installs the packages of those missing, or stops the run naming what failed
  local missing=() packages=() more=() npm=() capability
  for capability in "$@"; do
    has_capability "$capability" && continue
    if [[ -n ${CAPABILITY_NPM[$capability]:-} ]]; then
      npm+=("$capability")
    else
      missing+=("$capability"); read -ra more <<<"${CAPABILITY_PACKAGES[$capability]}"; packages+=("${more[@]}")
    fi
  done
  ((${#missing[@]})) && need_packages "${missing[@]}" -- "${packages[@]}"
  ((${#npm[@]})) && need_npm "${npm[@]}"
  return 0
}

need_npm() { # need_npm CAPABILITY...: npm installs their packages under MAILGATE_NPM (Node first, from Debian packages)
  need node
  local capability packages=() log="${TMPDIR:-/tmp}/mailgate-npm.log"
  for capability in "${!CAPABILITY_NPM[@]}"; do packages+=("${CAPABILITY_NPM[$capability]}"); done
  echo "installing from npm into $MAILGATE_NPM, for $*: ${packages[*]}" >&2
  mkdir -p "$MAILGATE_NPM"
  # A package.json of its own: the pinned versions, and the overrides that let them run on this Node
  local IFS=,
  printf '{"private": true, "dependencies": {%s}, "overrides": {%s}}\n' "${packages[*]}" "$NPM_OVERRIDES" >"$MAILGATE_NPM/package.json"
  unset IFS
  if ! (cd "$MAILGATE_NPM" && npm install --no-audit --no-fund) >"$log" 2>&1; then
    echo "cannot install ${packages[*]} from npm (for $*): $(grep -m1 -E 'ERR!' "$log")" >&2
    exit 1
  fi
  for capability in "$@"; do
    has_capability "$capability" || { echo "installed ${CAPABILITY_NPM[$capability]}, and still no $capability here" >&2; exit 1; }
  done
}

need_packages() { # need_packages CAPABILITY... -- PACKAGE...: apt installs the packages, then checks the capabilities
  local missing=() packages=()
  while [[ $1 != -- ]]; do missing+=("$1"); shift; done
  shift
  packages=("$@")
  echo "installing from Debian packages, for ${missing[*]}: ${packages[*]}" >&2
  local sudo=() log="${TMPDIR:-/tmp}/mailgate-packages.log"
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  # Postfix would ask how to set up the system's own instance: not at all, ours run from their own config.
  echo "postfix postfix/main_mailer_type select No configuration" | "${sudo[@]}" debconf-set-selections
  # Nor a system-wide PostgreSQL cluster: the tests make their own (initdb) on loopback ports.
  "${sudo[@]}" mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" | "${sudo[@]}" tee /etc/postgresql-common/createcluster.d/mailgate.conf >/dev/null
  # A fresh machine may still be running its own apt at boot: wait for the lock rather than fail.
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -qq)
  if ! { "${apt[@]}" update && "${apt[@]}" install -y --no-install-recommends "${packages[@]}"; } >"$log" 2>&1; then
    echo "cannot install ${packages[*]} (for ${missing[*]}): $(grep -E '^E:' "$log" | tail -1)" >&2
    exit 1
  fi
  for capability in "${missing[@]}"; do
    has_capability "$capability" || { echo "installed ${CAPABILITY_PACKAGES[$capability]}, and still no $capability here" >&2; exit 1; }
  done
}

# --- Helpers of the test scripts, which count failures (so they run with set -uo pipefail, not -e)

passed=0
failed=0
check() { # check NAME COMMAND...: runs the command, counts and reports the result
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}

wait_for() { # wait_for SECONDS COMMAND...: until the command succeeds, or false after SECONDS
  local deadline=$((SECONDS + $1)); shift
  until "$@" 2>/dev/null; do ((SECONDS < deadline)) || return 1; sleep 0.2; done
}

mailgate_ready() { # mailgate_ready LOG PID [SECONDS]: until `mailgate serve` (PID) has ended its start-up report in LOG (Next: or Ready:);
  # false at once when the server died, or after SECONDS (default 60)
  local deadline=$((SECONDS + ${3:-60}))
  until grep -qE '^(Next|Ready):' "$1" 2>/dev/null; do
    kill -0 "$2" 2>/dev/null && ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

port_open() { # port_open PORT [ADDRESS]: something accepts connections there
  (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null
}

free_port() { # free_port [ADDRESS]: a port free on that address now (the system's pick)
  python3 -c 'import socket, sys; s = socket.socket(); s.bind((sys.argv[1], 0)); print(s.getsockname()[1])' "${1:-127.0.0.1}"
}

start_knot() { # start_knot DIR PORT ZONE...: knotd on 127.0.0.1:PORT serving each DIR/zones/ZONE.zone; log DIR.log, pid in knot_pid
  local dir=$1 port=$2 zone; shift 2
  mkdir -p "$dir/db"
  {
    printf 'server:\n    listen: 127.0.0.1@%s\n    rundir: %s\ndatabase:\n    storage: %s/db\n' "$port" "$dir" "$dir"
    printf 'template:\n  - id: default\n    storage: %s/zones\n    file: "%%s.zone"\nzone:\n' "$dir"
    for zone in "$@"; do printf '  - domain: %s\n' "$zone"; done
  } >"$dir/knot.conf"
  /usr/sbin/knotd -c "$dir/knot.conf" >"$dir.log" 2>&1 &
  knot_pid=$!
}

dovecot_lmtp_conf() { # dovecot_lmtp_conf DIR DATA PORT [EXTRA]: a private Dovecot's config, written to DIR/dovecot.conf: LMTP
  # on 127.0.0.1:PORT into the Maildirs under DATA/mailboxes (as the mail user nobody), every user known, EXTRA lines added
  mkdir -p "$1/run" "$1/state"
  cat >"$1/dovecot.conf" <<CONF
base_dir = $1/run
state_dir = $1/state
log_path = $1/dovecot.log
protocols = lmtp
listen = 127.0.0.1
ssl = no
mail_location = maildir:$2/mailboxes/%u
${4:-}
passdb {
  driver = static
  args = nopassword=y
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=$2/mailboxes/%u
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $3
  }
}
CONF
}

start_postgres() { # start_postgres DIR PORT: a private PostgreSQL cluster in DIR (made here) on 127.0.0.1:PORT, with SCRAM
  # logins for the user mailgate (password in DIR/password) and a database mailgate; as root, run by the postgres user
  local dir=$1 port=$2 bin as=()
  bin=$(postgres_bin)
  mkdir -p "$dir" && chmod 700 "$dir" && echo "pg-e2e-password" >"$dir/password"
  if [[ $(id -u) -eq 0 ]]; then chown -R postgres:postgres "$dir"; as=(runuser -u postgres --); fi
  "${as[@]}" "$bin/initdb" -D "$dir/data" -U mailgate --auth=scram-sha-256 --pwfile="$dir/password" -E UTF8 --locale=C --no-sync \
    >"$dir/initdb.log" 2>&1 || return 1
  echo "$port" >"$dir/port"
  postgres_ctl "$dir" start || return 1
  PGPASSWORD=pg-e2e-password psql -h 127.0.0.1 -p "$port" -U mailgate -d postgres -qc "CREATE DATABASE mailgate" >/dev/null
}

postgres_ctl() { # postgres_ctl DIR start|stop: the cluster start_postgres made
  local dir=$1 bin as=()
  bin=$(postgres_bin)
  [[ $(id -u) -eq 0 ]] && as=(runuser -u postgres --)
  case $2 in
    start) "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -o "-p $(cat "$dir/port") -c listen_addresses=127.0.0.1 \
      -c unix_socket_directories=$dir -c max_connections=200" start >/dev/null ;;
    stop) "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null ;;
  esac
}

postgres_sql() { # postgres_sql DIR SQL: one query's rows, unaligned
  PGPASSWORD=pg-e2e-password psql -h 127.0.0.1 -p "$(cat "$1/port")" -U mailgate -d mailgate -tAc "$2"
}

dkim_key() { # dkim_key PEM-FILE: makes an RSA 2048 key there; prints its DKIM TXT record as zone-file strings of 250
  openssl genrsa -traditional -out "$1" 2048 >/dev/null 2>&1 || return 1
  python3 -c 'import sys; t = "v=DKIM1; k=rsa; p=" + sys.argv[1]; print(" ".join(chr(34) + t[i:i + 250] + chr(34) for i in range(0, len(t), 250)))' \
    "$(openssl rsa -in "$1" -pubout -outform DER 2>/dev/null | base64 -w0)"
}
