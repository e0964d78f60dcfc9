/*
 * test_trace.c - the trace readers (ps_trace.c, ps_read_*.c, ps_lines.c) on
 * hand-written inputs: every line shape of every format and generation, the
 * decorations a serial monitor adds, every error path, the reader's rewind,
 * and the plain-format writer. The files of tests/data/esp-idf are checked in
 * test_esp_idf.c.
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

static void parse_ok(const char *text, ps_trace_t *t)
{
    ps_trace_error_t e;
    if (parse(text, t, &e) != 0) {
        fail_msg("%s:%llu: %s", e.file, (unsigned long long)e.line, e.message);
    }
}

static void expect_error(const char *text, uint64_t line, const char *fragment)
{
    ps_trace_t t;
    ps_trace_error_t e;
    assert_int_equal(parse(text, &t, &e), -1);
    if (e.line != line || strstr(e.message, fragment) == NULL) {
        fail_msg("line %llu \"%s\": expected line %llu with \"%s\"", (unsigned long long)e.line, e.message,
                 (unsigned long long)line, fragment);
    }
    assert_string_equal(e.file, "mem.log");
    assert_null(t.ev); /* nothing left allocated, no partial trace */
    assert_int_equal(t.n, 0);
}

static const char *task(const ps_trace_t *t, size_t i)
{
    return t->tasks[t->ev[i].task];
}

/* ---- plain ---- */

static void test_plain(void **state)
{
    (void)state;
    ps_trace_t t;
    parse_ok("# c\n\ntpev 1\nA 10 0x3fc80000 100 net\nF 25 3fc80000\n"
             "A 30 0xFFFFFFFFFFFFFFFF 4294967295 net",
             &t);
    assert_int_equal(t.info.format, PS_FMT_PLAIN);
    assert_int_equal(t.info.plain_version, 1);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.ev[0].kind, PS_EV_ALLOC);
    assert_int_equal(t.ev[0].t_ns, 10000);
    assert_int_equal(t.ev[0].addr, 0x3fc80000u);
    assert_int_equal(t.ev[0].size, 100);
    assert_string_equal(task(&t, 0), "net");
    assert_int_equal(t.ev[1].kind, PS_EV_FREE);
    assert_int_equal(t.ev[1].task, 0);
    assert_int_equal(t.ev[2].addr, UINT64_MAX);
    assert_int_equal(t.ev[2].size, UINT32_MAX);
    assert_int_equal(t.ev[2].task, t.ev[0].task); /* interned once */
    assert_int_equal(t.info.skipped, 0);
    ps_trace_free(&t);

    /* revision 2: quoted names; lines that are no events are skipped and counted */
    parse_ok("I (120) boot: starting\ntpev 2\nA 1 0x10 8 \"Tmr Svc\"\nX 2 0x10 5\nF 3 0x10 \"a\\\"b\\x0a\"\n"
             "I (130) app: hello\ntpev 2\nF 4 0x20 IDLE\n",
             &t);
    assert_int_equal(t.info.plain_version, 2);
    assert_int_equal(t.n, 3);
    assert_string_equal(task(&t, 0), "Tmr Svc");
    assert_string_equal(task(&t, 1), "a\"b\n");
    assert_string_equal(task(&t, 2), "IDLE");
    assert_int_equal(t.info.skipped, 3);     /* two ESP_LOG lines and the X line */
    assert_int_equal(t.info.trace_lines, 2); /* both headers */
    ps_trace_free(&t);
}

