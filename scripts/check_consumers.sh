#!/usr/bin/env bash
# tierpool consumed as a library, the ways users consume it. Each way builds the
# small project in tests/consumer/ (a C program using a pool, the default pool,
# the statistics and the port's tp_sys.h) and runs it:
#   0. tierpool itself as the top-level project without cmocka: configuring with
#      the tests on fails with a plain message, -DTP_BUILD_TESTS=OFF builds
#   1. add_subdirectory(<checkout>)             on a machine without cmocka;
#      also with TP_PORT=none and the project's own port (tests/consumer/my_port.c)
#   2. FetchContent from a tarball of the checkout, on a machine without cmocka
#   3. cmake --install, then find_package(tierpool) from another project, and
#      the same program built with pkg-config's flags
#   4. TP_PORT=baremetal with a Cortex-M3 toolchain: the libraries build
# "Without cmocka" is made true, not assumed: 1 and 2 run under
# scripts/without.sh, a private mount namespace where an overlay hides every
# cmocka file under /usr (the header, the libraries, the CMake and pkg-config
# files); there the script first proves that no cmocka file is left and that
# #include <cmocka.h> fails.
# Needs root (or unprivileged user namespaces), cmake, a C compiler, tar,
# pkg-config; arm-none-eabi-gcc for 4.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
consumer=$root/tests/consumer

build_and_run() { # $1 = build dir, $2.. = cmake -D options
    local dir=$1; shift
    cmake -S "$consumer" -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >"$dir.log" 2>&1 ||
        { cat "$dir.log"; return 1; }
    cmake --build "$dir" -j2 >>"$dir.log" 2>&1 || { tail -30 "$dir.log"; return 1; }
    "$dir/consumer" && "$dir/consumer_st"
    # The consumer's configure never looked for cmocka: no CMOCKA_* cache
    # entry, and tierpool's tests were off (they are only when it is top-level).
    if grep -q "^CMOCKA_" "$dir/CMakeCache.txt"; then
        echo "$dir: the configure looked for cmocka"; return 1
    fi
    if [ -n "$(sed -n 's/^TP_BUILD_TESTS:BOOL=//p' "$dir/CMakeCache.txt")" ] &&
       ! grep -q "^TP_BUILD_TESTS:BOOL=OFF" "$dir/CMakeCache.txt"; then
        echo "$dir: tierpool's tests were on in a consumer build"; return 1
    fi
}

# ---- inside scripts/without.sh's namespace: prove cmocka gone, build 1 and 2 --
if [ "${1:-}" = "--without-cmocka" ]; then
    work=$2
    left=$(find /usr \( -name '*cmocka*' -o -name '*cmockery*' \) -print)
    if [ -n "$left" ]; then
        echo "cmocka still visible: $left"; exit 1
    fi
    if printf '#include <cmocka.h>\n' | cc -x c -fsyntax-only - 2>/dev/null; then
        echo "cmocka.h still compiles"; exit 1
    fi
    echo "cmocka hidden: no cmocka file under /usr, #include <cmocka.h> does not compile"
    echo "== 0. tierpool as the top-level project without cmocka: a plain error, and -DTP_BUILD_TESTS=OFF builds"
    if cmake -S "$root" -B "$work/top" >"$work/top.log" 2>&1; then
        echo "configured with the tests on and no cmocka?"; exit 1
    fi
    grep -q "cmocka was not found" "$work/top.log" && grep -q -- "-DTP_BUILD_TESTS=OFF" "$work/top.log" ||
        { cat "$work/top.log"; echo "no plain word about cmocka"; exit 1; }
    rm -rf "$work/top"
    cmake -S "$root" -B "$work/top" -DTP_BUILD_TESTS=OFF >"$work/top.log" 2>&1 || { cat "$work/top.log"; exit 1; }
    cmake --build "$work/top" -j2 --target tierpool tierpool_st >>"$work/top.log" 2>&1 ||
        { tail -30 "$work/top.log"; exit 1; }
    echo "top-level without cmocka: the error names libcmocka-dev and -DTP_BUILD_TESTS=OFF; with it, the library builds"
    echo "== 1. add_subdirectory (no cmocka)"
    build_and_run "$work/subdir" -DTP_CONSUME=subdirectory -DTIERPOOL_DIR="$root"
    echo "== 1b. add_subdirectory with TP_PORT=none and the project's own port (no cmocka)"
    build_and_run "$work/ownport" -DTP_CONSUME=subdirectory -DTIERPOOL_DIR="$root" \
        -DCONSUMER_OWN_PORT=ON
    grep -q "^TP_PORT:STRING=none" "$work/ownport/CMakeCache.txt" || { echo "TP_PORT not none"; exit 1; }
    echo "== 2. FetchContent from $(basename "$work/tierpool-src.tar.gz") (no cmocka)"
    build_and_run "$work/fetch" -DTP_CONSUME=fetchcontent \
        -DTIERPOOL_URL="file://$work/tierpool-src.tar.gz" \
        -DTIERPOOL_SHA256="$(sha256sum "$work/tierpool-src.tar.gz" | cut -d' ' -f1)"
    exit 0
