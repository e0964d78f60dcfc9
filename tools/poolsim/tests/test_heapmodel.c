/*
 * Unit tests of the ESP-IDF heap model: the in-region overhead, the free
 * counter, the request rounding of each release, the largest-block figure,
 * poisoning, coalescing, stats. The figures are those of
 * tests/data/esp-idf-heap/README.md (measured on ESP-IDF's own allocator)
 * and of ESP-IDF's sources at each tag (see idfver.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heapmodel.h"

static uint64_t g_mem[(600u * 1024u) / 8u];

static ps_idf_version_t ver(const char *text)
{
    ps_idf_version_t v;
    assert_int_equal(ps_idf_parse(text, &v), 0);
    return v;
}

static ps_heap_opts_t opts(size_t len, ps_poison_t poison, const char *release)
{
    ps_heap_opts_t o;
    memset(&o, 0, sizeof o);
    o.arena_size = len;
    o.poison = poison;
    o.idf = ver(release);
    return o;
}

static ps_heap_t *make_v(size_t len, ps_poison_t poison, const char *release)
{
    ps_heap_opts_t o = opts(len, poison, release);
    ps_heap_t *h = NULL;
    assert_true(ps_heap_mem_size(&o) > 0);
    assert_true(ps_heap_mem_size(&o) <= sizeof g_mem);
    assert_int_equal(ps_heap_init(&h, g_mem, ps_heap_mem_size(&o), &o), 0);
    assert_non_null(h);
    assert_int_equal(ps_heap_check(h), 0);
    return h;
}

static ps_heap_t *make(size_t len, ps_poison_t poison)
{
    return make_v(len, poison, "latest");
}

static ps_heap_stats_t stats(ps_heap_t *h)
{
    ps_heap_stats_t s;
    ps_heap_stats(h, &s);
    return s;
}

static void test_idf_versions(void **state)
{
    (void)state;
    ps_idf_version_t v;
    ps_idf_heap_t r;
    char buf[16];
    assert_int_equal(ps_idf_parse("5.3", &v), 0);
    assert_int_equal(ps_idf_heap(v, &r), 0);
    assert_string_equal(ps_idf_format(v, buf, sizeof buf), "5.3");
    assert_int_equal(ps_idf_parse("v5.4.2", &v), 0);
    assert_string_equal(ps_idf_format(v, buf, sizeof buf), "5.4.2");
    static const char *const bad[] = { "x",     "",    "5",    "5.",   "5.3.", "5.3.1.2", "-5.3",   "+5.3",
                                       "5.300", "0.0", "5.3 ", " 5.3", "v",    "vv5.3",   "latest1" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(ps_idf_parse(bad[i], &v), -1);
    assert_int_equal(ps_idf_parse(NULL, &v), -1);
    /* parsed, but not a release */
    assert_int_equal(ps_idf_heap(ver("4.4"), &r), -1);
    assert_int_equal(ps_idf_heap(ver("5.3.6"), &r), -1);
    assert_int_equal(ps_idf_heap(ver("6.1"), &r), -1);
    /* the latest resolves to the newest release */
    assert_int_equal(ps_idf_heap(ver("latest"), &r), 0);
    assert_string_equal(ps_idf_format(ver("latest"), buf, sizeof buf), "6.0.2");
    assert_int_equal(ps_idf_cmp(ver("latest"), ver("6.0.2")), 0);
    assert_int_equal(ps_idf_cmp(ver("5.4"), ver("5.4.1")), -1);
    /* each behaviour switches at the release whose sources changed it */
    assert_int_equal(ps_idf_heap(ver("5.0"), &r), 0);
    assert_int_equal(r.static_fl_index_max, 19);
    assert_int_equal(ps_idf_heap(ver("5.0.1"), &r), 0);
    assert_int_equal(r.static_fl_index_max, 0);
    assert_string_equal(r.tlsf_commit, "8c9cd05");
    assert_int_equal(ps_idf_heap(ver("5.2.7"), &r), 0);
    assert_int_equal(r.fit_size_small, 0);
    assert_int_equal(r.layout, PS_LAYOUT_S3_V52);
    assert_int_equal(ps_idf_heap(ver("5.1.7"), &r), 0);
    assert_int_equal(r.layout, PS_LAYOUT_S3_V50);
    assert_int_equal(ps_idf_heap(ver("5.3"), &r), 0);
    assert_int_equal(r.fit_size_small, 1);
    assert_int_equal(r.round_to_class, 0);
    assert_int_equal(ps_idf_heap(ver("5.4"), &r), 0);
    assert_int_equal(r.round_to_class, 1);
    assert_int_equal(r.order, PS_ORDER_ADDRESS);
    assert_string_equal(r.tlsf_commit, "ba64d19");
    assert_int_equal(ps_idf_heap(ver("5.4.4"), &r), 0);
    assert_int_equal(r.order, PS_ORDER_ADDRESS);
    assert_string_equal(r.tlsf_commit, "2867f68");
    assert_int_equal(ps_idf_heap(ver("5.5"), &r), 0);
    assert_int_equal(r.order, PS_ORDER_ASCENDING_LENGTH);
}