static void test_plain_errors(void **state)
{
    (void)state;
    expect_error("tpev 3\n", 1, "revisions 1 to 2");
    expect_error("tpev 1\nA x 0x10 5\n", 2, "bad time");
    expect_error("tpev 1\nA 1 0xZZ 5\n", 2, "bad address");
    expect_error("tpev 1\nA 1 0x10000000000000000 5\n", 2, "bad address"); /* 17 digits */
    expect_error("tpev 1\nA 1 0x10 4294967296\n", 2, "bad size");
    expect_error("tpev 1\nA 1 0x10\n", 2, "bad size"); /* missing field */
    expect_error("tpev 1\nA 1 0x10 5 task extra\n", 2, "after the task");
    expect_error("tpev 1\nF 1 0x10x\n", 2, "unexpected characters");
    expect_error("tpev 1\nA 1 0x10 5\nA 2 0x2", 3, "bad size"); /* cut short */
    expect_error("tpev 2\nA 1 0x10 5 a\"b\n", 2, "must be quoted");
    expect_error("tpev 2\nA 1 0x10 5 \"ab\n", 2, "closing");
    expect_error("tpev 1\nA 18446744073709552 0x10 5\n", 2, "2^64 ns"); /* us * 1000 overflows */
    expect_error("tpev 1\nF\n", 2, "bad time");
    /* a name is a C string: cut at a NUL byte (found by fuzz_trace) */
    ps_trace_t t;
    parse_ok("tpev 2\nA 1 0x10 8 \"\\x00abc\"\nA 2 0x20 8 \"ab\\x00c\"\nA 3 0x30 8 ab\n", &t);
    assert_int_equal(t.ev[0].task, 0);
    assert_string_equal(task(&t, 1), "ab");
    assert_int_equal(t.ev[2].task, t.ev[1].task);
    ps_trace_free(&t);
}

/* ---- sysview ---- */

static void test_sysview_shapes(void **state)
{
    (void)state;
    ps_trace_t t;
    /* -p without an ELF: callers on the line; IRQ context; a task name with a
     * space and one with quotes; 'None' context; LOG and FUNC records */
    parse_ok("Parse trace from '/tmp/heap.svdat'...\n"
             "Stop parsing trace. (Timeout 0.000000 sec while reading 1 bytes!)\n"
             "Process events from '['/tmp/heap.svdat']'...\n"
             "[0.002258425] HEAP: Allocated 2 bytes @ 0x3ffaffe0 from task \"Tmr Svc\" on core 0 by: "
             "0x40081eff:0x40081f34\n"
             "[0.002300000] LOG: I (297) example: two lines\nof log\n"
             "[0.002400000] HEAP: Allocated 40 bytes @ 0x3ffb0000 from IRQ \"a\" on core 1\" on core 1 by: \n"
             "[0.002500000] FUNC: enter 0x400d1234 from task \"main\" on core 0 (called at 0x400d1200)\n"
             "[12.5] HEAP: Freed bytes @ 0x3ffaffe0 from task \"None\" on core 1 by: 0x40081eff:\n"
             "Processing completed.\n",
             &t);
    assert_int_equal(t.info.format, PS_FMT_SYSVIEW);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.ev[0].t_ns, 2258425);
    assert_int_equal(t.ev[0].size, 2);
    assert_string_equal(task(&t, 0), "Tmr Svc");
    assert_string_equal(task(&t, 1), "a\" on core 1"); /* the last '" on core ' ends the name */
    assert_int_equal(t.ev[2].t_ns, 12500000000ull);
    assert_int_equal(t.ev[2].kind, PS_EV_FREE);
    assert_string_equal(task(&t, 2), "None");
    assert_int_equal(t.info.skipped, 4); /* the four banner lines */
    assert_int_equal(t.info.report_seen, 0);
    ps_trace_free(&t);

    /* -b ELF: one addr2line line per caller, a blank line after; any path shape */
    parse_ok("[0.001] HEAP: Allocated 8 bytes @ 0x3ffb68a0 from task \"main\" on core 0 by: \n"
             "/Users/x/esp-idf/components/heap/heap_caps.c:84\n"
             "C:/esp/esp-idf/components/freertos/app_startup.c:209 (discriminator 10)\n"
             "??:0\n"
             "??:?\n"
             "\n"
             "[0.002] HEAP: Freed bytes @ 0x3ffb68a0 from task \"main\" on core 0 by: \n"
             "/Users/x/main.c:31 (discriminator 9)\n",
             &t);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.info.trace_lines, 5);
    assert_int_equal(t.info.skipped, 0);
    ps_trace_free(&t);

    /* a LOG message without a line end of its own: the next record follows on its line */
    parse_ok("[0.1] LOG: no newline[0.2] HEAP: Allocated 4 bytes @ 0x10 from task \"t\" on core 0 by: 0x1\n"
             "[0.3] LOG: again [0.4] LOG: and [0.5] HEAP: Freed bytes @ 0x10 from task \"t\" on core 0 by: 0x1\n",
             &t);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.ev[0].t_ns, 200000000);
    assert_int_equal(t.ev[1].t_ns, 500000000);
    ps_trace_free(&t);
}

