/* Unit tests of the ESP-IDF heap model: layout, overheads, coalescing, stats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heapmodel.h"

static uint64_t g_mem[(300u * 1024u) / 8u];

static ps_heap_t *make(size_t arena, ps_poison_t poison)
{
    ps_heap_opts_t o = { arena, poison };
    ps_heap_t *h = NULL;
    assert_true(ps_heap_mem_size(&o) <= sizeof g_mem);
    assert_int_equal(ps_heap_init(&h, g_mem, ps_heap_mem_size(&o), &o), 0);
    assert_non_null(h);
    assert_int_equal(ps_heap_check(h), 0);
    return h;
}

static ps_heap_stats_t stats(ps_heap_t *h)
{
    ps_heap_stats_t s;
    ps_heap_stats(h, &s);
    return s;
}

static void test_init_errors(void **state)
{
    (void)state;
    ps_heap_t *h = NULL;
    ps_heap_opts_t o = { 4096, PS_POISON_NONE };
    assert_int_equal(ps_heap_init(&h, NULL, 100000, &o), -1);
    assert_int_equal(ps_heap_init(&h, (uint8_t *)g_mem + 4, 100000, &o), -1);
    assert_int_equal(ps_heap_init(&h, g_mem, ps_heap_control_size() + 4000, &o), -1);
    o.arena_size = 16;
    assert_int_equal(ps_heap_init(&h, g_mem, sizeof g_mem, &o), -1);
    /* control + arena alone is enough (no live map) */
    o.arena_size = 4096;
    assert_int_equal(ps_heap_init(&h, g_mem, ps_heap_control_size() + 4096, &o), 0);
    /* NULL opts: the 164 KiB default */
    assert_int_equal(ps_heap_init(&h, g_mem, sizeof g_mem, NULL), 0);
    ps_heap_stats_t s = stats(h);
    assert_int_equal(s.total_free, 164u * 1024u - 8u);
    assert_int_equal(ps_heap_sl_count(h), 16);
}

static void test_sl_count_by_arena(void **state)
{
    (void)state;
    assert_int_equal(ps_heap_sl_count(make(16u * 1024u, PS_POISON_NONE)), 8);
    assert_int_equal(ps_heap_sl_count(make(16u * 1024u + 4u, PS_POISON_NONE)), 16);
    assert_int_equal(ps_heap_sl_count(make(256u * 1024u, PS_POISON_NONE)), 16);
    assert_int_equal(ps_heap_sl_count(make(256u * 1024u + 4u, PS_POISON_NONE)), 32);
}

static void test_min_block_and_overhead(void **state)
{
    (void)state;
    ps_heap_t *h = make(64u * 1024u, PS_POISON_NONE);
    uint32_t before = stats(h).total_free;
    void *p = ps_heap_alloc(h, 1);
    assert_non_null(p);
    /* malloc(1) takes 16 bytes of heap: 12 payload + 4 header */
    assert_int_equal(before - stats(h).total_free, 16);
    assert_int_equal(ps_heap_usable_size(h, p), 12);
    assert_int_equal(stats(h).used_bytes, 16);
    void *q = ps_heap_alloc(h, 100);
    /* 100 bytes cost 104, not 112 as the seed says */
    assert_int_equal(before - stats(h).total_free, 16 + 104);
    assert_int_equal(ps_heap_footprint(h, 100), 104);
    assert_int_equal(ps_heap_footprint(h, 13), 20);
    assert_int_equal(ps_heap_footprint(h, 0), 0);
    assert_int_equal(ps_heap_free(h, p), 0);
    assert_int_equal(ps_heap_free(h, q), 0);
    assert_int_equal(stats(h).total_free, before);
    assert_int_equal(ps_heap_check(h), 0);
}

static void test_poison_overhead(void **state)
{
    (void)state;
    for (int mode = PS_POISON_LIGHT; mode <= PS_POISON_COMPREHENSIVE; mode++) {
        ps_heap_t *h = make(64u * 1024u, (ps_poison_t)mode);
        uint32_t before = stats(h).total_free;
        void *p = ps_heap_alloc(h, 1);
        /* ESP-IDF: 1 + 12 rounds to 16, plus the 4-byte header = 20 */
        assert_int_equal(before - stats(h).total_free, 20);
        void *q = ps_heap_alloc(h, 100);
        assert_int_equal(before - stats(h).total_free, 20 + 116);
        assert_true(ps_heap_usable_size(h, q) >= 100);
        memset(q, 0x5A, 100);
        assert_int_equal(ps_heap_free(h, q), 0);
        /* overwrite the tail canary: the free is refused */
        memset(p, 0x11, 2);
        assert_int_equal(ps_heap_free(h, p), -1);
        assert_int_equal(ps_heap_bad_frees(h), 1);
        assert_int_equal(ps_heap_check(h), 0);
    }
}

