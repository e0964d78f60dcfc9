/*
 * test_pool_access.c - the accessors that code built on top of a pool (the
 * diagnostics) uses instead of tp_pool_t's fields: tp_pool_tier_count,
 * tp_pool_block_count, tp_pool_tier_usage. Checked against tp_pool_get_stats
 * after every step of a seeded random sequence.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tierpool.h"
#include "tp_test_util.h"

static _Alignas(64) uint8_t storage[64 * 1024];
static tp_pool_t pool;

static void test_not_initialised(void **state)
{
    (void)state;
    tp_tier_usage_t u;
    memset(&pool, 0, sizeof pool);
    assert_int_equal(tp_pool_tier_count(NULL), 0);
    assert_int_equal(tp_pool_block_count(NULL), 0);
    assert_int_equal(tp_pool_tier_usage(NULL, 0, &u), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_pool_tier_count(&pool), 0);
    assert_int_equal(tp_pool_block_count(&pool), 0);
    assert_int_equal(tp_pool_tier_usage(&pool, 0, &u), TP_ERR_INVALID_ARG);
    /* a failed init leaves the pool not initialised */
    const tp_tier_t bad[] = { { 64, 0 } };
    assert_int_equal(tp_pool_init(&pool, bad, 1, storage, sizeof storage), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_pool_tier_count(&pool), 0);
}

static void test_arguments(void **state)
{
    (void)state;
    const tp_tier_t tiers[] = { { 32, 10 }, { 128, 5 }, { 1024, 3 } };
    assert_int_equal(tp_pool_init(&pool, tiers, 3, storage, sizeof storage), TP_OK);
    assert_int_equal(tp_pool_tier_count(&pool), 3);
    assert_int_equal(tp_pool_block_count(&pool), 18);
    tp_tier_usage_t u;
    assert_int_equal(tp_pool_tier_usage(&pool, 3, &u), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_pool_tier_usage(&pool, 0, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_pool_tier_usage(&pool, 2, &u), TP_OK);
    assert_int_equal(u.block_size, 1024);
    assert_int_equal(u.block_count, 3);
    assert_int_equal(u.in_use, 0);
    assert_int_equal(u.failed, 0);
    /* the last block index is tp_pool_block_count - 1 */
    tp_block_info_t bi;
    assert_int_equal(tp_pool_block_at(&pool, 17, &bi), TP_OK);
    assert_int_equal(tp_pool_block_at(&pool, 18, &bi), TP_ERR_INVALID_ARG);
}

/* Random allocations and frees; after each step every tier's usage equals
 * what tp_pool_get_stats reports. */
static void test_usage_matches_stats(void **state)
{
    (void)state;
    const tp_tier_t tiers[] = { { 32, 10 }, { 128, 5 }, { 1024, 3 } };
    assert_int_equal(tp_pool_init(&pool, tiers, 3, storage, sizeof storage), TP_OK);
    void *live[18] = { 0 };
    uint32_t seed = 0x5eed1234u;
    for (int step = 0; step < 2000 * TP_TEST_SCALE; step++) {
        const uint32_t slot = tp_test_range(&seed, 0, 17);
        if (live[slot] != NULL) {
            assert_int_equal(tp_free(&pool, live[slot]), TP_OK);
            live[slot] = NULL;
        } else {
            live[slot] = tp_alloc(&pool, tp_test_range(&seed, 1, 1100)); /* > 1024 fails */
        }
        tp_pool_stats_t st;
        assert_int_equal(tp_pool_get_stats(&pool, &st), TP_OK);
        assert_int_equal(tp_pool_tier_count(&pool), st.n_tiers);
        assert_int_equal(tp_pool_block_count(&pool), st.total_blocks);
        for (uint32_t t = 0; t < st.n_tiers; t++) {
            tp_tier_usage_t u;
            assert_int_equal(tp_pool_tier_usage(&pool, t, &u), TP_OK);
            assert_int_equal(u.block_size, st.tier[t].block_size);
            assert_int_equal(u.block_count, st.tier[t].block_count);
            assert_int_equal(u.in_use, st.tier[t].in_use);
            assert_int_equal(u.failed, st.tier[t].failed);
        }
    }
    uint32_t failed = 0;
    for (uint32_t t = 0; t < 3; t++) {
        tp_tier_usage_t u;
        assert_int_equal(tp_pool_tier_usage(&pool, t, &u), TP_OK);
        failed += u.failed;
    }
    assert_true(failed > 0); /* the sequence did exhaust tiers at times */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_initialised),
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_usage_matches_stats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
