#!/usr/bin/env bash
# Host cost per call of a 4-byte put, a signal post and a 1 MiB putv, with
# node programs as processes of their own (rsmsim exec) and in the
# simulator's process, measured back to back RUNS times (default 5); prints
# every run's ratio and the median, since a 2-core VM is noisy.
# bench/process_mode.sh [BUILD_DIR] [RUNS]
set -euo pipefail
build=${1:-build}
runs=${2:-5}
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
all=$(mktemp)
trap 'rm -f "$all"' EXIT
for ((i = 0; i < runs; ++i)); do
  proc=$("$build/sim/rsmsim" exec -n 2 --no-vcd -- "$build/bench/process_cost" | grep -o 'cost .*' | sed 's/^cost //' | sort)
  inproc=$("$build/bench/process_cost_inproc" | grep -o 'cost .*' | sed 's/^cost //' | sort)
  join <(echo "$inproc") <(echo "$proc") >> "$all"
done
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-8s %14s %14s %8s   %s\n' call "in-process ns" "process ns" ratio "(median of $runs runs; each run's ratio)"
for call in put4 post putv1M; do
  rows=$(grep "^$call " "$all")
  printf '%-8s %14.0f %14.0f %8.2f   %s\n' "$call" "$(awk '{ print $2 }' <<< "$rows" | median)" \
    "$(awk '{ print $3 }' <<< "$rows" | median)" "$(awk '{ print $3 / $2 }' <<< "$rows" | median)" \
    "$(awk '{ printf "%.1f ", $3 / $2 }' <<< "$rows")"
done
