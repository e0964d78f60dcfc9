/*
 * test_pool.c - every rule of the tierpool core API (tierpool.h), each error
 * path included. Built against the single-threaded library, the thread-safe
 * one, and for Cortex-M3 under QEMU.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tierpool.h"
#include "tp_test_util.h"

static const tp_tier_t seed_tiers[] = { { 256, 64 }, { 1024, 24 }, { 4096, 12 } };
#define SEED_N 3u

/* Big enough for every configuration below; 64-byte aligned. */
static _Alignas(64) uint8_t storage[256 * 1024];
static tp_pool_t pool;

static void init_seed(void)
{
    memset(&pool, 0, sizeof pool);
    assert_int_equal(tp_pool_init(&pool, seed_tiers, SEED_N, storage, sizeof storage), TP_OK);
}

static void get_stats(tp_pool_stats_t *s)
{
    assert_int_equal(tp_pool_get_stats(&pool, s), TP_OK);
}

/* ---- configuration and storage ---- */

static void test_storage_size(void **state)
{
    (void)state;
    /* blocks: 16384 + 24576 + 49152; links: 2 bytes for each of 100 blocks */
    assert_int_equal(tp_pool_block_bytes(seed_tiers, SEED_N), 16384 + 24576 + 49152);
    assert_int_equal(tp_pool_meta_bytes(seed_tiers, SEED_N), 200);
    assert_int_equal(TP_POOL_META_BYTES(100), 200);
    assert_int_equal(tp_pool_storage_size(seed_tiers, SEED_N), 90112 + 200);
    assert_true(TP_POOL_STORAGE_BOUND(3, 90112, 100) >= tp_pool_storage_size(seed_tiers, SEED_N));

    /* Padding: a 24-byte tier (8-aligned) then a 64-byte tier (64-aligned). */
    const tp_tier_t padded[] = { { 24, 3 }, { 64, 2 }, { 100, 1 } };
    /* tier 0 at 0..71, tier 1 at 128..255 (64-aligned), tier 2 at 256..355 */
    assert_int_equal(tp_pool_block_bytes(padded, 3), 356);
    assert_int_equal(tp_pool_storage_size(padded, 3), 356 + 12);
    const tp_tier_t odd_count[] = { { 8, 3 } }; /* 6 bytes of links, rounded to 8 */
    assert_int_equal(tp_pool_meta_bytes(odd_count, 1), 8);
    assert_int_equal(tp_pool_storage_size(odd_count, 1), 24 + 8);
    assert_true(TP_POOL_STORAGE_BOUND(3, 24 * 3 + 64 * 2 + 100, 6) >= tp_pool_storage_size(padded, 3));

    /* Invalid configurations have no size. */
    const tp_tier_t unsorted[] = { { 64, 1 }, { 32, 1 } };
    assert_int_equal(tp_pool_storage_size(unsorted, 2), 0);
    assert_int_equal(tp_pool_storage_size(NULL, 1), 0);
    assert_int_equal(tp_pool_storage_size(seed_tiers, 0), 0);
}

static void test_storage_bound_random(void **state)
{
    (void)state;
    uint32_t rng = 12345u;
    for (int round = 0; round < 200; round++) {
        tp_tier_t tiers[TP_CFG_MAX_TIERS];
        const uint32_t n = tp_test_range(&rng, 1, TP_CFG_MAX_TIERS);
        uint32_t size = 0, bytes = 0, blocks = 0;
        for (uint32_t i = 0; i < n; i++) {
            size += tp_test_range(&rng, 1, 300);
            tiers[i].block_size = size;
            tiers[i].block_count = tp_test_range(&rng, 1, 70);
            bytes += size * tiers[i].block_count;
            blocks += tiers[i].block_count;
        }
        const size_t need = tp_pool_storage_size(tiers, n);
        assert_true(need > 0);
        assert_true(TP_POOL_STORAGE_BOUND(n, bytes, blocks) >= need);
        assert_int_equal(TP_POOL_META_BYTES(blocks), tp_pool_meta_bytes(tiers, n));
    }
}

/*
 * A refused init (tierpool.h) zeroes a tp_pool_t that was not a pool, so that
 * every later call refuses it in every build, and leaves a working pool
 * exactly as it was.
 */
static void expect_init_rejected(const tp_tier_t *tiers, size_t n, void *mem, size_t size)
{
    static const tp_pool_t zero;
    memset(&pool, 0xA5, sizeof pool); /* garbage, as on the stack */
    assert_int_equal(tp_pool_init(&pool, tiers, n, mem, size), TP_ERR_INVALID_ARG);
    assert_memory_equal(&zero, &pool, sizeof pool);
    assert_null(tp_alloc(&pool, 1));
    assert_int_equal(tp_free(&pool, storage), TP_ERR_INVALID_ARG);

    static tp_pool_t working, before;
    static _Alignas(64) uint8_t working_storage[512];
    const tp_tier_t small[] = { { 32, 4 } };
    assert_int_equal(tp_pool_init(&working, small, 1, working_storage, sizeof working_storage), TP_OK);
    void *block = tp_alloc(&working, 8);
    assert_non_null(block);
    memcpy(&before, &working, sizeof working);
    assert_int_equal(tp_pool_init(&working, tiers, n, mem, size), TP_ERR_INVALID_ARG);
    assert_memory_equal(&before, &working, sizeof working);
    assert_int_equal(tp_free(&working, block), TP_OK);
}

