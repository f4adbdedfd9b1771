#!/usr/bin/env bash
# Every test: install what is missing, build with warnings as errors and run
# the suite; then build with AddressSanitizer + UBSan and run it again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)
echo "== build (warnings are errors)"
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRSMSIM_WERROR=ON -DRSMSIM_SANITIZE=OFF > build.log 2>&1 \
  || { tail -50 build.log; exit 1; }
echo "== tests"
(cd build && ctest -j"$jobs" --output-on-failure)
echo "== build with AddressSanitizer + UndefinedBehaviorSanitizer"
bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DRSMSIM_WERROR=ON -DRSMSIM_SANITIZE=ON -DRSMSIM_BENCH=OFF > build-asan.log 2>&1 \
  || { tail -50 build-asan.log; exit 1; }
echo "== tests under sanitizers"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
   ctest -j"$jobs" --output-on-failure)
echo "== fuzz build (clang, libFuzzer) and a short run of each target"
{ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DRSMSIM_FUZZ=ON -DRSMSIM_BENCH=OFF &&
  cmake --build build-fuzz -j"$jobs" --target fuzz_parsers fuzz_rsmapi fuzz_mmio fuzz_parsers_replay fuzz_rsmapi_replay fuzz_mmio_replay; } \
  > build-fuzz.log 2>&1 || { tail -50 build-fuzz.log; exit 1; }
(cd build-fuzz && ctest -L fuzz --output-on-failure)
