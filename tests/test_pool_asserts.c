/*
 * test_pool_asserts.c - the assertions of tp_pool.c are live: each state
 * change of tp_alloc and tp_free stops on the invariant it relies on when the
 * pool's bookkeeping has been corrupted (o1heap style), and a garbage
 * tp_pool_t is refused on entry instead of spinning on its "lock". Built
 * against tierpool_asserts: tp_pool.c with TP_CFG_ASSERT routed to cmocka's
 * mock_assert (tests/asserts/tp_user_config.h), in every build type.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tierpool.h"
#include "tp_test_util.h"

static const tp_tier_t tiers[] = { { 64, 8 }, { 256, 4 } };
static _Alignas(64) uint8_t storage[4096];
static tp_pool_t pool;

/* A fresh pool; also what recovers the lock an aborted call left taken. */
static void fresh(void)
{
    memset(&pool, 0, sizeof pool);
    assert_int_equal(tp_pool_init(&pool, tiers, 2, storage, sizeof storage), TP_OK);
}

static uint16_t *links(void)
{
    return pool.tier[0].link;
}

static void test_alloc_asserts_on_corrupt_list(void **state)
{
    (void)state;
    /* The head block is marked live (I2). */
    fresh();
    links()[pool.tier[0].head] = TP_LINK_LIVE;
    expect_assert_failure(tp_alloc(&pool, 10));
    /* The list ends before the count does (I1). */
    fresh();
    links()[0] = TP_LINK_END;
    expect_assert_failure(tp_alloc(&pool, 10));
    /* The head is out of range though blocks are counted free (I1). */
    fresh();
    pool.tier[0].head = TP_LINK_END;
    expect_assert_failure(tp_alloc(&pool, 10));
    /* A link points past the tier (I1). */
    fresh();
    links()[0] = 200;
    expect_assert_failure(tp_alloc(&pool, 10));
    /* More free blocks counted than the tier has (I3). */
    fresh();
    pool.tier[0].free_count = 0;
    pool.tier[0].reserve = 0;
    pool.tier[1].free_count = 9; /* tier 0 looks full: falls back to tier 1 */
    expect_assert_failure(tp_alloc(&pool, 10));
    /* The untouched pool passes every assertion. */
    fresh();
    void *p = tp_alloc(&pool, 10);
    assert_non_null(p);
    assert_int_equal(tp_free(&pool, p), TP_OK);
}

static void test_free_asserts_on_corrupt_counts(void **state)
{
    (void)state;
    /* A live block while every block is counted free (I2, I3). */
    fresh();
    void *p = tp_alloc(&pool, 10);
    assert_non_null(p);
    pool.tier[0].free_count = 8;
    expect_assert_failure(tp_free(&pool, p));
    /* The head out of range (I1). */
    fresh();
    p = tp_alloc(&pool, 10);
    pool.tier[0].head = 100;
    expect_assert_failure(tp_free(&pool, p));
    /* The list empty by its head while blocks are counted free (I1). */
    fresh();
    p = tp_alloc(&pool, 10);
    pool.tier[0].head = TP_LINK_END;
    expect_assert_failure(tp_free(&pool, p));
}

/* A garbage tp_pool_t: refused on entry, quickly (its lock word is garbage
 * too: a locked build that took it would spin for ever). */
static void test_garbage_pool_refused_on_entry(void **state)
{
    (void)state;
    static tp_pool_t garbage;
    uint32_t rng = 7u;
    for (int round = 0; round < 64; round++) {
        uint8_t *bytes = (uint8_t *)&garbage;
        for (size_t b = 0; b < sizeof garbage; b++) {
            bytes[b] = (uint8_t)(tp_test_rand(&rng) | 1u); /* lock words never 0 */
        }
        assert_null(tp_alloc(&garbage, 100));
        assert_null(tp_alloc_critical(&garbage, 100));
        assert_int_equal(tp_free(&garbage, storage), TP_ERR_INVALID_ARG);
        assert_int_equal(tp_free(&garbage, NULL), TP_ERR_INVALID_ARG);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_asserts_on_corrupt_list),
        cmocka_unit_test(test_free_asserts_on_corrupt_counts),
        cmocka_unit_test(test_garbage_pool_refused_on_entry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
