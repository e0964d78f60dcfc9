/* sdkconfig.h of a project built for ESP-IDF's linux target (idf.py
 * --preview set-target linux): a host process, no RTC memory, no section
 * attributes, the tierpool menu at its defaults. */
#pragma once
#define CONFIG_IDF_TARGET "linux"
#define CONFIG_IDF_TARGET_LINUX 1
#include "sdkconfig_tierpool.h"
