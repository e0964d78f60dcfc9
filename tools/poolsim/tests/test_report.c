/* The report: the dump analysis (no free times), verdicts and the CSV. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report.h"
#include "tiers.h"

static char *slurp(FILE *f)
{
    static char buf[16384];
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_dump_analysis(void **state)
{
    (void)state;
    ps_event_t ev[4] = {
        { 0, 0x3fc90000, 3, PS_EV_ALLOC, 1, 0 },
        { 1, 0x3fc90010, 5000, PS_EV_ALLOC, 0, 0 },
        { 2, 0x3fc92000, 24, PS_EV_ALLOC, 0, 0 },
        { 3, 0x3fc93000, 600, PS_EV_ALLOC, 1, 0 },
    };
    ps_dump_stats_t st;
    ps_dump_stats_init(&st);
    for (int i = 0; i < 4; i++)
        ps_dump_stats_add(&st, &ev[i]);
    ps_trace_info_t in;
    memset(&in, 0, sizeof in);
    in.format = PS_FMT_DUMP;
    in.dump_generation = 2;
    in.dump_header_seen = 1;
    in.dump_header_records = 4;
    in.dump_capacity = 8;
    in.dump_alive_seen = 1;
    in.dump_alive_bytes = 5024;
    in.dump_alive_count = 2;
    in.dump_alive_of = 4;
    in.dump_totals_seen = 1;
    in.dump_total_allocations = 10;
    in.dump_total_frees = 8;
    in.dump_overflowed = 1;
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(ps_report_dump(f, "dump.txt", &in, &st), 0);
    char *out = slurp(f);
    assert_non_null(strstr(out, "ESP-IDF 5.1 or later"));
    assert_non_null(strstr(out, "cannot replay it in time"));
    assert_non_null(strstr(out, "records: 4 (5627 bytes requested), 2 freed, 2 still alive holding 5024 bytes"));
    assert_non_null(strstr(out, "announces 4 records (capacity 8), 4 were read: agree"));
    assert_non_null(strstr(out, "5024 bytes alive in 2 of 4 allocations; read: 5024 bytes in 2 of 4: agree"));
    assert_non_null(strstr(out, "10 allocations, 8 frees"));
    assert_non_null(strstr(out, "overflowed"));
    assert_null(strstr(out, "WARNING"));
    /* leak candidates, largest first */
    char *big = strstr(out, "5000 bytes @ 0x3fc90010");
    char *small = strstr(out, "24 bytes @ 0x3fc92000");
    assert_non_null(big);
    assert_non_null(small);
    assert_true(big < small);
    assert_null(strstr(out, "@ 0x3fc90000")); /* freed: not a candidate */

    /* a dump cut short: its own figures disagree, and the report says so */
    in.dump_header_records = 5;
    in.dump_alive_count = 3;
    f = tmpfile();
    assert_int_equal(ps_report_dump(f, "dump.txt", &in, &st), 2);
    out = slurp(f);
    assert_non_null(strstr(out, "announces 5 records (capacity 8), 4 were read: DISAGREE"));
    assert_non_null(strstr(out, "WARNING: 2 of the dump's own figures disagree"));
}

/* The dump statistics keep the largest alive records, and restart with a new dump. */
static void test_dump_stats(void **state)
{
    (void)state;
    ps_dump_stats_t st;
    ps_dump_stats_init(&st);
    for (uint32_t i = 0; i < 100; i++) {
        ps_event_t e = { i, 0x1000u + i, (i * 37u) % 101u, PS_EV_ALLOC, (uint8_t)(i % 3u == 0u), 0 };
        ps_dump_stats_add(&st, &e);
    }
    assert_int_equal(st.records, 100);
    assert_int_equal(st.freed, 34);
    assert_int_equal(st.n_top, PS_DUMP_TOP);
    for (unsigned i = 1; i < st.n_top; i++)
        assert_true(st.top[i - 1].size >= st.top[i].size);
    /* the largest alive one: check against a plain scan */
    uint32_t best = 0;
    for (uint32_t i = 0; i < 100; i++)
        if (i % 3u != 0u && (i * 37u) % 101u > best)
            best = (i * 37u) % 101u;
    assert_int_equal(st.top[0].size, best);
    ps_event_t again = { 0, 0x10, 5, PS_EV_ALLOC, 0, 0 };
    ps_dump_stats_add(&st, &again);
    assert_int_equal(st.records, 1);
    assert_int_equal(st.restarts, 1);
    assert_int_equal(ps_dump_bucket(0), 0);
    assert_int_equal(ps_dump_bucket(1), 1);
    assert_int_equal(ps_dump_bucket(4096), 13);
    assert_int_equal(ps_dump_bucket(UINT32_MAX), 32);
}

