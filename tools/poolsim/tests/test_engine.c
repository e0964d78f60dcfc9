/* The engine on a small hand-made stream: counts, samples and odd events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "tiers.h"

#define S 1000000000ull
#define H (3600ull * S)

static ps_event_t A(uint64_t t, uint64_t addr, uint32_t size)
{
    ps_event_t e = { t, addr, size, PS_EV_ALLOC, 0, 0 };
    return e;
}

static ps_event_t F(uint64_t t, uint64_t addr)
{
    ps_event_t e = { t, addr, 0, PS_EV_FREE, 0, 0 };
    return e;
}

static void setup_cfg(ps_engine_cfg_t *c, const char *tiers, size_t arena)
{
    char err[200];
    memset(c, 0, sizeof *c);
    c->heap.arena_size = arena;
    /* 5.3: the figures below are its plain 4-byte rounding */
    assert_int_equal(ps_idf_parse("5.3", &c->heap.idf), 0);
    assert_int_equal(ps_tiers_parse(tiers, c->tiers, &c->n_tiers, err, sizeof err), 0);
    c->interval_ns = H;
}

static void test_small_stream(void **state)
{
    (void)state;
    const ps_event_t ev[] = {
        A(0, 1, 100),      A(1 * S, 2, 200),
        A(1 * S, 3, 300),  A(1 * S, 4, 50),           /* pool: 50 B finds both tiers full */
        F(2 * S, 99),                                 /* never allocated */
        A(3 * S, 2, 64),                              /* address 2 again: its free was lost */
        F(H + H / 2, 1),   A(2 * H + H / 2, 5, 5000), /* larger than any tier */
        A(3 * H, 6, 9000),                            /* larger than the heap */
        F(3 * H, 4),
    };
    ps_engine_cfg_t cfg;
    setup_cfg(&cfg, "256x2,1024x1", 8192);
    ps_array_cursor_t cur;
    ps_result_t res;
    char err[200];
    assert_int_equal(ps_engine_run(&cfg, ps_source_array(&cur, ev, sizeof ev / sizeof ev[0]), &res, err, sizeof err),
                     0);

    assert_int_equal(res.events, 10);
    assert_int_equal(res.allocs, 7);
    assert_int_equal(res.frees, 2);
    assert_int_equal(res.unknown_frees, 1);
    assert_int_equal(res.reused_addrs, 1);
    assert_int_equal(res.heap_failed, 1);
    assert_int_equal(res.heap_failed_by[PS_BUCKET_HUGE], 1);
    assert_int_equal(res.heap_first_fail_ns, 3 * H);
    assert_int_equal(res.pool_failed, 3);
    assert_int_equal(res.pool_failed_by[PS_BUCKET_256], 1);
    assert_int_equal(res.pool_failed_by[PS_BUCKET_HUGE], 2);
    assert_int_equal(res.pool_first_fail_ns, 1 * S);
    assert_int_equal(res.max_request, 9000);
    assert_int_equal(res.end_ns, 3 * H);
    /* peak at 3 h: 64, 300, 50, 5000 and 9000 B live (failed requests count too) */
    assert_int_equal(res.peak_live_count, 5);
    assert_int_equal(res.peak_live_bytes, 64 + 300 + 50 + 5000 + 9000);
    assert_int_equal(res.peak_heap_need, 68 + 304 + 56 + 5004 + 9004);

    /* samples at 0, 1 h, 2 h, 3 h */
    assert_int_equal(res.n_samples, 4);
    assert_int_equal(res.samples[0].t_ns, 0);
    /* an 8 KiB region: heap_t and a 360-byte TLSF control structure come first */
    assert_int_equal(res.samples[0].heap_free, 8192 - 20 - 360);
    assert_int_equal(res.samples[0].pool_free, 2 * 256 + 1024);
    assert_int_equal(res.samples[0].pool_largest, 1024);
    assert_int_equal(res.samples[1].t_ns, H);
    assert_int_equal(res.samples[1].pool_failed, 1);
    assert_int_equal(res.samples[1].heap_failed, 0);
    assert_int_equal(res.samples[1].live_allocs, 4);
    assert_int_equal(res.samples[2].live_allocs, 3);
    assert_int_equal(res.samples[3].t_ns, 3 * H);
    assert_int_equal(res.samples[3].pool_failed, 2);
    assert_int_equal(res.samples[3].heap_failed, 1);
    assert_int_equal(res.samples[3].heap_failed_total, 1);
    assert_int_equal(res.samples[3].pool_failed_total, 3);
    /* live at the end: 2 (64 B), 3 (300 B), 5 (5000 B, heap only), 6 failed in both */
    assert_int_equal(res.samples[3].live_allocs, 4);
    assert_int_equal(res.heap_end.used_blocks, 3);
    assert_int_equal(res.heap_end.used_bytes, 68 + 304 + 5004);
    assert_int_equal(res.pool_end.blocks_in_use, 2);
    ps_result_free(&res);
}

