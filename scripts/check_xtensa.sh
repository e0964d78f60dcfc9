#!/usr/bin/env bash
# The portable library compiles for Xtensa (xtensa-lx106-elf-gcc, the ESP8266's
# core: same ISA family as the ESP32-S3's LX7, no hardware divide, no S32C1I)
# at -Werror, with and without locking. Compile only: running lx106 code here is
# impractical (see ../shared/reference/embedded-targets.md). picolibc provides
# the C library headers.
set -euo pipefail
cd "$(dirname "$0")/.."
specs=/usr/lib/xtensa-lx106-elf/picolibc.specs
out=$(mktemp -d)
srcs=$(sed -n 's|^ *\(src/[a-z_0-9]*\.c\)$|\1|p' cmake/tierpool_sources.cmake)
for ts in 0 1; do
    for f in $srcs; do
        xtensa-lx106-elf-gcc --specs=$specs -c -Os -mlongcalls -std=c11 -Wall -Wextra -Werror \
            -Wconversion -Wsign-conversion -Iinclude -DTP_CFG_THREAD_SAFE=$ts "$f" \
            -o "$out/$(basename "$f" .c)_$ts.o"
    done
done
echo "xtensa-lx106: $(echo $srcs | wc -w) library sources compile at -Werror (TP_CFG_THREAD_SAFE=0 and 1)"
rm -rf "$out"