static void test_init_errors(void **state)
{
    (void)state;
    ps_heap_t *h = NULL;
    ps_heap_opts_t o = opts(4096, PS_POISON_NONE, "latest");
    assert_int_equal(ps_heap_init(&h, NULL, 100000, &o), -1);
    assert_int_equal(ps_heap_init(&h, (uint8_t *)g_mem + 4, 100000, &o), -1);
    assert_int_equal(ps_heap_init(&h, g_mem, ps_heap_control_size() + 1000, &o), -1);
    o.arena_size = PS_HEAP_MIN_ARENA - 4u;
    assert_int_equal(ps_heap_init(&h, g_mem, sizeof g_mem, &o), -1);
    assert_int_equal(ps_heap_mem_size(&o), 0);
    /* the smallest heaps: 240 B (a region of the heap_caps_print_heap_info
     * sample) holds heap_t, a 180-byte control structure and a 32-byte block
     * from 5.0.1 on; 200 B does not; 5.0's 1736-byte control needs 1776 B */
    o.arena_size = 240;
    assert_int_equal(ps_heap_init(&h, g_mem, sizeof g_mem, &o), 0);
    assert_int_equal(stats(h).total_free, 40);
    assert_non_null(ps_heap_alloc(h, 32));
    assert_null(ps_heap_alloc(h, 1));
    o.arena_size = 200;
    assert_int_equal(ps_heap_init(&h, g_mem, sizeof g_mem, &o), -1);
    o = opts(1772, PS_POISON_NONE, "5.0");
    assert_int_equal(ps_heap_init(&h, g_mem, sizeof g_mem, &o), -1);
    o.arena_size = 1776;
    assert_int_equal(ps_heap_init(&h, g_mem, sizeof g_mem, &o), 0);
    assert_non_null(ps_heap_alloc(h, 12));
    o.arena_size = 4096;
    o.poison = (ps_poison_t)7;
    assert_int_equal(ps_heap_init(&h, g_mem, sizeof g_mem, &o), -1);
    o.poison = PS_POISON_NONE;
    o.idf = ver("4.4");
    assert_int_equal(ps_heap_init(&h, g_mem, sizeof g_mem, &o), -1);
    /* 5.0's fixed control structure takes pools up to 2^19 bytes */
    o = opts(20u + 1736u + 8u + 524288u, PS_POISON_NONE, "5.0");
    assert_int_equal(ps_heap_init(&h, g_mem, sizeof g_mem, &o), 0);
    o.arena_size += 4u;
    assert_int_equal(ps_heap_init(&h, g_mem, sizeof g_mem, &o), -1);
    o.idf = ver("5.0.1");
    assert_int_equal(ps_heap_init(&h, g_mem, sizeof g_mem, &o), 0);
    /* the model's state + the region length is enough (no live map) */
    o = opts(4096, PS_POISON_NONE, "latest");
    assert_int_equal(ps_heap_init(&h, g_mem, ps_heap_control_size() + 4096, &o), 0);
    /* NULL opts: the 164 KiB default region of the latest release */
    assert_int_equal(ps_heap_init(&h, g_mem, sizeof g_mem, NULL), 0);
    ps_heap_stats_t s = stats(h);
    assert_int_equal(s.total_free, 166996);
    assert_int_equal(ps_heap_sl_count(h), 16);
}

