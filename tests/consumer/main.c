/* A user's program: a pool of its own, the default pool, statistics, the
 * consistency check, and (unless CONSUMER_NO_SYS) one call into the port's
 * tp_sys.h. Prints one line and exits 0 when everything worked. */
#include <stdio.h>
#include <string.h>

#include "tierpool.h"
#ifndef CONSUMER_NO_SYS
#include "tp_sys.h"
#endif

static const tp_tier_t tiers[] = { { 64, 8 }, { 512, 4 } };
TP_POOL_STORAGE_DEFINE(storage, TP_POOL_STORAGE_BOUND(2, 64 * 8 + 512 * 4, 12));
static tp_pool_t pool;

int main(void)
{
    if (tp_pool_init(&pool, tiers, 2, storage, sizeof storage) != TP_OK) {
        puts("tp_pool_init failed");
        return 1;
    }
    char *a = tp_alloc(&pool, 40);
    char *b = tp_alloc(&pool, 300);
    if (a == NULL || b == NULL || tp_block_size(&pool, b) != 512u) {
        puts("tp_alloc failed");
        return 1;
    }
    strcpy(a, "hello");
    tp_pool_stats_t st;
    if (tp_pool_get_stats(&pool, &st) != TP_OK || st.blocks_in_use != 2u || tp_free(&pool, a) != TP_OK ||
        tp_free(&pool, b) != TP_OK || tp_free(&pool, b) != TP_ERR_DOUBLE_FREE || tp_pool_check(&pool, NULL) != TP_OK) {
        puts("pool misbehaved");
        return 1;
    }
    if (memory_pools_init() != TP_OK || pool_free(pool_alloc(100)) != TP_OK) {
        puts("default pool failed");
        return 1;
    }
#ifndef CONSUMER_NO_SYS
    (void)tp_sys_time_us();
#endif
    printf("consumer ok: TP_CFG_THREAD_SAFE=%d, %s\n", TP_CFG_THREAD_SAFE, tp_strerror(TP_ERR_DOUBLE_FREE));
    return 0;
}
