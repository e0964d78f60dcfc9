/* sdkconfig.h of an ESP32-C2 project: a chip without RTC memory (its
 * Kconfig.soc_caps.in has no SOC_RTC_*_MEM_SUPPORTED), the tierpool menu at
 * its defaults. scripts/check_espidf_port.sh compiles the component with it. */
#pragma once
#define CONFIG_IDF_TARGET "esp32c2"
#define CONFIG_IDF_TARGET_ESP32C2 1
#define CONFIG_IDF_TARGET_ARCH_RISCV 1
#include "sdkconfig_tierpool.h"