/* README.md section 1: what a fresh region reports, both generations. */
static void test_fresh_region(void **state)
{
    (void)state;
    static const struct {
        uint32_t len, control, free, largest, first;
    } t[] = {
        { 167936, 920, 166996, 163840, 944 },
        { 161504, 920, 160564, 155648, 944 },
        { 32768, 716, 32032, 31744, 740 },
        { 6432, 360, 6052, 5632, 384 },
    };
    static const char *const releases[] = { "5.0.1", "5.2.7", "5.3", "5.4", "5.5", "latest" };
    for (size_t r = 0; r < sizeof releases / sizeof releases[0]; r++)
        for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
            ps_heap_t *h = make_v(t[i].len, PS_POISON_NONE, releases[r]);
            const ps_heap_geom_t *g = ps_heap_geom(h);
            assert_int_equal(g->control, t[i].control);
            assert_int_equal(g->initial_free, t[i].free);
            assert_int_equal(g->first_offset, t[i].first);
            /* the counter includes the first header and the sentinel: 8 B more than the block */
            assert_int_equal(g->first_block, t[i].free - 8u);
            ps_heap_stats_t s = stats(h);
            assert_int_equal(s.total_free, t[i].free);
            assert_int_equal(s.min_free_ever, t[i].free);
            assert_int_equal(s.largest_free, t[i].largest);
            void *p = ps_heap_alloc(h, 100);
            assert_int_equal(ps_heap_offset(h, p), t[i].first);
        }
    /* 5.0: one fixed 1736-byte control structure (13 first-level x 32 classes) in every region */
    ps_heap_t *h = make_v(167936, PS_POISON_NONE, "5.0");
    assert_int_equal(ps_heap_geom(h)->control, 1736);
    assert_int_equal(stats(h).total_free, 167936u - 20u - 1736u);
    /* block 166172: 2^(17-5) steps -> 163840 */
    assert_int_equal(stats(h).largest_free, 163840);
    assert_int_equal(ps_heap_sl_count(h), 32);
    h = make_v(6432, PS_POISON_NONE, "5.0");
    assert_int_equal(stats(h).total_free, 6432u - 20u - 1736u);
    assert_int_equal(ps_heap_sl_count(h), 32);
}

static void test_sl_count_by_region(void **state)
{
    (void)state;
    /* control_construct decides on the bytes after heap_t: len - 20 */
    assert_int_equal(ps_heap_sl_count(make(16u * 1024u + 20u, PS_POISON_NONE)), 8);
    assert_int_equal(ps_heap_sl_count(make(16u * 1024u + 24u, PS_POISON_NONE)), 16);
    assert_int_equal(ps_heap_sl_count(make(256u * 1024u + 20u, PS_POISON_NONE)), 16);
    assert_int_equal(ps_heap_sl_count(make(256u * 1024u + 24u, PS_POISON_NONE)), 32);
}

/* README.md section 4: what one allocation takes from a fresh region's free counter. */
static void test_request_rounding_by_release(void **state)
{
    (void)state;
    static const struct {
        uint32_t len, request, v53, v54;
    } t[] = {
        { 167936, 130, 136, 140 },    { 167936, 513, 520, 548 },    { 167936, 1000, 1004, 1028 },
        { 167936, 2079, 2084, 2180 }, { 167936, 5000, 5004, 5124 }, { 6432, 300, 304, 324 },
        { 167936, 1, 16, 16 },        { 167936, 12, 16, 16 },       { 167936, 100, 104, 104 },
        { 6432, 2079, 2084, 2308 },
    };
    static const char *const old_releases[] = { "5.0.1", "5.1", "5.2.7", "5.3", "5.3.5" };
    static const char *const new_releases[] = { "5.4", "5.4.4", "5.5", "6.0", "latest" };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        for (size_t r = 0; r < 5; r++) {
            ps_heap_t *h = make_v(t[i].len, PS_POISON_NONE, old_releases[r]);
            uint32_t before = stats(h).total_free;
            assert_non_null(ps_heap_alloc(h, t[i].request));
            assert_int_equal(before - stats(h).total_free, t[i].v53);
            assert_int_equal(ps_heap_footprint(h, t[i].request), t[i].v53);
            h = make_v(t[i].len, PS_POISON_NONE, new_releases[r]);
            before = stats(h).total_free;
            assert_non_null(ps_heap_alloc(h, t[i].request));
            assert_int_equal(before - stats(h).total_free, t[i].v54);
            assert_int_equal(ps_heap_footprint(h, t[i].request), t[i].v54);
            ps_heap_opts_t o = opts(t[i].len, PS_POISON_NONE, new_releases[r]);
            assert_int_equal(ps_heap_footprint_for(&o, t[i].request), t[i].v54);
        }
    }
    /* 5.0 rounds like 5.3 but with its fixed 32 classes: 1000 takes 1004 */
    ps_heap_t *h = make_v(167936, PS_POISON_NONE, "5.0");
    uint32_t before = stats(h).total_free;
    assert_non_null(ps_heap_alloc(h, 1000));
    assert_int_equal(before - stats(h).total_free, 1004);
}