/* -d: EVENT lines. With -p too, each heap event is read once (from its HEAP
 * line, which names the task); with -d alone the EVENT lines are the events. */
static void test_sysview_dump_events(void **state)
{
    (void)state;
    static const char d_and_p[] =
        "EVENT[0]: 0.000000000 - core[0].svTraceStart(10), plen 0: []\n"
        "EVENT[1]: 0.001637325 - core[0].esp_sysview_heap_trace_alloc(512), plen 40: [addr: 1073440928, "
        "size: 8, callers: [1074274047, 0, 0]]\n"
        "[0.001637325] HEAP: Allocated 8 bytes @ 0x3ffb68a0 from task \"main\" on core 0 by: \n"
        "/x/heap_caps.c:84\n"
        "\n"
        "EVENT[2]: 0.002742275 - core[0].svPrint(26), plen 69: [msg: I (297) example: two\n"
        ", lvl: 0, unused: 0]\n"
        "[0.002742275] LOG: I (297) example: two\n"
        "EVENT[3]: 0.003000000 - core[1].esp_sysview_heap_trace_free(513), plen 30: [addr: 1073440928, "
        "callers: [1074274047, 0]]\n"
        "[0.003000000] HEAP: Freed bytes @ 0x3ffb68a0 from task \"b\" on core 1 by: \n"
        "/x/heap.c:1\n"
        "\n";
    ps_trace_t t;
    parse_ok(d_and_p, &t);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.info.sysview_from_dump_events, 0);
    assert_string_equal(task(&t, 0), "main");
    assert_string_equal(task(&t, 1), "b");
    assert_int_equal(t.ev[0].addr, 0x3ffb68a0u);
    assert_int_equal(t.info.skipped, 0);
    ps_trace_free(&t);

    static const char d_only[] =
        "EVENT[1]: 0.001637325 - core[0].esp_sysview_heap_trace_alloc(512), plen 40: [addr: 1073440928, "
        "size: 8, callers: [1074274047, 0, 0]]\n"
        "EVENT[2]: 0.002 - core[0].svIdle(17), plen 0: []\n"
        "EVENT[3]: 0.003000000 - core[1].esp_sysview_heap_trace_free(513), plen 30: [addr: 1073440928, "
        "callers: []]\n"
        "EVENT[4]: 0.004 - core[1].esp_sysview_heap_trace_alloc(512), plen 40: [addr: 16, size: 4, callers: []]\n"
        "=============== HEAP TRACE REPORT ===============\n"
        "Processed 3 heap events.\n"
        "[0.004000000] HEAP: Allocated 4 bytes @ 0x10 from task \"x\" on core 1 by: \n"
        "\n"
        "Found 4 leaked bytes in 1 blocks.\n";
    parse_ok(d_only, &t);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.info.sysview_from_dump_events, 1);
    assert_int_equal(t.ev[0].size, 8);
    assert_int_equal(t.ev[1].kind, PS_EV_FREE);
    assert_int_equal(t.ev[2].addr, 16);
    assert_int_equal(t.info.report_events, 3);
    assert_int_equal(t.info.report_listed, 1);
    ps_trace_free(&t);

    expect_error("EVENT[1]: 0.1 - core[0].esp_sysview_heap_trace_alloc(512), plen 40: [addr: x]\n", 1, "heap EVENT");
    expect_error("EVENT[1]: 0.1 - core[0].esp_sysview_heap_trace_free(512), plen 40: [addr: 1, callers: [1]\n", 1,
                 "']]'");
    expect_error("EVENT[1]: 0.1 core\n", 1, "EVENT[N]: SECS");
}

