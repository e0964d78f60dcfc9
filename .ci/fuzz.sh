#!/usr/bin/env bash
# Build every libFuzzer target with clang and run each for FUZZ_SECONDS (default
# 60), starting from the files in tests/data. Fails on any crash, leak or UB.
# A target is "name:max_len"; add new targets to the list.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
targets=(fuzz_trace:4096 fuzz_sysview:4096 fuzz_dump:4096 fuzz_plain:4096 fuzz_lines:4096 fuzz_evline:1024
         fuzz_bootlog:4096 fuzz_frame:4096 fuzz_pattern:4200)
cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang -DTP_BUILD_FUZZ=ON -DTP_BUILD_TESTS=OFF \
      -DTP_BUILD_BENCH=OFF -DTP_BUILD_POOLSIM=ON >/dev/null
for t in "${targets[@]}"; do
    cmake --build build/fuzz -j2 --target "${t%%:*}" >/dev/null
done
for t in "${targets[@]}"; do
    name=${t%%:*}
    corpus=build/fuzz/corpus-$name
    mkdir -p "$corpus"
    find tests/data -type f -size -64k -exec cp {} "$corpus"/ \;
    [ "$name" != fuzz_pattern ] || cp examples/led-controller/patterns/*.ledp "$corpus"/
    echo "== $name (${seconds} s)"
    build/fuzz/fuzz/"$name" -max_total_time="$seconds" -max_len="${t##*:}" -print_final_stats=1 \
        "$corpus" 2>&1 | tail -12
done