static void test_init_rejects_bad_configs(void **state)
{
    (void)state;
    const size_t need = tp_pool_storage_size(seed_tiers, SEED_N);
    expect_init_rejected(seed_tiers, 0, storage, sizeof storage);
    expect_init_rejected(NULL, 1, storage, sizeof storage);
    expect_init_rejected(seed_tiers, SEED_N, NULL, sizeof storage);
    expect_init_rejected(seed_tiers, SEED_N, storage, need - 1);     /* too small */
    expect_init_rejected(seed_tiers, SEED_N, storage + 1, need + 8); /* misaligned */
    expect_init_rejected(seed_tiers, SEED_N, storage + 2, need + 8);

    const tp_tier_t zero_size[] = { { 0, 4 }, { 64, 4 } };
    expect_init_rejected(zero_size, 2, storage, sizeof storage);
    const tp_tier_t zero_count[] = { { 32, 4 }, { 64, 0 } };
    expect_init_rejected(zero_count, 2, storage, sizeof storage);
    const tp_tier_t unsorted[] = { { 64, 4 }, { 32, 4 } };
    expect_init_rejected(unsorted, 2, storage, sizeof storage);
    const tp_tier_t equal[] = { { 64, 4 }, { 64, 4 } };
    expect_init_rejected(equal, 2, storage, sizeof storage);
    const tp_tier_t too_many_blocks[] = { { 8, TP_MAX_BLOCKS_PER_TIER + 1u } };
    expect_init_rejected(too_many_blocks, 1, storage, sizeof storage);
    /* Sizes whose product or sum would overflow 32 bits. */
    const tp_tier_t overflow_span[] = { { 0x10000000u, 16 } };
    expect_init_rejected(overflow_span, 1, storage, sizeof storage);
    const tp_tier_t overflow_total[] = { { 0x40000000u, 1 }, { 0x7FFFFFFFu, 1 } };
    expect_init_rejected(overflow_total, 2, storage, sizeof storage);
    const tp_tier_t huge_size[] = { { 0xFFFFFFFFu, 1 } };
    expect_init_rejected(huge_size, 1, storage, sizeof storage);

    tp_tier_t too_many_tiers[TP_CFG_MAX_TIERS + 1];
    for (uint32_t i = 0; i < TP_CFG_MAX_TIERS + 1; i++) {
        too_many_tiers[i].block_size = 8 * (i + 1);
        too_many_tiers[i].block_count = 1;
    }
    expect_init_rejected(too_many_tiers, TP_CFG_MAX_TIERS + 1, storage, sizeof storage);
    assert_int_equal(tp_pool_init(NULL, seed_tiers, SEED_N, storage, sizeof storage), TP_ERR_INVALID_ARG);
}

/* A rejected re-init leaves a working pool working, blocks and all. */
static void test_failed_reinit_keeps_pool(void **state)
{
    (void)state;
    init_seed();
    void *a = tp_alloc(&pool, 100);
    assert_non_null(a);
    const tp_tier_t unsorted[] = { { 64, 4 }, { 32, 4 } };
    assert_int_equal(tp_pool_init(&pool, unsorted, 2, storage, sizeof storage), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_block_size(&pool, a), 256);
    assert_int_equal(tp_free(&pool, a), TP_OK);
}

static void test_max_tiers_and_blocks(void **state)
{
    (void)state;
    tp_tier_t tiers[TP_CFG_MAX_TIERS];
    for (uint32_t i = 0; i < TP_CFG_MAX_TIERS; i++) {
        tiers[i].block_size = 16 * (i + 1);
        tiers[i].block_count = 3;
    }
    assert_int_equal(tp_pool_init(&pool, tiers, TP_CFG_MAX_TIERS, storage, sizeof storage), TP_OK);
    for (uint32_t i = 0; i < TP_CFG_MAX_TIERS; i++) {
        void *p = tp_alloc(&pool, 16 * (i + 1));
        assert_non_null(p);
        assert_int_equal(tp_block_size(&pool, p), 16 * (i + 1));
    }

    /* One tier of the maximum block count: every block is handed out once. */
    const tp_tier_t big[] = { { 1, TP_MAX_BLOCKS_PER_TIER } };
    assert_int_equal(tp_pool_init(&pool, big, 1, storage, sizeof storage), TP_OK);
    uint8_t *prev = NULL;
    for (uint32_t i = 0; i < TP_MAX_BLOCKS_PER_TIER; i++) {
        uint8_t *p = tp_alloc(&pool, 1);
        assert_non_null(p);
        if (prev != NULL) {
            assert_ptr_equal(p, prev + 1); /* a new pool: address order, no headers */
        }
        prev = p;
    }
    assert_null(tp_alloc(&pool, 1));
    tp_pool_stats_t s;
    get_stats(&s);
    assert_int_equal(s.tier[0].in_use, TP_MAX_BLOCKS_PER_TIER);
    assert_int_equal(s.failed, 1);
    assert_int_equal(tp_pool_check(&pool, NULL), TP_OK);
    /* ... and every one comes back, the last in the list being block 0. */
    for (uint32_t i = 0; i < TP_MAX_BLOCKS_PER_TIER; i++) {
        assert_int_equal(tp_free(&pool, storage + i), TP_OK);
    }
    assert_int_equal(tp_pool_check(&pool, NULL), TP_OK);
    assert_ptr_equal(tp_alloc(&pool, 1), storage + TP_MAX_BLOCKS_PER_TIER - 1u);
}

/* ---- alloc ---- */

static void test_alloc_smallest_tier_that_fits(void **state)
{
    (void)state;
    init_seed();
    const size_t sizes[] = { 1, 64, 255, 256, 257, 1000, 1024, 1025, 4095, 4096 };
    const size_t expect[] = { 256, 256, 256, 256, 1024, 1024, 1024, 4096, 4096, 4096 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        void *p = tp_alloc(&pool, sizes[i]);
        assert_non_null(p);
        assert_int_equal(tp_block_size(&pool, p), expect[i]);
    }
    tp_pool_stats_t s;
    get_stats(&s);
    assert_int_equal(s.fallbacks, 0);
    assert_int_equal(s.tier[0].in_use, 4);
    assert_int_equal(s.tier[1].in_use, 3);
    assert_int_equal(s.tier[2].in_use, 3);
}

static void test_alloc_rejects_zero_and_oversize(void **state)
{
    (void)state;
    init_seed();
    assert_null(tp_alloc(&pool, 0));
    assert_null(tp_alloc(&pool, 4097));
    assert_null(tp_alloc(&pool, SIZE_MAX));
    uint32_t oversize = 2;
#if SIZE_MAX > UINT32_MAX
    /* 64-bit size_t: a size that would truncate to 0 in 32 bits is still oversize. */
    assert_null(tp_alloc(&pool, (size_t)UINT32_MAX + 1u));
    oversize++;
#endif
    assert_null(tp_alloc(NULL, 16));
    tp_pool_stats_t s;
    get_stats(&s);
    assert_int_equal(s.zero_requests, 1);
    assert_int_equal(s.oversize_requests, oversize);
    assert_int_equal(s.failed, oversize);
    assert_int_equal(s.blocks_in_use, 0);

    tp_pool_t blank;
    memset(&blank, 0, sizeof blank);
    assert_null(tp_alloc(&blank, 16)); /* never initialised */
    assert_int_equal(tp_free(&blank, storage), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_free(NULL, storage), TP_ERR_INVALID_ARG);
    tp_pool_stats_t s2;
    assert_int_equal(tp_pool_get_stats(&blank, &s2), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_pool_get_stats(&pool, NULL), TP_ERR_INVALID_ARG);
}

