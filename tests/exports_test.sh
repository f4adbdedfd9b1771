#!/usr/bin/env bash
# librsm exports every rsmapi function declared in <rsmapi.h>, and apart from
# those only the Bus seam (namespace rsm::hw): no internals leak.
set -u
lib="$1"; header="$2"
fail=0
declared=$(grep -oE '^(int|void) rsm_[a-z0-9_]+\(' "$header" | sed -E 's/^(int|void) //; s/\($//' | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" {print $3}' | sort -u)
for f in $declared; do
  grep -qx "$f" <<< "$exported" || { echo "FAIL - $f is declared but not exported"; fail=1; }
done
others=$(grep -v '^rsm_' <<< "$exported" | c++filt | grep -v '^rsm::hw::' || true)
if [ -n "$others" ]; then echo "FAIL - unexpected exports:"; echo "$others"; fail=1; fi
n=$(wc -w <<< "$declared")
[ $fail -eq 0 ] && echo "librsm exports all $n declared rsmapi functions and nothing internal"
exit $fail
