#!/usr/bin/env bash
# Compile the ESP-IDF port and example against the documented ESP-IDF 5.x API
# (declarations in tests/espidf_api/) with -Werror, for a 32-bit target.
# ESP-IDF itself cannot be installed here; this checks names, types and format
# strings, not behaviour (see tests/espidf_api/README.md). Also checks the
# configuration each ESP32 build gets: the component's menuconfig mapping
# (tests/espidf/config_mapping.c) and Arduino-ESP32 (tests/arduino/).
set -euo pipefail
cd "$(dirname "$0")/.."
cc=arm-none-eabi-gcc
base="-std=gnu11 -mcpu=cortex-m3 -mthumb -Os -Wall -Wextra -Werror -fsyntax-only -DESP_PLATFORM"
# As the component builds (port/esp-idf/component.cmake): the port hook on.
flags="$base -Wundef -DTP_PORT_CONFIG -Iinclude -Iport/esp-idf/include -Itests/espidf_api"
lib_srcs=$(sed -n 's|^ *\(src/[a-z_0-9]*\.c\)$|\1|p' cmake/tierpool_sources.cmake)
for f in port/esp-idf/*.c examples/esp-idf/main/main.c tests/espidf_api/use_psram_macro.c $lib_srcs; do
    $cc $flags "$f"
done
# The LED controller's ESP-IDF platform layer and the portable application it runs
# (examples/led-controller): esp_http_server, SPI master, SPIFFS, as the example builds.
led="$flags -Iexamples/led-controller/app"
for f in examples/led-controller/esp-idf/main/main.c examples/led-controller/app/*.c; do
    $cc $led "$f"
done
# The headers, tp_espidf.h included, from C++ (ESP-IDF apps are often C++).
arm-none-eabi-g++ -std=c++11 -mcpu=cortex-m3 -mthumb -Wall -Wextra -Werror -fsyntax-only \
    -DESP_PLATFORM -DTP_PORT_CONFIG -Iinclude -Iport/esp-idf/include -Itests/espidf_api \
    tests/cxx/public_headers.cpp
echo "ESP-IDF port, example and library compile against the documented ESP-IDF 5.x API (C and C++)"

# menuconfig -> TP_CFG_*: the Kconfig defaults, a menuconfig with every choice
# changed (bools off), and a -D that must win over menuconfig.
$cc $flags tests/espidf/config_mapping.c
$cc $base -DTP_PORT_CONFIG -Iinclude -Iport/esp-idf/include -Itests/espidf/kconfig_variant \
    -Itests/espidf_api tests/espidf/config_mapping.c
$cc $flags -DTP_TEST_OVERRIDE -DTP_CFG_MAX_TIERS=4 tests/espidf/config_mapping.c
echo "menuconfig mapping (port/esp-idf/include/tp_port_config.h): defaults, changed choices, -D override"

# Arduino-ESP32: no CONFIG_TP_* (tests/arduino/sdkconfig.h comes first).
ard="$base -DARDUINO=10819 -DARDUINO_ARCH_ESP32 -Itests/arduino -Itests/espidf_api"
# 1. The Arduino IDE: only src/ on the include path, no flags of ours; it
#    compiles every .c in src/, the port shim included.
for f in tests/arduino/arduino_config.c src/*.c; do
    $cc $ard -Isrc "$f"
done
# 2. PlatformIO's Arduino framework: library.json's flags.
pio="$ard -DTP_PORT_CONFIG -Iinclude -Iport/esp-idf/include -Isrc"
for f in tests/arduino/arduino_config.c $lib_srcs port/esp-idf/*.c; do
    $cc $pio "$f"
done
# The assertion is live: a non-thread-safe configuration must not compile.
if $cc $ard -Isrc -DTP_CFG_THREAD_SAFE=0 tests/arduino/arduino_config.c 2>/dev/null; then
    echo "tests/arduino/arduino_config.c compiled with TP_CFG_THREAD_SAFE=0: its assertion is dead"
    exit 1
fi
echo "Arduino-ESP32 (IDE and PlatformIO): thread-safe by default, crash hooks off, compiles"
