#!/usr/bin/env bash
# Installs what the tests run against, from Debian packages, when it is missing: Knot DNS (a real
# DNS server for delivery tests), Postfix and Dovecot (real peers), swaks and openssl (clients).
# No service is started system-wide: the tests start their own instances on loopback.
set -uo pipefail

declare -A wanted=([/usr/sbin/knotd]=knot [/usr/sbin/postfix]=postfix [/usr/sbin/dovecot]=dovecot-core
  [/usr/lib/dovecot/lmtp]=dovecot-lmtpd [/usr/bin/swaks]=swaks [/usr/bin/openssl]=openssl)
missing=()
for binary in "${!wanted[@]}"; do
  [[ -x $binary ]] || missing+=("${wanted[$binary]}")
done
((${#missing[@]})) || exit 0

echo "tests: installing ${missing[*]} from Debian packages"
sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
# Postfix asks how to configure the system's own instance: not at all, ours run from their own config.
echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
# A fresh machine may still be running its own apt at boot: wait for the lock rather than fail.
apt=($sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -qq)
log="${TMPDIR:-/tmp}/mailgate-test-deps.log"
if ! { "${apt[@]}" update && "${apt[@]}" install -y --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  echo "tests: cannot install ${missing[*]}:"; tail -20 "$log"; exit 1
fi
