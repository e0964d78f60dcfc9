/*
 * The planner: its plan, replayed through tierpool, fails nothing; it is no
 * bigger than necessary on a stream whose answer is known; headroom and
 * tier splitting work.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "planner.h"
#include "tiers.h"
#include "workload.h"

#define S 1000000000ull


/* The stream through the plan's pool and a heap-model arena of `arena` bytes
 * (0 = the default): the pool's failures, and the heap's in *heap_failed. */
static uint64_t replay(ps_source_t src, const ps_plan_t *plan, uint64_t arena, uint64_t *heap_failed)
{
    ps_engine_cfg_t c;
    memset(&c, 0, sizeof c);
    memcpy(c.tiers, plan->tiers, sizeof c.tiers);
    c.n_tiers = plan->n_tiers;
    c.heap.arena_size = (size_t)arena;
    assert_int_equal(ps_idf_parse("5.3", &c.heap.idf), 0); /* the heap searches below use 5.3 */
    ps_result_t res;
    char err[200];
    assert_int_equal(ps_engine_run(&c, src, &res, err, sizeof err), 0);
    uint64_t failed = res.pool_failed;
    if (heap_failed)
        *heap_failed = res.heap_failed;
    ps_result_free(&res);
    return failed;
}

static uint64_t replay_failures(ps_source_t src, const ps_plan_t *plan)
{
    return replay(src, plan, 0, NULL);
}

static void check_plan_shape(const ps_plan_t *p)
{
    assert_true(p->n_tiers >= 1 && p->n_tiers <= TP_CFG_MAX_TIERS);
    for (size_t i = 0; i < p->n_tiers; i++) {
        assert_true(p->tiers[i].block_count >= 1 && p->tiers[i].block_count <= TP_MAX_BLOCKS_PER_TIER);
        if (i)
            assert_true(p->tiers[i].block_size > p->tiers[i - 1].block_size);
    }
    assert_int_equal(p->storage, tp_pool_storage_size(p->tiers, p->n_tiers));
    assert_true(p->tiers[p->n_tiers - 1].block_size >= p->max_request);
}

static void test_synthetic_zero_failures(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        ps_workload_cfg_t c;
        char err[200];
        ps_workload_defaults(&c);
        c.seed = seed;
        c.duration_ns = 4ull * 3600u * S; /* long enough for the trickle to fill the seed's 100 blocks */
        c.background_bytes = seed == 3 ? 20000u : 0u;
        ps_workload_t *w = ps_workload_new(&c, err, sizeof err);
        assert_non_null(w);
        ps_source_t src = ps_source_workload(w);
        ps_plan_cfg_t pc;
        ps_plan_defaults(&pc);
        ps_plan_t plan;
        assert_int_equal(ps_plan(src, &pc, &plan, err, sizeof err), 0);
        check_plan_shape(&plan);
        assert_int_equal(plan.verify_failures, 0);
        /* an independent replay agrees */
        assert_int_equal(replay_failures(src, &plan), 0);
        /* and the seed's default tiers do fail on it (so the test can tell) */
        ps_plan_t seed_tiers = plan;
        seed_tiers.n_tiers = ps_tiers_default(seed_tiers.tiers);
        assert_true(replay_failures(src, &seed_tiers) > 0);
        ps_workload_free(w);
    }
}

