#!/usr/bin/env bash
# build.sh DIR [cmake options...]: configure (once) and build into DIR.
set -euo pipefail
dir=$1; shift
# Compiled objects are found again from another clone of the project (paths
# under it are hashed relative to it), so a fresh checkout builds from the cache.
export CCACHE_BASEDIR="$(cd "$(dirname "$0")/.." && pwd)" CCACHE_NOHASHDIR=1
cmake -S "$(dirname "$0")/.." -B "$dir" "$@"
cmake --build "$dir" -j"$(nproc)"
