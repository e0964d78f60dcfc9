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
    ps_trace_t tr;
    memset(&tr, 0, sizeof tr);
    tr.format = PS_FMT_DUMP;
    tr.ev = ev;
    tr.n = 4;
    tr.dump_total_allocations = 10;
    tr.dump_total_frees = 8;
    tr.dump_overflowed = 1;
    FILE *f = tmpfile();
    assert_non_null(f);
    ps_report_dump(f, "dump.txt", &tr);
    char *out = slurp(f);
    assert_non_null(strstr(out, "cannot replay it in time"));
    assert_non_null(strstr(out, "records: 4 (5627 bytes requested), 2 freed, 2 still alive holding 5024 bytes"));
    assert_non_null(strstr(out, "10 allocations, 8 frees"));
    assert_non_null(strstr(out, "overflowed"));
    /* leak candidates, largest first */
    char *big = strstr(out, "5000 bytes @ 0x3fc90010");
    char *small = strstr(out, "24 bytes @ 0x3fc92000");
    assert_non_null(big);
    assert_non_null(small);
    assert_true(big < small);
    assert_null(strstr(out, "@ 0x3fc90000")); /* freed: not a candidate */
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
        { 1000, 2, 40, PS_EV_ALLOC, 0, 0 },     /* the pool's one block is taken */
        { 2000, 3, 8000, PS_EV_ALLOC, 0, 0 },   /* too big for both */
    };
    ps_array_cursor_t cur;
    ps_result_t res;
    assert_int_equal(ps_engine_run(&cfg, ps_source_array(&cur, ev, 3), &res, err, sizeof err), 0);
    FILE *f = tmpfile();
    assert_non_null(f);
    ps_report_verdicts(f, &res, &cfg);
    char *out = slurp(f);
    assert_non_null(strstr(out, "verdict heap (4096 B arena): FAILS: 1 of 3 allocations failed"));
    assert_non_null(strstr(out, ">4096 B: 1"));
    assert_non_null(strstr(out, "verdict pools (64x1,"));
    assert_non_null(strstr(out, "FAILS: 2 of 3 allocations failed, the first at 0.000 s"));

    const char *path = "poolsim-test-report.csv";
    assert_int_equal(ps_report_csv(path, &res), 0);
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
    assert_int_equal(ps_report_csv("/nonexistent-dir/x.csv", &res), -1);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dump_analysis),
        cmocka_unit_test(test_verdicts_and_csv),
        cmocka_unit_test(test_time_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