/* Two sizes whose peaks are known: 10 of 100 B at once, then 3 of 1000 B. */
static void test_known_answer(void **state)
{
    (void)state;
    ps_event_t ev[64];
    size_t n = 0;
    for (unsigned i = 0; i < 10; i++)
        ev[n++] = (ps_event_t){ i, 100 + i, 100, PS_EV_ALLOC, 0, 0 };
    for (unsigned i = 0; i < 10; i++)
        ev[n++] = (ps_event_t){ 20 + i, 100 + i, 0, PS_EV_FREE, 0, 0 };
    for (unsigned i = 0; i < 3; i++)
        ev[n++] = (ps_event_t){ 40 + i, 200 + i, 1000, PS_EV_ALLOC, 0, 0 };
    ev[n++] = (ps_event_t){ 50, 999, 0, PS_EV_FREE, 0, 0 }; /* unknown */
    ps_array_cursor_t cur;
    ps_source_t src = ps_source_array(&cur, ev, n);
    ps_plan_cfg_t pc;
    ps_plan_defaults(&pc);
    pc.headroom_pct = 0;
    ps_plan_t plan;
    char err[200];
    assert_int_equal(ps_plan(src, &pc, &plan, err, sizeof err), 0);
    /* separate tiers are cheaper than one 1000-byte tier of 10 blocks */
    assert_int_equal(plan.n_tiers, 2);
    assert_int_equal(plan.tiers[0].block_size, 100);
    assert_int_equal(plan.tiers[0].block_count, 10);
    assert_int_equal(plan.tiers[1].block_size, 1000);
    assert_int_equal(plan.tiers[1].block_count, 3);
    assert_int_equal(plan.unknown_frees, 1);
    assert_int_equal(plan.peak_live_count, 10);
    /* the three 1000s outweigh the ten 100s; the latest ESP-IDF rounds 1000 to its 1024 class */
    assert_int_equal(plan.peak_heap_need, 3 * 1028);
    assert_int_equal(replay_failures(src, &plan), 0);
    /* the heap model's own rule, release by release: 5.3 takes 1004 */
    assert_int_equal(ps_idf_parse("5.3", &pc.heap.idf), 0);
    assert_int_equal(ps_plan(src, &pc, &plan, err, sizeof err), 0);
    assert_int_equal(plan.peak_heap_need, 3 * 1004);
    memset(&pc.heap.idf, 0, sizeof pc.heap.idf);
    /* 25 % headroom: ceil(10 * 1.25) = 13, ceil(3 * 1.25) = 4 */
    pc.headroom_pct = 25;
    assert_int_equal(ps_plan(src, &pc, &plan, err, sizeof err), 0);
    assert_int_equal(plan.tiers[0].block_count, 13);
    assert_int_equal(plan.tiers[1].block_count, 4);
    /* one tier at most: the 1000-byte tier has to hold all 10 */
    pc.headroom_pct = 0;
    pc.max_tiers = 1;
    assert_int_equal(ps_plan(src, &pc, &plan, err, sizeof err), 0);
    assert_int_equal(plan.n_tiers, 1);
    assert_int_equal(plan.tiers[0].block_count, 10);
}

/* 70000 tiny blocks alive at once: more than one tier can hold. */
static void test_split_tiers(void **state)
{
    (void)state;
    enum { N = 70000 };
    ps_event_t *ev = calloc(N + 1, sizeof *ev);
    assert_non_null(ev);
    for (unsigned i = 0; i < N; i++)
        ev[i] = (ps_event_t){ i, i + 1, 8 + (i % 2) * 4, PS_EV_ALLOC, 0, 0 };
    ev[N] = (ps_event_t){ N, 100000, 4000, PS_EV_ALLOC, 0, 0 };
    ps_array_cursor_t cur;
    ps_source_t src = ps_source_array(&cur, ev, N + 1);
    ps_plan_cfg_t pc;
    ps_plan_defaults(&pc);
    ps_plan_t plan;
    char err[200];
    assert_int_equal(ps_plan(src, &pc, &plan, err, sizeof err), 0);
    check_plan_shape(&plan);
    assert_true(plan.n_tiers >= 3);
    assert_int_equal(plan.verify_failures, 0);
    assert_int_equal(replay_failures(src, &plan), 0);
    free(ev);
}

static void test_empty_stream(void **state)
{
    (void)state;
    ps_array_cursor_t cur;
    ps_plan_cfg_t pc;
    ps_plan_defaults(&pc);
    ps_plan_t plan;
    char err[200];
    assert_int_equal(ps_plan(ps_source_array(&cur, NULL, 0), &pc, &plan, err, sizeof err), -1);
    assert_non_null(strstr(err, "no allocations"));
}

/* ---- the heap search (ps_plan_heap_search) ---- */

/* ESP-IDF 5.3 (plain 4-byte rounding), with or without poisoning. */
static ps_heap_opts_t heap53(ps_poison_t poison)
{
    ps_heap_opts_t h;
    memset(&h, 0, sizeof h);
    h.poison = poison;
    assert_int_equal(ps_idf_parse("5.3", &h.idf), 0);
    return h;
}

static uint64_t heap_failures_at(ps_source_t src, const ps_plan_t *plan, uint64_t arena)
{
    uint64_t heap_failed;
    (void)replay(src, plan, arena, &heap_failed);
    return heap_failed;
}

/* Four 100-byte blocks at once: 4 x 104 B of footprint. The smallest region
 * whose fresh free counter holds 416 + 8 B is 696 B (20 B of heap_t, a 252 B
 * control structure), 768 B rounded up to 256, and it holds them. */
