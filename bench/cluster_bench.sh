#!/usr/bin/env bash
# Benchmarks of issue 4: the shell over a simulated cluster and the event bus.
#
#   bench/cluster_bench.sh [--build DIR] [--quick] [--out FILE.json]
#
#   --build   a configured and built build dir (default: build-i4, else build)
#   --quick   fewer runs (status 10, start 3, bus 200k events)
#
# Prints the machine (nproc, CPU, memory, kernel), the load before and after, and:
#   - `brocluster status` of 100 nodes on 10 simulated hosts, whole one-shot process
#     (median of >= 10 runs; target < 50 ms)
#   - `brocluster start` of that cluster until all running (median of >= 3; target < 2 s)
#   - bus_bench: events/s through brocluster-broker from one PUB to one SUB, with loss
#     (windowed below the high-water mark: target > 200k/s and no loss)
# Every process started is ended (also on failure and Ctrl-C) and the temp dir removed.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
PY=/usr/bin/python3
BUILD=""
OUT=""
STATUS_RUNS=20
START_RUNS=5
BUS_EVENTS=1000000
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    --quick) STATUS_RUNS=10; START_RUNS=3; BUS_EVENTS=200000 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "cluster_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$BUILD" ]; then
  for d in "$ROOT/build-i4" "$ROOT/build"; do
    [ -x "$d/shell/brocluster" ] && BUILD="$d" && break
  done
fi
BUILD="$(cd "${BUILD:?no build dir: pass --build}" && pwd)"
for b in shell/brocluster broker/brocluster-broker supervisor/brocluster-supervisor \
         tests/fake_node/brocluster-fake-node bench/bus_bench; do
  [ -x "$BUILD/$b" ] || { echo "cluster_bench.sh: $BUILD/$b missing (build it first)" >&2; exit 2; }
done

TMP="$(mktemp -d /tmp/bc-cluster-bench.XXXXXX)"
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  # Everything working below $TMP: daemons (--base in the command line), nodes (cwd).
  local p pids=()
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    [ "$p" = "$$" ] && continue
    if { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -qF "$TMP/" ||
       [[ "$(readlink "/proc/$p/cwd" 2>/dev/null)/" == "$TMP/"* ]]; then
      pids+=("$p")
    fi
  done
  [ ${#pids[@]} -gt 0 ] && kill -KILL "${pids[@]}" 2>/dev/null || true
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

echo "## Machine"
echo
echo "- nproc: $(nproc)"
echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "- memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "- kernel: $(uname -r)"
echo "- build: $BUILD ($(grep -m1 CMAKE_BUILD_TYPE: "$BUILD/CMakeCache.txt" | cut -d= -f2))"
echo "- load before: $(cat /proc/loadavg)"
echo
echo "## Shell over 100 nodes on 10 simulated hosts"
echo
timeout -k 10 900 "$PY" "$HERE/cluster_bench.py" --build "$BUILD" --tmp "$TMP" \
  --status-runs "$STATUS_RUNS" --start-runs "$START_RUNS" --json "$TMP/cluster.json"
echo
echo "## Event bus (bus_bench --events $BUS_EVENTS; encrypted with the origin check, then --plain)"
echo
echo '```'
timeout -k 10 300 "$BUILD/bench/bus_bench" --events "$BUS_EVENTS" | tee "$TMP/bus.txt"
timeout -k 10 300 "$BUILD/bench/bus_bench" --events "$BUS_EVENTS" --plain | tee -a "$TMP/bus.txt"
echo '```'
echo
echo "- load after: $(cat /proc/loadavg)"
if [ -n "$OUT" ]; then
  cp "$TMP/cluster.json" "$OUT"
fi