static void test_fallback_to_larger_tiers(void **state)
{
    (void)state;
    init_seed();
    for (int i = 0; i < 64; i++) {
        assert_non_null(tp_alloc(&pool, 16));
    }
    void *p = tp_alloc(&pool, 16); /* tier 0 full: served by tier 1 */
    assert_int_equal(tp_block_size(&pool, p), 1024);
    for (int i = 1; i < 24; i++) {
        assert_int_equal(tp_block_size(&pool, tp_alloc(&pool, 200)), 1024);
    }
    p = tp_alloc(&pool, 16); /* tiers 0 and 1 full: served by tier 2 */
    assert_int_equal(tp_block_size(&pool, p), 4096);
    for (int i = 1; i < 12; i++) {
        assert_non_null(tp_alloc(&pool, 4096));
    }
    assert_null(tp_alloc(&pool, 16));
    assert_null(tp_alloc(&pool, 1024));
    assert_null(tp_alloc(&pool, 4096));

    tp_pool_stats_t s;
    get_stats(&s);
    assert_int_equal(s.tier[0].fallbacks, 25); /* 24 of tier 1 and one of tier 2 */
    assert_int_equal(s.tier[0].failed, 1);
    assert_int_equal(s.tier[1].failed, 1);
    assert_int_equal(s.tier[2].failed, 1);
    assert_int_equal(s.fallbacks, 25);
    assert_int_equal(s.largest_allocatable, 0);
    assert_int_equal(tp_pool_largest_allocatable(&pool), 0);
}

/* ---- free ---- */

/* After an error, everything but the named counter is as before. */
static void expect_free_error(void *ptr, tp_err_t expected, uint32_t *counter_in_pool)
{
    static tp_pool_t before;
    uint8_t meta_before[200];
    const size_t meta_off = (tp_pool_block_bytes(seed_tiers, SEED_N) + 3u) & ~(size_t)3u;
    assert_int_equal(tp_pool_meta_bytes(seed_tiers, SEED_N), sizeof meta_before);
    memcpy(meta_before, storage + meta_off, sizeof meta_before);
    memcpy(&before, &pool, sizeof pool);
    const uint32_t count = *counter_in_pool;
    assert_int_equal(tp_free(&pool, ptr), expected);
    assert_int_equal(*counter_in_pool, count + 1u);
    *counter_in_pool = count;
    assert_memory_equal(&before, &pool, sizeof pool);
    assert_memory_equal(meta_before, storage + meta_off, sizeof meta_before);
    *counter_in_pool = count + 1u;
}

static void test_free_errors_change_nothing(void **state)
{
    (void)state;
    init_seed();
    uint8_t *a = tp_alloc(&pool, 100);
    uint8_t *b = tp_alloc(&pool, 1000);
    uint8_t *c = tp_alloc(&pool, 3000);
    assert_non_null(c);
    uint8_t local;

    assert_int_equal(tp_free(&pool, NULL), TP_OK);
    expect_free_error(&local, TP_ERR_FOREIGN_PTR, &pool.foreign_frees);
    expect_free_error(storage + sizeof storage - 1, TP_ERR_FOREIGN_PTR, &pool.foreign_frees);
    uint8_t *const end = storage + tp_pool_block_bytes(seed_tiers, SEED_N);
    expect_free_error(end, TP_ERR_FOREIGN_PTR, &pool.foreign_frees); /* one past the end */
    uint8_t *const before_start = (uint8_t *)((uintptr_t)storage - 256u);
    expect_free_error(before_start, TP_ERR_FOREIGN_PTR, &pool.foreign_frees); /* before it */
    expect_free_error(a + 1, TP_ERR_BAD_PTR, &pool.bad_frees);
    expect_free_error(a + 255, TP_ERR_BAD_PTR, &pool.bad_frees);
    expect_free_error(b + 512, TP_ERR_BAD_PTR, &pool.bad_frees);
    expect_free_error(c + 4095, TP_ERR_BAD_PTR, &pool.bad_frees);
    expect_free_error(a + 256, TP_ERR_DOUBLE_FREE, &pool.double_frees); /* never allocated */
    assert_int_equal(tp_free(&pool, a), TP_OK);
    expect_free_error(a, TP_ERR_DOUBLE_FREE, &pool.double_frees);

    tp_pool_stats_t s;
    get_stats(&s);
    assert_int_equal(s.foreign_frees, 4);
    assert_int_equal(s.bad_frees, 4);
    assert_int_equal(s.double_frees, 2);
    assert_int_equal(s.blocks_in_use, 2);
    assert_int_equal(s.frees, 1);
}

static void test_free_padding_between_tiers_is_foreign(void **state)
{
    (void)state;
    const tp_tier_t padded[] = { { 24, 3 }, { 64, 2 } };
    assert_int_equal(tp_pool_init(&pool, padded, 2, storage, sizeof storage), TP_OK);
    /* Tier 0 spans bytes 0..71, tier 1 starts at 128: 72..127 is padding. */
    assert_int_equal(tp_free(&pool, storage + 72), TP_ERR_FOREIGN_PTR);
    assert_int_equal(tp_free(&pool, storage + 100), TP_ERR_FOREIGN_PTR);
    assert_int_equal(tp_free(&pool, storage + 48), TP_ERR_DOUBLE_FREE);
    assert_int_equal(tp_free(&pool, storage + 50), TP_ERR_BAD_PTR);
    uint8_t *x = tp_alloc(&pool, 30);
    assert_ptr_equal(x, storage + 128);
}

static void test_block_size(void **state)
{
    (void)state;
    init_seed();
    uint8_t *a = tp_alloc(&pool, 300);
    uint8_t local = 0;
    assert_int_equal(tp_block_size(&pool, a), 1024);
    assert_int_equal(tp_block_size(&pool, a + 1), 0);
    assert_int_equal(tp_block_size(&pool, &local), 0);
    assert_int_equal(tp_block_size(&pool, NULL), 0);
    assert_int_equal(tp_block_size(NULL, a), 0);
    assert_int_equal(tp_block_size(&pool, a + 1024), 0); /* a free block */
    assert_int_equal(tp_free(&pool, a), TP_OK);
    assert_int_equal(tp_block_size(&pool, a), 0);
}

