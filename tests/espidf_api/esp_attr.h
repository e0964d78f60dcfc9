#pragma once
/* components/esp_common/include/esp_attr.h, the parts the port and the example
 * use, with the real header's conditions (checked against v5.0.9, v5.5.5 and
 * master v6.1-dev): no section attributes at all on the linux target; the RTC
 * attributes only where the chip has RTC memory; EXT_RAM_BSS_ATTR only with
 * CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY. Without RTC memory, ESP-IDF 6
 * makes RTC_NOINIT_ATTR a static assertion (5.x: empty, so the variable is
 * plain .bss, zeroed at boot); this stand-in models 6, where a wrong use
 * fails to compile. The real header tests the CONFIG_ symbols with #if; here
 * with defined() (the same thing for Kconfig bools), for -Wundef. */
/* <>, not "": the project's sdkconfig.h is the first on the include path (a
 * target's, tests/espidf/target_<name>/), never the default one beside this
 * file, as in a real build where sdkconfig.h is in build/config. */
#include <sdkconfig.h>
#include "esp_assert.h"

#if !defined(CONFIG_IDF_TARGET_LINUX)
#define _SECTION_ATTR_IMPL(SECTION, COUNTER) __attribute__((section(SECTION "." _COUNTER_STRINGIFY(COUNTER))))
#define _COUNTER_STRINGIFY(COUNTER) #COUNTER
#else
#define _SECTION_ATTR_IMPL(SECTION, COUNTER)
#endif

#define IRAM_ATTR _SECTION_ATTR_IMPL(".iram1", __COUNTER__)
#define DRAM_ATTR _SECTION_ATTR_IMPL(".dram1", __COUNTER__)

#if defined(CONFIG_SOC_RTC_FAST_MEM_SUPPORTED) || defined(CONFIG_SOC_RTC_SLOW_MEM_SUPPORTED)
#define RTC_NOINIT_ATTR _SECTION_ATTR_IMPL(".rtc_noinit", __COUNTER__)
#else
#define RTC_NOINIT_ATTR ESP_STATIC_ASSERT(0, "RTC_NOINIT_ATTR is not supported on this chip. Use DRAM_ATTR instead.")
#endif

#if defined(CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY)
#define EXT_RAM_BSS_ATTR _SECTION_ATTR_IMPL(".ext_ram.bss", __COUNTER__)
#else
#define EXT_RAM_BSS_ATTR
#endif

#define __NOINIT_ATTR _SECTION_ATTR_IMPL(".noinit", __COUNTER__)