/* The sysview report's own figures against the replay. */
static void test_sysview_check(void **state)
{
    (void)state;
    ps_trace_info_t in;
    memset(&in, 0, sizeof in);
    in.format = PS_FMT_SYSVIEW;
    in.events = 99;
    in.report_seen = in.report_events_seen = in.report_leaks_seen = 1;
    in.report_events = 99;
    in.report_leaked_bytes = 17706;
    in.report_leaked_blocks = 45;
    in.report_listed = 45;
    in.report_listed_bytes = 17706;
    ps_result_t res;
    memset(&res, 0, sizeof res);
    res.end_live_count = 45;
    res.end_live_bytes = 17706;
    FILE *f = tmpfile();
    assert_int_equal(ps_report_sysview_check(f, &in, res.end_live_count, res.end_live_bytes), 0);
    char *out = slurp(f);
    assert_non_null(strstr(out, "\"Processed 99 heap events.\", 99 were read before it: agree"));
    assert_non_null(strstr(out, "17706 leaked bytes in 45 blocks, the replay ends with 45 blocks of 17706 bytes "
                                "alive: agree"));
    in.events = 117; /* the report's repeats replayed as new allocations would look like this */
    res.end_live_count = 90;
    f = tmpfile();
    assert_int_equal(ps_report_sysview_check(f, &in, res.end_live_count, res.end_live_bytes), 2);
    out = slurp(f);
    assert_non_null(strstr(out, "117 were read before it: DISAGREE"));
    assert_non_null(strstr(out, "WARNING: 2 of the trace's own figures disagree"));
    assert_null(strstr(out, "every core's file"));
    /* the tool stopped at a duplicate allocation: say what usually causes it */
    snprintf(in.tool_error, sizeof in.tool_error, "[ERROR] Failed to process trace (Duplicate alloc @ 0x3ffb8010!");
    f = tmpfile();
    (void)ps_report_sysview_check(f, &in, res.end_live_count, res.end_live_bytes);
    out = slurp(f);
    assert_non_null(strstr(out, "its output may end early: [ERROR] Failed to process trace (Duplicate alloc"));
    assert_non_null(strstr(out, "every core's file"));
}

static void test_verdicts_and_csv(void **state)
{
    (void)state;
    ps_engine_cfg_t cfg;
    memset(&cfg, 0, sizeof cfg);
    char err[200];
    assert_int_equal(ps_tiers_parse("64x1", cfg.tiers, &cfg.n_tiers, err, sizeof err), 0);
    cfg.heap.arena_size = 4096;
    ps_event_t ev[3] = {
        { 0, 1, 40, PS_EV_ALLOC, 0, 0 },
        { 1000, 2, 40, PS_EV_ALLOC, 0, 0 },   /* the pool's one block is taken */
        { 2000, 3, 8000, PS_EV_ALLOC, 0, 0 }, /* too big for both */
    };
    ps_array_cursor_t cur;
    ps_result_t res;
    assert_int_equal(ps_engine_run(&cfg, ps_source_array(&cur, ev, 3), &res, err, sizeof err), 0);
    FILE *f = tmpfile();
    assert_non_null(f);
    ps_report_verdicts(f, &res, &cfg, NULL, NULL);
    char *out = slurp(f);
    assert_non_null(strstr(out, "verdict heap (ESP-IDF 6.0.2, 4096 B in 1 region): FAILS: 1 of 3 allocations failed"));
    assert_non_null(strstr(out, ">4096 B: 1"));
    assert_non_null(strstr(out, "verdict pools (64x1,"));
    assert_non_null(strstr(out, "FAILS: 2 of 3 allocations failed, the first at 0.000 s"));

    const char *path = "poolsim-test-report.csv";
    FILE *w = fopen(path, "w");
    assert_non_null(w);
    assert_int_equal(ps_report_csv(w, &res), 0);
    assert_int_equal(fclose(w), 0);
    FILE *c = fopen(path, "r");
    assert_non_null(c);
    char line[512];
    assert_non_null(fgets(line, sizeof line, c));
    assert_non_null(strstr(line, "heap_total_free"));
    int rows = 0;
    while (fgets(line, sizeof line, c))
        rows++;
    fclose(c);
    remove(path);
    assert_int_equal(rows, (int)res.n_samples);
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        setvbuf(full, NULL, _IONBF, 0);
        assert_int_equal(ps_report_csv(full, &res), -1); /* a failed write is reported */
        fclose(full);
    }
    ps_result_free(&res);
}