/* The closing report: figures kept, its allocations not replayed. */
static void test_sysview_report(void **state)
{
    (void)state;
    ps_trace_t t;
    parse_ok("[1.0] HEAP: Allocated 2 bytes @ 0x10 from task \"a\" on core 0 by: 0x1\n"
             "[2.0] HEAP: Allocated 6 bytes @ 0x20 from task \"a\" on core 0 by: 0x1\n"
             "[3.0] HEAP: Freed bytes @ 0x22 from task \"a\" on core 0 by: 0x1\n"
             "Processed 40 events\n"
             "=============== LOG TRACE REPORT ===============\n"
             "Processed 0 log messages.\n"
             "=============== HEAP TRACE REPORT ===============\n"
             "Processed 3 heap events.\n"
             "[1.0] HEAP: Allocated 2 bytes @ 0x10 from task \"a\" on core 0 by: 0x1\n"
             "[2.0] HEAP: Allocated 6 bytes @ 0x20 from task \"a\" on core 0 by: 0x1\n"
             "Possible wrong free operation found\n"
             "[3.0] HEAP: Freed bytes @ 0x22 from task \"a\" on core 0 by: 0x1\n"
             "Found 8 leaked bytes in 2 blocks.\n"
             "=============== FUNCTION TRACE REPORT ===============\n"
             "Processed 1 function trace events.\n"
             "app_main  0x400d1234  enter=1      exit=1       /x/main.c:10\n",
             &t);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.info.report_seen, 1);
    assert_int_equal(t.info.report_events_seen, 1);
    assert_int_equal(t.info.report_events, 3);
    assert_int_equal(t.info.report_leaks_seen, 1);
    assert_int_equal(t.info.report_leaked_bytes, 8);
    assert_int_equal(t.info.report_leaked_blocks, 2);
    assert_int_equal(t.info.report_listed, 2);
    assert_int_equal(t.info.report_listed_bytes, 8);
    assert_int_equal(t.info.report_wrong_frees, 1);
    assert_int_equal(t.info.skipped, 0);
    ps_trace_free(&t);

    parse_ok("[1.0] HEAP: Allocated 2 bytes @ 0x10 from task \"a\" on core 0 by: 0x1\n"
             "[1.5] HEAP: Freed bytes @ 0x10 from task \"a\" on core 0 by: 0x1\n"
             "[ERROR] Failed to process trace (Duplicate alloc @ 0x10!)!\n"
             "Traceback (most recent call last):\n"
             "  File \"sysviewtrace_proc.py\", line 120, in main\n"
             "=============== HEAP TRACE REPORT ===============\n"
             "Processed 2 heap events.\n"
             "OK - Heap errors was not found.\n",
             &t);
    assert_int_equal(t.info.report_leaks_seen, 1);
    assert_int_equal(t.info.report_leaked_blocks, 0);
    assert_non_null(strstr(t.info.tool_error, "Duplicate alloc"));
    assert_int_equal(t.info.skipped, 3);
    ps_trace_free(&t);
}