static void test_alignment(void **state)
{
    (void)state;
    ps_heap_t *h = make(32u * 1024u, PS_POISON_NONE);
    for (size_t n = 1; n < 200; n += 7) {
        void *p = ps_heap_alloc(h, n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 4u, 0);
        assert_true(ps_heap_usable_size(h, p) >= n);
    }
    assert_int_equal(ps_heap_check(h), 0);
}

static void test_coalesce_both_sides(void **state)
{
    (void)state;
    ps_heap_t *h = make(64u * 1024u, PS_POISON_NONE);
    void *a = ps_heap_alloc(h, 200);
    void *b = ps_heap_alloc(h, 200);
    void *c = ps_heap_alloc(h, 200);
    void *guard = ps_heap_alloc(h, 200); /* keeps c's right side used */
    assert_non_null(guard);
    assert_int_equal(stats(h).free_blocks, 1);
    assert_int_equal(ps_heap_free(h, a), 0);
    assert_int_equal(ps_heap_free(h, c), 0);
    assert_int_equal(stats(h).free_blocks, 3);
    /* freeing b merges a, b and c into one block */
    assert_int_equal(ps_heap_free(h, b), 0);
    assert_int_equal(stats(h).free_blocks, 2);
    assert_int_equal(ps_heap_check(h), 0);
    /* the merged block serves 3 * 204 - 4 bytes at a's address */
    void *big = ps_heap_alloc(h, 3 * 204 - 4);
    assert_ptr_equal(big, a);
    assert_int_equal(ps_heap_free(h, big), 0);
    /* freeing the guard merges everything back into one block */
    assert_int_equal(ps_heap_free(h, guard), 0);
    assert_int_equal(stats(h).free_blocks, 1);
    assert_int_equal(stats(h).total_free, 64u * 1024u - 8u);
    assert_int_equal(ps_heap_check(h), 0);
}

static void test_no_split_of_small_remainder(void **state)
{
    (void)state;
    ps_heap_t *h = make(64u * 1024u, PS_POISON_NONE);
    void *a = ps_heap_alloc(h, 40);
    void *sep = ps_heap_alloc(h, 40);
    (void)sep;
    assert_int_equal(ps_heap_free(h, a), 0);
    /* a's 40-byte hole: a 32-byte request would leave 8, too small for a block */
    void *b = ps_heap_alloc(h, 32);
    assert_ptr_equal(b, a);
    assert_int_equal(ps_heap_usable_size(h, b), 40);
    assert_int_equal(ps_heap_check(h), 0);
}

static void test_largest_is_allocatable(void **state)
{
    (void)state;
    for (int mode = PS_POISON_NONE; mode <= PS_POISON_LIGHT; mode++) {
        ps_heap_t *h = make(164u * 1024u, (ps_poison_t)mode);
        void *keep[64];
        unsigned n = 0;
        for (unsigned i = 0; i < 64; i++)
            keep[n++] = ps_heap_alloc(h, 500u + 37u * i);
        for (unsigned i = 0; i < n; i += 2)
            assert_int_equal(ps_heap_free(h, keep[i]), 0);
        for (int round = 0; round < 3; round++) {
            ps_heap_stats_t s = stats(h);
            assert_true(s.largest_free > 0);
            /* largest + 1 fails, largest succeeds */
            assert_null(ps_heap_alloc(h, (size_t)s.largest_free + 1u));
            void *p = ps_heap_alloc(h, s.largest_free);
            assert_non_null(p);
            assert_int_equal(ps_heap_check(h), 0);
        }
    }
}

