#!/usr/bin/env bash
# Every test of the project: gcc and clang builds at -Werror, the tests plain
# (gcc, release: NDEBUG), with assertions on (clang), under ASan+UBSan (assertions
# on) and under TSan, static checks (banned calls, cppcheck,
# clang-tidy, Kconfig, the ESP-IDF port against its API), the API reference
# (doxygen, warnings are errors), the cross builds when
# .ci/cross.sh exists, and a bounded fuzz run.
# Usage: scripts/test.sh            (FUZZ_SECONDS=60 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh run plot test

jobs=2
passed=0
failed=0
start_all=$(date +%s)

# ctest in a build dir; adds its counts to the totals.
run_ctest() {
    local dir=$1; shift
    local log; log=$(mktemp)
    if ctest --test-dir "$dir" -j"$jobs" --output-on-failure "$@" 2>&1 | tee "$log"; then :; fi
    local line; line=$(grep -E "tests passed, [0-9]+ tests failed out of" "$log" | tail -1)
    local fails total
    fails=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/')
    total=$(echo "$line" | sed -E 's/.* out of ([0-9]+).*/\1/')
    [ -n "$total" ] || { echo "no ctest summary in $dir"; failed=$((failed + 1)); return; }
    passed=$((passed + total - fails))
    failed=$((failed + fails))
}

step() { echo; echo "=================== $* ($(date +%T))"; }

configure_build() {
    local dir=$1; shift
    # TP_REQUIRE_ALL_TESTS: a test whose package is missing fails the configure
    # instead of silently leaving the suite.
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTP_REQUIRE_ALL_TESTS=ON "$@" >/dev/null
    cmake --build "$dir" -j"$jobs"
}

step "gcc -O2 -Werror build, tests, core tests on a Cortex-M3 under QEMU"
# Release flags: some gcc warnings (-Wstringop-*) only appear with -DNDEBUG -O2.
configure_build build/gcc -DCMAKE_C_COMPILER=gcc -DTP_BUILD_CROSS=ON \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG"
run_ctest build/gcc

step "clang -Werror build with assertions on (TP_CFG_ASSERT, TP_CFG_CHECK_INIT), every test"
configure_build build/clang -DCMAKE_C_COMPILER=clang -DTP_BUILD_BENCH=OFF -DTP_ASSERTIONS=ON
run_ctest build/clang

step "AddressSanitizer + UndefinedBehaviorSanitizer, assertions on"
configure_build build/asan -DCMAKE_C_COMPILER=clang -DTP_SANITIZE="address;undefined" -DTP_BUILD_BENCH=OFF \
    -DTP_ASSERTIONS=ON
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run_ctest build/asan

step "ThreadSanitizer"
configure_build build/tsan -DCMAKE_C_COMPILER=clang -DTP_SANITIZE=thread -DTP_BUILD_BENCH=OFF
TSAN_OPTIONS=halt_on_error=1 run_ctest build/tsan

step "static checks (test data checksums, clang-format, banned calls, cppcheck, clang-tidy, Kconfig, sdkconfig.defaults per ESP-IDF release, ESP-IDF port vs its API incl. targets without RTC memory, Xtensa -Werror, memory budget up to date)"
if scripts/check_test_data.sh && scripts/check_format.sh && scripts/static_checks.sh && /usr/bin/python3 scripts/check_kconfig.py &&
   /usr/bin/python3 scripts/check_sdkconfig_defaults.py &&
   scripts/check_espidf_port.sh && scripts/check_xtensa.sh && scripts/memory_budget.sh --check; then
    passed=$((passed + 1)); else failed=$((failed + 1)); fi

step "tierpool consumed as a library: add_subdirectory and FetchContent without cmocka, install + find_package, pkg-config, Cortex-M"
if scripts/check_consumers.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

step "the main job installs only [run] and [plot]; runs without gnuplot"
if scripts/check_run_deps.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

step "API reference: doxygen over the public headers, warnings are errors"
if scripts/check_doxygen.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

if [ -x .ci/cross.sh ]; then
    step "cross builds (Xtensa -Werror, memory budget up to date)"
    if .ci/cross.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi

if [ -x .ci/fuzz.sh ]; then
    step "libFuzzer on the trace parsers (${FUZZ_SECONDS:-60} s)"
    if .ci/fuzz.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi

echo
echo "all steps took $(( $(date +%s) - start_all )) s"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
