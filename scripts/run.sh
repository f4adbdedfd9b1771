#!/usr/bin/env bash
# The main job: install what is missing, build, and run the default
# simulation (2 nodes, put/get) which writes waveforms/rsmsim.vcd.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
echo "building (log: build.log) ..."
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo > build.log 2>&1 || { tail -50 build.log; exit 1; }
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
exec ./build/sim/rsmsim "$@"
