/*
 * The Arduino IDE compiles only src/. On arduino-esp32 (built on ESP-IDF 5.x)
 * this file brings in the ESP-IDF port. Without the tierpool Kconfig menu the
 * crash-record hooks stay off (arduino-esp32 wraps the panic handler itself)
 * and the defaults of include/tp_config.h apply. Everywhere else (host,
 * bare metal, ESP-IDF and PlatformIO builds, which list their sources) this
 * file compiles to nothing.
 */
#if defined(ARDUINO) && defined(ARDUINO_ARCH_ESP32)
#include "../port/esp-idf/tp_port_espidf.c"
#include "../port/esp-idf/tp_sys_espidf.c"
#else
typedef int tp_arduino_esp32_unused; /* ISO C forbids an empty translation unit */
#endif
