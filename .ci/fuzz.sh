#!/usr/bin/env bash
# Build the trace-parser fuzzer with clang and run it for FUZZ_SECONDS (default 60),
# starting from the sample traces in tests/data. Fails on any crash, leak or UB.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang -DTP_BUILD_FUZZ=ON -DTP_BUILD_TESTS=OFF \
      -DTP_BUILD_BENCH=OFF -DTP_BUILD_POOLSIM=OFF >/dev/null
cmake --build build/fuzz -j2 --target fuzz_trace >/dev/null
corpus=build/fuzz/corpus
mkdir -p "$corpus"
cp tests/data/* "$corpus"/ 2>/dev/null || true
build/fuzz/fuzz/fuzz_trace -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
    "$corpus" 2>&1 | tail -12
