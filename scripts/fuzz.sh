#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, docs/FUZZING.md) with clang++ and ASan + UBSan in
# build-fuzz/ and runs each on a scratch copy of its committed seed corpus for a bounded
# time, as many targets at a time as there are cores. Fails when a target crashes, leaks,
# times out or trips a sanitizer; the input that did it is left in
# build-fuzz/artifacts/<target>/.
# Usage: scripts/fuzz.sh [seconds-per-target]   (default 30)
#        scripts/fuzz.sh --build-only           (builds the targets, runs none)
set -euo pipefail
cd "$(dirname "$0")/.."

build_only=false
if [ "${1:-}" = --build-only ]; then
  build_only=true
  shift
fi
seconds=${1:-30}
targets=(fuzz_messages fuzz_config fuzz_install fuzz_script fuzz_intake)
dir=build-fuzz

scripts/deps.sh
fuzzer_lib=libclang_rt.fuzzer-x86_64.a
if ! command -v clang++ >/dev/null ||
  [ ! -f "$(clang++ -print-resource-dir)/lib/linux/$fuzzer_lib" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "fuzz: clang++ with libFuzzer is missing (apt-get install clang libclang-rt-dev)" >&2
    exit 2
  fi
  echo "fuzz: installing clang and libFuzzer" >&2
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get update -qq >&2
  # libclang-rt-dev: libFuzzer and the sanitizer runtimes of the default clang (Debian 12:
  # clang 14, libclang_rt.fuzzer-x86_64.a in libclang-rt-14-dev).
  timeout 1200 apt-get install -y -qq --no-install-recommends clang libclang-rt-dev >&2
fi

# Configured once: passing CMAKE_CXX_COMPILER again to an existing build dir makes CMake
# throw its cache away and everything is built anew. Ninja, as in scripts/build.sh.
if [ ! -f "$dir/CMakeCache.txt" ]; then
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  cmake -S fuzz -B "$dir" "${generator[@]}" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE= \
    >/dev/null
fi
cmake --build "$dir" --target fuzz_all -j"$(nproc)" >&2
if $build_only; then
  exit 0
fi

# One target per core at a time: libFuzzer runs one process, so on 2 cores two targets
# side by side each still get a whole core for their seconds.
jobs=$(nproc)

# run_target <target>: fuzzes it, in the background; $dir/<target>.done when it ran without
# a finding.
run_target() {
  local t=$1
  local work="$dir/run/$t"
  local artifacts="$dir/artifacts/$t"
  rm -rf "$work" "$dir/$t.done" && mkdir -p "$work" "$artifacts"
  cp fuzz/corpus/"$t"/* "$work"/
  echo "fuzz: $t for ${seconds}s" >&2
  if ! "$dir/$t" "$work" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
      -artifact_prefix="$artifacts/" -print_final_stats=1 >"$dir/$t.log" 2>&1; then
    # libFuzzer's timeout is wall-clock time: on a machine busy with other builds a unit
    # can stall in the allocator for seconds. A real hang reproduces on its own.
    local unit
    unit=$(ls "$artifacts"/timeout-* 2>/dev/null | head -n 1 || true)
    if [ -n "$unit" ] && "$dir/$t" -timeout=5 -runs=1 "$unit" >"$dir/$t.rerun.log" 2>&1; then
      echo "fuzz: $t: the timeout of $unit did not reproduce (a busy machine); not a finding" >&2
    else
      return 1
    fi
  fi
  touch "$dir/$t.done"
}

running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  run_target "$t" &
  running=$((running + 1))
done
wait

failed=()
for t in "${targets[@]}"; do
  if [ ! -f "$dir/$t.done" ]; then
    failed+=("$t")
    echo "fuzz: $t FAILED, the end of $dir/$t.log:" >&2
    tail -n 60 "$dir/$t.log" >&2 || true
  fi
  grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units' "$dir/$t.log" 2>/dev/null |
    sed "s/^/$t: /" >&2 || true
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $dir/artifacts/)" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s each without a finding" >&2
