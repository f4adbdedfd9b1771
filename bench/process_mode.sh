#!/usr/bin/env bash
# Host cost per call of a 4-byte put, a signal post and a 1 MiB putv, with
# node programs as processes of their own (rsmsim exec) and in the
# simulator's process, in one run; prints both and the ratio.
# bench/process_mode.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
proc=$("$build/sim/rsmsim" exec -n 2 --no-vcd -- "$build/bench/process_cost" | grep -o 'cost .*')
inproc=$("$build/bench/process_cost_inproc" | grep -o 'cost .*')
printf '%-8s %14s %14s %8s\n' call "in-process ns" "process ns" ratio
join <(sed 's/^cost //' <<< "$inproc" | sort) <(sed 's/^cost //' <<< "$proc" | sort) |
  awk '{ printf "%-8s %14d %14d %8.2f\n", $1, $2, $3, $3 / $2 }'