static void test_time_format(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(ps_fmt_time(0, b, sizeof b), "0.000 s");
    assert_string_equal(ps_fmt_time(1500000000ull, b, sizeof b), "1.500 s");
    assert_string_equal(ps_fmt_time(90ull * 1000000000ull, b, sizeof b), "1.5 min");
    assert_string_equal(ps_fmt_time(27ull * 360ull * 1000000000ull * 10ull + 1, b, sizeof b), "27.0 h");
}

static void test_heap_search_lines(void **state)
{
    (void)state;
    ps_plan_t plan;
    memset(&plan, 0, sizeof plan);
    plan.storage = 67408;
    ps_heap_search_t hs = { PS_HEAP_SEARCH_FOUND, 37120, 36864 };
    FILE *f = tmpfile();
    assert_non_null(f);
    ps_report_heap_search(f, &hs, &plan);
    assert_string_equal(slurp(f),
                        "  heap search: the heap model serves the stream with no failure in a single "
                        "heap region of 37120 B (36864 B fails; found by bisection in 256 B steps), against 67408 B of "
                        "pool storage\n");
    hs = (ps_heap_search_t){ PS_HEAP_SEARCH_AT_PEAK, 32000, 0 };
    f = tmpfile();
    ps_report_heap_search(f, &hs, &plan);
    assert_string_equal(slurp(f), "  heap search: a single heap region of 32000 B (the smallest whose fresh free "
                                  "counter holds the peak need) already serves the stream with no failure, against "
                                  "67408 B of pool storage\n");
    hs = (ps_heap_search_t){ PS_HEAP_SEARCH_NONE, 0, 536870912 };
    f = tmpfile();
    ps_report_heap_search(f, &hs, &plan);
    assert_string_equal(slurp(f), "  heap search: no single heap region up to 536870912 B serves the stream without "
                                  "failure\n");
}

static void test_sweep_table_and_csv(void **state)
{
    (void)state;
    ps_sweep_cfg_t c;
    memset(&c, 0, sizeof c);
    c.levels = (ps_range_t){ 0, 16384 };
    c.step = 8192;
    FILE *f = tmpfile();
    assert_non_null(f);
    ps_report_sweep_head(f, &c, "seed 1, 1 simulated hours\n");
    ps_sweep_row_t ok = { 0, 43381, 0, 0, PS_NEVER, PS_NEVER, 163840, 150000 };
    ps_sweep_row_t bad = { 16384, 43000, 12, 3, 90ull * 1000000000u, 7200ull * 1000000000u, 3000, 2000 };
    ps_report_sweep_row(f, &ok);
    ps_report_sweep_row(f, &bad);
    ps_report_sweep_tail(f, "sweep.csv");
    char *out = slurp(f);
    assert_non_null(strstr(out, "poolsim sweep: background live set from 0 to 16384 B in steps of 8192 B over "
                                "workload seed 1, 1 simulated hours\n"));
    assert_non_null(strstr(out, "  background |     heap   first heap      worst  min free |     pool   first pool\n"));
    assert_non_null(strstr(out, "           0 |        0            -     163840    150000 |        0            -\n"));
    assert_non_null(strstr(out, "       16384 |       12      1.5 min       3000      2000 |        3        2.0 h\n"));
    assert_non_null(strstr(out, "CSV written to sweep.csv\n"));

    f = tmpfile();
    assert_non_null(f);
    ps_report_sweep_csv_head(f);
    ps_report_sweep_csv_row(f, &ok);
    ps_report_sweep_csv_row(f, &bad);
    assert_string_equal(slurp(f), "background_bytes,allocs,heap_failed,heap_first_fail_s,heap_min_largest,"
                                  "heap_min_free,pool_failed,pool_first_fail_s\n"
                                  "0,43381,0,0,163840,150000,0,0\n"
                                  "16384,43000,12,90,3000,2000,3,7200\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dump_analysis),       cmocka_unit_test(test_dump_stats),
        cmocka_unit_test(test_sysview_check),       cmocka_unit_test(test_verdicts_and_csv),
        cmocka_unit_test(test_time_format),         cmocka_unit_test(test_heap_search_lines),
        cmocka_unit_test(test_sweep_table_and_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
