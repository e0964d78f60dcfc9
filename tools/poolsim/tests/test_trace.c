/*
 * test_trace.c - the trace parsers (ps_trace.c): every format, every error
 * path, and the shipped sample traces, whose expected counts are computed
 * here independently of the parser (by counting lines with plain string
 * matching).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ps_trace.h"

#ifndef TP_DATA_DIR
#error "TP_DATA_DIR must name tests/data"
#endif

static int parse(const char *text, ps_trace_t *t, ps_trace_error_t *e)
{
    memset(e, 0, sizeof *e);
    return ps_trace_parse("mem.log", text, strlen(text), t, e);
}

static void expect_error(const char *text, size_t line, const char *fragment)
{
    ps_trace_t t;
    ps_trace_error_t e;
    assert_int_equal(parse(text, &t, &e), -1);
    assert_int_equal(e.line, line);
    assert_string_equal(e.file, "mem.log");
    if (strstr(e.message, fragment) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", e.message, fragment);
    }
    assert_null(t.ev); /* nothing left allocated, no partial trace */
    assert_int_equal(t.n, 0);
}

static void test_plain(void **state)
{
    (void)state;
    ps_trace_t t;
    ps_trace_error_t e;
    assert_int_equal(parse("# c\n\ntpev 1\nA 10 0x3fc80000 100 net\nF 25 3fc80000\n"
                           "A 30 0xFFFFFFFFFFFFFFFF 4294967295 net", &t, &e), 0);
    assert_int_equal(t.format, PS_FMT_PLAIN);
    assert_int_equal(t.has_free_times, 1);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.ev[0].kind, PS_EV_ALLOC);
    assert_int_equal(t.ev[0].t_ns, 10000);
    assert_int_equal(t.ev[0].addr, 0x3fc80000u);
    assert_int_equal(t.ev[0].size, 100);
    assert_string_equal(t.tasks[t.ev[0].task], "net");
    assert_int_equal(t.ev[1].kind, PS_EV_FREE);
    assert_int_equal(t.ev[1].task, 0);
    assert_int_equal(t.ev[2].addr, UINT64_MAX);
    assert_int_equal(t.ev[2].size, UINT32_MAX);
    assert_int_equal(t.ev[2].task, t.ev[0].task); /* interned once */
    ps_trace_free(&t);
}

static void test_plain_errors(void **state)
{
    (void)state;
    expect_error("tpev 2\n", 1, "tpev 1");
    expect_error("tpev 1\nX 1 0x10 5\n", 2, "expected an event");
    expect_error("tpev 1\nA x 0x10 5\n", 2, "bad time");
    expect_error("tpev 1\nA 1 0xZZ 5\n", 2, "bad address");
    expect_error("tpev 1\nA 1 0x10000000000000000 5\n", 2, "bad address"); /* 17 digits */
    expect_error("tpev 1\nA 1 0x10 4294967296\n", 2, "bad size");
    expect_error("tpev 1\nA 1 0x10\n", 2, "bad size"); /* missing field */
    expect_error("tpev 1\nA 1 0x10 5 task extra\n", 2, "after the task");
    expect_error("tpev 1\nF 1 0x10x\n", 2, "unexpected characters");
    expect_error("tpev 1\nA 1 0x10 5\nA 2 0x2", 3, "bad size"); /* cut short */
}

static void test_sysview(void **state)
{
    (void)state;
    ps_trace_t t;
    ps_trace_error_t e;
    assert_int_equal(
        parse("[0.002258425] HEAP: Allocated 2 bytes @ 0x3ffaffe0 from task \"alloc\" on core 0 by:\n"
              "0x400d1234: alloc_task at main.c:12\n"
              "    0x40081234: vPortTaskWrapper\n"
              "\n"
              "[12.5] HEAP: Freed bytes @ 0x3ffaffe0 from task \"free\" on core 1 by:\r\n"
              "Found 2 leaked bytes in 1 blocks.\n", &t, &e), 0);
    assert_int_equal(t.format, PS_FMT_SYSVIEW);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.ev[0].t_ns, 2258425);
    assert_int_equal(t.ev[0].size, 2);
    assert_string_equal(t.tasks[t.ev[0].task], "alloc");
    assert_int_equal(t.ev[1].t_ns, 12500000000ull);
    assert_int_equal(t.ev[1].kind, PS_EV_FREE);
    assert_string_equal(t.tasks[t.ev[1].task], "free");
    ps_trace_free(&t);

    expect_error("[1.0] HEAP: Allocated 2 bytes @ 0x10 from task \"a\" on core 0 by:\nnonsense\n", 2,
                 "[seconds]");
    expect_error("[1.] HEAP: Freed bytes @ 0x10 from task \"a\" on core 0 by:\n", 1, "[seconds]");
    expect_error("[1.0] HEAP: Moved 2 bytes\n", 1, "'Allocated' or 'Freed'");
    expect_error("[1.0] HEAP: Allocated x bytes @ 0x10 from task \"a\" on core 0 by:\n", 1,
                 "Allocated N bytes");
    expect_error("[1.0] HEAP: Freed bytes @ 0x10 from task \"a", 1, "not terminated");
    expect_error("[1.0] HEAP: Freed bytes @ 0x10 from task \"a\" on core 0\n", 1, "on core N by:");
}