/* Block sizes with an odd factor: the exact-division path. */
static void test_non_power_of_two_sizes(void **state)
{
    (void)state;
    const tp_tier_t odd[] = { { 24, 40 }, { 100, 33 }, { 1000, 5 } };
    assert_int_equal(tp_pool_init(&pool, odd, 3, storage, sizeof storage), TP_OK);
    uint8_t *blocks[78];
    for (int i = 0; i < 78; i++) {
        blocks[i] = tp_alloc(&pool, i < 40 ? 24 : (i < 73 ? 100 : 1000));
        assert_non_null(blocks[i]);
    }
    assert_ptr_equal(blocks[1], blocks[0] + 24);
    assert_ptr_equal(blocks[72], blocks[40] + 32 * 100);
    assert_int_equal(tp_free(&pool, blocks[72] + 99), TP_ERR_BAD_PTR);
    assert_int_equal(tp_free(&pool, blocks[72] + 100), TP_ERR_FOREIGN_PTR); /* past tier 1 */
    for (int i = 77; i >= 0; i--) {
        assert_int_equal(tp_free(&pool, blocks[i]), TP_OK);
    }
    assert_int_equal(tp_free(&pool, blocks[50]), TP_ERR_DOUBLE_FREE);
}

/* ---- alignment ---- */

static void test_alignment(void **state)
{
    (void)state;
    for (uint32_t a = 4; a <= 64; a *= 2) {
        /* Mixed tiers: some multiples of a, some not. */
        const tp_tier_t tiers[] = { { a, 7 }, { a + 2, 5 }, { a * 3, 3 }, { a * 3 + 2, 2 }, { a * 8, 3 } };
        /* Storage aligned to exactly a (not to 2a). */
        uint8_t *mem = storage + a;
        if (((uintptr_t)mem & (2u * a - 1u)) == 0u) {
            mem += a;
        }
        assert_int_equal(tp_pool_init(&pool, tiers, 5, mem, sizeof storage - 256), TP_OK);
        int checked = 0;
        for (int i = 0; i < 20; i++) {
            uint8_t *p = tp_alloc(&pool, 1); /* fills tier 0, then falls back through all */
            assert_non_null(p);
            tp_block_info_t info;
            assert_int_equal(tp_pool_locate(&pool, p, &info), TP_OK);
            if (info.block_size % a == 0u) {
                assert_int_equal((uintptr_t)p % a, 0);
                checked++;
            }
        }
        assert_int_equal(checked, 7 + 3 + 3);
        assert_null(tp_alloc(&pool, 1));
    }
}

/* ---- statistics ---- */

static void test_statistics_exact(void **state)
{
    (void)state;
    init_seed();
    uint8_t *a = tp_alloc(&pool, 100);
    uint8_t *b = tp_alloc(&pool, 200);
    uint8_t *c = tp_alloc(&pool, 700);
    assert_int_equal(tp_free(&pool, a), TP_OK);
    a = tp_alloc(&pool, 10);
    tp_pool_stats_t s;
    get_stats(&s);
    assert_int_equal(s.n_tiers, 3);
    assert_int_equal(s.tier[0].block_size, 256);
    assert_int_equal(s.tier[0].block_count, 64);
    assert_int_equal(s.tier[0].in_use, 2);
    assert_int_equal(s.tier[0].peak_in_use, 2);
    assert_int_equal(s.tier[0].allocs, 3);
    assert_int_equal(s.tier[0].frees, 1);
    assert_int_equal(s.tier[0].bytes_requested, 310);
    assert_int_equal(s.tier[0].bytes_handed_out, 768);
    assert_int_equal(s.tier[1].allocs, 1);
    assert_int_equal(s.tier[1].bytes_requested, 700);
    assert_int_equal(s.tier[1].bytes_handed_out, 1024);
    assert_int_equal(s.total_blocks, 100);
    assert_int_equal(s.blocks_in_use, 3);
    assert_int_equal(s.bytes_total, 90112);
    assert_int_equal(s.bytes_in_use, 256 * 2 + 1024);
    assert_int_equal(s.allocs, 4);
    assert_int_equal(s.frees, 1);
    assert_int_equal(s.bytes_requested, 1010);
    assert_int_equal(s.bytes_handed_out, 1792);
    assert_int_equal(s.largest_allocatable, 4096);

    /* Peak: rises, stays after frees, resets to the current level. */
    assert_int_equal(tp_free(&pool, a), TP_OK);
    assert_int_equal(tp_free(&pool, b), TP_OK);
    get_stats(&s);
    assert_int_equal(s.tier[0].peak_in_use, 2);
    assert_int_equal(tp_pool_reset_peak(&pool), TP_OK);
    get_stats(&s);
    assert_int_equal(s.tier[0].peak_in_use, 0);
    assert_int_equal(s.tier[1].peak_in_use, 1);
    assert_int_equal(tp_free(&pool, c), TP_OK);
    assert_int_equal(tp_pool_reset_peak(NULL), TP_ERR_INVALID_ARG);
}

static void test_largest_allocatable_exact(void **state)
{
    (void)state;
    init_seed();
    void *big[12];
    for (int i = 0; i < 12; i++) {
        assert_int_equal(tp_pool_largest_allocatable(&pool), 4096);
        big[i] = tp_alloc(&pool, 4000);
    }
    assert_int_equal(tp_pool_largest_allocatable(&pool), 1024);
    assert_null(tp_alloc(&pool, 1025)); /* agrees with the query */
    for (int i = 0; i < 24; i++) {
        assert_non_null(tp_alloc(&pool, 1024));
    }
    assert_int_equal(tp_pool_largest_allocatable(&pool), 256);
    assert_null(tp_alloc(&pool, 257));
    assert_int_equal(tp_free(&pool, big[5]), TP_OK);
    assert_int_equal(tp_pool_largest_allocatable(&pool), 4096);
    assert_int_equal(tp_pool_largest_allocatable(NULL), 0);
}

/* ---- critical reserve ---- */

