/* sdkconfig.h of an ESP32-S3 project (the examples' target) with the tierpool
 * menu at its defaults. Other targets: tests/espidf/target_<name>/sdkconfig.h,
 * put first on the include path. The CONFIG_SOC_* symbols are those of
 * components/soc/<target>/include/soc/Kconfig.soc_caps.in. */
#pragma once
#define CONFIG_IDF_TARGET "esp32s3"
#define CONFIG_IDF_TARGET_ESP32S3 1
#define CONFIG_IDF_TARGET_ARCH_XTENSA 1
#define CONFIG_SOC_RTC_FAST_MEM_SUPPORTED 1
#define CONFIG_SOC_RTC_SLOW_MEM_SUPPORTED 1
#define CONFIG_SOC_RTC_MEM_SUPPORTED 1
#include "sdkconfig_tierpool.h"
/* esp_http_server's Kconfig (v5.5.5 defaults) with the LED controller's
 * sdkconfig.defaults (examples/led-controller/esp-idf): WebSocket support on. */
#define CONFIG_HTTPD_WS_SUPPORT 1
#define CONFIG_HTTPD_MAX_URI_LEN 512
#define CONFIG_HTTPD_MAX_REQ_HDR_LEN 1024
