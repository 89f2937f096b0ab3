#!/usr/bin/env bash
# brocluster-web under load: /metrics for 1000 nodes, a crash on an open event stream, and
# the daemon's idle RSS and CPU (bench/web_bench.cc says how). Figures: docs/PERFORMANCE.md.
# Usage: bench/web_bench.sh [build dir] [web_bench options: --nodes N --hosts N --idle S]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
cmake --build "$build" --target web_bench brocluster-web >/dev/null
"$build/bench/web_bench" --nodes 1000 --hosts 10 --scrapes 100 --idle 30 "$@"
