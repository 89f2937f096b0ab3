#!/usr/bin/env bash
# The main job: installs what is missing, builds, installs BroCluster into a BroBase
# (default ./brobase, or $1) with a standalone configuration for this machine, starts the
# cluster and prints its status.
set -euo pipefail
cd "$(dirname "$0")/.."

base=$(realpath -m "${1:-brobase}")
dir=$(scripts/build.sh --installed | tail -n 1)
cmake --install "$dir" --prefix "$base" >/dev/null
echo "BroCluster installed in $base"
bin="$base/bin/brocluster"
"$bin" --base "$base" nodes
"$bin" --base "$base" start || true
exec "$bin" --base "$base" status
