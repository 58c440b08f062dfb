#!/usr/bin/env bash
# The suite as a new user's fresh machine runs it; not run by CI, and it changes this machine's
# packages. Purges every package of the project's list (scripts/lib.sh) and what earlier work
# may have left (knot-dnsutils, swaks' Perl modules for TLS and AUTH), checks none of it is left,
# then runs .ci/run from a clean clone of HEAD: the tests must install all they need themselves.
# openssl, python3 and bc stay: every machine of ours has them, and purging openssl takes
# ca-certificates (and with it Maven's downloads) along; so do systemd, util-linux and mount, which
# every Debian has (and without which it would not boot).
#
#   tests/fresh-machine.sh        (as root, or with sudo)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/lib.sh"
keep=" openssl python3 bc systemd util-linux mount iproute2 systemd-analyze setpriv ip "
declare -A purge=([knot-dnsutils]=1 [libio-socket-ssl-perl]=1 [libnet-ssleay-perl]=1 [libauthen-sasl-perl]=1)
for capability in "${!CAPABILITY_PACKAGES[@]}"; do
  for package in ${CAPABILITY_PACKAGES[$capability]}; do
    [[ $keep == *" $package "* ]] || purge[$package]=1
  done
done
# Debian's postgresql is a metapackage: the versioned server and client packages go too
for package in $(dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' 'postgresql-[0-9]*' 'postgresql-client-[0-9]*' 2>/dev/null \
  | awk '$1 == "ii" { print $2 }'); do purge[$package]=1; done
sudo=(); [[ $(id -u) -eq 0 ]] || sudo=(sudo)
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -qq)

echo "fresh-machine: purging ${!purge[*]}"
"${apt[@]}" purge -y "${!purge[@]}" >/dev/null
"${apt[@]}" autoremove -y --purge >/dev/null
rm -rf "$MAILGATE_NPM" # what need_npm installed (mailauth)
for capability in "${TEST_CAPABILITIES[@]}"; do
  [[ $keep == *" $capability "* ]] && continue
  if has_capability "$capability"; then echo "fresh-machine: $capability is still here after the purge"; exit 1; fi
done
echo "fresh-machine: none of ${TEST_CAPABILITIES[*]} is left but openssl, python3 and what every Debian has (systemd, util-linux, mount, iproute2)"

clone=$(mktemp -d /tmp/mailgate-fresh.XXXXXX)
trap 'rm -rf "$clone"' EXIT
git clone -q "$root" "$clone/mailgate"
echo "fresh-machine: .ci/run in a clean clone of $(git -C "$root" rev-parse --short HEAD)"
cd "$clone/mailgate"
start=$SECONDS
.ci/run
echo "fresh-machine: .ci/run passed in $((SECONDS - start)) s"
