#!/usr/bin/env bash
# Benchmarks of brocluster-supervisor; prints a table of figures (docs/PERFORMANCE.md).
#
#   bench/run.sh [--quick] [--build DIR] [--out DIR] [--phases crash,big]
#
#   --quick    smoke run: 40 kills, 2 start/stop trials, 10 s idle window (about 40 s)
#   --build    an existing build dir; default: build/, built with scripts/build.sh when a
#              binary is missing
#   --out      keep results.md and results.json there
#   --phases   crash (N=10 kill -> crash event) and/or big (N=100 start/stop, idle, status)
#   --scratch  where the temp BroBase goes (default /tmp; /dev/shm shows what the disk costs)
#
# Runs the real daemons on loopback in a private temp BroBase, bounded by `timeout`;
# every process started is ended (also on failure and Ctrl-C) and the temp dir removed.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
PY=/usr/bin/python3  # Debian's: python3-zmq and python3-msgpack live there
QUICK=()
BUILD=""
OUT=""
PHASES="crash,big"
SCRATCH=/tmp
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=(--quick) ;;
    --build) BUILD="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    --phases) PHASES="$2"; shift ;;
    --scratch) SCRATCH="$2"; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

if ! "$PY" -c 'import zmq, msgpack' 2>/dev/null; then
  echo "run.sh: $PY lacks zmq/msgpack (apt-get install python3-zmq python3-msgpack)" >&2
  exit 2
fi

need=(supervisor/brocluster-supervisor broker/brocluster-broker tests/fake_node/brocluster-fake-node)
missing() {
  local b
  for b in "${need[@]}"; do [ -x "$1/$b" ] || return 0; done
  return 1
}
if [ -z "$BUILD" ]; then
  BUILD="$ROOT/build"
  if missing "$BUILD"; then
    echo "run.sh: building with scripts/build.sh" >&2
    dir="$(timeout 1800 "$ROOT/scripts/build.sh" | tail -n 1)"
    BUILD="$ROOT/$dir"
  fi
fi
BUILD="$(cd "$BUILD" && pwd)"
if missing "$BUILD"; then
  echo "run.sh: $BUILD lacks ${need[*]}" >&2
  exit 2
fi

TMP="$(mktemp -d "$SCRATCH/bc-bench.XXXXXX")"
DRIVER=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [ -n "$DRIVER" ] && kill -0 "$DRIVER" 2>/dev/null; then
    kill -TERM "$DRIVER" 2>/dev/null || true  # timeout passes it on; the driver cleans up
    wait "$DRIVER" 2>/dev/null || true
    cat "$TMP/results.md" 2>/dev/null || true  # what was measured before the interruption
  fi
  # Backstop: anything still working below $TMP (daemons name it in --base, nodes run in
  # it). Killed by pid, after the driver had its chance to stop them in order.
  local p pids=()
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    [ "$p" = "$$" ] && continue
    if { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -qF "$TMP/" ||
       [[ "$(readlink "/proc/$p/cwd" 2>/dev/null)/" == "$TMP/"* ]]; then
      pids+=("$p")
    fi
  done
  if [ ${#pids[@]} -gt 0 ]; then
    echo "run.sh: killing leftover pids ${pids[*]}" >&2
    kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

LIMIT=600; [ ${#QUICK[@]} -gt 0 ] && LIMIT=180
echo "run.sh: build $BUILD, scratch $TMP, limit ${LIMIT}s" >&2
# In the background so that Ctrl-C reaches this script's trap at once (timeout runs the
# driver in a process group of its own, away from the terminal's signals).
timeout -k 15 "$LIMIT" "$PY" "$HERE/supervisor_bench.py" --build "$BUILD" --tmp "$TMP" \
  --phases "$PHASES" --json "$TMP/results.json" "${QUICK[@]}" >"$TMP/results.md" &
DRIVER=$!
set +e
wait "$DRIVER"
rc=$?
set -e
DRIVER=""
cat "$TMP/results.md" 2>/dev/null || true
if [ -n "$OUT" ]; then
  mkdir -p "$OUT"
  cp "$TMP/results.md" "$TMP/results.json" "$OUT"/ 2>/dev/null || true
  echo "run.sh: results in $OUT" >&2
fi
[ $rc = 124 ] && echo "run.sh: timed out after ${LIMIT}s" >&2
exit $rc