static void test_dump(void **state)
{
    (void)state;
    ps_trace_t t;
    ps_trace_error_t e;
    assert_int_equal(
        parse("====== Heap Trace: 2 records (8 capacity) ======\n"
              "    6 bytes (@ 0x3fc9f620, Internal) allocated CPU 0 ccount 0x1a31ac84 caller 0x40376321:0x40376379\n"
              "freed by 0x403764a1:0x40376379\n"
              "   24 bytes (@ 0x3fcb5068,    PSRAM) allocated CPU 1 ccount 0x1e7b1dfc\n"
              "====== Heap Trace Summary ======\n"
              "Mode: Heap Trace All\n"
              "total allocations: 7\n"
              "total frees: 5\n"
              "(NB: Internal Buffer has overflowed, so trace data is incomplete.)\n"
              "================================\n", &t, &e), 0);
    assert_int_equal(t.format, PS_FMT_DUMP);
    assert_int_equal(t.has_free_times, 0);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.ev[0].freed, 1);
    assert_int_equal(t.ev[1].freed, 0);
    assert_int_equal(t.ev[1].size, 24);
    assert_int_equal(t.ev[1].t_ns, 1); /* record order */
    assert_int_equal(t.dump_total_allocations, 7);
    assert_int_equal(t.dump_total_frees, 5);
    assert_int_equal(t.dump_overflowed, 1);
    ps_trace_free(&t);

    expect_error("====== Heap Trace: 1 records ======\nfreed by 0x1:0x2\n", 2, "before any record");
    expect_error("====== Heap Trace: 1 records ======\n  6 bytes (@ 0x10, Flash) allocated CPU 0 ccount 0x1\n",
                 2, "Internal");
    expect_error("====== Heap Trace: 1 records ======\n  6 bytes (@ 0x10, Internal) allocated CPU 0 ccount 0x1 junk\n",
                 2, "end of the record");
    expect_error("====== Heap Trace: 1 records ======\n  6 bytes (@ 0x10, Internal) allocated CPU 0 ccount 0x1 caller 0xZ\n",
                 2, "caller");
}

static void test_detection_and_input_errors(void **state)
{
    (void)state;
    expect_error("", 0, "empty");
    expect_error("# only a comment\n\n", 0, "empty");
    expect_error("hello\n", 1, "unknown trace format");
    static const char with_nul[] = "tpev 1\nA 1 0x10\0 5\n";
    ps_trace_t t;
    ps_trace_error_t e;
    assert_int_equal(ps_trace_parse("nul.tpev", with_nul, sizeof with_nul - 1u, &t, &e), -1);
    assert_int_equal(e.line, 2);
    assert_non_null(strstr(e.message, "NUL"));
    assert_int_equal(ps_trace_load(TP_DATA_DIR "/no_such_file.log", &t, &e), -1);
    assert_non_null(strstr(e.message, "cannot open"));
    assert_string_equal(ps_format_name(PS_FMT_DUMP), "dump");
}

static void test_many_tasks(void **state)
{
    (void)state;
    static char text[PS_MAX_TASKS * 96 + 96];
    size_t n = (size_t)snprintf(text, sizeof text, "tpev 1\n");
    for (int i = 0; i < PS_MAX_TASKS + 5; i++) {
        n += (size_t)snprintf(text + n, sizeof text - n, "A %d 0x%x 8 task_%d_with_a_name_much_longer_than_the_table_keeps\n",
                              i, 16 * (i + 1), i);
    }
    ps_trace_t t;
    ps_trace_error_t e;
    assert_int_equal(parse(text, &t, &e), 0);
    assert_int_equal(t.n_tasks, PS_MAX_TASKS);
    assert_int_equal(t.ev[PS_MAX_TASKS + 4].task, 0); /* beyond the table: unknown, not an error */
    assert_int_equal(strlen(t.tasks[1]), PS_TASK_NAME_MAX - 1); /* truncated safely */
    ps_trace_free(&t);
}