static void test_sysview_errors(void **state)
{
    (void)state;
    expect_error("[1.0] HEAP: Moved 2 bytes\n", 1, "'Allocated' or 'Freed'");
    expect_error("[1.0] HEAP: Allocated x bytes @ 0x10 from task \"a\" on core 0 by:\n", 1, "Allocated N bytes");
    expect_error("[1.0] HEAP: Allocated 4294967296 bytes @ 0x10 from task \"a\" on core 0 by:\n", 1,
                 "at most 4294967295");
    expect_error("[1.0] HEAP: Freed bytes @ 0x10 from task \"a", 1, "on core N by:");
    expect_error("[1.0] HEAP: Freed bytes @ 0x10 from task \"a\" on core 0\n", 1, "on core N by:");
    expect_error("[1.0] HEAP: Freed bytes @ 0x10 from thread \"a\" on core 0 by:\n", 1, "from task");
    expect_error("[1.0] HEAP: Freed bytes @ 0x10 from task \"a\" on core 0 by: 0x1:zz\n", 1, "callers");
    expect_error("[1.0] HEAP: Freed bytes @ 0x10 from task \"a\" on core 0 by: 0x1\n"
                 "[18446744073.709551616] HEAP: Freed bytes @ 0x10 from task \"a\" on core 0 by: 0x1\n",
                 2, "2^64");
    expect_error("[1.0] HEAP: Freed bytes @ 0x10 from task \"a\" on core 0 by: 0x1\n"
                 "[99999999999999999999] LOG: x\n",
                 2, "2^64");
    /* out of range on the first record: the same error, not "no trace found" */
    expect_error("[18446744073.709551616] HEAP: Freed bytes @ 0x10 from task \"a\" on core 0 by: 0x1\n", 1, "2^64");
    /* sysviewtrace_proc.py without -p prints its report only: the allocations it
     * lists are the survivors, not a stream to replay */
    expect_error("Processed 40 events\n"
                 "=============== HEAP TRACE REPORT ===============\n"
                 "Processed 3 heap events.\n"
                 "[1.0] HEAP: Allocated 2 bytes @ 0x10 from task \"a\" on core 0 by: 0x1\n"
                 "Found 2 leaked bytes in 1 blocks.\n",
                 3, "only with -p");
    /* a report of nothing is no error: there was nothing to print */
    ps_trace_t empty;
    parse_ok("=============== HEAP TRACE REPORT ===============\n"
             "Processed 0 heap events.\n"
             "OK - Heap errors was not found.\n",
             &empty);
    assert_int_equal(empty.n, 0);
    ps_trace_free(&empty);
    /* the top of the range is fine */
    ps_trace_t t;
    parse_ok("[18446744073.709551615] HEAP: Freed bytes @ 0x10 from task \"a\" on core 0 by: 0x1\n", &t);
    assert_int_equal(t.ev[0].t_ns, UINT64_MAX);
    ps_trace_free(&t);
}

/* ---- heap_trace_dump ---- */