static void test_critical_reserve(void **state)
{
    (void)state;
    const tp_tier_t tiers[] = { { 64, 4 }, { 256, 2 } };
    assert_int_equal(tp_pool_init(&pool, tiers, 2, storage, sizeof storage), TP_OK);
    assert_int_equal(tp_pool_set_reserve(&pool, 0, 2), TP_OK);
    assert_int_equal(tp_pool_set_reserve(&pool, 1, 1), TP_OK);
    assert_int_equal(tp_pool_set_reserve(&pool, 2, 0), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_pool_set_reserve(&pool, 0, 5), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_pool_set_reserve(NULL, 0, 1), TP_ERR_INVALID_ARG);

    assert_int_equal(tp_block_size(&pool, tp_alloc(&pool, 10)), 64);
    assert_int_equal(tp_block_size(&pool, tp_alloc(&pool, 10)), 64);
    /* Only the reserve is left in tier 0: ordinary requests fall back... */
    assert_int_equal(tp_block_size(&pool, tp_alloc(&pool, 10)), 256);
    /* ...and fail once tier 1 is down to its reserve too. */
    assert_null(tp_alloc(&pool, 10));
    assert_int_equal(tp_pool_largest_allocatable(&pool), 0);
    /* Critical requests still get the reserved blocks. */
    assert_int_equal(tp_block_size(&pool, tp_alloc_critical(&pool, 10)), 64);
    assert_int_equal(tp_block_size(&pool, tp_alloc_critical(&pool, 10)), 64);
    assert_int_equal(tp_block_size(&pool, tp_alloc_critical(&pool, 10)), 256);
    assert_null(tp_alloc_critical(&pool, 10));
    tp_pool_stats_t s;
    get_stats(&s);
    assert_int_equal(s.tier[0].failed, 2);
    assert_int_equal(s.tier[0].in_use, 4);
    assert_int_equal(s.tier[1].in_use, 2);
}

/* ---- block addressing ---- */

static void test_locate_and_block_at(void **state)
{
    (void)state;
    init_seed();
    uint8_t *a = tp_alloc(&pool, 2000);
    tp_block_info_t info;
    assert_int_equal(tp_pool_locate(&pool, a + 100, &info), TP_OK);
    assert_int_equal(info.tier, 2);
    assert_int_equal(info.index, 88);
    assert_int_equal(info.block_size, 4096);
    assert_ptr_equal(info.start, a);
    assert_int_equal(info.live, 1);
    assert_int_equal(tp_pool_block_at(&pool, 88, &info), TP_OK);
    assert_ptr_equal(info.start, a);
    assert_int_equal(tp_pool_block_at(&pool, 64, &info), TP_OK);
    assert_int_equal(info.tier, 1);
    assert_int_equal(info.live, 0);
    assert_int_equal(tp_pool_block_at(&pool, 100, &info), TP_ERR_INVALID_ARG);
    uint8_t local;
    assert_int_equal(tp_pool_locate(&pool, &local, &info), TP_ERR_FOREIGN_PTR);
    assert_int_equal(tp_pool_locate(&pool, a, NULL), TP_ERR_INVALID_ARG);
}

static void test_split_storage(void **state)
{
    (void)state;
    static _Alignas(64) uint8_t blocks[90112];
    static uint32_t meta[50];
    assert_int_equal(tp_pool_init_split(&pool, seed_tiers, SEED_N, blocks, sizeof blocks, meta, sizeof meta), TP_OK);
    uint8_t *p = tp_alloc(&pool, 5);
    assert_ptr_equal(p, blocks);
    /* Overlapping blocks and links are refused, and so is too little room. */
    assert_int_equal(
        tp_pool_init_split(&pool, seed_tiers, SEED_N, blocks, sizeof blocks, (uint32_t *)(void *)(blocks + 64), 200),
        TP_ERR_INVALID_ARG);
    assert_int_equal(tp_pool_init_split(&pool, seed_tiers, SEED_N, blocks, sizeof blocks, meta, 196),
                     TP_ERR_INVALID_ARG);
    assert_int_equal(tp_block_size(&pool, p), 256); /* still the old pool */
}

static void test_strerror(void **state)
{
    (void)state;
    const tp_err_t all[] = { TP_OK,
                             TP_ERR_INVALID_ARG,
                             TP_ERR_FOREIGN_PTR,
                             TP_ERR_BAD_PTR,
                             TP_ERR_DOUBLE_FREE,
                             TP_ERR_NO_MEM,
                             TP_ERR_TRUNCATED,
                             TP_ERR_NOT_FOUND,
                             TP_ERR_CORRUPT,
                             TP_ERR_DEFERRED,
                             TP_ERR_UNSUPPORTED,
                             TP_ERR_IO };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        const char *text = tp_strerror(all[i]);
        assert_non_null(text);
        assert_true(strcmp(text, "unknown error") != 0);
        for (size_t j = 0; j < i; j++) {
            assert_true(strcmp(text, tp_strerror(all[j])) != 0);
        }
    }
    assert_true(strcmp(tp_strerror((tp_err_t)42), "unknown error") == 0);
}

/* A freed block is the next one handed out (LIFO); untouched blocks follow. */
static void test_freed_block_reused_first(void **state)
{
    (void)state;
    init_seed();
    uint8_t *a = tp_alloc(&pool, 10);
    uint8_t *b = tp_alloc(&pool, 10);
    uint8_t *c = tp_alloc(&pool, 10);
    assert_ptr_equal(b, a + 256);
    assert_ptr_equal(c, b + 256);
    assert_int_equal(tp_free(&pool, b), TP_OK);
    assert_int_equal(tp_free(&pool, a), TP_OK);
    assert_ptr_equal(tp_alloc(&pool, 10), a);
    assert_ptr_equal(tp_alloc(&pool, 10), b);
    assert_ptr_equal(tp_alloc(&pool, 10), c + 256);
    assert_int_equal(tp_pool_check(&pool, NULL), TP_OK);
}

/*
 * tp_free finds the block index by a multiply and a rotate instead of a
 * division. Check it against plain division at every byte offset of a tier
 * (and a block beyond it) for many block sizes: odd, even, powers of two.
 */
static void check_every_offset(uint32_t size, uint32_t count)
{
    const tp_tier_t one[] = { { size, count } };
    assert_int_equal(tp_pool_init(&pool, one, 1, storage, sizeof storage), TP_OK);
    for (uint32_t i = 0; i < count; i++) {
        assert_non_null(tp_alloc(&pool, size));
    }
    const uint32_t span = size * count;
    const uint32_t step = span > 20000u ? 7u : 1u; /* big tiers: a sample */
    for (uint32_t off = 0; off < span + size; off += step) {
        const tp_err_t expected = off >= span ? TP_ERR_FOREIGN_PTR : (off % size != 0u ? TP_ERR_BAD_PTR : TP_OK);
        /* Integer arithmetic: the offsets past the tier may lie past `storage`. */
        uint8_t *const ptr = (uint8_t *)((uintptr_t)storage + off);
        const tp_err_t got = tp_free(&pool, ptr);
        if (got != expected) {
            fail_msg("size %u offset %u: %d, expected %d", (unsigned)size, (unsigned)off, got, expected);
        }
        if (got == TP_OK) {
            assert_ptr_equal(tp_alloc(&pool, size), ptr); /* live again */
        }
    }
    assert_int_equal(tp_pool_check(&pool, NULL), TP_OK);
}

