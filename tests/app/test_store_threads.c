/*
 * test_store_threads.c - a loader thread, a remover and two readers share one
 * store. The loader fills each item with one byte value (a fresh one per
 * load); readers pin a random item, check every byte several times while
 * holding it (an item freed or replaced under a pin would change), and unpin.
 * At the end the pool is back to idle. Runs clean under ThreadSanitizer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "tierpool.h"
#include "tp_store.h"
#include "tp_test_util.h"

#define ITEM 500
#define ROUNDS 6000

static const tp_tier_t tiers[] = { { 512, 16 } };
TP_POOL_STORAGE_DEFINE(storage, TP_POOL_STORAGE_BOUND(1, 512 * 16, 16));
static tp_pool_t pool;
static tp_store_t store;
static atomic_int stop;
static const char *keys[6] = { "a", "b", "c", "d", "e", "f" };

static tp_err_t fill(void *block, size_t size, size_t *filled, void *user)
{
    memset(block, *(const uint8_t *)user, size);
    *filled = size;
    return TP_OK;
}

static void *loader(void *arg)
{
    uint32_t *loaded = arg;
    uint32_t rng = 77;
    uint8_t tag = 1;
    for (uint32_t r = 0; r < ROUNDS; r++) {
        tag = (uint8_t)(tag % 250u + 1u);
        if (tp_store_load(&store, keys[tp_test_rand(&rng) % 6u], ITEM, fill, NULL, &tag, NULL) == TP_OK) {
            (*loaded)++;
        }
    }
    return NULL;
}

static void *remover(void *arg)
{
    (void)arg;
    uint32_t rng = 99;
    while (!atomic_load(&stop)) {
        (void)tp_store_remove(&store, keys[tp_test_rand(&rng) % 6u]);
        sched_yield();
    }
    return NULL;
}

static void *reader(void *arg)
{
    uint32_t *bad = arg;
    uint32_t rng = (uint32_t)(uintptr_t)arg;
    while (!atomic_load(&stop)) {
        tp_store_ref_t ref;
        if (tp_store_get(&store, keys[tp_test_rand(&rng) % 6u], &ref) != TP_OK) {
            sched_yield();
            continue;
        }
        const uint8_t v = ref.data[0];
        for (int pass = 0; pass < 3; pass++) {
            for (uint32_t i = 0; i < ref.len; i++) {
                if (ref.data[i] != v) {
                    (*bad)++;
                    break;
                }
            }
            sched_yield();
        }
        if (tp_store_put(&store, &ref) != TP_OK) {
            (*bad)++;
        }
    }
    return NULL;
}

static void test_concurrent_loads_and_pins(void **state)
{
    (void)state;
    assert_int_equal(tp_pool_init(&pool, tiers, 1, storage, sizeof storage), TP_OK);
    /* 4 items + 2 pins + 1 load in flight = 7 blocks at most */
    assert_int_equal(tp_store_init(&store, &pool, 4, 2), TP_OK);
    uint32_t loaded = 0, bad[2] = { 0, 0 };
    pthread_t tl, tr, t1, t2;
    assert_int_equal(pthread_create(&tl, NULL, loader, &loaded), 0);
    assert_int_equal(pthread_create(&tr, NULL, remover, NULL), 0);
    assert_int_equal(pthread_create(&t1, NULL, reader, &bad[0]), 0);
    assert_int_equal(pthread_create(&t2, NULL, reader, &bad[1]), 0);
    assert_int_equal(pthread_join(tl, NULL), 0);
    atomic_store(&stop, 1);
    assert_int_equal(pthread_join(tr, NULL), 0);
    assert_int_equal(pthread_join(t1, NULL), 0);
    assert_int_equal(pthread_join(t2, NULL), 0);
    assert_int_equal(bad[0] + bad[1], 0);
    assert_int_equal(loaded, ROUNDS); /* 7 blocks always suffice */
    tp_store_stats_t st;
    assert_int_equal(tp_store_stats(&store, &st), TP_OK);
    assert_int_equal(st.pins, 0);
    assert_int_equal(st.detached, 0);
    assert_int_equal(st.bad_puts, 0);
    tp_pool_stats_t ps;
    assert_int_equal(tp_pool_get_stats(&pool, &ps), TP_OK);
    assert_int_equal(ps.blocks_in_use, st.items);
    assert_true(ps.tier[0].peak_in_use <= 7);
    assert_int_equal(tp_store_clear(&store), TP_OK);
    assert_int_equal(tp_pool_get_stats(&pool, &ps), TP_OK);
    assert_int_equal(ps.blocks_in_use, 0);
    assert_int_equal(ps.failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_loads_and_pins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