static void test_dump_generations(void **state)
{
    (void)state;
    ps_trace_t t;
    /* up to 5.0: callers list ending in ':', empty, or missing; freed by */
    parse_ok("I (1000) app: dumping\n"
             "3 allocations trace (100 entry buffer)\n"
             "32 bytes (@ 0x3ffaf214) allocated CPU 0 ccount 0x2e9b7384 caller 0x400d276d:0x400d27c1:\n"
             "0x400d276d: leak_some_memory at /x/blink.c:27\n"
             "\n"
             "8 bytes (@ 0x3ffaf804) allocated CPU 1 ccount 0x2e9b79c0 caller \n"
             "freed by 0x400d2776:0x400d27c1:0x0:0x0\n"
             "4 bytes (@ 0x3ffaf904) allocated CPU 0 ccount 0x2e9b79c4 caller\n"
             "36 bytes alive in trace (2/3 allocations)\n"
             "total allocations 5 total frees 2\n"
             "(NB: New entries were traced while dumping, so trace dump may have duplicate entries.)\n"
             "(NB: Buffer has overflowed, so trace data is incomplete.)\n",
             &t);
    assert_int_equal(t.info.format, PS_FMT_DUMP);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.ev[0].freed, 0);
    assert_int_equal(t.ev[1].freed, 1);
    assert_int_equal(t.ev[2].freed, 0);
    assert_int_equal(t.ev[2].t_ns, 2); /* record order */
    assert_int_equal(t.info.dump_generation, 1);
    assert_int_equal(t.info.dump_header_records, 3);
    assert_int_equal(t.info.dump_capacity, 100);
    assert_int_equal(t.info.dump_alive_seen, 1);
    assert_int_equal(t.info.dump_alive_bytes, 36);
    assert_int_equal(t.info.dump_alive_count, 2);
    assert_int_equal(t.info.dump_alive_of, 3);
    assert_int_equal(t.info.dump_total_allocations, 5);
    assert_int_equal(t.info.dump_total_frees, 2);
    assert_int_equal(t.info.dump_duplicates, 1);
    assert_int_equal(t.info.dump_overflowed, 1);
    assert_int_equal(t.info.skipped, 2); /* the ESP_LOG line and the decoded address */
    ps_trace_free(&t);

    /* 5.1 - 5.4 (labels, caller always) and 5.5+ (caller only with callers, " freed") */
    parse_ok("====== Heap Trace: 4 records (8 capacity) ======\n"
             "    6 bytes (@ 0x3fc9f620, Internal) allocated CPU 0 ccount 0x1a31ac84 caller 0x40376321:0x40376379\n"
             "freed by 0x403764a1:0x40376379\n"
             "   24 bytes (@ 0x3fcb5068,    PSRAM) allocated CPU 1 ccount 0x1e7b1dfc caller \n"
             "   12 bytes (@ 0x3fcb5010) allocated CPU 0 ccount 0x1e7b0778 freed\n"
             "   15 bytes (@ 0x3fcb5020, Internal) allocated CPU 0 ccount 0x1e7b0d18 caller 0x40376321: freed\n"
             "====== Heap Trace Summary ======\n"
             "Mode: Heap Trace All\n"
             "24 bytes alive in trace (1/4 allocations)\n"
             "records: 4 (8 capacity, 4 high water mark)\n"
             "hashmap: 512 capacity (3 hits, 1 misses)\n"
             "total allocations: 7\n"
             "total frees: 5\n"
             "(NB: Internal Buffer has overflowed, so trace data is incomplete.)\n"
             "================================\n",
             &t);
    assert_int_equal(t.n, 4);
    assert_int_equal(t.ev[0].freed + t.ev[1].freed + t.ev[2].freed + t.ev[3].freed, 3);
    assert_int_equal(t.ev[1].freed, 0);
    assert_int_equal(t.info.dump_generation, 2);
    assert_int_equal(t.info.dump_total_allocations, 7);
    assert_int_equal(t.info.dump_total_frees, 5);
    assert_int_equal(t.info.dump_overflowed, 1);
    assert_int_equal(t.info.skipped, 0);
    ps_trace_free(&t);

    /* leaks mode, a corrupt list, and two dumps in one capture: records restart at 0 */
    parse_ok("====== Heap Trace: 1 records (8 capacity) ======\n"
             "    6 bytes (@ 0x3fc9f620, Internal) allocated CPU 0 ccount 0x1 caller 0x4\n"
             "====== Heap Trace Summary ======\n"
             "Mode: Heap Trace Leaks\n"
             "6 bytes 'leaked' in trace (1 allocations)\n"
             "================================\n"
             "====== Heap Trace: 2 records (8 capacity) ======\n"
             "    7 bytes (@ 0x3fc9f620, Internal) allocated CPU 0 ccount 0x1 caller 0x4\n"
             "\n"
             "Error: heap trace linked list is corrupt. expected more records.\n"
             "====== Heap Trace Summary ======\n"
             "================================\n",
             &t);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.ev[1].t_ns, 0);
    assert_int_equal(t.info.dumps, 2);
    assert_int_equal(t.info.dump_header_records, 2);
    assert_int_equal(t.info.dump_corrupt, 1);
    assert_int_equal(t.info.dump_alive_seen, 0); /* the second dump printed no alive line */
    ps_trace_free(&t);

    expect_error("====== Heap Trace: 1 records (1 capacity) ======\nfreed by 0x1:0x2\n", 2, "without a record");
    expect_error("====== Heap Trace: 1 records\n", 1, "records (M capacity)");
    expect_error("4 allocations trace (x\n", 1, "entry buffer");
    expect_error("  6 bytes (@ 0x10, Internal) allocated CPU 0 ccount 0x1 junk\n", 1, "end of the record");
    expect_error("  6 bytes (@ 0x10, Internal) allocated CPU 0 ccount 0x1 caller 0xZ\n", 1, "end of the record");
    expect_error("  6 bytes (@ 0x10 Internal) allocated CPU 0\n", 1, "allocated CPU");
    expect_error("  6 bytes (@ 0x10) allocated CPU 0 ccount 0x1\nfreed by zz\n", 2, "freed by 0xADDR");
}

