#!/usr/bin/env bash
# The crash-repair figures of issue 5 and the brief in one session (docs/PERFORMANCE.md):
# our repair over the bus with the benchmark's node program and with the test suite's
# fake node, three runs each, then the peers' kill -9 -> new pid, back to back on a quiet
# machine. Usage: bench/repair_session.sh [BUILD_DIR] [OUT_DIR]
set -u
cd "$(dirname "$0")/.."
B=${1:-build}
OUT=$(realpath -m "${2:-perf-repair-session}"); rm -rf "$OUT"; mkdir -p "$OUT"
{ echo "date: $(date -u)"; nproc; grep -m1 "model name" /proc/cpuinfo; uname -r; cat /proc/loadavg; git log -1 --format=%h; } > "$OUT"/machine.txt
for run in 1 2 3; do
  for node in bench fake; do
    cat /proc/loadavg > "$OUT"/load-$node-$run.txt
    timeout 400 /usr/bin/python3 bench/collector_bench.py --build "$B" --node $node > "$OUT"/collector-$node-$run.txt 2>&1
  done
done
cat /proc/loadavg > "$OUT"/load-peers.txt
(cd "${PEER_BENCH:-../shared/peer-bench}" && timeout 600 ./run.sh --quick --peers runit,s6) > "$OUT"/peers.txt 2>&1
cat /proc/loadavg > "$OUT"/load-end.txt
echo done > "$OUT"/DONE
