#!/usr/bin/env bash
# Configures and builds BroCluster. Usage: scripts/build.sh [--sanitize] [--no-tests] [--installed]
# Normal build in build/, ASan+UBSan build in build-asan/. Prints the build dir last.
# --installed builds only what `cmake --install` installs (the main job's need); the
# configuration is the same either way, so the other build reuses what this one built.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=build
flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
targets=()
for arg in "$@"; do
  case "$arg" in
    --sanitize) dir=build-asan; flags+=(-DBROCLUSTER_SANITIZE=ON) ;;
    --no-tests) flags+=(-DBROCLUSTER_TESTS=OFF) ;;
    --installed) targets=(--target installed) ;;
    *) echo "build.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

scripts/deps.sh
# Ninja when the build dir is new (an existing one keeps its generator): unlike the
# Makefiles, it compiles a target's sources while the libraries it links are still being
# built, which keeps both cores busy in the unity build (docs/BUILD_TIME.md).
if [ ! -f "$dir/CMakeCache.txt" ] && command -v ninja >/dev/null; then
  flags+=(-G Ninja)
fi
cmake -S . -B "$dir" "${flags[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)" "${targets[@]}" >&2
echo "$dir"
