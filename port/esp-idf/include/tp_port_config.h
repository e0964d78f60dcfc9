/*
 * tp_port_config.h (ESP-IDF port) - included by tp_config.h when the build
 * defines TP_PORT_CONFIG (the ESP-IDF component and library.json do). It maps
 * the component's menuconfig choices (sdkconfig.h, CONFIG_TP_*) onto the
 * TP_CFG_* options; tp_config.h then fills in the defaults and checks every
 * value. An option the user defined with -D or in tp_user_config.h wins.
 *
 * The mapping applies only when the tierpool menu is part of the build:
 * sdkconfig.h then always defines CONFIG_TP_MAX_TIERS. Without the menu
 * (Arduino-ESP32's precompiled sdkconfig.h, PlatformIO builds that do not run
 * Kconfig on libraries) no CONFIG_TP_* symbol exists, and a bool option's
 * absence must not be read as "off": tp_config.h's defaults apply instead.
 */
#ifndef TP_PORT_CONFIG_ESPIDF_H
#define TP_PORT_CONFIG_ESPIDF_H

#include <stdint.h>

#include "sdkconfig.h"

#if defined(CONFIG_TP_MAX_TIERS)

/* Kconfig leaves a bool that is off undefined; one that is on is 1. */
#if !defined(TP_CFG_THREAD_SAFE)
#if defined(CONFIG_TP_THREAD_SAFE)
#define TP_CFG_THREAD_SAFE 1
#else
#define TP_CFG_THREAD_SAFE 0
#endif
#endif

#if !defined(TP_CFG_TRACKING)
#if defined(CONFIG_TP_TRACKING)
#define TP_CFG_TRACKING 1
#else
#define TP_CFG_TRACKING 0
#endif
#endif

#if !defined(TP_CFG_CRASH_RECORD)
#if defined(CONFIG_TP_CRASH_RECORD)
#define TP_CFG_CRASH_RECORD 1
#else
#define TP_CFG_CRASH_RECORD 0
#endif
#endif

#if !defined(TP_CFG_HEALTH_FRAG_RELATIVE)
#if defined(CONFIG_TP_HEALTH_FRAG_RELATIVE)
#define TP_CFG_HEALTH_FRAG_RELATIVE 1
#else
#define TP_CFG_HEALTH_FRAG_RELATIVE 0
#endif
#endif

/* Integers: CONFIG_TP_<NAME> -> TP_CFG_<NAME>. */
#if !defined(TP_CFG_MAX_TIERS)
#define TP_CFG_MAX_TIERS CONFIG_TP_MAX_TIERS
#endif
#if defined(CONFIG_TP_PERSIST_BYTES) && !defined(TP_CFG_PERSIST_BYTES)
#define TP_CFG_PERSIST_BYTES CONFIG_TP_PERSIST_BYTES
#endif
#if defined(CONFIG_TP_HEALTH_FRAG_WARN_PCT) && !defined(TP_CFG_HEALTH_FRAG_WARN_PCT)
#define TP_CFG_HEALTH_FRAG_WARN_PCT CONFIG_TP_HEALTH_FRAG_WARN_PCT
#endif
#if defined(CONFIG_TP_HEALTH_FRAG_CRIT_PCT) && !defined(TP_CFG_HEALTH_FRAG_CRIT_PCT)
#define TP_CFG_HEALTH_FRAG_CRIT_PCT CONFIG_TP_HEALTH_FRAG_CRIT_PCT
#endif
#if defined(CONFIG_TP_HEALTH_FREE_WARN_KB) && !defined(TP_CFG_HEALTH_FREE_WARN_KB)
#define TP_CFG_HEALTH_FREE_WARN_KB CONFIG_TP_HEALTH_FREE_WARN_KB
#endif
#if defined(CONFIG_TP_HEALTH_FREE_CRIT_KB) && !defined(TP_CFG_HEALTH_FREE_CRIT_KB)
#define TP_CFG_HEALTH_FREE_CRIT_KB CONFIG_TP_HEALTH_FREE_CRIT_KB
#endif
#if defined(CONFIG_TP_HEALTH_BLOCK_TARGET_KB) && !defined(TP_CFG_HEALTH_BLOCK_TARGET_KB)
#define TP_CFG_HEALTH_BLOCK_TARGET_KB CONFIG_TP_HEALTH_BLOCK_TARGET_KB
#endif
#if defined(CONFIG_TP_HEALTH_BLOCK_CRIT_KB) && !defined(TP_CFG_HEALTH_BLOCK_CRIT_KB)
#define TP_CFG_HEALTH_BLOCK_CRIT_KB CONFIG_TP_HEALTH_BLOCK_CRIT_KB
#endif
#if defined(CONFIG_TP_HEALTH_POOL_WARN_PCT) && !defined(TP_CFG_HEALTH_POOL_WARN_PCT)
#define TP_CFG_HEALTH_POOL_WARN_PCT CONFIG_TP_HEALTH_POOL_WARN_PCT
#endif
#if defined(CONFIG_TP_HEALTH_POOL_CRIT_PCT) && !defined(TP_CFG_HEALTH_POOL_CRIT_PCT)
#define TP_CFG_HEALTH_POOL_CRIT_PCT CONFIG_TP_HEALTH_POOL_CRIT_PCT
#endif

/* The default pool's tiers: CONFIG_TP_DEFAULT_TIER_COUNT tiers of
 * CONFIG_TP_TIERn_SIZE x CONFIG_TP_TIERn_COUNT. */
#if defined(CONFIG_TP_DEFAULT_TIER_COUNT) && !defined(TP_CFG_DEFAULT_TIERS)
#include "tp_kconfig_tiers.h"
#endif

#endif /* CONFIG_TP_MAX_TIERS: the tierpool menu is in the build */

/* The critical section, inline (tp_port.h): a portMUX per pool
 * (tp_lock_espidf.h). TP_PORT_ENTER is used on locks TP_PORT_LOCK_INIT
 * initialised (tp_pool_init does). */
#include "tp_lock_espidf.h"

#define TP_PORT_LOCK_INIT(lock) tp_port_espidf_init((lock)->words)
#define TP_PORT_ENTER(lock) tp_port_espidf_enter((lock)->words)
#define TP_PORT_EXIT(lock, state) ((void)(state), tp_port_espidf_exit((lock)->words))

#endif /* TP_PORT_CONFIG_ESPIDF_H */
