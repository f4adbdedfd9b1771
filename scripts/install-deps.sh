#!/usr/bin/env bash
# Installs the Debian 12 packages rsmsim needs. Idempotent: does nothing
# when everything is present. Needs root (or sudo) only when installing.
set -euo pipefail
pkgs=(build-essential cmake pkg-config python3 git ccache
      libsystemc-dev verilator iverilog gtkwave gnuplot-nox zlib1g-dev
      libgtest-dev libbenchmark-dev libfmt-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev
      clang libclang-rt-14-dev)   # clang and libFuzzer: the fuzz build (tests/fuzz)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
