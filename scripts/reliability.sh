#!/usr/bin/env bash
# Runs the network-namespace fault suite (tests/netns, issue 9) and prints its measured
# times as a Markdown table: fault -> detected, fault -> repaired, per scenario, plus the
# soak's summary. Needs root. The table also goes to <build-dir>/reliability.md.
# Usage: scripts/reliability.sh [build-dir] [gtest filter]
#   BROCLUSTER_SOAK_SECONDS=600 scripts/reliability.sh build   # with the long soak
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
filter=${2:-*}
test_bin="$build/tests/netns/netns_test"
if [[ ! -x $test_bin ]]; then
  echo "reliability.sh: $test_bin not built (cmake --build $build --target netns_test)" >&2
  exit 2
fi
log="$build/reliability.log"
status=0
"$test_bin" --gtest_filter="$filter" 2>&1 | tee "$log" >&2 || status=$?

{
  echo "machine: $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?'); build: $build"
  echo "suite: $(grep -E '^\[  (PASSED|FAILED)  \]' "$log" | tr '\n' ' ')"
  echo
  echo "| scenario | fault | fault -> detected (ms) | fault -> repaired (ms) |"
  echo "|---|---|---:|---:|"
  sed -n 's/^RELIABILITY //p' "$log" | python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    f = lambda v: "-" if v is None else "%.0f" % v if v >= 100 else "%.1f" % v
    print("| %s | %s | %s | %s |" % (r["scenario"], r["fault"], f(r["detect_ms"]), f(r["repair_ms"])))
'
  soak=$(sed -n 's/^SOAK //p' "$log" | tail -n 1)
  seed=$(grep -o 'seed [0-9]*' "$log" | head -n 1 || true)
  if [[ -n $soak ]]; then
    echo
    echo "soak ($seed): $soak"
  fi
} | tee "$build/reliability.md"
exit $status
