#pragma once
#define RTC_NOINIT_ATTR __attribute__((section(".rtc_noinit")))
#define EXT_RAM_BSS_ATTR __attribute__((section(".ext_ram.bss")))
#define IRAM_ATTR __attribute__((section(".iram1")))
