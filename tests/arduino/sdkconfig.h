/*
 * Stand-in for the sdkconfig.h that Arduino-ESP32 ships precompiled (its
 * ESP-IDF is configured by Espressif, not by the sketch): ESP-IDF's own
 * options, and no CONFIG_TP_* at all, because tierpool's Kconfig menu is not
 * part of that build. Used by tests/arduino/arduino_config.c only.
 */
#pragma once
#define CONFIG_IDF_TARGET "esp32"
#define CONFIG_IDF_TARGET_ESP32 1
#define CONFIG_SOC_RTC_FAST_MEM_SUPPORTED 1
#define CONFIG_SOC_RTC_SLOW_MEM_SUPPORTED 1
#define CONFIG_FREERTOS_HZ 1000
#define CONFIG_FREERTOS_UNICORE_DISABLED 1
#define CONFIG_ESP_TASK_WDT_TIMEOUT_S 5
