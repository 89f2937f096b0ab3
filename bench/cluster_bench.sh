#!/usr/bin/env bash
# Benchmarks of issue 4: the shell over a simulated cluster and the event bus.
#
#   bench/cluster_bench.sh [--build DIR] [--quick] [--out FILE.json] [--before REV] [--no-bus]
#
#   --build   a configured and built build dir (default: build-i4, else build)
#   --quick   fewer runs (status 10, start 3, bus 200k events)
#   --before  also measure the shell of commit REV (built in build-before-<rev>/ from
#             `git archive`, with bench/round_trips_before.patch when it lacks the round-trip
#             counter), against the same daemons, alternating with this build's shell
#   --no-bus  leave out bus_bench
#   --start-runs N  start/stop pairs per shell (default 5)
#
# Prints the machine (nproc, CPU, memory, kernel), the load before and after, and:
#   - `brocluster status` of 100 nodes on 10 simulated hosts, whole one-shot process
#     (median of >= 10 runs; target < 50 ms)
#   - `brocluster start` of that cluster until all running (median of >= 3; target < 2 s)
#     and `brocluster stop` after each start
#   - the round trips (requests, and the waits they were sent in) of each of them
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
BEFORE=""
BUS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    --quick) STATUS_RUNS=10; START_RUNS=3; BUS_EVENTS=200000 ;;
    --before) BEFORE="$2"; shift ;;
    --no-bus) BUS=0 ;;
    --start-runs) START_RUNS="$2"; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
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
SHELLS=()
if [ -n "$BEFORE" ]; then
  # The shell of REV, built beside in build-before-<rev>/ (kept for the next run; ccache
  # makes the first build cheap); only its shell differs, the daemons are this build's.
  rev="$(git -C "$ROOT" rev-parse --short "$BEFORE")"
  src="$ROOT/build-before-$rev/src"
  bdir="$ROOT/build-before-$rev/build"
  if [ ! -d "$src" ]; then
    mkdir -p "$src"
    git -C "$ROOT" archive "$BEFORE" | tar -x -C "$src"
    if ! grep -q BROCLUSTER_DEBUG_ROUND_TRIPS "$src/shell/main.cc"; then
      patch -s -d "$src" -p1 <"$HERE/round_trips_before.patch"
    fi
  fi
  echo "- before: $rev (its shell, with bench/round_trips_before.patch); after: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD || echo ' + uncommitted changes')"
  cmake -S "$src" -B "$bdir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBROCLUSTER_PCH=OFF -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache \
    >"$TMP/before-build.log" 2>&1
  nice cmake --build "$bdir" -j2 --target brocluster >>"$TMP/before-build.log" 2>&1 ||
    { tail -30 "$TMP/before-build.log" >&2; exit 1; }
  SHELLS=(--shell "before=$bdir/shell/brocluster" --shell "after=$BUILD/shell/brocluster")
  echo "- load after building the before shell: $(cat /proc/loadavg)"
fi
echo
echo "## Shell over 100 nodes on 10 simulated hosts"
echo
timeout -k 10 1800 "$PY" "$HERE/cluster_bench.py" --build "$BUILD" --tmp "$TMP" \
  --status-runs "$STATUS_RUNS" --start-runs "$START_RUNS" --json "$TMP/cluster.json" "${SHELLS[@]}"
echo
echo "- load after the shell figures: $(cat /proc/loadavg)"
[ "$BUS" = 1 ] || { [ -z "$OUT" ] || cp "$TMP/cluster.json" "$OUT"; exit 0; }
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
