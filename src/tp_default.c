/*
 * tp_default.c - the default pool the seed describes: memory_pools_init,
 * pool_alloc, pool_free over static storage sized at compile time from
 * TP_CFG_DEFAULT_TIERS (tp_config.h).
 */
#include "../include/tierpool.h"

/* X-macro expanders: each turns one (size, count) pair into a fragment of an
 * initialiser list or of a sum, so the sums are constant expressions. */
#define TP_X_TIER(size, count) { (size), (count) },
#define TP_X_ONE(size, count) +1u                                 /* NOLINT(bugprone-macro-parentheses) */
#define TP_X_BYTES(size, count) +(size_t)(size) * (size_t)(count) /* NOLINT(bugprone-macro-parentheses) */
#define TP_X_BLOCKS(size, count) +(size_t)(count)                 /* NOLINT(bugprone-macro-parentheses) */

static const tp_tier_t default_tiers[] = { TP_CFG_DEFAULT_TIERS(TP_X_TIER) };

#define DEFAULT_N_TIERS (0u TP_CFG_DEFAULT_TIERS(TP_X_ONE))
#define DEFAULT_BLOCK_BYTES (0u TP_CFG_DEFAULT_TIERS(TP_X_BYTES))
#define DEFAULT_BLOCKS (0u TP_CFG_DEFAULT_TIERS(TP_X_BLOCKS))

_Static_assert(DEFAULT_N_TIERS <= TP_CFG_MAX_TIERS, "TP_CFG_DEFAULT_TIERS has too many tiers");

TP_POOL_STORAGE_DEFINE(default_storage, TP_POOL_STORAGE_BOUND(DEFAULT_N_TIERS, DEFAULT_BLOCK_BYTES, DEFAULT_BLOCKS));

static tp_pool_t default_pool;

tp_err_t memory_pools_init(void)
{
    /* Start-up code calls this once, before other tasks use the pool. */
    if (default_pool.magic == TP_POOL_MAGIC) {
        return TP_OK;
    }
    return tp_pool_init(&default_pool, default_tiers, DEFAULT_N_TIERS, default_storage, sizeof default_storage);
}

void *pool_alloc(size_t size)
{
    return tp_alloc(&default_pool, size);
}

tp_err_t pool_free(void *ptr)
{
    return tp_free(&default_pool, ptr);
}

tp_pool_t *tp_default_pool(void)
{
    return &default_pool;
}