static void test_heap_search_at_peak(void **state)
{
    (void)state;
    ps_event_t ev[4];
    for (unsigned i = 0; i < 4; i++)
        ev[i] = (ps_event_t){ i, 16 + i, 100, PS_EV_ALLOC, 0, 0 };
    ps_array_cursor_t cur;
    ps_source_t src = ps_source_array(&cur, ev, 4);
    ps_plan_cfg_t pc;
    ps_plan_defaults(&pc);
    ps_plan_t plan;
    char err[200];
    assert_int_equal(ps_plan(src, &pc, &plan, err, sizeof err), 0);
    assert_int_equal(plan.peak_heap_need, 416);
    ps_heap_search_t hs;
    ps_heap_opts_t h = heap53(PS_POISON_NONE);
    assert_int_equal(ps_heap_region_for(&h, 424), 696);
    ps_plan_heap_search(src, &plan, &h, &hs);
    assert_int_equal(hs.status, PS_HEAP_SEARCH_AT_PEAK);
    assert_int_equal(hs.arena_ok, 768);
    assert_int_equal(heap_failures_at(src, &plan, hs.arena_ok), 0);
}

/* Twenty 100-byte blocks, every other one freed, then a 1000-byte request: the
 * holes cannot serve it, so the peak need is not enough and bisection runs. */
static void test_heap_search_found(void **state)
{
    (void)state;
    ps_event_t ev[32];
    size_t n = 0;
    for (unsigned i = 0; i < 20; i++, n++)
        ev[n] = (ps_event_t){ n, 16 + i, 100, PS_EV_ALLOC, 0, 0 };
    for (unsigned i = 0; i < 20; i += 2, n++)
        ev[n] = (ps_event_t){ n, 16 + i, 0, PS_EV_FREE, 0, 0 };
    ev[n] = (ps_event_t){ n, 100, 1000, PS_EV_ALLOC, 0, 0 };
    n++;
    ps_array_cursor_t cur;
    ps_source_t src = ps_source_array(&cur, ev, n);
    ps_plan_cfg_t pc;
    ps_plan_defaults(&pc);
    ps_plan_t plan;
    char err[200];
    assert_int_equal(ps_plan(src, &pc, &plan, err, sizeof err), 0);
    assert_int_equal(plan.peak_heap_need, 20 * 104);
    ps_heap_search_t hs;
    ps_heap_opts_t h = heap53(PS_POISON_NONE);
    ps_plan_heap_search(src, &plan, &h, &hs);
    assert_int_equal(hs.status, PS_HEAP_SEARCH_FOUND);
    assert_int_equal(hs.arena_ok - hs.arena_fail, 256);
    assert_int_equal(hs.arena_ok % 256, 0);
    assert_true(hs.arena_fail >= ps_heap_region_for(&h, 20 * 104 + 8)); /* the first size tried, which fails */
    /* checked independently: the answer serves the stream, 256 B less does not */
    assert_int_equal(heap_failures_at(src, &plan, hs.arena_ok), 0);
    assert_true(heap_failures_at(src, &plan, hs.arena_fail) > 0);
    /* poisoning makes every block 12 B larger: the answer cannot shrink */
    ps_heap_search_t hp;
    ps_heap_opts_t hl = heap53(PS_POISON_LIGHT);
    ps_plan_heap_search(src, &plan, &hl, &hp);
    assert_true(hp.arena_ok >= hs.arena_ok);
}

/* A replay that cannot run (no pool tiers) ends the search with no answer. */
static void test_heap_search_none(void **state)
{
    (void)state;
    ps_event_t ev[1] = { { 0, 16, 100, PS_EV_ALLOC, 0, 0 } };
    ps_array_cursor_t cur;
    ps_source_t src = ps_source_array(&cur, ev, 1);
    ps_plan_t plan;
    memset(&plan, 0, sizeof plan);
    plan.peak_heap_need = 104;
    ps_heap_search_t hs;
    ps_heap_opts_t h = heap53(PS_POISON_NONE);
    ps_plan_heap_search(src, &plan, &h, &hs);
    assert_int_equal(hs.status, PS_HEAP_SEARCH_NONE);
    /* the first size tried: 348 B holds 104 + 8, rounded up to 512 */
    assert_int_equal(hs.arena_fail, 512);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_synthetic_zero_failures),
        cmocka_unit_test(test_known_answer),
        cmocka_unit_test(test_split_tiers),
        cmocka_unit_test(test_empty_stream),
        cmocka_unit_test(test_heap_search_at_peak),
        cmocka_unit_test(test_heap_search_found),
        cmocka_unit_test(test_heap_search_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