/* ---- lines ---- */

static void test_monitor_decorations(void **state)
{
    (void)state;
    ps_trace_t t;
    parse_ok("\x1b[0;32mI (12) boot: x\x1b[0m\r\n"
             "2024-05-01 12:34:56.789 tpev 2\r\r\n"
             "[12:34:56]A 1 0x10 8 main\r\n"
             "[12:34:56.123] \x1b[0;33mF 2 0x10\x1b[0m\n"
             "2024-05-01 12:34:57 A 3 0x20 8\n"
             "\x1b[1;31mE (13) x: \x1b(Boops\n",
             &t);
    assert_int_equal(t.n, 3);
    assert_string_equal(task(&t, 0), "main");
    assert_int_equal(t.info.cr_lines, 3);
    assert_int_equal(t.info.ansi_lines, 3);
    assert_int_equal(t.info.stamped_lines, 4);
    assert_int_equal(t.info.skipped, 2);
    ps_trace_free(&t);
}

static void test_long_lines_and_bytes(void **state)
{
    (void)state;
    /* a long noise line is skipped; a long record line is an error */
    const size_t big = PS_LINE_MAX + 1000u;
    char *text = malloc(big + 200u);
    assert_non_null(text);
    size_t n = (size_t)sprintf(text, "tpev 1\n");
    memset(text + n, 'x', big);
    n += big;
    n += (size_t)sprintf(text + n, "\nA 1 0x10 8\n");
    ps_trace_t t;
    ps_trace_error_t e;
    assert_int_equal(ps_trace_parse("long", text, n, &t, &e), 0);
    assert_int_equal(t.n, 1);
    assert_int_equal(t.info.long_lines, 1);
    assert_int_equal(t.info.skipped, 1);
    ps_trace_free(&t);
    n = (size_t)sprintf(text, "tpev 1\nA 1 0x10 8 ");
    memset(text + n, 'y', big);
    n += big;
    assert_int_equal(ps_trace_parse("long", text, n, &t, &e), -1);
    assert_int_equal(e.line, 2);
    assert_non_null(strstr(e.message, "longer than"));
    free(text);

    /* NUL bytes: in a noise line nothing; in a record line a malformed record */
    static const char nul_noise[] = "tpev 1\nI (1) x\0y\nA 1 0x10 8\n";
    assert_int_equal(ps_trace_parse("nul", nul_noise, sizeof nul_noise - 1u, &t, &e), 0);
    assert_int_equal(t.n, 1);
    ps_trace_free(&t);
    static const char nul_record[] = "tpev 1\nA 1 0x10\0 5\n";
    assert_int_equal(ps_trace_parse("nul", nul_record, sizeof nul_record - 1u, &t, &e), -1);
    assert_int_equal(e.line, 2);
}

static void test_detection_and_input_errors(void **state)
{
    (void)state;
    expect_error("", 0, "no trace found in 0 lines");
    expect_error("# only a comment\n\n", 0, "no trace found");
    expect_error("hello\nI (1) heap_init: At 3FC9 len 0001 (1 KiB): RAM\n", 0, "no trace found in 2 lines");
    ps_trace_error_t e;
    assert_null(ps_reader_open(TP_DATA_DIR "/no_such_file.log", &e));
    assert_non_null(strstr(e.message, "cannot open"));
    assert_non_null(strstr(e.file, "no_such_file.log"));
    assert_string_equal(ps_format_name(PS_FMT_DUMP), "dump");
    assert_string_equal(ps_format_name(PS_FMT_UNKNOWN), "unknown");
}