fi

work=$(mktemp -d /tmp/tierpool-consumers.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

# The checkout as a release tarball would carry it (no build trees, no git).
tar -C "$root" --exclude=./build --exclude=./out --exclude=./.git -czf "$work/tierpool-src.tar.gz" .

# Every cmocka file and directory under /usr: the header, the libraries, the
# CMake package and the pkg-config file.
find /usr \( -name '*cmocka*' -o -name '*cmockery*' \) -prune -print >"$work/cmocka.list"
[ -s "$work/cmocka.list" ] || echo "(cmocka is not installed here: nothing to hide)"
hidden="without cmocka"
if "$root/scripts/without.sh" --probe; then
    "$root/scripts/without.sh" "$work/cmocka.list" bash "$0" --without-cmocka "$work"
else
    # No mount namespace here (a container without the capability, say): build
    # 1 and 2 with cmocka installed, and show from the consumers' CMake caches
    # that nothing looked for it (build_and_run checks). Weaker than hiding it; said plainly.
    hidden="never looking for cmocka (not hidden: no namespace)"
    echo "WARNING: this machine cannot make a private mount namespace: cmocka is not hidden;"
    echo "         checking instead that configuring tierpool as a subproject never looks for it"
    build_and_run "$work/subdir" -DTP_CONSUME=subdirectory -DTIERPOOL_DIR="$root"
    build_and_run "$work/fetch" -DTP_CONSUME=fetchcontent \
        -DTIERPOOL_URL="file://$work/tierpool-src.tar.gz" \
        -DTIERPOOL_SHA256="$(sha256sum "$work/tierpool-src.tar.gz" | cut -d' ' -f1)"
    echo "add_subdirectory and FetchContent: cmocka never looked for (no CMOCKA_* in their caches)"
fi

echo "== 3. install, then find_package(tierpool) and pkg-config"
cmake -S "$root" -B "$work/lib" -DCMAKE_BUILD_TYPE=Release -DTP_BUILD_TESTS=OFF \
    -DTP_BUILD_POOLSIM=OFF -DTP_BUILD_BENCH=OFF -DTP_BUILD_EXAMPLES=OFF >"$work/lib.log" 2>&1 ||
    { cat "$work/lib.log"; exit 1; }
cmake --build "$work/lib" -j2 >>"$work/lib.log" 2>&1 || { tail -30 "$work/lib.log"; exit 1; }
cmake --install "$work/lib" --prefix "$work/prefix" >>"$work/lib.log" 2>&1 ||
    { tail -30 "$work/lib.log"; exit 1; }
build_and_run "$work/found" -DTP_CONSUME=find_package -DCMAKE_PREFIX_PATH="$work/prefix"
for pc in tierpool tierpool_st; do
    flags=$(PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig" pkg-config --cflags --libs $pc)
    defs=""
    [ $pc = tierpool ] || defs=-DCONSUMER_NO_SYS
    # shellcheck disable=SC2086
    cc -std=c11 -Wall -Werror $defs "$consumer/main.c" $flags -o "$work/pc_$pc"
    echo "pkg-config $pc: $flags"
    "$work/pc_$pc"
done

echo "== 4. TP_PORT=baremetal with a Cortex-M3 toolchain"
if command -v arm-none-eabi-gcc >/dev/null; then
    cmake -S "$root" -B "$work/cm3" -DCMAKE_TOOLCHAIN_FILE="$consumer/cortex-m3.cmake" \
        -DTP_PORT=baremetal -DCMAKE_BUILD_TYPE=MinSizeRel >"$work/cm3.log" 2>&1 ||
        { cat "$work/cm3.log"; exit 1; }
    cmake --build "$work/cm3" -j2 >>"$work/cm3.log" 2>&1 || { tail -30 "$work/cm3.log"; exit 1; }
    for lib in libtierpool.a libtierpool_st.a libtierpool_baremetal_sys.a; do
        arm-none-eabi-objdump -f "$work/cm3/$lib" | grep -q "architecture: arm" ||
            { echo "$lib is not an ARM library"; exit 1; }
    done
    arm-none-eabi-nm "$work/cm3/libtierpool.a" | grep -q " T tp_port_enter$" ||
        { echo "libtierpool.a lacks the PRIMASK port"; exit 1; }
    echo "Cortex-M3: libtierpool.a (PRIMASK port), libtierpool_st.a, libtierpool_baremetal_sys.a built"
else
    echo "arm-none-eabi-gcc not installed: step 4 skipped"
    exit 1
fi
echo "consumers: add_subdirectory and FetchContent $hidden, find_package, pkg-config, Cortex-M: all ok"
