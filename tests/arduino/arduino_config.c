/*
 * The Arduino-ESP32 configuration: ESP_PLATFORM, ARDUINO and
 * ARDUINO_ARCH_ESP32 defined, an sdkconfig.h without any CONFIG_TP_* (the
 * tierpool menu is not in Arduino's build). Compiled by
 * scripts/check_espidf_port.sh twice: as the Arduino IDE builds the library
 * (only src/ on the include path, no -D of ours) and as PlatformIO's Arduino
 * framework does (library.json's flags: TP_PORT_CONFIG and
 * port/esp-idf/include). On a dual-core ESP32 under FreeRTOS the pools must
 * lock, so this must not compile unless TP_CFG_THREAD_SAFE is 1; the script
 * also checks that it fails to compile with -DTP_CFG_THREAD_SAFE=0, so the
 * assertion is live.
 */
#include "TierPool.h"

#if !defined(ESP_PLATFORM) || !defined(ARDUINO) || !defined(ARDUINO_ARCH_ESP32)
#error "compile with -DESP_PLATFORM -DARDUINO=... -DARDUINO_ARCH_ESP32"
#endif
#if defined(CONFIG_TP_MAX_TIERS)
#error "this test needs an sdkconfig.h without the tierpool menu (tests/arduino/sdkconfig.h)"
#endif

_Static_assert(TP_CFG_THREAD_SAFE == 1, "Arduino-ESP32: pools must be thread-safe by default");
/* arduino-esp32 wraps the panic handler itself; its builder adds no link options. */
_Static_assert(TP_CFG_CRASH_RECORD == 0, "Arduino-ESP32: the crash-record hooks stay off");
/* An ESP32's internal RAM is several regions: fragmentation is relative to boot. */
_Static_assert(TP_CFG_HEALTH_FRAG_RELATIVE == 1, "ESP32: relative fragmentation thresholds");

int tp_arduino_config_checked(void);
int tp_arduino_config_checked(void)
{
    return TP_CFG_THREAD_SAFE;
}
