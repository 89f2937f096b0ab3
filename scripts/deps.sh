#!/usr/bin/env bash
# Installs the Debian packages BroCluster needs to build and test, skipping those present.
# Runs as root (apt-get); prints what it installs.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config clang-format
  libzmq3-dev cppzmq-dev libmsgpack-cxx-dev libcli11-dev libspdlog-dev
  libgtest-dev libedit-dev libpcap-dev zlib1g-dev libsodium-dev
  python3 python3-zmq python3-msgpack
  bro-aux tcpreplay tcpdump iproute2 time tmux
  systemd  # systemd-analyze: the install test verifies the generated units
  gnuplot-nox  # brocluster plot (docs/CONFIG.md, "Plotting stats.log")
  prometheus  # promtool: tests/integration/web_test.cc checks /metrics with it
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "deps: missing packages: ${missing[*]} (run as root or install them)" >&2
  exit 2
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
timeout 600 apt-get update -qq >&2
timeout 1200 apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
