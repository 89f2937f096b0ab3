#!/usr/bin/env bash
# Benchmark of the reference node's engine (issue 6): packets per second of one engine
# reading a pcap file, with connection accounting only and with all analyses, and its
# peak RSS (all-no-detector: all analyses, scan observations not fed to a ScanDetector,
# as on a cluster worker). Figures go to docs/ENGINE.md ("Performance") and docs/PERFORMANCE.md.
#
#   bench/node_bench.sh [--build DIR] [--flows N] [--repeat N] [--logs]
#
#   --build   a configured build dir (default: build-engine next to the source, else build);
#             node_engine_bench and brocluster-pcapgen are built there when missing
#   --flows   flows in the generated pcap (default 200000, about 1.4 M packets)
#   --repeat  runs per mode; the best is reported (default 3)
#   --logs    also write the Zeek logs (LogWriter) into the temp dir
#
# The pcap comes from brocluster-pcapgen (deterministic, seed 1, the default mix
# http:4,dns:3,tcp:2,udp:1,icmp:1) into a temp dir that is removed on exit.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
BUILD=""
FLOWS=200000
REPEAT=3
LOGS=0
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD="$2"; shift ;;
    --flows) FLOWS="$2"; shift ;;
    --repeat) REPEAT="$2"; shift ;;
    --logs) LOGS=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "node_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$BUILD" ]; then
  for d in "$ROOT/../build-engine" "$ROOT/build"; do
    if [ -f "$d/CMakeCache.txt" ]; then BUILD="$d"; break; fi
  done
fi
[ -n "$BUILD" ] && [ -f "$BUILD/CMakeCache.txt" ] || { echo "node_bench.sh: no configured build dir (--build)" >&2; exit 2; }
BENCH="$BUILD/node/engine/node_engine_bench"
GEN="$BUILD/tests/unit/node_engine/brocluster-pcapgen"
if [ ! -x "$BENCH" ] || [ ! -x "$GEN" ]; then
  nice -n 19 cmake --build "$BUILD" --target node_engine_bench brocluster-pcapgen -j2 >/dev/null
fi

TMP="$(mktemp -d /tmp/node-bench.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT INT TERM

echo "== machine"
echo "nproc: $(nproc)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "mem: $(grep -m1 MemTotal /proc/meminfo | awk '{printf "%.1f GiB", $2/1048576}')"
echo "kernel: $(uname -r)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== pcap"
gen_out=$(timeout 600 "$GEN" -o "$TMP/bench.pcap" -n "$FLOWS" -s 1)
echo "$gen_out"
packets=$(grep -o '[0-9]* packets' <<<"$gen_out" | cut -d' ' -f1)
echo "size: $(du -m "$TMP/bench.pcap" | cut -f1) MiB"
cat "$TMP/bench.pcap" >/dev/null  # into the page cache: measure the engine, not the disk

echo "== engine (best of $REPEAT)"
for mode in conn all all-no-detector; do
  args=("$TMP/bench.pcap" "${mode%%-*}" --repeat "$REPEAT")
  [ "$mode" = all-no-detector ] && args+=(--no-detector)
  if [ "$LOGS" = 1 ]; then mkdir -p "$TMP/logs-$mode"; args+=(--logs "$TMP/logs-$mode"); fi
  timeout 900 "$BENCH" "${args[@]}"
done

# The whole process, as the supervisor runs it: a standalone brocluster-node reading the
# same file with the shipped policy and writing its logs (start-up and final flush included).
NODE="$(realpath "$BUILD")/node/process/brocluster-node"
if [ -x "$NODE" ] && [ -x /usr/bin/time ]; then
  echo "== process: brocluster-node -r (standalone, shipped policy, logs written)"
  base="$TMP/base"
  mkdir -p "$base/etc" "$base/spool/bro"
  printf '[bro]\ntype=standalone\nhost=localhost\ninterface=lo\n' > "$base/etc/node.cfg"
  printf 'PolicyDir = %s/policy\nSitePolicyPath = %s/policy/local\n' "$PWD" "$PWD" > "$base/etc/cluster.cfg"
  (cd "$base/spool/bro" && timeout 900 /usr/bin/time -f '%e %M' -o "$TMP/time.txt" \
     "$NODE" --base "$base" --node bro -r "$TMP/bench.pcap" --exit-at-eof >/dev/null 2>&1)
  read -r secs rss_kb < "$TMP/time.txt"
  awk -v p="$packets" -v s="$secs" -v r="$rss_kb" \
    'BEGIN { printf "mode=process packets=%d seconds=%.2f pps=%.0f peak_rss_mb=%.1f\n", p, s, p / s, r / 1024 }'
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
