/*
 * The Arduino IDE's way in to the ESP-IDF port. The Arduino library format
 * (1.5) compiles src/ and nothing else, with no way to add a folder, an
 * include path or a define; so this is the one file in src/ that names a port
 * (docs/esp-idf.md, "Arduino IDE"). On arduino-esp32 (built on ESP-IDF 5.x)
 * it compiles the ESP-IDF port from port/esp-idf/. There is no tierpool
 * Kconfig menu there: tp_config.h's defaults apply (thread-safe, crash-record
 * hooks off; tests/arduino/ checks it). Everywhere else (host, bare metal,
 * ESP-IDF and PlatformIO builds, which list their sources and leave this file
 * out) it compiles to nothing.
 */
#if defined(ARDUINO) && defined(ARDUINO_ARCH_ESP32)
#include "../port/esp-idf/tp_port_espidf.c"
#include "../port/esp-idf/tp_sys_espidf.c"
#include "../port/esp-idf/tp_espidf.c"
#else
typedef int tp_arduino_esp32_unused; /* ISO C forbids an empty translation unit */
#endif