/* Issue 10: a request of 256 KiB or more was reported with a heap footprint of 0 B. */
static void test_footprint_of_a_request_no_heap_serves(void **state)
{
    (void)state;
    const ps_event_t ev[] = { A(0, 1, 100), A(1 * S, 2, 256u * 1024u), A(2 * S, 3, 300000u) };
    ps_engine_cfg_t cfg;
    setup_cfg(&cfg, "256x2", 167936);
    ps_array_cursor_t cur;
    ps_result_t res;
    char err[200];
    assert_int_equal(ps_engine_run(&cfg, ps_source_array(&cur, ev, 3), &res, err, sizeof err), 0);
    assert_int_equal(res.heap_failed, 2);
    assert_int_equal(res.peak_heap_need, 104u + 262148u + 300004u);
    ps_result_free(&res);
}

/* Several regions: malloc()'s order, per-region samples and counts, a
 * request's footprint in the region that served it; and a heap-only run. */
static void test_regions(void **state)
{
    (void)state;
    const ps_event_t ev[] = { A(0, 1, 100), A(1 * S, 2, 5000), A(2 * S, 3, 100000), F(3 * S, 1), A(H, 4, 300) };
    ps_engine_cfg_t cfg;
    setup_cfg(&cfg, "256x2", 0);
    assert_int_equal(ps_idf_parse("5.5", &cfg.heap.idf), 0);
    cfg.n_regions = 2;
    cfg.regions[0] = (ps_region_t){ 161504, 0x3FC90000u, "" };
    cfg.regions[1] = (ps_region_t){ 6432, 0x3FCC0000u, "" };
    ps_array_cursor_t cur;
    ps_result_t res;
    char err[200];
    assert_int_equal(ps_engine_run(&cfg, ps_source_array(&cur, ev, 5), &res, err, sizeof err), 0);
    assert_int_equal(res.n_regions, 2);
    assert_int_equal(res.heap_len_total, 161504 + 6432);
    assert_int_equal(res.heap_initial_free, 160564 + 6052);
    /* 5.5+: the shorter region first */
    assert_int_equal(res.try_order[0], 1);
    /* 100 and 300 B fit the 6432 B region; 5000 B does too (5.5 rounds it to
     * 5120 in a region of 8 classes: 5124 of 5948 left); 100000 goes to the big one */
    assert_int_equal(res.region_allocs[1], 3);
    assert_int_equal(res.region_allocs[0], 1);
    assert_int_equal(res.heap_failed, 0);
    assert_int_equal(res.samples[0].region_free[0], 160564);
    assert_int_equal(res.samples[0].region_free[1], 6052);
    assert_int_equal(res.samples[0].region_largest[0], 155648);
    /* at 1 h: 5000 B, 100000 B and 300 B live (the event at 1 h is in the interval it ends; 300 takes 320 + 4) */
    assert_int_equal(res.samples[1].region_free[1], 6052u - 5124u - 324u);
    assert_int_equal(res.samples[1].heap_free, res.samples[1].region_free[0] + res.samples[1].region_free[1]);
    /* the peak need counts each block in its region, at 1 h: 5124, then 100000's
     * block in the 161504 B region (4096-byte classes there: 102400) + 4, and 324 */
    assert_int_equal(res.peak_heap_need, 5124u + 102404u + 324u);
    ps_result_free(&res);
    /* the same without the pool: the heap's figures are the same, the pool's are empty */
    cfg.heap_only = 1;
    assert_int_equal(ps_engine_run(&cfg, ps_source_array(&cur, ev, 5), &res, err, sizeof err), 0);
    assert_int_equal(res.region_allocs[1], 3);
    assert_int_equal(res.peak_heap_need, 5124u + 102404u + 324u);
    assert_int_equal(res.pool_failed, 0);
    assert_int_equal(res.pool_storage, 0);
    ps_result_free(&res);
    /* too many regions, a type malloc() does not use */
    cfg.n_regions = PS_CAPS_MAX_REGIONS + 1u;
    assert_int_equal(ps_engine_run(&cfg, ps_source_array(&cur, ev, 5), &res, err, sizeof err), -1);
    ps_result_free(&res);
    cfg.n_regions = 2;
    memcpy(cfg.regions[1].type, "IRAM", 5);
    assert_int_equal(ps_engine_run(&cfg, ps_source_array(&cur, ev, 5), &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "IRAM"));
    ps_result_free(&res);
}