/* Count lines of a file starting with a prefix, and those containing a word. */
static size_t count_lines(const char *path, const char *prefix, const char *contains)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    size_t n = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, prefix, strlen(prefix)) == 0 &&
            (contains == NULL || strstr(line, contains) != NULL)) {
            n++;
        }
    }
    fclose(f);
    return n;
}

static void check_sample(const char *file, ps_format_t format, size_t allocs, size_t frees,
                         size_t freed_flags)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", TP_DATA_DIR, file);
    ps_trace_t t;
    ps_trace_error_t e;
    if (ps_trace_load(path, &t, &e) != 0) {
        fail_msg("%s:%zu: %s", e.file, e.line, e.message);
    }
    size_t a = 0, f = 0, ff = 0;
    for (size_t i = 0; i < t.n; i++) {
        a += t.ev[i].kind == PS_EV_ALLOC;
        f += t.ev[i].kind == PS_EV_FREE;
        ff += t.ev[i].freed;
    }
    assert_int_equal(t.format, format);
    assert_int_equal(a, allocs);
    assert_int_equal(f, frees);
    assert_int_equal(ff, freed_flags);
    ps_trace_free(&t);
}

static void test_samples(void **state)
{
    (void)state;
    const char *d = TP_DATA_DIR;
    char p[512];
    snprintf(p, sizeof p, "%s/device_1h.tpev", d);
    const size_t a = count_lines(p, "A ", NULL), f = count_lines(p, "F ", NULL);
    assert_true(a > 500);
    check_sample("device_1h.tpev", PS_FMT_PLAIN, a, f, 0);
    check_sample("device_1h.sysview", PS_FMT_SYSVIEW, a, f, 0); /* the same events */
    snprintf(p, sizeof p, "%s/dump_xtensa.txt", d);
    check_sample("dump_xtensa.txt", PS_FMT_DUMP, count_lines(p, " ", "allocated CPU"), 0,
                 count_lines(p, " ", " freed") + count_lines(p, "freed by", NULL));
    snprintf(p, sizeof p, "%s/dump_riscv.txt", d);
    check_sample("dump_riscv.txt", PS_FMT_DUMP, count_lines(p, " ", "allocated CPU"), 0,
                 count_lines(p, " ", " freed"));
    snprintf(p, sizeof p, "%s/plain_small.tpev", d);
    check_sample("plain_small.tpev", PS_FMT_PLAIN, count_lines(p, "A ", NULL), count_lines(p, "F ", NULL), 0);

    ps_trace_t t;
    ps_trace_error_t e;
    snprintf(p, sizeof p, "%s/bad_truncated.tpev", d);
    assert_int_equal(ps_trace_load(p, &t, &e), -1);
    assert_int_equal(e.line, 3);
    assert_non_null(strstr(e.file, "bad_truncated.tpev"));
}

/* The plain-format writer: what it writes parses back; span of a trace. */
static void test_plain_writer(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    const ps_event_t a = { 12345678, 0xabc, 7, PS_EV_ALLOC, 0, 0 };
    const ps_event_t fr = { 22345678, 0xabc, 0, PS_EV_FREE, 0, 0 };
    assert_int_equal(ps_plain_write_header(f, NULL), 0);
    assert_int_equal(ps_plain_write_event(f, &a, NULL), 0);
    assert_int_equal(ps_plain_write_event(f, &fr, "t"), 0);
    char text[256];
    rewind(f);
    size_t len = fread(text, 1, sizeof text - 1, f);
    text[len] = '\0';
    fclose(f);
    assert_string_equal(text, "tpev 1\nA 12345 0xabc 7\nF 22345 0xabc t\n");
    ps_trace_t t;
    ps_trace_error_t e;
    assert_int_equal(parse(text, &t, &e), 0);
    assert_int_equal(t.n, 2);
    assert_int_equal(ps_trace_span_ns(&t), 22345000u);
    ps_trace_free(&t);
    memset(&t, 0, sizeof t);
    assert_int_equal(ps_trace_span_ns(&t), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_plain_errors),
        cmocka_unit_test(test_sysview),
        cmocka_unit_test(test_dump),
        cmocka_unit_test(test_detection_and_input_errors),
        cmocka_unit_test(test_many_tasks),
        cmocka_unit_test(test_samples),
        cmocka_unit_test(test_plain_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
