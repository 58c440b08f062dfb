#!/usr/bin/env bash
# Before the tests (Maven runs it): what they run against, checked by what it must do and installed
# from Debian packages where missing; the list is scripts/lib.sh's. A package that cannot be had
# stops the run with one line naming it. No service is started system-wide: the tests start their
# own instances on loopback.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
need "${TEST_CAPABILITIES[@]}"
