#!/usr/bin/env bash
# Installs rsmsim as a user would and builds programs against the installed
# files only: every C example with cc and pkg-config, a C++ testbench with
# find_package, and the same against the Debian package's contents.
# install_test.sh BUILD_DIR SOURCE_DIR
set -u
build=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() { if eval "$2"; then echo "ok   - $1"; else echo "FAIL - $1"; fail=1; fi; }
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1

cmake --install "$build" --prefix "$work/prefix" > "$work/install.log" 2>&1
check "cmake --install puts rsmapi.h, both libraries (with SONAME links), rsmsim, .pc files, the CMake package and the man page" \
  "[ -f $work/prefix/include/rsmapi.h ] && [ -f $work/prefix/include/rsmsim/testbench.h ] && [ -L $work/prefix/lib/librsm.so ] && [ -e $work/prefix/lib/librsm.so.2 ] && [ -L $work/prefix/lib/librsmsim.so ] && [ -x $work/prefix/bin/rsmsim ] && [ -f $work/prefix/lib/pkgconfig/rsm.pc ] && [ -f $work/prefix/lib/cmake/rsmsim/rsmsimConfig.cmake ] && [ -f $work/prefix/share/man/man1/rsmsim.1 ]"
if command -v groff > /dev/null; then
  check "the man page renders" "groff -man -Tutf8 $work/prefix/share/man/man1/rsmsim.1 2>/dev/null | grep -q 'simulate an SCI-style'"
  check "and documents every option of rsmsim --help, exec's included" \
    "for o in \$($work/prefix/bin/rsmsim --help | grep -oE -- '--[a-z][a-z-]+' | sort -u) --node --stall-limit; do
       groff -man -Tascii -P-cbou $work/prefix/share/man/man1/rsmsim.1 2>/dev/null | grep -q -- \"\$o\" || { echo \"missing \$o\"; exit 1; }; done"
else
  echo "skip - groff is not installed: the man page is not rendered"
fi

# build_examples PKG_CONFIG_DIR LABEL: compile and run every C example.
build_examples() {
  local pcdir=$1 label=$2
  for ex in putget sgio events barrier_map topology faults; do
    local exe="$work/$label-$ex"
    PKG_CONFIG_PATH=$pcdir cc -std=c99 -Wall -Wextra -pedantic -Werror -o "$exe" "$src/sim/examples/$ex.c" \
      $(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs rsmsim) > "$work/cc.log" 2>&1; local rc=$?
    check "$label: cc $ex.c \$(pkg-config --cflags --libs rsmsim) builds" "[ $rc -eq 0 ]"
    [ $rc -eq 0 ] || { cat "$work/cc.log"; continue; }
    (cd "$work" && "$exe" > "$work/$label-$ex.out" 2>&1)
    check "$label: $ex runs and passes" "grep -q '$ex: PASS' $work/$label-$ex.out"
  done
}
build_examples "$work/prefix/lib/pkgconfig" prefix

# Plain programs (their own main()) with nothing but cc and pkg-config for
# rsm, run one process per node by the installed rsmsim.
PKG_CONFIG_PATH=$work/prefix/lib/pkgconfig cc -std=c99 -o "$work/ring" "$src/sim/examples/procs/ring.c" \
  $(PKG_CONFIG_PATH=$work/prefix/lib/pkgconfig pkg-config --cflags --libs rsm); rc=$?
check "a plain program builds with cc ring.c \$(pkg-config --cflags --libs rsm)" "[ $rc -eq 0 ]"
(cd "$work" && timeout 120 "$work/prefix/bin/rsmsim" exec -n 3 --no-vcd -- ./ring > "$work/ring.out" 2>&1)
check "and runs on 3 processes under the installed rsmsim exec" "grep -q '^result: PASS' $work/ring.out && [ \$(grep -c ': ok' $work/ring.out) -eq 3 ]"

cmake -S "$src/tests/install" -B "$work/tb" -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/tb.log" 2>&1 \
  && cmake --build "$work/tb" >> "$work/tb.log" 2>&1; rc=$?
check "a C++ testbench builds with find_package(rsmsim) + target_link_libraries(tb rsmsim::rsmsim)" "[ $rc -eq 0 ]"
[ $rc -eq 0 ] || tail -20 "$work/tb.log"
check "and passes" "$work/tb/tb 2>&1 | grep -q 'user testbench: PASS'"

# The Debian package: build it, check its dependencies are Debian packages,
# and build against its contents (the .pc files find their own prefix).
(cd "$build" && cpack -G DEB > "$work/cpack.log" 2>&1); rc=$?
deb=$(ls "$build"/rsmsim_*.deb 2>/dev/null | head -1)
check "cpack -G DEB builds a package" "[ $rc -eq 0 ] && [ -n '$deb' ]"
if [ -n "$deb" ]; then
  check "its dependencies are Debian 12 packages (libsystemc, libtomlplusplus3, ...)" \
    "dpkg-deb -f $deb Depends | grep -q 'libsystemc' && apt-cache policy \$(dpkg-deb -f $deb Depends | tr ',' '\n' | sed 's/(.*//; s/ //g') 2>/dev/null | grep -q Installed"
  dpkg-deb -x "$deb" "$work/deb"
  build_examples "$work/deb/usr/lib/pkgconfig" deb
fi
[ $fail -eq 0 ] && echo "install: all checks passed"
exit $fail
