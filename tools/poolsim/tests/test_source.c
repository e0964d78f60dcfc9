/*
 * Event sources (source.c): the array and trace cursors, the workload source
 * and its rewind, and the tee that copies a stream into tierpool's plain
 * format on the way (read back here with the trace parser).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "source.h"

static size_t drain(ps_source_t src, ps_event_t *out, size_t max)
{
    size_t n = 0;
    ps_event_t ev;
    while (src.next(src.ctx, &ev)) {
        if (n < max)
            out[n] = ev;
        n++;
    }
    return n;
}

static void test_array_and_trace_cursors(void **state)
{
    (void)state;
    ps_event_t ev[3] = {
        { 1000, 0x10, 8, PS_EV_ALLOC, 0, 1 },
        { 2000, 0x20, 16, PS_EV_ALLOC, 0, 2 },
        { 3000, 0x10, 0, PS_EV_FREE, 0, 1 },
    };
    ps_event_t got[4];
    ps_array_cursor_t ac;
    ps_source_t a = ps_source_array(&ac, ev, 3);
    assert_int_equal(drain(a, got, 4), 3);
    assert_memory_equal(got, ev, sizeof ev);
    assert_int_equal(drain(a, got, 4), 0); /* consumed */
    a.rewind(a.ctx);
    assert_int_equal(drain(a, got, 4), 3);

    ps_trace_t tr;
    memset(&tr, 0, sizeof tr);
    tr.ev = ev;
    tr.n = 3;
    ps_trace_cursor_t tc;
    ps_source_t t = ps_source_trace(&tc, &tr);
    assert_int_equal(drain(t, got, 4), 3);
    assert_memory_equal(got, ev, sizeof ev);
    t.rewind(t.ctx);
    assert_int_equal(drain(t, got, 1), 3);
    assert_memory_equal(got, ev, sizeof ev[0]);
}

static void test_workload_rewinds(void **state)
{
    (void)state;
    ps_workload_cfg_t c;
    ps_workload_defaults(&c);
    c.duration_ns = 60ull * 1000000000ull;
    c.net = 0; /* the application's sources only: a short stream */
    char err[200];
    ps_workload_t *w = ps_workload_new(&c, err, sizeof err);
    assert_non_null(w);
    ps_source_t src = ps_source_workload(w);
    enum { MAX = 4096 };
    ps_event_t *a = calloc(MAX, sizeof *a), *b = calloc(MAX, sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    size_t na = drain(src, a, MAX);
    assert_true(na > 100 && na <= MAX);
    src.rewind(src.ctx);
    size_t nb = drain(src, b, MAX);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na * sizeof *a);
    free(a);
    free(b);
    ps_workload_free(w);
}

static const char *names(unsigned task)
{
    return task == 1 ? "net" : task == 2 ? "cmd" : "";
}

/* The tee passes every event on unchanged and writes it in the plain format,
 * which parses back to the same events (times in whole microseconds). */
static void test_tee_round_trip(void **state)
{
    (void)state;
    ps_event_t ev[4] = {
        { 1000, 0x3fc80000, 1500, PS_EV_ALLOC, 0, 1 },
        { 1999, 0x3fc80800, 64, PS_EV_ALLOC, 0, 0 }, /* 1.999 us: written as 1 */
        { 5000, 0x3fc80800, 0, PS_EV_FREE, 0, 2 },
        { 9000, UINT64_MAX, 0, PS_EV_FREE, 0, 0 },
    };
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(ps_plain_write_header(f, "from the test"), 0);
    ps_array_cursor_t ac;
    ps_tee_cursor_t tee;
    ps_source_t src = ps_source_tee(&tee, ps_source_array(&ac, ev, 4), f, names);
    assert_null(src.rewind); /* the copy is written once */
    ps_event_t got[4];
    assert_int_equal(drain(src, got, 4), 4);
    assert_memory_equal(got, ev, sizeof ev);
    assert_int_equal(tee.write_error, 0);
    char text[512];
    rewind(f);
    size_t len = fread(text, 1, sizeof text - 1, f);
    text[len] = '\0';
    fclose(f);
    assert_string_equal(text, "tpev 2\n# from the test\n"
                              "A 1 0x3fc80000 1500 net\n"
                              "A 1 0x3fc80800 64\n"
                              "F 5 0x3fc80800 cmd\n"
                              "F 9 0xffffffffffffffff\n");
    ps_trace_t tr;
    ps_trace_error_t e;
    assert_int_equal(ps_trace_parse("tee", text, len, &tr, &e), 0);
    assert_int_equal(tr.n, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(tr.ev[i].t_ns, ev[i].t_ns / 1000u * 1000u);
        assert_int_equal(tr.ev[i].addr, ev[i].addr);
        assert_int_equal(tr.ev[i].size, ev[i].size);
        assert_int_equal(tr.ev[i].kind, ev[i].kind);
        assert_string_equal(tr.tasks[tr.ev[i].task], names(ev[i].task));
    }
    ps_trace_free(&tr);
}

/* A write that fails is remembered (here: an unbuffered stream on /dev/full). */
static void test_tee_write_error(void **state)
{
    (void)state;
    FILE *f = fopen("/dev/full", "w");
    if (f == NULL) {
        skip();
    }
    setvbuf(f, NULL, _IONBF, 0);
    ps_event_t ev[1] = { { 1000, 0x10, 8, PS_EV_ALLOC, 0, 1 } };
    ps_array_cursor_t ac;
    ps_tee_cursor_t tee;
    ps_source_t src = ps_source_tee(&tee, ps_source_array(&ac, ev, 1), f, names);
    ps_event_t got[1];
    assert_int_equal(drain(src, got, 1), 1);
    assert_int_equal(tee.write_error, 1);
    fclose(f);
}

static void test_interval_for_span(void **state)
{
    (void)state;
    assert_int_equal(ps_engine_interval_for_span(0), 1000000u);
    assert_int_equal(ps_engine_interval_for_span(24000000u), 1000000u);
    assert_int_equal(ps_engine_interval_for_span(48000000u), 2000000u);
    assert_int_equal(ps_engine_interval_for_span(24ull * 3600u * 1000000000u), 3600ull * 1000000000u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_array_and_trace_cursors),
        cmocka_unit_test(test_workload_rewinds),
        cmocka_unit_test(test_tee_round_trip),
        cmocka_unit_test(test_tee_write_error),
        cmocka_unit_test(test_interval_for_span),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
