/*
 * The ESP-IDF port's mapping of menuconfig (sdkconfig.h) onto tp_config.h's
 * options (port/esp-idf/include/tp_port_config.h), checked at compile time by
 * scripts/check_espidf_port.sh against two sdkconfig.h files: the stand-in's
 * Kconfig defaults (tests/espidf_api/sdkconfig.h) and a menuconfig with
 * every choice changed (tests/espidf/kconfig_variant/sdkconfig.h), whose
 * bools are off and therefore absent. A -D on the command line must win over
 * menuconfig (-DTP_TEST_OVERRIDE -DTP_CFG_MAX_TIERS=4).
 */
#include "tierpool.h"

#if !defined(TP_PORT_CONFIG)
#error "compile with -DTP_PORT_CONFIG -Iport/esp-idf/include, as the component does"
#endif


#if defined(CONFIG_TP_THREAD_SAFE)
_Static_assert(TP_CFG_THREAD_SAFE == 1, "TP_THREAD_SAFE=y");
#else
_Static_assert(TP_CFG_THREAD_SAFE == 0, "TP_THREAD_SAFE=n (absent from sdkconfig.h)");
#endif
#if defined(CONFIG_TP_TRACKING)
_Static_assert(TP_CFG_TRACKING == 1, "TP_TRACKING=y");
#else
_Static_assert(TP_CFG_TRACKING == 0, "TP_TRACKING=n");
#endif
#if defined(CONFIG_TP_CRASH_RECORD)
_Static_assert(TP_CFG_CRASH_RECORD == 1, "TP_CRASH_RECORD=y");
#else
_Static_assert(TP_CFG_CRASH_RECORD == 0, "TP_CRASH_RECORD=n");
#endif
#if defined(CONFIG_TP_HEALTH_FRAG_RELATIVE)
_Static_assert(TP_CFG_HEALTH_FRAG_RELATIVE == 1, "TP_HEALTH_FRAG_RELATIVE=y");
#else
_Static_assert(TP_CFG_HEALTH_FRAG_RELATIVE == 0, "TP_HEALTH_FRAG_RELATIVE=n");
#endif

#if defined(TP_TEST_OVERRIDE)
_Static_assert(TP_CFG_MAX_TIERS == 4, "a -D wins over menuconfig");
#else
_Static_assert(TP_CFG_MAX_TIERS == CONFIG_TP_MAX_TIERS, "TP_MAX_TIERS");
#endif
_Static_assert(TP_CFG_PERSIST_BYTES == CONFIG_TP_PERSIST_BYTES, "TP_PERSIST_BYTES");
_Static_assert(TP_CFG_HEALTH_FRAG_WARN_PCT == CONFIG_TP_HEALTH_FRAG_WARN_PCT, "FRAG_WARN");
_Static_assert(TP_CFG_HEALTH_FRAG_CRIT_PCT == CONFIG_TP_HEALTH_FRAG_CRIT_PCT, "FRAG_CRIT");
_Static_assert(TP_CFG_HEALTH_FREE_WARN_KB == CONFIG_TP_HEALTH_FREE_WARN_KB, "FREE_WARN");
_Static_assert(TP_CFG_HEALTH_FREE_CRIT_KB == CONFIG_TP_HEALTH_FREE_CRIT_KB, "FREE_CRIT");
_Static_assert(TP_CFG_HEALTH_BLOCK_TARGET_KB == CONFIG_TP_HEALTH_BLOCK_TARGET_KB, "BLOCK_TARGET");
_Static_assert(TP_CFG_HEALTH_BLOCK_CRIT_KB == CONFIG_TP_HEALTH_BLOCK_CRIT_KB, "BLOCK_CRIT");
_Static_assert(TP_CFG_HEALTH_POOL_WARN_PCT == CONFIG_TP_HEALTH_POOL_WARN_PCT, "POOL_WARN");
_Static_assert(TP_CFG_HEALTH_POOL_CRIT_PCT == CONFIG_TP_HEALTH_POOL_CRIT_PCT, "POOL_CRIT");

/* The default pool's tiers: count, and the sums of sizes and counts. */
#define X_ONE(size, count) +1
#define X_SIZE(size, count) +(size)
#define X_COUNT(size, count) +(count)
_Static_assert(0 TP_CFG_DEFAULT_TIERS(X_ONE) == CONFIG_TP_DEFAULT_TIER_COUNT, "tier count");
#if CONFIG_TP_DEFAULT_TIER_COUNT == 2
_Static_assert(0 TP_CFG_DEFAULT_TIERS(X_SIZE) == CONFIG_TP_TIER1_SIZE + CONFIG_TP_TIER2_SIZE, "sizes");
_Static_assert(0 TP_CFG_DEFAULT_TIERS(X_COUNT) == CONFIG_TP_TIER1_COUNT + CONFIG_TP_TIER2_COUNT, "counts");
#elif CONFIG_TP_DEFAULT_TIER_COUNT == 3
_Static_assert(0 TP_CFG_DEFAULT_TIERS(X_SIZE) == CONFIG_TP_TIER1_SIZE + CONFIG_TP_TIER2_SIZE + CONFIG_TP_TIER3_SIZE,
               "sizes");
_Static_assert(0 TP_CFG_DEFAULT_TIERS(X_COUNT) == CONFIG_TP_TIER1_COUNT + CONFIG_TP_TIER2_COUNT + CONFIG_TP_TIER3_COUNT,
               "counts");
#else
#error "extend this test for the tier count"
#endif

int tp_config_mapping_checked(void);
int tp_config_mapping_checked(void)
{
    return TP_CFG_MAX_TIERS;
}
