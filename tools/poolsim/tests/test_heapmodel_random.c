/*
 * Seeded random alloc/free against a reference model: the model remembers
 * every live block (where, how big, what was written) and after every step
 * the heap must agree: no two live blocks overlap, every block still holds
 * its data, the free count equals the fresh region's minus the live
 * footprints, a block is the request as the release rounds it (or a whole
 * free block with less than a header to spare), and the heap's own structure
 * checks out. Every release generation runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heapmodel.h"

#define MAX_LIVE 400

typedef struct {
    uint8_t *p;
    size_t size;   /* requested */
    size_t usable; /* what the heap says it gave */
    uint8_t fill;
} live_t;

static uint64_t g_mem[(320u * 1024u) / 8u];

static uint64_t rng_state;
static uint32_t rnd(void)
{
    /* xorshift64*: any fixed generator will do, it only has to be repeatable */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static size_t random_size(void)
{
    uint32_t r = rnd() % 100u;
    if (r < 50u)
        return 1u + rnd() % 64u;
    if (r < 80u)
        return 1u + rnd() % 512u;
    if (r < 97u)
        return 1u + rnd() % 4096u;
    return 1u + rnd() % 30000u;
}

static void check_block(const live_t *b)
{
    for (size_t i = 0; i < b->size; i++)
        if (b->p[i] != (uint8_t)(b->fill + i))
            fail_msg("data of a live block changed at byte %zu", i);
}

/* The block a request becomes, computed the slow way: up to 4, at least 12;
 * from 5.4 the smallest class floor at or above it, found by walking the
 * class floors of the region (2^k + j * 2^(k - sl_log2)). */
static size_t expected_block(size_t want, const ps_heap_t *h, int round_to_class)
{
    const ps_heap_geom_t *g = ps_heap_geom(h);
    if (!round_to_class || want < g->small_block)
        return want;
    for (unsigned k = g->sl_log2 + 2u; k < 31u; k++)
        for (size_t j = 0; j < (1u << g->sl_log2); j++) {
            size_t floor = ((size_t)1 << k) + j * ((size_t)1 << (k - g->sl_log2));
            if (floor >= want)
                return floor;
        }
    fail_msg("no class for %zu", want);
    return 0;
}

static void run(uint64_t seed, size_t arena, ps_poison_t poison, int with_map, unsigned steps, const char *release)
{
    ps_heap_opts_t o;
    memset(&o, 0, sizeof o);
    o.arena_size = arena;
    o.poison = poison;
    assert_int_equal(ps_idf_parse(release, &o.idf), 0);
    ps_idf_heap_t rel;
    assert_int_equal(ps_idf_heap(o.idf, &rel), 0);
    ps_heap_t *h = NULL;
    size_t sz = with_map ? ps_heap_mem_size(&o) : ps_heap_control_size() + arena;
    assert_true(sz <= sizeof g_mem);
    assert_int_equal(ps_heap_init(&h, g_mem, sz, &o), 0);
    static live_t live[MAX_LIVE];
    size_t n = 0;
    uint32_t model_used = 0, model_allocs = 0, model_frees = 0, model_failed = 0;
    const size_t poison_extra = poison == PS_POISON_NONE ? 0 : PS_HEAP_POISON_OVERHEAD;
    /* multi_heap_free_size: len - 20 - control, less poisoning's 12 */
    const uint32_t capacity = ps_heap_geom(h)->initial_free - (uint32_t)poison_extra;
    rng_state = seed * 0x9E3779B97F4A7C15ull + 1u;

    for (unsigned step = 0; step < steps; step++) {
        int do_alloc = n == 0 || (n < MAX_LIVE && rnd() % 100u < 55u);
        if (do_alloc) {
            size_t size = random_size();
            ps_heap_stats_t before;
            ps_heap_stats(h, &before);
            uint8_t *p = ps_heap_alloc(h, size);
            if (!p) {
                model_failed++;
                /* largest_free is exact: a request fails exactly when above
                 * it (before 5.3 a tiny last block may report 0) */
                assert_true(size > before.largest_free);
                continue;
            }
            assert_true(size <= before.largest_free || (!rel.fit_size_small && before.largest_free == 0));
            assert_int_equal((uintptr_t)p % 4u, 0);
            size_t usable = ps_heap_usable_size(h, p);
            size_t want = ((size + poison_extra + 3u) & ~(size_t)3u);
            if (want < 12u)
                want = 12u;
            want = expected_block(want, h, rel.round_to_class);
            /* the block is the rounded request, or a whole free block whose
             * remainder could not hold a block of its own (< 16 bytes more) */
            assert_true(usable + poison_extra >= want);
            assert_true(usable + poison_extra < want + 16u);
            for (size_t i = 0; i < n; i++) {
                const uint8_t *q = live[i].p;
                int overlap = p < q + live[i].usable && q < p + usable;
                assert_false(overlap);
            }
            live[n].p = p;
            live[n].size = size;
            live[n].usable = usable;
            live[n].fill = (uint8_t)rnd();
            for (size_t i = 0; i < size; i++)
                p[i] = (uint8_t)(live[n].fill + i);
            model_used += (uint32_t)(usable + poison_extra + 4u);
            model_allocs++;
            n++;
        } else {
            size_t k = rnd() % n;
            uint8_t *gone = live[k].p;
            check_block(&live[k]);
            assert_int_equal(ps_heap_free(h, gone), 0);
            model_used -= (uint32_t)(live[k].usable + poison_extra + 4u);
            model_frees++;
            live[k] = live[--n];
            if (rnd() % 50u == 0) /* an occasional double free, refused */
                assert_int_equal(ps_heap_free(h, gone), -1);
        }
        ps_heap_stats_t s;
        ps_heap_stats(h, &s);
        assert_int_equal(s.used_bytes, model_used);
        assert_int_equal(s.total_free, capacity - model_used);
        assert_int_equal(s.used_blocks, n);
        assert_int_equal(s.allocs, model_allocs);
        assert_int_equal(s.frees, model_frees);
        assert_int_equal(s.failed, model_failed);
        assert_true(s.largest_free <= s.total_free);
        if (step % 64u == 0) {
            assert_int_equal(ps_heap_check(h), 0);
            for (size_t i = 0; i < n; i++)
                check_block(&live[i]);
        }
    }
    assert_int_equal(ps_heap_check(h), 0);
    /* free everything: one free block again */
    while (n > 0) {
        check_block(&live[n - 1]);
        assert_int_equal(ps_heap_free(h, live[--n].p), 0);
    }
    ps_heap_stats_t s;
    ps_heap_stats(h, &s);
    assert_int_equal(s.free_blocks, 1);
    assert_int_equal(s.total_free, capacity);
    assert_int_equal(ps_heap_check(h), 0);
}

/* One release of each generation: 5.0's fixed control, 5.0.1-5.2's old
 * tlsf_fit_size, 5.3, 5.4's class rounding, the latest. */
static const char *const releases[] = { "5.0", "5.2.7", "5.3", "5.4", "latest" };
#define N_RELEASES (sizeof releases / sizeof releases[0])

static void test_random_164k(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 4; seed++)
        run(seed, 164u * 1024u, PS_POISON_NONE, 1, 20000, releases[seed % N_RELEASES]);
    for (size_t r = 0; r < N_RELEASES; r++)
        run(5u + r, 164u * 1024u, PS_POISON_NONE, 1, 10000, releases[r]);
}

static void test_random_small_arena_no_map(void **state)
{
    (void)state;
    for (uint64_t seed = 10; seed <= 13; seed++)
        run(seed, 12u * 1024u, PS_POISON_NONE, 0, 20000, releases[seed % N_RELEASES]);
}

static void test_random_poisoned(void **state)
{
    (void)state;
    run(21, 100u * 1024u, PS_POISON_LIGHT, 1, 20000, "5.3");
    run(22, 300u * 1024u, PS_POISON_COMPREHENSIVE, 1, 20000, "latest");
    run(23, 64u * 1024u, PS_POISON_LIGHT, 1, 20000, "5.0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_164k),
        cmocka_unit_test(test_random_small_arena_no_map),
        cmocka_unit_test(test_random_poisoned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