/* Many task names: the table keeps PS_MAX_TASKS, later ones read as unnamed. */
static void test_many_tasks(void **state)
{
    (void)state;
    static char text[(PS_MAX_TASKS + 5) * 400 + 96];
    size_t n = (size_t)snprintf(text, sizeof text, "tpev 1\n");
    char longname[PS_TASK_NAME_MAX + 20];
    memset(longname, 'n', sizeof longname - 1u);
    longname[sizeof longname - 1u] = '\0';
    for (int i = 0; i < PS_MAX_TASKS + 5; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "A %d 0x%x 8 task_%d_%s\n", i, 16 * (i + 1), i,
                              i == 0 ? longname : "x");
    ps_trace_t t;
    parse_ok(text, &t);
    assert_int_equal(t.n_tasks, PS_MAX_TASKS);
    assert_int_equal(t.ev[PS_MAX_TASKS + 4].task, 0); /* beyond the table: unknown, not an error */
    assert_int_equal(t.info.unnamed_tasks, 6);
    assert_int_equal(strlen(t.tasks[1]), PS_TASK_NAME_MAX - 1u); /* cut safely */
    ps_trace_free(&t);
}

/* The reader streams: rewind gives the same events and counts again. */
static void test_reader_rewind(void **state)
{
    (void)state;
    static const char text[] = "noise\ntpev 1\nA 1 0x10 8 a\nF 2 0x10 b\nA 3 0x20 9\n";
    ps_reader_t *r = ps_reader_open_mem("mem", text, sizeof text - 1u);
    assert_non_null(r);
    assert_int_equal(ps_reader_format(r), PS_FMT_PLAIN);
    assert_int_equal(ps_reader_can_rewind(r), 1);
    ps_event_t a[4], b[4];
    int n = 0;
    while (n < 4 && ps_reader_next(r, &a[n]) == 1)
        n++;
    assert_int_equal(n, 3);
    assert_int_equal(ps_reader_next(r, &a[3]), 0);
    const ps_trace_info_t first = *ps_reader_info(r);
    assert_int_equal(ps_reader_rewind(r), 0);
    int m = 0;
    while (m < 4 && ps_reader_next(r, &b[m]) == 1)
        m++;
    assert_int_equal(m, 3);
    assert_memory_equal(a, b, 3 * sizeof a[0]);
    assert_memory_equal(&first, ps_reader_info(r), sizeof first);
    assert_string_equal(ps_reader_task(r, b[1].task), "b");
    assert_string_equal(ps_reader_task(r, 999), "");
    ps_reader_close(r);

    /* an error is sticky */
    static const char bad[] = "tpev 1\nA x\nA 1 0x10 8\n";
    r = ps_reader_open_mem("bad", bad, sizeof bad - 1u);
    ps_event_t ev;
    assert_int_equal(ps_reader_next(r, &ev), -1);
    assert_int_equal(ps_reader_next(r, &ev), -1);
    assert_int_equal(ps_reader_error(r)->line, 2);
    ps_reader_close(r);
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
    assert_int_equal(ps_plain_write_event(f, &fr, "Tmr Svc"), 0);
    char text[256];
    rewind(f);
    size_t len = fread(text, 1, sizeof text - 1, f);
    text[len] = '\0';
    fclose(f);
    assert_string_equal(text, "tpev 2\nA 12345 0xabc 7\nF 22345 0xabc \"Tmr Svc\"\n");
    ps_trace_t t;
    parse_ok(text, &t);
    assert_int_equal(t.n, 2);
    assert_string_equal(task(&t, 1), "Tmr Svc");
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
        cmocka_unit_test(test_sysview_shapes),
        cmocka_unit_test(test_sysview_dump_events),
        cmocka_unit_test(test_sysview_report),
        cmocka_unit_test(test_sysview_errors),
        cmocka_unit_test(test_dump_generations),
        cmocka_unit_test(test_monitor_decorations),
        cmocka_unit_test(test_long_lines_and_bytes),
        cmocka_unit_test(test_detection_and_input_errors),
        cmocka_unit_test(test_many_tasks),
        cmocka_unit_test(test_reader_rewind),
        cmocka_unit_test(test_plain_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
