/*
 * The sweep (sweep.c): which levels it visits, that each row is what one
 * engine run of the workload at that background level gives (computed here
 * independently), and its errors and early stop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sweep.h"
#include "tiers.h"

#define S 1000000000ull

static void small_cfg(ps_sweep_cfg_t *c)
{
    memset(c, 0, sizeof *c);
    ps_workload_defaults(&c->wl);
    c->wl.duration_ns = 600u * S; /* ten simulated minutes */
    c->wl.net = 0;                /* the application alone in the 48 KiB heap */
    c->eng.heap.arena_size = 48u * 1024u;
    c->eng.n_tiers = ps_tiers_default(c->eng.tiers);
    c->levels.min = 0;
    c->levels.max = 40000;
    c->step = 20000;
}

static void test_levels(void **state)
{
    (void)state;
    ps_sweep_cfg_t c;
    small_cfg(&c);
    assert_int_equal(ps_sweep_levels(&c), 3);
    c.levels.max = 39999;
    assert_int_equal(ps_sweep_levels(&c), 2);
    c.levels = (ps_range_t){ 5, 5 };
    assert_int_equal(ps_sweep_levels(&c), 1);
    c.levels = (ps_range_t){ 0, 131072 };
    c.step = 8192;
    assert_int_equal(ps_sweep_levels(&c), 17);
    c.step = 0;
    assert_int_equal(ps_sweep_levels(&c), 0);
    c.step = 1;
    c.levels = (ps_range_t){ 6, 5 };
    assert_int_equal(ps_sweep_levels(&c), 0);
}

/* Without --levels: 0 to 3/4 of all the regions' bytes, down to 16 KiB; without
 * --step: 1/16 of the span, down to 1 KiB, or the whole span when it is short. */
static void test_default_levels_and_step(void **state)
{
    (void)state;
    ps_caps_opts_t heap;
    memset(&heap, 0, sizeof heap);
    heap.n = 1;
    heap.regions[0].len = 167936; /* the seed's 164 KiB: 3/4 is 125952 */
    ps_range_t l = ps_sweep_default_levels(&heap);
    assert_int_equal(l.min, 0);
    assert_int_equal(l.max, 114688);
    assert_int_equal(ps_sweep_default_step(l), 7168);
    heap.n = 2;
    heap.regions[1].len = 32768; /* every region counts: 3/4 of 200704 is 150528 */
    l = ps_sweep_default_levels(&heap);
    assert_int_equal(l.max, 147456);
    assert_int_equal(ps_sweep_default_step(l), 9216);
    heap.n = 1;
    heap.regions[0].len = 20000; /* 3/4 is under 16 KiB: nothing to sweep but 0 */
    l = ps_sweep_default_levels(&heap);
    assert_int_equal(l.max, 0);
    assert_int_equal(ps_sweep_default_step(l), 1);
    assert_int_equal(ps_sweep_default_step((ps_range_t){ 1000, 11000 }), 10000);
    assert_int_equal(ps_sweep_default_step((ps_range_t){ 0, 20000 }), 1024);
    assert_int_equal(ps_sweep_default_step((ps_range_t){ 0, 16383 }), 16383);
    assert_int_equal(ps_sweep_default_step((ps_range_t){ 0, 16384 }), 1024);
}

typedef struct {
    ps_sweep_row_t rows[8];
    size_t n;
    size_t stop_after; /* 0 = never */
} rows_t;

static int collect(const ps_sweep_row_t *row, void *user)
{
    rows_t *r = user;
    assert_true(r->n < 8);
    r->rows[r->n++] = *row;
    return r->stop_after && r->n >= r->stop_after;
}

static void test_rows_match_direct_runs(void **state)
{
    (void)state;
    ps_sweep_cfg_t c;
    small_cfg(&c);
    rows_t r = { .n = 0 };
    char err[200];
    assert_int_equal(ps_sweep_run(&c, collect, &r, err, sizeof err), PS_SWEEP_OK);
    assert_int_equal(r.n, 3);
    uint64_t heap_failed_at_top = 0;
    for (size_t i = 0; i < r.n; i++) {
        assert_int_equal(r.rows[i].level, 20000u * i);
        ps_workload_cfg_t wl = c.wl;
        wl.background_bytes = (uint32_t)r.rows[i].level;
        ps_workload_t *w = ps_workload_new(&wl, err, sizeof err);
        assert_non_null(w);
        ps_engine_cfg_t e = c.eng;
        e.interval_ns = wl.duration_ns;
        e.end_ns = wl.duration_ns;
        ps_result_t res;
        assert_int_equal(ps_engine_run(&e, ps_source_workload(w), &res, err, sizeof err), 0);
        ps_workload_free(w);
        assert_int_equal(r.rows[i].allocs, res.allocs);
        assert_int_equal(r.rows[i].heap_failed, res.heap_failed);
        assert_int_equal(r.rows[i].pool_failed, res.pool_failed);
        assert_int_equal(r.rows[i].heap_first_fail_ns, res.heap_first_fail_ns);
        assert_int_equal(r.rows[i].pool_first_fail_ns, res.pool_first_fail_ns);
        assert_int_equal(r.rows[i].heap_min_largest, res.heap_min_largest);
        assert_int_equal(r.rows[i].heap_min_free, res.heap_min_free);
        ps_result_free(&res);
        heap_failed_at_top = r.rows[i].heap_failed;
    }
    /* the levels differ: 40000 B of background in a 48 KiB heap must fail, none must not */
    assert_int_equal(r.rows[0].heap_failed, 0);
    assert_true(heap_failed_at_top > 0);
    assert_true(r.rows[2].heap_min_free < r.rows[0].heap_min_free);
}

static void test_errors_and_stop(void **state)
{
    (void)state;
    ps_sweep_cfg_t c;
    small_cfg(&c);
    char err[200] = "";
    rows_t r = { .n = 0, .stop_after = 1 };
    assert_int_equal(ps_sweep_run(&c, collect, &r, err, sizeof err), PS_SWEEP_STOPPED);
    assert_int_equal(r.n, 1);

    r.n = 0;
    c.step = 0;
    assert_int_equal(ps_sweep_run(&c, collect, &r, err, sizeof err), PS_SWEEP_ERR_CONFIG);
    assert_non_null(strstr(err, "empty"));
    assert_int_equal(r.n, 0);

    small_cfg(&c);
    c.wl.pattern_ring = 0; /* the workload refuses it */
    assert_int_equal(ps_sweep_run(&c, collect, &r, err, sizeof err), PS_SWEEP_ERR_CONFIG);
    assert_non_null(strstr(err, "pattern ring"));
    assert_int_equal(r.n, 0);

    small_cfg(&c);
    c.eng.n_tiers = 0; /* the engine refuses it */
    assert_int_equal(ps_sweep_run(&c, collect, &r, err, sizeof err), PS_SWEEP_ERR_RUN);
    assert_non_null(strstr(err, "pool configuration"));
    assert_int_equal(r.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_default_levels_and_step),
        cmocka_unit_test(test_rows_match_direct_runs),
        cmocka_unit_test(test_errors_and_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
