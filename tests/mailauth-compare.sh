#!/usr/bin/env bash
# Our verdicts next to npm mailauth's (4.13.3) on 49 messages, both answering DNS from the same
# records (a zone file for us, its --dns-cache JSON for mailauth): DKIM fixtures of dkimpy and
# mailauth, the RFC 6376 and 8463 examples, Stalwart's test messages, ARC chains (sealed by
# dkimpy, mailauth and Stalwart's; dkimpy's arc_verify judges them too), tampered copies, and
# unsigned mail for SPF (pass, fail, softfail, neutral, none, include, redirect, permerror, IPv6,
# HELO) and DMARC (p=reject/quarantine/none, relaxed and strict alignment, the tree walk). Every
# difference must be one tests/mailauth-compare.py explains.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
source scripts/lib.sh
need openssl python3 authres dkimpy mailauth

# Build once here if needed: the comparison starts ./mailgate three at a time.
./mailgate --help >/dev/null || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 tests/mailauth-compare.py "$MAILGATE_NPM/node_modules/.bin/mailauth" "$work"
