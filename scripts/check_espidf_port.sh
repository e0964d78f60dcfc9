#!/usr/bin/env bash
# Compile the ESP-IDF port and example against the documented ESP-IDF 5.x API
# (declarations in tests/espidf_api/) with -Werror, for a 32-bit target.
# ESP-IDF itself cannot be installed here; this checks names, types and format
# strings, not behaviour (see tests/espidf_api/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
cc=arm-none-eabi-gcc
flags="-std=gnu11 -mcpu=cortex-m3 -mthumb -Os -Wall -Wextra -Werror -fsyntax-only
       -DESP_PLATFORM -Iinclude -Iport/esp-idf/include -Itests/espidf_api"
for f in port/esp-idf/*.c examples/esp-idf/main/main.c tests/espidf_api/use_psram_macro.c $(sed -n 's|^ *\(src/[a-z_]*\.c\)$|\1|p' cmake/tierpool_sources.cmake); do
    $cc $flags "$f"
done
# The headers, tp_espidf.h included, from C++ (ESP-IDF apps are often C++).
arm-none-eabi-g++ -std=c++11 -mcpu=cortex-m3 -mthumb -Wall -Wextra -Werror -fsyntax-only \
    -DESP_PLATFORM -Iinclude -Iport/esp-idf/include -Itests/espidf_api tests/cxx/public_headers.cpp
echo "ESP-IDF port, example and library compile against the documented ESP-IDF 5.x API (C and C++)"