static void test_free_index_matches_division(void **state)
{
    (void)state;
    for (uint32_t size = 1; size <= 130; size++) {
        check_every_offset(size, 5);
    }
    const uint32_t more[] = { 192, 255, 256, 257, 384, 1000, 1023, 1024, 1536, 4095, 4096, 12288, 65535, 65536, 98304 };
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        check_every_offset(more[i], 2);
    }
    check_every_offset(3, 20000); /* many blocks: indices above 255, offsets sampled */
}

/* Corrupt, check, expect the rule, tier and block named; the check itself
 * changes nothing. */
static void expect_fault(tp_check_rule_t rule, uint32_t tier, uint32_t block, int tiers_only_sees)
{
    static tp_pool_t before;
    tp_check_fault_t fault;
    memcpy(&before, &pool, sizeof pool);
    assert_int_equal(tp_pool_check(&pool, &fault), TP_ERR_CORRUPT);
    assert_memory_equal(&before, &pool, sizeof pool);
    if (fault.rule != rule || fault.tier != tier || fault.block != block) {
        fail_msg("expected rule %d (%s) tier %u block %u, got rule %d (%s) tier %u block %u", (int)rule,
                 tp_check_rule_text(rule), (unsigned)tier, (unsigned)block, (int)fault.rule,
                 tp_check_rule_text(fault.rule), (unsigned)fault.tier, (unsigned)fault.block);
    }
    /* The cheap variant sees the tier records only. */
    const tp_err_t cheap = tp_pool_check_tiers(&pool, &fault);
    if (tiers_only_sees) {
        assert_int_equal(cheap, TP_ERR_CORRUPT);
        assert_int_equal(fault.rule, rule);
        assert_int_equal(fault.tier, tier);
    } else {
        assert_int_equal(cheap, TP_OK);
        assert_int_equal(fault.rule, TP_CHECK_OK);
    }
}

/* tp_pool_check finds each invariant broken, names the rule, the tier and the
 * block, and changes nothing; tp_pool_check_tiers finds the tier-record ones. */
