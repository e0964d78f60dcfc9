/*
 * The spread: its perturbations, and the range it reports, on a stream whose
 * outcome in each perturbed heap is known in advance: one request for
 * exactly the fresh region's free block, which fails as soon as the region is
 * shorter or a start-up block took part of it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "spread.h"
#include "tiers.h"

#define S 1000000000ull

static void test_perturbations(void **state)
{
    (void)state;
    ps_spread_cfg_t c;
    ps_spread_defaults(&c);
    int seen_neg = 0, seen_pos = 0, seen_startup = 0;
    for (unsigned k = 1; k <= PS_SPREAD_MAX; k++) {
        ps_spread_run_t r = ps_spread_perturbation(&c, k), again = ps_spread_perturbation(&c, k);
        assert_int_equal(r.region_delta, again.region_delta); /* the same every time */
        assert_int_equal(r.startup_bytes, again.startup_bytes);
        assert_true(r.region_delta >= -512 && r.region_delta <= 512);
        assert_int_equal(r.region_delta % 4, 0);
        assert_true(r.startup_bytes <= 1024 && r.startup_bytes % 4u == 0);
        seen_neg |= r.region_delta < 0;
        seen_pos |= r.region_delta > 0;
        seen_startup |= r.startup_bytes > 0;
    }
    assert_true(seen_neg && seen_pos && seen_startup);
}

static void test_sensitivity_rule(void **state)
{
    (void)state;
    ps_spread_t s;
    memset(&s, 0, sizeof s);
    s.runs = 9;
    assert_false(ps_spread_sensitive(&s)); /* no run fails */
    s.runs_failing = 3;
    s.failed_max = 2;
    assert_true(ps_spread_sensitive(&s)); /* some hold, some fail */
    s.runs_failing = 9;
    s.failed_min = 100;
    s.failed_max = 125;
    assert_false(ps_spread_sensitive(&s)); /* within 1.25 x */
    s.failed_max = 126;
    assert_true(ps_spread_sensitive(&s));
}

typedef struct {
    ps_event_t ev[1];
    ps_array_cursor_t cur;
    int fail_at; /* the source fails for this run (0: never) */
    unsigned done;
} stream_t;

static int source(void *user, unsigned k, ps_source_t *src, char *err, size_t len)
{
    stream_t *s = user;
    if ((int)k == s->fail_at) {
        snprintf(err, len, "no stream for run %u", k);
        return -1;
    }
    *src = ps_source_array(&s->cur, s->ev, 1);
    return 0;
}

static void done(void *user, unsigned k)
{
    (void)k;
    ((stream_t *)user)->done++;
}

static void test_range_on_a_known_stream(void **state)
{
    (void)state;
    ps_engine_cfg_t eng;
    memset(&eng, 0, sizeof eng);
    char err[256];
    assert_int_equal(ps_tiers_parse("64x1", eng.tiers, &eng.n_tiers, err, sizeof err), 0);
    assert_int_equal(ps_idf_parse("5.3", &eng.heap.idf), 0);
    /* 8068 B: heap_t, a 360 B control structure, and a 7680 B block, a class
     * floor: the request below fits with not one byte to spare */
    eng.heap.arena_size = 8068;
    /* the request: the fresh region's largest block, exactly */
    static uint64_t mem[4096];
    ps_heap_t *h0;
    assert_int_equal(ps_heap_init(&h0, mem, sizeof mem, &eng.heap), 0);
    ps_heap_stats_t hs;
    ps_heap_stats(h0, &hs);
    const uint32_t request = hs.largest_free;
    assert_int_equal(request, 7680);
    stream_t st;
    memset(&st, 0, sizeof st);
    st.ev[0] = (ps_event_t){ 1 * S, 1, request, PS_EV_ALLOC, 0, 0 };
    ps_result_t base;
    assert_int_equal(ps_engine_run(&eng, ps_source_array(&st.cur, st.ev, 1), &base, err, sizeof err), 0);
    assert_int_equal(base.heap_failed, 0);

    ps_spread_cfg_t c;
    ps_spread_defaults(&c);
    c.n = 16;
    c.startup_max = 64; /* small start-up blocks: some runs hold, some fail */
    /* what each run must give, found with the heap model alone: the
     * perturbed region, the start-up block, then the request */
    unsigned want_failing = 0;
    uint64_t want_max = 0;
    for (unsigned k = 1; k <= c.n; k++) {
        ps_spread_run_t p = ps_spread_perturbation(&c, k);
        ps_heap_opts_t ho = eng.heap;
        ho.arena_size = (size_t)((int64_t)ho.arena_size + p.region_delta);
        ps_heap_t *h;
        assert_int_equal(ps_heap_init(&h, mem, sizeof mem, &ho), 0);
        if (p.startup_bytes)
            assert_non_null(ps_heap_alloc(h, p.startup_bytes));
        if (!ps_heap_alloc(h, request)) {
            want_failing++;
            want_max = 1;
        }
    }
    assert_true(want_failing > 0 && want_failing < c.n); /* the stream is on the edge */

    ps_spread_t sp;
    assert_int_equal(ps_spread_run(&c, &eng, &base, source, done, &st, &sp, err, sizeof err), 0);
    assert_int_equal(sp.runs, c.n + 1u);
    assert_int_equal(st.done, c.n);
    assert_int_equal(sp.runs_failing, want_failing);
    assert_int_equal(sp.failed_min, 0);
    assert_int_equal(sp.failed_max, want_max);
    assert_true(sp.sensitive);
    assert_int_equal(sp.run[0].failed, 0);
    for (unsigned k = 1; k <= c.n; k++)
        if (sp.run[k].failed)
            assert_int_equal(sp.run[k].first_fail_ns, 1 * S);
    assert_int_equal(sp.first_min, 1 * S);
    assert_int_equal(sp.first_max, 1 * S);
    /* the median of 17 values with want_failing ones */
    assert_int_equal(sp.failed_median, want_failing > (c.n + 1u) / 2u ? 1u : 0u);
    ps_result_free(&base);

    /* a source that fails stops the spread with its message */
    st.fail_at = 3;
    assert_int_equal(ps_engine_run(&eng, ps_source_array(&st.cur, st.ev, 1), &base, err, sizeof err), 0);
    assert_int_equal(ps_spread_run(&c, &eng, &base, source, done, &st, &sp, err, sizeof err), -1);
    assert_non_null(strstr(err, "no stream for run 3"));
    c.n = 0;
    assert_int_equal(ps_spread_run(&c, &eng, &base, source, done, &st, &sp, err, sizeof err), -1);
    ps_result_free(&base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_perturbations),
        cmocka_unit_test(test_sensitivity_rule),
        cmocka_unit_test(test_range_on_a_known_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
