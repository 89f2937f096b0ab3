#!/usr/bin/env bash
# Installs what is missing, builds, checks formatting and runs the whole test suite.
# Usage: scripts/test.sh [--sanitize]   (--sanitize: the same suite under ASan + UBSan)
set -euo pipefail
cd "$(dirname "$0")/.."

dir=$(scripts/build.sh "$@" | tail -n 1)
scripts/check-format.sh
# Integration tests start real daemons; -j2 matches the 2-core machines we test on.
cd "$dir"
ctest -j2 --output-on-failure --timeout 600
