#!/usr/bin/env bash
# The main job: build, then run poolsim's default 48-hour device simulation.
# Prints the side-by-side table (ESP-IDF heap model vs the seed's pool tiers) and
# writes out/poolsim-48h.csv and, when gnuplot is installed, out/poolsim-48h.png.
# Extra arguments go to `poolsim run` (try: scripts/run.sh --help).
# Installs only what this needs (scripts/packages.txt [run]: a C compiler and
# CMake; [plot]: gnuplot, optional); scripts/check_run_deps.sh proves it in CI.
# TP_RUN_BUILD and TP_RUN_OUT override the build and output folders
# (build/release, out).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh run
scripts/deps.sh --optional plot
if ! command -v gnuplot >/dev/null; then
    echo "note: gnuplot is not installed: no plot (out/poolsim-48h.png) this time; the CSV has the data" >&2
fi
build=${TP_RUN_BUILD:-build/release}
out=${TP_RUN_OUT:-out}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DTP_BUILD_TESTS=OFF -DTP_BUILD_BENCH=OFF \
    -DTP_BUILD_EXAMPLES=OFF -DTP_BUILD_POOLSIM=ON >/dev/null
cmake --build "$build" -j2 --target poolsim >/dev/null
mkdir -p "$out"
exec "$build/tools/poolsim/poolsim" run --csv "$out/poolsim-48h.csv" --plot "$out/poolsim-48h.png" "$@"