/* The flaw of issue 10: a request of 256 KiB or more had a footprint of 0 B. */
static void test_footprint_of_requests_no_region_serves(void **state)
{
    (void)state;
    ps_heap_t *h = make_v(167936, PS_POISON_NONE, "5.3");
    assert_null(ps_heap_alloc(h, 256u * 1024u));
    assert_int_equal(ps_heap_footprint(h, 256u * 1024u), 262148);
    assert_int_equal(ps_heap_footprint(h, 300000u), 300004);
    assert_int_equal(ps_heap_footprint(h, 0xFFFFFFFFu), 0x100000004ull);
    h = make_v(167936, PS_POISON_NONE, "latest");
    assert_null(ps_heap_alloc(h, 300000u));
    /* 300000: 2^(18-4) = 16384-byte classes -> 311296 */
    assert_int_equal(ps_heap_footprint(h, 300000u), 311300);
    assert_int_equal(ps_heap_footprint(h, 0), 0);
    ps_heap_opts_t o = opts(167936, PS_POISON_LIGHT, "5.3");
    assert_int_equal(ps_heap_footprint_for(&o, 1u << 20), (1u << 20) + 12u + 4u);
    o.arena_size = 16;
    assert_int_equal(ps_heap_footprint_for(&o, 100), 0);
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
    assert_int_equal(ps_heap_footprint(h, 13), 20);
    assert_int_equal(ps_heap_free(h, p), 0);
    assert_int_equal(ps_heap_free(h, q), 0);
    assert_int_equal(stats(h).total_free, before);
    assert_int_equal(ps_heap_check(h), 0);
}

