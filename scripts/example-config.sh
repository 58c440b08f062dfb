#!/usr/bin/env bash
# Writes the release's example config: the README's config block (every key, each with its
# comment; ReadmeConfigTest keeps it complete and loadable), so there is one text of it.
#   scripts/example-config.sh OUT-FILE
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mkdir -p "$(dirname "$1")"
{
  echo "# Mailgate's config: copy to /etc/mailgate/mailgate.toml, then change what is yours (hostname,"
  echo "# domains, the certificate, the listeners). Every key is here with its default or an example;"
  echo "# the README says more. Check it with: mailgate check-config /etc/mailgate/mailgate.toml"
  echo
  awk '/^```toml$/ { inside = 1; next } /^```$/ { if (inside) exit } inside' "$root/README.md"
} >"$1"
grep -q '^\[\[listener\]\]' "$1" || { echo "example-config.sh: no config block found in README.md" >&2; exit 1; }
