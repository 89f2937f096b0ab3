#!/usr/bin/env bash
# One measuring session (docs/PERFORMANCE.md): ours and the peers back to back on a quiet
# machine. Usage: bench/session.sh [BUILD_DIR] [OUT_DIR]. Each script's output goes to OUT_DIR.
set -u
cd "$(dirname "$0")/.."
B=${1:-build}
OUT=$(realpath -m "${2:-perf-session}"); rm -rf "$OUT"; mkdir -p "$OUT"
{ echo "date: $(date -u)"; nproc; grep -m1 "model name" /proc/cpuinfo; uname -r; cat /proc/loadavg; git log -1 --format=%h; } > "$OUT"/machine.txt
cat /proc/loadavg > "$OUT"/load-0.txt
timeout 600 bench/run.sh --build $B --out "$OUT"/sup > "$OUT"/sup.txt 2>&1
cat /proc/loadavg > "$OUT"/load-1.txt
timeout 400 /usr/bin/python3 bench/collector_bench.py --build $B > "$OUT"/collector.txt 2>&1
cat /proc/loadavg > "$OUT"/load-2.txt
timeout 400 bench/cluster_bench.sh --build $B > "$OUT"/cluster.txt 2>&1
cat /proc/loadavg > "$OUT"/load-3.txt
(cd "${PEER_BENCH:-../shared/peer-bench}" && timeout 600 ./run.sh --quick --peers runit,s6,supervisord) > "$OUT"/peers.txt 2>&1
cat /proc/loadavg > "$OUT"/load-4.txt
timeout 600 bench/node_bench.sh --build $B > "$OUT"/node.txt 2>&1
cat /proc/loadavg > "$OUT"/load-5.txt
echo done > "$OUT"/DONE