static void test_poison_overhead(void **state)
{
    (void)state;
    for (int mode = PS_POISON_LIGHT; mode <= PS_POISON_COMPREHENSIVE; mode++) {
        ps_heap_t *h = make_v(65536u, (ps_poison_t)mode, "5.3");
        /* multi_heap_poisoning takes 12 off the reported free and largest */
        ps_heap_stats_t s = stats(h);
        assert_int_equal(s.total_free, ps_heap_geom(h)->initial_free - 12u);
        assert_int_equal(s.min_free_ever, s.total_free);
        uint32_t before = s.total_free;
        void *p = ps_heap_alloc(h, 1);
        /* 1 + 12 rounds to 16, plus the 4-byte header = 20 */
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
        /* 5.4+: the poisoned request is rounded to its class: 1000 + 12 -> 1024 */
        h = make_v(167936u, (ps_poison_t)mode, "5.4");
        before = stats(h).total_free;
        assert_non_null(ps_heap_alloc(h, 1000));
        assert_int_equal(before - stats(h).total_free, 1028);
        /* block 165960: 8192-byte classes -> 163840, less poisoning's 12 */
        assert_int_equal(stats(h).largest_free, 163840u - 12u);
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
    ps_heap_t *h = make_v(64u * 1024u, PS_POISON_NONE, "5.3");
    uint32_t fresh = stats(h).total_free;
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
    assert_int_equal(stats(h).total_free, fresh);
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
    uint32_t before = stats(h).total_free;
    void *b = ps_heap_alloc(h, 32);
    assert_ptr_equal(b, a);
    assert_int_equal(ps_heap_usable_size(h, b), 40);
    /* an unsplit block takes its whole size from the counter */
    assert_int_equal(before - stats(h).total_free, 44);
    assert_int_equal(ps_heap_check(h), 0);
}

static void test_largest_is_allocatable(void **state)
{
    (void)state;
    static const char *const releases[] = { "5.0", "5.2", "5.3", "5.4", "latest" };
    for (size_t r = 0; r < sizeof releases / sizeof releases[0]; r++)
        for (int mode = PS_POISON_NONE; mode <= PS_POISON_LIGHT; mode++) {
            ps_heap_t *h = make_v(164u * 1024u, (ps_poison_t)mode, releases[r]);
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

/* Before 5.3 tlsf_fit_size divides a small block's interval to 0: a free
 * block under sl_index_count bytes is reported as a largest block of 0. */
static void test_largest_of_tiny_blocks_by_release(void **state)
{
    (void)state;
    static const struct {
        const char *release;
        uint32_t expect;
    } t[] = { { "5.0", 0 }, { "5.0.1", 0 }, { "5.2.7", 0 }, { "5.3", 12 }, { "5.4", 12 }, { "latest", 12 } };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        /* 32 KiB: 16 second-level classes (32 in 5.0) */
        ps_heap_t *h = make_v(32768u, PS_POISON_NONE, t[i].release);
        void *a = ps_heap_alloc(h, 12);
        assert_non_null(a);
        /* take every other byte: the biggest block each time, until none is left */
        for (int guard = 0; guard < 1000 && stats(h).free_blocks > 0; guard++) {
            size_t want = stats(h).largest_free ? stats(h).largest_free : 12u;
            if (!ps_heap_alloc(h, want))
                assert_non_null(ps_heap_alloc(h, 12));
        }
        assert_int_equal(stats(h).free_blocks, 0);
        assert_int_equal(stats(h).largest_free, 0);
        assert_int_equal(ps_heap_free(h, a), 0);
        assert_int_equal(stats(h).free_blocks, 1);
        assert_int_equal(stats(h).largest_free, t[i].expect);
        /* whatever is reported, the 12-byte block is there */
        assert_ptr_equal(ps_heap_alloc(h, 12), a);
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
    s.largest_free = 333; /* 100*333/1000 = 33 -> 67 */
    assert_int_equal(ps_heap_fragmentation_pct(&s), 67);
    s.largest_free = 0;
    assert_int_equal(ps_heap_fragmentation_pct(&s), 100);
    s.total_free = 4000000000u; /* no overflow in 100 * largest */
    s.largest_free = 2000000000u;
    assert_int_equal(ps_heap_fragmentation_pct(&s), 50);
    /* fresh 164 KiB region: the good-fit rounding alone shows as 2 % */
    ps_heap_t *h = make(164u * 1024u, PS_POISON_NONE);
    s = stats(h);
    assert_int_equal(s.largest_free, 163840);
    assert_int_equal(ps_heap_fragmentation_pct(&s), 100 - (100u * 163840u) / 166996u);
}

static void test_stats_and_failures(void **state)
{
    (void)state;
    /* 8 KiB: bytes 8172, 8 classes, fl_index_max 13: control 36 + 9*4 + 9*8*4 = 360 */
    ps_heap_t *h = make_v(8u * 1024u, PS_POISON_NONE, "5.3");
    const uint32_t fresh = 8192u - 20u - 360u;
    assert_int_equal(stats(h).total_free, fresh);
    void *p[16];
    unsigned n = 0;
    while (n < 16 && (p[n] = ps_heap_alloc(h, 1000)) != NULL)
        n++;
    ps_heap_stats_t s = stats(h);
    assert_int_equal(n, 7); /* 7 * 1004 = 7028 of a 7804-byte block */
    assert_int_equal(s.allocs, 7);
    assert_int_equal(s.failed, 1);
    assert_int_equal(s.used_blocks, 7);
    assert_int_equal(s.used_bytes, 7 * 1004);
    assert_int_equal(s.total_free, fresh - 7 * 1004);
    assert_int_equal(s.min_free_ever, s.total_free);
    assert_null(ps_heap_alloc(h, 0));        /* not a failure */
    assert_null(ps_heap_alloc(h, 1u << 20)); /* beyond any class: a failure */
    assert_int_equal(stats(h).failed, 2);
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(ps_heap_free(h, p[i]), 0);
    s = stats(h);
    assert_int_equal(s.frees, 7);
    assert_int_equal(s.used_bytes, 0);
    assert_int_equal(s.total_free, fresh);
    assert_int_equal(s.min_free_ever, fresh - 7 * 1004);
    assert_int_equal(s.free_blocks, 1);
}

static void test_bad_frees(void **state)
{
    (void)state;
    /* with and without the live map */
    for (int with_map = 0; with_map <= 1; with_map++) {
        ps_heap_opts_t o = opts(16u * 1024u, PS_POISON_NONE, "latest");
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
        assert_int_equal(ps_heap_free(h, a), -1); /* double free */
        assert_int_equal(ps_heap_free(h, b), 0);
        assert_int_equal(ps_heap_free(h, b), -1); /* double free after coalescing */
        assert_int_equal(ps_heap_bad_frees(h), 5);
        assert_int_equal(stats(h).frees, 2);
        assert_int_equal(ps_heap_check(h), 0);
        assert_int_equal(ps_heap_free(h, NULL), -1);
    }
}

/* A region length that is not a multiple of 4 (PSRAM heaps can have one):
 * the counter keeps the bytes tlsf_add_pool aligns away. */
static void test_unaligned_length(void **state)
{
    (void)state;
    ps_heap_t *h = make_v(32770u, PS_POISON_NONE, "5.3");
    const ps_heap_geom_t *g = ps_heap_geom(h);
    assert_int_equal(g->initial_free, 32770u - 20u - 716u);
    assert_int_equal(g->first_block, (32770u - 20u - 716u - 8u) & ~3u);
    void *p = ps_heap_alloc(h, 100);
    assert_int_equal(ps_heap_check(h), 0);
    assert_int_equal(ps_heap_free(h, p), 0);
    assert_int_equal(stats(h).total_free, g->initial_free);
    assert_int_equal(ps_heap_check(h), 0);
}

/* --poison's names: each mode by its menuconfig name and back; nothing else. */
static void test_poison_names(void **state)
{
    (void)state;
    const ps_poison_t modes[] = { PS_POISON_NONE, PS_POISON_LIGHT, PS_POISON_COMPREHENSIVE };
    for (size_t i = 0; i < 3; i++) {
        ps_poison_t got = (ps_poison_t)99;
        assert_int_equal(ps_poison_parse(ps_poison_name(modes[i]), &got), 0);
        assert_int_equal(got, modes[i]);
    }
    assert_string_equal(ps_poison_name(PS_POISON_LIGHT), "light");
    assert_string_equal(ps_poison_name((ps_poison_t)7), "?");
    ps_poison_t keep = PS_POISON_LIGHT;
    assert_int_equal(ps_poison_parse("heavy", &keep), -1);
    assert_int_equal(ps_poison_parse("Light", &keep), -1);
    assert_int_equal(ps_poison_parse("", &keep), -1);
    assert_int_equal(ps_poison_parse(NULL, &keep), -1);
    assert_int_equal(keep, PS_POISON_LIGHT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idf_versions),
        cmocka_unit_test(test_init_errors),
        cmocka_unit_test(test_fresh_region),
        cmocka_unit_test(test_sl_count_by_region),
        cmocka_unit_test(test_request_rounding_by_release),
        cmocka_unit_test(test_footprint_of_requests_no_region_serves),
        cmocka_unit_test(test_min_block_and_overhead),
        cmocka_unit_test(test_poison_overhead),
        cmocka_unit_test(test_alignment),
        cmocka_unit_test(test_coalesce_both_sides),
        cmocka_unit_test(test_no_split_of_small_remainder),
        cmocka_unit_test(test_largest_is_allocatable),
        cmocka_unit_test(test_largest_of_tiny_blocks_by_release),
        cmocka_unit_test(test_fragmentation_formula),
        cmocka_unit_test(test_stats_and_failures),
        cmocka_unit_test(test_bad_frees),
        cmocka_unit_test(test_unaligned_length),
        cmocka_unit_test(test_poison_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
