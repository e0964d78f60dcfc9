#!/usr/bin/env bash
# The main job: build, then run poolsim's default 48-hour device simulation.
# Prints the side-by-side table (ESP-IDF heap model vs the seed's pool tiers) and
# writes out/poolsim-48h.csv and, when gnuplot is installed, out/poolsim-48h.png.
# Extra arguments go to `poolsim run` (try: scripts/run.sh --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DTP_BUILD_TESTS=OFF -DTP_BUILD_BENCH=OFF >/dev/null
cmake --build build/release -j2 --target poolsim >/dev/null
mkdir -p out
exec build/release/tools/poolsim/poolsim run --csv out/poolsim-48h.csv --plot out/poolsim-48h.png "$@"
