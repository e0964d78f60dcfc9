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

# Targets without RTC memory, where RTC_NOINIT_ATTR is a static assertion
# (ESP-IDF 6; an empty attribute in 5.x): the persistent region moves to
# .noinit DRAM (ESP32-C2, C61, H4) or away (linux, a host process). First the
# proof that the stand-in's assertion is live on such a target.
probe=$(mktemp --suffix=.c)
trap 'rm -f "$probe"' EXIT
printf '#include "esp_attr.h"\nstatic RTC_NOINIT_ATTR unsigned x[4];\nunsigned *p = x;\n' >"$probe"
if $cc $base -Itests/espidf/target_esp32c2 -Itests/espidf_api "$probe" 2>/dev/null; then
    echo "RTC_NOINIT_ATTR compiled for the ESP32-C2: the stand-in does not model the target"; exit 1
fi
$cc $base -Itests/espidf_api "$probe" # the S3 has RTC memory
c2="$base -Wundef -DTP_PORT_CONFIG -Iinclude -Iport/esp-idf/include -Itests/espidf/target_esp32c2 -Itests/espidf_api"
for f in port/esp-idf/*.c examples/esp-idf/main/main.c $lib_srcs; do
    $cc $c2 "$f"
done
echo "ESP32-C2 (no RTC memory): the component and the example compile (persistent region in .noinit)"
# The linux target builds with the host compiler.
lx="-std=gnu11 -Wall -Wextra -Werror -Wundef -fsyntax-only -DESP_PLATFORM -DTP_PORT_CONFIG -Iinclude
    -Iport/esp-idf/include -Itests/espidf/target_linux -Itests/espidf_api"
for f in port/esp-idf/*.c examples/esp-idf/main/main.c $lib_srcs; do
    cc $lx "$f"
done
echo "linux target: the component and the example compile (no persistent region, reported at run time)"
# Where the region landed, from the objects' sections and symbols.
obj=$(mktemp --suffix=.o)
trap 'rm -f "$probe" "$obj"' EXIT
region_section() { # $1 = compiler, $2 = objdump, $3.. = flags
    local c=$1 od=$2; shift 2
    $c ${*/-fsyntax-only/} -c port/esp-idf/tp_sys_espidf.c -o "$obj"
    $od -t "$obj" | awk '$NF == "persist_region" { print $4 }'
}
s3=$(region_section $cc arm-none-eabi-objdump $flags)
c2s=$(region_section $cc arm-none-eabi-objdump $c2)
lxs=$(region_section cc objdump $lx)
case "$s3" in .rtc_noinit.*) ;; *) echo "ESP32-S3: persist_region in '$s3', not .rtc_noinit"; exit 1 ;; esac
case "$c2s" in .noinit.*) ;; *) echo "ESP32-C2: persist_region in '$c2s', not .noinit"; exit 1 ;; esac
[ -z "$lxs" ] || { echo "linux: a persist_region exists ($lxs)"; exit 1; }
echo "persistent region: ESP32-S3 $s3, ESP32-C2 $c2s, linux none"

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