static void test_pool_check_names_rule_and_tier(void **state)
{
    (void)state;
    const uint32_t none = UINT32_MAX;
    tp_check_fault_t fault;
    init_seed();
    void *p = tp_alloc(&pool, 10); /* tier 0 block 0 */
    assert_non_null(tp_alloc(&pool, 10));
    assert_non_null(tp_alloc(&pool, 1000)); /* tier 1 block 0 */
    assert_int_equal(tp_pool_check(&pool, &fault), TP_OK);
    assert_int_equal(fault.rule, TP_CHECK_OK);
    assert_int_equal(tp_pool_check_tiers(&pool, &fault), TP_OK);
    uint16_t *link = (uint16_t *)(void *)(storage + tp_pool_block_bytes(seed_tiers, SEED_N));
    uint16_t *link1 = link + 64; /* tier 1's links follow tier 0's */

    /* I1: tier 0's list is 2 -> 3 -> ... -> 63 -> end */
    link[5] = 5; /* a cycle: the walk never reaches the end; block 5 holds the bad link */
    expect_fault(TP_CHECK_I1_FREE_LIST, 0, 5, 0);
    link[5] = TP_LINK_LIVE; /* a listed block marked live: block 4 links to it */
    expect_fault(TP_CHECK_I1_FREE_LIST, 0, 4, 0);
    link[5] = 6;
    link[63] = 1; /* the list runs on into a live block */
    expect_fault(TP_CHECK_I1_FREE_LIST, 0, 63, 0);
    link[63] = TP_LINK_END;
    pool.tier[0].head = 64; /* the head out of range: seen without the links */
    expect_fault(TP_CHECK_I1_FREE_LIST, 0, none, 1);
    pool.tier[0].head = 2;
    /* I2: a live block not marked live, off the list: lost, and named */
    link1[0] = 7;
    expect_fault(TP_CHECK_I2_LIVE_MARKS, 1, 0, 0);
    link1[0] = TP_LINK_LIVE;
    assert_int_equal(tp_pool_check(&pool, NULL), TP_OK);

    /* I3 */
    pool.tier[1].low_water = pool.tier[1].free_count + 1u;
    expect_fault(TP_CHECK_I3_COUNTS, 1, none, 1);
    pool.tier[1].low_water--;
    pool.tier[2].free_count = 13;
    expect_fault(TP_CHECK_I3_COUNTS, 2, none, 1);
    pool.tier[2].free_count = 12;
    /* I4: the end mark, and the tier count */
    pool.tier[3].fit_key = 8;
    expect_fault(TP_CHECK_I4_END_MARK, 3, none, 1);
    pool.tier[3].fit_key = 0;
    pool.tier[3].failed = 1;
    expect_fault(TP_CHECK_I4_END_MARK, 3, none, 1);
    pool.tier[3].failed = 0;
    pool.n_tiers = 0;
    expect_fault(TP_CHECK_I4_END_MARK, none, none, 1);
    pool.n_tiers = TP_CFG_MAX_TIERS + 1u;
    expect_fault(TP_CHECK_I4_END_MARK, none, none, 1);
    pool.n_tiers = 3;
    /* I5: each derived lookup value */
    pool.tier[2].inverse += 2u;
    expect_fault(TP_CHECK_I5_LOOKUP_KEYS, 2, none, 1);
    pool.tier[2].inverse -= 2u;
    pool.tier[0].fit_key += 1u;
    expect_fault(TP_CHECK_I5_LOOKUP_KEYS, 0, none, 1);
    pool.tier[0].fit_key -= 1u;
    pool.tier[1].end_key ^= 64u;
    expect_fault(TP_CHECK_I5_LOOKUP_KEYS, 1, none, 1);
    pool.tier[1].end_key ^= 64u;
    pool.tier[1].shift++;
    expect_fault(TP_CHECK_I5_LOOKUP_KEYS, 1, none, 1);
    pool.tier[1].shift--;
    /* I6: first_index, total, order of sizes, links consecutive, tiers disjoint */
    pool.tier[1].first_index++;
    expect_fault(TP_CHECK_I6_LAYOUT, 1, none, 1);
    pool.tier[1].first_index--;
    pool.total_blocks++;
    expect_fault(TP_CHECK_I6_LAYOUT, none, none, 1);
    pool.total_blocks--;
    pool.tier[2].link++;
    expect_fault(TP_CHECK_I6_LAYOUT, 2, none, 1);
    pool.tier[2].link--;
    pool.tier[1].block_count = 0;
    expect_fault(TP_CHECK_I6_LAYOUT, 1, none, 1);
    pool.tier[1].block_count = 24;
    /* tier 1 moved down onto tier 0's blocks, its keys made to match */
    tp_tier_state_t saved = pool.tier[1];
    pool.tier[1].base -= 1024;
    pool.tier[1].end_key = ~((uintptr_t)pool.tier[1].base + 1024u * 24u - 1u);
    expect_fault(TP_CHECK_I6_LAYOUT, 1, none, 1);
    pool.tier[1] = saved;
    /* I7 */
    pool.tier[0].reserve = 65;
    expect_fault(TP_CHECK_I7_RESERVE, 0, none, 1);
    pool.tier[0].reserve = 64; /* all of them: allowed */
    assert_int_equal(tp_pool_check(&pool, &fault), TP_OK);
    pool.tier[0].reserve = 0;

    /* Restored: consistent again, and the pool works. */
    assert_int_equal(tp_pool_check(&pool, NULL), TP_OK);
    assert_int_equal(tp_free(&pool, p), TP_OK);
    assert_int_equal(tp_pool_check(&pool, NULL), TP_OK);

    /* Not a pool. */
    tp_pool_t zeroed;
    memset(&zeroed, 0, sizeof zeroed);
    assert_int_equal(tp_pool_check(&zeroed, &fault), TP_ERR_INVALID_ARG);
    assert_int_equal(fault.rule, TP_CHECK_NOT_INITIALISED);
    assert_int_equal(tp_pool_check_tiers(&zeroed, &fault), TP_ERR_INVALID_ARG);
    assert_int_equal(fault.rule, TP_CHECK_NOT_INITIALISED);
    assert_int_equal(tp_pool_check(NULL, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_pool_check_tiers(NULL, NULL), TP_ERR_INVALID_ARG);

    /* Every rule has its own text. */
    for (int a = TP_CHECK_OK; a <= TP_CHECK_I7_RESERVE; a++) {
        for (int b = a + 1; b <= TP_CHECK_I7_RESERVE; b++) {
            assert_true(strcmp(tp_check_rule_text((tp_check_rule_t)a), tp_check_rule_text((tp_check_rule_t)b)) != 0);
        }
    }
    assert_true(strcmp(tp_check_rule_text((tp_check_rule_t)99), "unknown rule") == 0);
}

/* The one tier-list validation: the rule and the tier it names. */
static void expect_tiers_fault(const tp_tier_t *tiers, size_t n, tp_tiers_rule_t rule, uint32_t tier)
{
    tp_tiers_fault_t fault = { TP_TIERS_OK, 77 };
    assert_int_equal(tp_tiers_check(tiers, n, &fault), TP_ERR_INVALID_ARG);
    assert_int_equal(fault.rule, rule);
    assert_int_equal(fault.tier, tier);
    assert_int_equal(tp_tiers_check(tiers, n, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_pool_storage_size(tiers, n), 0);
    assert_int_equal(tp_pool_block_bytes(tiers, n), 0);
    assert_int_equal(tp_pool_meta_bytes(tiers, n), 0);
}

static void test_tiers_check_names_rule(void **state)
{
    (void)state;
    tp_tiers_fault_t fault = { TP_TIERS_TOO_LARGE, 77 };
    assert_int_equal(tp_tiers_check(seed_tiers, SEED_N, &fault), TP_OK);
    assert_int_equal(fault.rule, TP_TIERS_OK);
    assert_int_equal(fault.tier, 0);

    expect_tiers_fault(NULL, 1, TP_TIERS_NONE, 0);
    expect_tiers_fault(seed_tiers, 0, TP_TIERS_NONE, 0);
    tp_tier_t many[TP_CFG_MAX_TIERS + 1];
    for (uint32_t i = 0; i <= TP_CFG_MAX_TIERS; i++) {
        many[i].block_size = 8u * (i + 1u);
        many[i].block_count = 1;
    }
    assert_int_equal(tp_tiers_check(many, TP_CFG_MAX_TIERS, NULL), TP_OK);
    expect_tiers_fault(many, TP_CFG_MAX_TIERS + 1u, TP_TIERS_TOO_MANY, 0);
    const tp_tier_t zero_size[] = { { 32, 4 }, { 0, 4 } };
    expect_tiers_fault(zero_size, 2, TP_TIERS_SIZE_ZERO, 1);
    const tp_tier_t zero_count[] = { { 32, 4 }, { 64, 4 }, { 128, 0 } };
    expect_tiers_fault(zero_count, 3, TP_TIERS_COUNT_RANGE, 2);
    const tp_tier_t too_many_blocks[] = { { 8, TP_MAX_BLOCKS_PER_TIER + 1u } };
    expect_tiers_fault(too_many_blocks, 1, TP_TIERS_COUNT_RANGE, 0);
    const tp_tier_t max_blocks[] = { { 8, TP_MAX_BLOCKS_PER_TIER } };
    assert_int_equal(tp_tiers_check(max_blocks, 1, NULL), TP_OK);
    const tp_tier_t equal[] = { { 64, 4 }, { 64, 4 } };
    expect_tiers_fault(equal, 2, TP_TIERS_NOT_INCREASING, 1);
    /* 2^31 - 1 bytes of blocks is the most; one more byte is refused. */
    const tp_tier_t largest[] = { { 0x7FFFFFFFu, 1 } };
    assert_int_equal(tp_tiers_check(largest, 1, NULL), TP_OK);
    const tp_tier_t too_large[] = { { 0x80000000u, 1 } };
    expect_tiers_fault(too_large, 1, TP_TIERS_TOO_LARGE, 0);
    /* The alignment padding counts: after 65 bytes, a tier of 2^31 - 128-byte
     * blocks (64-aligned) starts at 128 and ends at 2^31 exactly; without the
     * padding it would end at 2^31 - 63. */
    const tp_tier_t padded[] = { { 65, 1 }, { 0x7FFFFF80u, 1 } };
    expect_tiers_fault(padded, 2, TP_TIERS_TOO_LARGE, 1);
    for (int a = TP_TIERS_OK; a <= TP_TIERS_TOO_LARGE; a++) {
        for (int b = a + 1; b <= TP_TIERS_TOO_LARGE; b++) {
            assert_true(strcmp(tp_tiers_rule_text((tp_tiers_rule_t)a), tp_tiers_rule_text((tp_tiers_rule_t)b)) != 0);
        }
    }
}

/* Every 32-bit counter saturates at UINT32_MAX (tierpool.h), the sums too. */
static void test_counters_saturate(void **state)
{
    (void)state;
    const uint32_t near = UINT32_MAX - 1u;
    init_seed();
    pool.zero_requests = near;
    pool.oversize_requests = near;
    pool.foreign_frees = near;
    pool.bad_frees = near;
    pool.double_frees = near;
    for (int i = 0; i < 3; i++) {
        assert_null(tp_alloc(&pool, 0));
        assert_null(tp_alloc(&pool, 5000));
        assert_int_equal(tp_free(&pool, &state), TP_ERR_FOREIGN_PTR);
        assert_int_equal(tp_free(&pool, storage + 1), TP_ERR_BAD_PTR);
        assert_int_equal(tp_free(&pool, storage + 256), TP_ERR_DOUBLE_FREE);
    }
    tp_pool_stats_t s;
    get_stats(&s);
    assert_int_equal(s.zero_requests, UINT32_MAX);
    assert_int_equal(s.oversize_requests, UINT32_MAX);
    assert_int_equal(s.foreign_frees, UINT32_MAX);
    assert_int_equal(s.bad_frees, UINT32_MAX);
    assert_int_equal(s.double_frees, UINT32_MAX);
    assert_int_equal(s.failed, UINT32_MAX); /* oversize + tier failures, saturated */

    /* failed and fallbacks of a tier: tier 2 full, then 4096-byte requests fail,
     * and with tier 0 full 200-byte requests fall back. */
    init_seed();
    for (int i = 0; i < 12; i++) {
        assert_non_null(tp_alloc(&pool, 4096));
    }
    for (int i = 0; i < 64; i++) {
        assert_non_null(tp_alloc(&pool, 200));
    }
    pool.tier[2].failed = near;
    pool.tier[0].fallbacks = near;
    pool.tier[1].failed = 5;
    for (int i = 0; i < 3; i++) {
        assert_null(tp_alloc(&pool, 4096));
        assert_non_null(tp_alloc(&pool, 200));
    }
    get_stats(&s);
    assert_int_equal(s.tier[2].failed, UINT32_MAX);
    assert_int_equal(s.tier[0].fallbacks, UINT32_MAX);
    assert_int_equal(s.fallbacks, UINT32_MAX);
    assert_int_equal(s.failed, UINT32_MAX); /* 5 + UINT32_MAX: saturated, not 4 */
    assert_int_equal(tp_pool_check(&pool, NULL), TP_OK);
}

/* An uninitialised tp_pool_t (tierpool.h, "Uninitialised pools"). */
static void expect_refused_everywhere(tp_pool_t *p)
{
    static tp_pool_t before;
    tp_pool_stats_t s;
    tp_block_info_t info;
    memcpy(&before, p, sizeof *p);
    assert_null(tp_alloc(p, 10));
    assert_null(tp_alloc_critical(p, 10));
    assert_int_equal(tp_free(p, storage), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_free(p, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_block_size(p, storage), 0);
    assert_int_equal(tp_pool_set_reserve(p, 0, 0), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_pool_get_stats(p, &s), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_pool_reset_peak(p), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_pool_largest_allocatable(p), 0);
    assert_int_equal(tp_pool_check(p, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_pool_check_tiers(p, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_pool_locate(p, storage, &info), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_pool_block_at(p, 0, &info), TP_ERR_INVALID_ARG);
    tp_pool_unlock(p, tp_pool_lock(p));
    assert_memory_equal(&before, p, sizeof *p); /* nothing written, nothing counted */
}

static void test_uninitialised_pool_refused(void **state)
{
    (void)state;
    static tp_pool_t p;
    /* All-zero (static storage, or what a refused init leaves): every build. */
    memset(&p, 0, sizeof p);
    expect_refused_everywhere(&p);
    memset(&p, 0x5A, sizeof p);
    const tp_tier_t bad[] = { { 64, 0 } };
    assert_int_equal(tp_pool_init(&p, bad, 1, storage, sizeof storage), TP_ERR_INVALID_ARG);
    expect_refused_everywhere(&p);
#if TP_CFG_CHECK_INIT
    /* Garbage (the stack, malloc): refused on entry when TP_CFG_CHECK_INIT,
     * the default without NDEBUG. Without it, undefined (tierpool.h). */
    uint32_t rng = 99u;
    for (int round = 0; round < 16; round++) {
        uint8_t *bytes = (uint8_t *)&p;
        for (size_t b = 0; b < sizeof p; b++) {
            bytes[b] = (uint8_t)tp_test_rand(&rng);
        }
        p.magic = round == 0 ? 0u : tp_test_rand(&rng) | 1u; /* never TP_POOL_MAGIC: odd vs even */
        expect_refused_everywhere(&p);
    }
#endif
}

static void test_lock_calls(void **state)
{
    (void)state;
    init_seed();
    tp_irqstate_t s = tp_pool_lock(&pool);
    tp_pool_unlock(&pool, s);
    assert_non_null(tp_alloc(&pool, 8)); /* the lock was released */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_storage_size),
        cmocka_unit_test(test_storage_bound_random),
        cmocka_unit_test(test_init_rejects_bad_configs),
        cmocka_unit_test(test_failed_reinit_keeps_pool),
        cmocka_unit_test(test_max_tiers_and_blocks),
        cmocka_unit_test(test_alloc_smallest_tier_that_fits),
        cmocka_unit_test(test_alloc_rejects_zero_and_oversize),
        cmocka_unit_test(test_fallback_to_larger_tiers),
        cmocka_unit_test(test_free_errors_change_nothing),
        cmocka_unit_test(test_free_padding_between_tiers_is_foreign),
        cmocka_unit_test(test_block_size),
        cmocka_unit_test(test_non_power_of_two_sizes),
        cmocka_unit_test(test_alignment),
        cmocka_unit_test(test_statistics_exact),
        cmocka_unit_test(test_largest_allocatable_exact),
        cmocka_unit_test(test_critical_reserve),
        cmocka_unit_test(test_locate_and_block_at),
        cmocka_unit_test(test_split_storage),
        cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_lock_calls),
        cmocka_unit_test(test_freed_block_reused_first),
        cmocka_unit_test(test_free_index_matches_division),
        cmocka_unit_test(test_pool_check_names_rule_and_tier),
        cmocka_unit_test(test_tiers_check_names_rule),
        cmocka_unit_test(test_counters_saturate),
        cmocka_unit_test(test_uninitialised_pool_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
