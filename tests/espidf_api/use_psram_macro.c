/*
 * Compiled (never run) by scripts/check_espidf_port.sh: the PSRAM storage
 * macro of tp_espidf.h expands to storage that fits the seed's tiers.
 */
#include "tp_espidf.h"

static const tp_tier_t seed_tiers[] = {{256, 64}, {1024, 24}, {4096, 12}};
TP_ESPIDF_PSRAM_STORAGE_DEFINE(psram_blocks, 256 * 64 + 1024 * 24 + 4096 * 12, 64 + 24 + 12);
_Static_assert(sizeof psram_blocks_meta == 200, "2 bytes of links per block");

static tp_pool_t psram_pool;

tp_err_t use_psram_macro(void);
tp_err_t use_psram_macro(void)
{
    return tp_pool_init_split(&psram_pool, seed_tiers, 3, psram_blocks, sizeof psram_blocks,
                              psram_blocks_meta, sizeof psram_blocks_meta);
}