static void test_bad_config(void **state)
{
    (void)state;
    ps_engine_cfg_t cfg;
    setup_cfg(&cfg, "256x2", 8192);
    cfg.n_tiers = 0;
    ps_array_cursor_t cur;
    ps_result_t res;
    char err[200];
    assert_int_equal(ps_engine_run(&cfg, ps_source_array(&cur, NULL, 0), &res, err, sizeof err), -1);
    ps_result_free(&res);
    setup_cfg(&cfg, "256x2", 16);
    assert_int_equal(ps_engine_run(&cfg, ps_source_array(&cur, NULL, 0), &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot make a heap of a 16 B region"));
    ps_result_free(&res);
}

/* The heap an engine configuration describes: its regions, or one region of
 * the arena (the default arena when 0), with the release and poisoning. */
static void test_engine_heap(void **state)
{
    (void)state;
    ps_engine_cfg_t cfg;
    ps_caps_opts_t co;
    char err[200];
    memset(&cfg, 0, sizeof cfg);
    cfg.heap.poison = PS_POISON_LIGHT;
    cfg.heap.idf = (ps_idf_version_t){ 5, 0, 0 };
    assert_int_equal(ps_engine_heap(&cfg, &co, err, sizeof err), 0);
    assert_int_equal(co.n, 1);
    assert_int_equal(co.regions[0].len, PS_HEAP_DEFAULT_ARENA);
    assert_int_equal(co.poison, PS_POISON_LIGHT);
    assert_int_equal(co.idf.major, 5);
    assert_int_equal(co.idf.minor, 0);
    cfg.heap.arena_size = 50000;
    assert_int_equal(ps_engine_heap(&cfg, &co, err, sizeof err), 0);
    assert_int_equal(co.regions[0].len, 50000);
    cfg.heap.arena_size = (size_t)PS_HEAP_MAX_ARENA + 4u; /* a region the heap refuses, not a cut one */
    assert_int_equal(ps_engine_heap(&cfg, &co, err, sizeof err), 0);
    assert_int_equal(co.regions[0].len, 0);
    assert_int_not_equal(ps_caps_validate(&co, err, sizeof err), 0);
    cfg.n_regions = ps_caps_default_regions(cfg.regions); /* the regions win over the arena */
    assert_int_equal(ps_engine_heap(&cfg, &co, err, sizeof err), 0);
    assert_int_equal(co.n, cfg.n_regions);
    assert_memory_equal(co.regions, cfg.regions, co.n * sizeof co.regions[0]);
    cfg.n_regions = PS_CAPS_MAX_REGIONS + 1u;
    assert_int_equal(ps_engine_heap(&cfg, &co, err, sizeof err), -1);
    assert_non_null(strstr(err, "heap regions"));
}

/* Samples are in strictly increasing time, the last at the end of the run. */
static void check_samples(const ps_result_t *res)
{
    assert_true(res->n_samples >= 1);
    assert_int_equal(res->samples[0].t_ns, 0);
    for (size_t i = 1; i < res->n_samples; i++)
        assert_true(res->samples[i].t_ns > res->samples[i - 1].t_ns);
    assert_int_equal(res->samples[res->n_samples - 1].t_ns, res->end_ns);
}

/* A timestamp near the top of its range must not make the sampling clock
 * overflow: no rows forever, no time running backwards (issue 10). */
static void test_clock_near_top(void **state)
{
    (void)state;
    ps_engine_cfg_t cfg;
    setup_cfg(&cfg, "256x2", 8192);
    ps_event_t ev[3] = { A(0, 1, 100), A(UINT64_MAX - 5, 2, 100), F(UINT64_MAX - 1, 1) };
    ps_array_cursor_t cur;
    ps_result_t res;
    char err[200];
    const uint64_t intervals[] = { 60ull * S, UINT64_MAX / 2u, UINT64_MAX - 1, 1 };
    for (size_t i = 0; i < sizeof intervals / sizeof intervals[0]; i++) {
        cfg.interval_ns = intervals[i];
        assert_int_equal(ps_engine_run(&cfg, ps_source_array(&cur, ev, 3), &res, err, sizeof err), 0);
        assert_int_equal(res.end_ns, UINT64_MAX - 1);
        check_samples(&res);
        assert_true(res.n_samples <= PS_ENGINE_MAX_SAMPLES + 2u);
        assert_int_equal(res.allocs, 2);
        assert_int_equal(res.frees, 1);
        ps_result_free(&res);
    }
}

/* Rows stay bounded: a fine interval over a long trace is widened, and the
 * merged rows keep the worst values and the failure counts. */
static void test_rows_bounded(void **state)
{
    (void)state;
    ps_engine_cfg_t cfg;
    setup_cfg(&cfg, "64x1", 8192);
    cfg.interval_ns = 1000000u; /* 1 ms over 1000 hours: 3.6e9 rows unless widened */
    ps_event_t ev[4] = { A(0, 1, 40), A(500 * H, 2, 40), F(500 * H + 1, 2), F(1000 * H, 1) };
    ps_array_cursor_t cur;
    ps_result_t res;
    char err[200];
    assert_int_equal(ps_engine_run(&cfg, ps_source_array(&cur, ev, 4), &res, err, sizeof err), 0);
    check_samples(&res);
    assert_true(res.n_samples <= PS_ENGINE_MAX_SAMPLES + 2u);
    assert_true(res.interval_ns > 1000000u);
    uint64_t pool_failed = 0;
    for (size_t i = 0; i < res.n_samples; i++)
        pool_failed += res.samples[i].pool_failed;
    assert_int_equal(pool_failed, 1); /* the second 40-byte request found the one block taken */
    assert_int_equal(res.samples[res.n_samples - 1].pool_failed_total, 1);
    ps_result_free(&res);
}

static int failing_next(void *ctx, ps_event_t *ev)
{
    int *n = ctx;
    if ((*n)++ < 2) {
        *ev = A((uint64_t)*n, (uint64_t)*n, 16);
        return 1;
    }
    return -1;
}

/* A source that fails (a malformed trace) fails the run. */
static void test_source_error(void **state)
{
    (void)state;
    ps_engine_cfg_t cfg;
    setup_cfg(&cfg, "256x2", 8192);
    int n = 0;
    ps_source_t src = { failing_next, NULL, &n };
    ps_result_t res;
    char err[200];
    assert_int_equal(ps_engine_run(&cfg, src, &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "source"));
    ps_result_free(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_stream),   cmocka_unit_test(test_footprint_of_a_request_no_heap_serves),
        cmocka_unit_test(test_regions),        cmocka_unit_test(test_bad_config),
        cmocka_unit_test(test_clock_near_top), cmocka_unit_test(test_rows_bounded),
        cmocka_unit_test(test_source_error),   cmocka_unit_test(test_engine_heap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