static void test_fragmentation_formula(void **state)
{
    (void)state;
    ps_heap_stats_t s;
    memset(&s, 0, sizeof s);
    assert_int_equal(ps_heap_fragmentation_pct(&s), 0);
    s.total_free = 1000;
    s.largest_free = 1000;
    assert_int_equal(ps_heap_fragmentation_pct(&s), 0);
    s.largest_free = 333;  /* 100*333/1000 = 33 -> 67 */
    assert_int_equal(ps_heap_fragmentation_pct(&s), 67);
    s.largest_free = 0;
    assert_int_equal(ps_heap_fragmentation_pct(&s), 100);
    s.total_free = 4000000000u; /* no overflow in 100 * largest */
    s.largest_free = 2000000000u;
    assert_int_equal(ps_heap_fragmentation_pct(&s), 50);
    /* fresh 164 KiB heap: the good-fit rounding alone shows as 3 % */
    ps_heap_t *h = make(164u * 1024u, PS_POISON_NONE);
    s = stats(h);
    assert_int_equal(s.largest_free, 163840);
    assert_int_equal(ps_heap_fragmentation_pct(&s), 100 - (100u * 163840u) / (164u * 1024u - 8u));
}

static void test_stats_and_failures(void **state)
{
    (void)state;
    ps_heap_t *h = make(8u * 1024u, PS_POISON_NONE);
    void *p[16];
    unsigned n = 0;
    while (n < 16 && (p[n] = ps_heap_alloc(h, 1000)) != NULL)
        n++;
    ps_heap_stats_t s = stats(h);
    assert_int_equal(n, 8);     /* 8 * 1004 = 8032 of 8184 */
    assert_int_equal(s.allocs, 8);
    assert_int_equal(s.failed, 1);
    assert_int_equal(s.used_blocks, 8);
    assert_int_equal(s.used_bytes, 8 * 1004);
    assert_int_equal(s.total_free, 8192 - 8 - 8 * 1004);
    assert_int_equal(s.min_free_ever, s.total_free);
    assert_null(ps_heap_alloc(h, 0));          /* not a failure */
    assert_null(ps_heap_alloc(h, 1u << 20));   /* beyond any class: a failure */
    assert_int_equal(stats(h).failed, 2);
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(ps_heap_free(h, p[i]), 0);
    s = stats(h);
    assert_int_equal(s.frees, 8);
    assert_int_equal(s.used_bytes, 0);
    assert_int_equal(s.total_free, 8192 - 8);
    assert_int_equal(s.min_free_ever, 8192 - 8 - 8 * 1004);
    assert_int_equal(s.free_blocks, 1);
}

static void test_bad_frees(void **state)
{
    (void)state;
    /* with and without the live map */
    for (int with_map = 0; with_map <= 1; with_map++) {
        ps_heap_opts_t o = { 16u * 1024u, PS_POISON_NONE };
        ps_heap_t *h = NULL;
        size_t sz = with_map ? ps_heap_mem_size(&o) : ps_heap_control_size() + o.arena_size;
        assert_int_equal(ps_heap_init(&h, g_mem, sz, &o), 0);
        uint8_t *a = ps_heap_alloc(h, 64);
        uint8_t *b = ps_heap_alloc(h, 64);
        memset(a, 0, 64);
        static uint8_t outside[16];
        assert_int_equal(ps_heap_free(h, outside), -1);
        assert_int_equal(ps_heap_free(h, a + 1), -1);
        assert_int_equal(ps_heap_free(h, a + 8), -1); /* zeros look like no header */
        assert_int_equal(ps_heap_free(h, a), 0);
        assert_int_equal(ps_heap_free(h, a), -1);     /* double free */
        assert_int_equal(ps_heap_free(h, b), 0);
        assert_int_equal(ps_heap_free(h, b), -1);     /* double free after coalescing */
        assert_int_equal(ps_heap_bad_frees(h), 5);
        assert_int_equal(stats(h).frees, 2);
        assert_int_equal(ps_heap_check(h), 0);
        assert_int_equal(ps_heap_free(h, NULL), -1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_errors),
        cmocka_unit_test(test_sl_count_by_arena),
        cmocka_unit_test(test_min_block_and_overhead),
        cmocka_unit_test(test_poison_overhead),
        cmocka_unit_test(test_alignment),
        cmocka_unit_test(test_coalesce_both_sides),
        cmocka_unit_test(test_no_split_of_small_remainder),
        cmocka_unit_test(test_largest_is_allocatable),
        cmocka_unit_test(test_fragmentation_formula),
        cmocka_unit_test(test_stats_and_failures),
        cmocka_unit_test(test_bad_frees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
