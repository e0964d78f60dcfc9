#define _POSIX_C_SOURCE 200809L /* strdup */
/*
 * test_esp_idf.c - every file in tests/data/esp-idf (real outputs of ESP-IDF's
 * tools, unedited), checked against the file's OWN summary lines, read here
 * with plain string scanning, independently of the readers:
 *   sysviewtrace_proc.py: "Processed N heap events." = the events read before
 *     the report; "Found N leaked bytes in M blocks." = what a replay leaves
 *     alive, and the allocations the report lists again (not replayed);
 *   heap_trace_dump(): its header's record count = the records read; its
 *     alive line ("S bytes alive in trace (a/b allocations)" or "'leaked'") =
 *     the records not freed and their bytes;
 *   boot logs and heap-info outputs: no trace (they are --boot-log inputs).
 * A file added to the directory is picked up and must fit one of these.
 * Then each trace again as a serial monitor would have shown it, variants made
 * here: CR LF, CR CR LF, idf.py and ESPHome timestamps, ANSI colours, ESP_LOG
 * lines mixed in, and all of them at once: the same events and figures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "engine.h"
#include "ps_trace.h"
#include "tiers.h"

#ifndef TP_DATA_DIR
#error "TP_DATA_DIR must name tests/data"
#endif
#define DIR_ESP TP_DATA_DIR "/esp-idf"

typedef struct {
    char *text;
    size_t len;
} buf_t;

static buf_t slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    buf_t b = { NULL, 0 };
    size_t cap = 0;
    for (;;) {
        if (b.len + 4096 > cap) {
            cap = cap ? cap * 2 : 65536;
            b.text = realloc(b.text, cap + 1);
            assert_non_null(b.text);
        }
        size_t got = fread(b.text + b.len, 1, cap - b.len, f);
        b.len += got;
        if (got == 0)
            break;
    }
    fclose(f);
    b.text[b.len] = '\0';
    return b;
}

/* The file's own figures, read with sscanf line by line. */
typedef struct {
    int sysview_report, dump_header, dump_alive, ok_line;
    unsigned long long heap_events, leaked_bytes, leaked_blocks;
    unsigned long long dump_records, alive_bytes, alive_count;
} own_t;

static own_t own_figures(const buf_t *b)
{
    own_t o;
    memset(&o, 0, sizeof o);
    const char *p = b->text, *end = b->text + b->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)(n < 511 ? n : 511), p);
        unsigned long long a, c, d;
        char q;
        if (sscanf(line, "Processed %llu heap events%c", &a, &q) == 2 && q == '.') {
            o.sysview_report = 1;
            o.heap_events = a;
        } else if (sscanf(line, "Found %llu leaked bytes in %llu blocks%c", &a, &c, &q) == 3) {
            o.leaked_bytes = a;
            o.leaked_blocks = c;
        } else if (strncmp(line, "OK - Heap errors was not found.", 31) == 0) {
            o.ok_line = 1;
        } else if (sscanf(line, "%llu allocations trace (%llu entry buffer%c", &a, &c, &q) == 3 ||
                   sscanf(line, "====== Heap Trace: %llu records (%llu capacity%c", &a, &c, &q) == 3) {
            o.dump_header = 1;
            o.dump_records = a;
        } else if (sscanf(line, "%llu bytes alive in trace (%llu/%llu allocations%c", &a, &c, &d, &q) == 4 ||
                   sscanf(line, "%llu bytes 'leaked' in trace (%llu allocations%c", &a, &c, &q) == 3) {
            o.dump_alive = 1;
            o.alive_bytes = a;
            o.alive_count = c;
        }
        p = nl ? nl + 1 : end;
    }
    return o;
}

/* Replay a parsed trace through the engine; the stream alive at its end. */
static void replay_end(const ps_trace_t *t, uint32_t *live, uint64_t *live_bytes)
{
    ps_engine_cfg_t c;
    memset(&c, 0, sizeof c);
    char err[200];
    c.n_tiers = ps_tiers_default(c.tiers);
    ps_trace_cursor_t cur;
    ps_result_t res;
    assert_int_equal(ps_engine_run(&c, ps_source_trace(&cur, t), &res, err, sizeof err), 0);
    *live = res.end_live_count;
    *live_bytes = res.end_live_bytes;
    ps_result_free(&res);
}

/* Check a parsed trace against the file's own figures. */
static void check_against_own(const char *name, const ps_trace_t *t, const own_t *o)
{
    if (t->info.format == PS_FMT_SYSVIEW) {
        if (!o->sysview_report)
            fail_msg("%s: a sysview output without its report", name);
        assert_int_equal(t->info.events, o->heap_events);
        assert_int_equal(t->n, o->heap_events);
        assert_int_equal(t->info.report_events, o->heap_events);
        uint32_t live;
        uint64_t live_bytes;
        replay_end(t, &live, &live_bytes);
        assert_int_equal(live, o->ok_line ? 0 : o->leaked_blocks);
        assert_int_equal(live_bytes, o->ok_line ? 0 : o->leaked_bytes);
        assert_int_equal(t->info.report_listed, o->leaked_blocks);
        assert_int_equal(t->info.report_listed_bytes, o->leaked_bytes);
        assert_int_equal(t->info.report_leaked_blocks, o->leaked_blocks);
        assert_int_equal(t->info.report_leaked_bytes, o->leaked_bytes);
        assert_true(t->info.report_seen);
    } else {
        assert_int_equal(t->info.format, PS_FMT_DUMP);
        if (!o->dump_header || !o->dump_alive)
            fail_msg("%s: a dump without its header or alive line", name);
        ps_dump_stats_t st;
        ps_dump_stats_init(&st);
        for (size_t i = 0; i < t->n; i++)
            ps_dump_stats_add(&st, &t->ev[i]);
        assert_int_equal(st.records, o->dump_records);
        assert_int_equal(st.alive, o->alive_count);
        assert_int_equal(st.alive_bytes, o->alive_bytes);
        assert_int_equal(t->info.dump_header_records, o->dump_records);
        assert_int_equal(t->info.dump_alive_count, o->alive_count);
        assert_int_equal(t->info.dump_alive_bytes, o->alive_bytes);
    }
}

/* ---- variants, as a serial monitor would show the same output ---- */

typedef enum { V_CRLF, V_CRCRLF, V_STAMP_IDF, V_STAMP_ESPHOME, V_ANSI, V_ESPLOG, V_ALL, V_COUNT } variant_t;
static const char *const variant_names[V_COUNT] = {
    "CR LF", "CR CR LF", "idf.py --timestamps", "ESPHome [HH:MM:SS]", "ANSI colours", "ESP_LOG lines", "all at once"
};

static void put(buf_t *o, size_t *cap, const char *s, size_t n)
{
    if (o->len + n + 1 > *cap) {
        *cap = (*cap + n + 1) * 2;
        o->text = realloc(o->text, *cap);
        assert_non_null(o->text);
    }
    memcpy(o->text + o->len, s, n);
    o->len += n;
    o->text[o->len] = '\0';
}

static buf_t make_variant(const buf_t *in, variant_t v, size_t *extra_lines)
{
    buf_t o = { NULL, 0 };
    size_t cap = 0, lineno = 0;
    *extra_lines = 0;
    const int stamp_idf = v == V_STAMP_IDF || v == V_ALL, stamp_esp = v == V_STAMP_ESPHOME;
    const int ansi = v == V_ANSI || v == V_ALL, esplog = v == V_ESPLOG || v == V_ALL;
    const char *eol = v == V_CRLF || v == V_ALL ? "\r\n" : v == V_CRCRLF ? "\r\r\n" : "\n";
    const char *p = in->text, *end = in->text + in->len;
    put(&o, &cap, "", 0);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (esplog && lineno % 5 == 0) {
            static const char *const logs[2] = { "I (1234) wifi:connected to ap",
                                                 "\x1b[0;33mW (99) app: low memory\x1b[0m" };
            const char *l = logs[(lineno / 5) % 2];
            if (stamp_idf)
                put(&o, &cap, "2024-05-01 12:34:56.789 ", 24);
            put(&o, &cap, l, strlen(l));
            put(&o, &cap, eol, strlen(eol));
            (*extra_lines)++;
        }
        if (stamp_idf)
            put(&o, &cap, "2024-05-01 12:34:56.789 ", 24);
        if (stamp_esp)
            put(&o, &cap, lineno % 2 ? "[12:34:56]" : "[12:34:56.123] ", lineno % 2 ? 10 : 15);
        if (ansi)
            put(&o, &cap, "\x1b[0;32m", 7);
        put(&o, &cap, p, n);
        if (ansi)
            put(&o, &cap, "\x1b[0m", 4);
        if (nl)
            put(&o, &cap, eol, strlen(eol));
        lineno++;
        p = nl ? nl + 1 : end;
    }
    return o;
}

static void check_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DIR_ESP, name);
    buf_t b = slurp(path);
    own_t own = own_figures(&b);
    ps_trace_t t;
    ps_trace_error_t e;
    int rc = ps_trace_parse(name, b.text, b.len, &t, &e);
    if (!own.sysview_report && !own.dump_header) {
        /* a boot log or heap info: not a trace; refused with a clear message */
        if (rc == 0)
            fail_msg("%s: read as a %s trace", name, ps_format_name(t.info.format));
        assert_non_null(strstr(e.message, "no trace found"));
        free(b.text);
        return;
    }
    if (rc != 0)
        fail_msg("%s:%" PRIu64 ": %s", e.file, e.line, e.message);
    check_against_own(name, &t, &own);
    for (variant_t v = 0; v < V_COUNT; v++) {
        size_t extra;
        buf_t vb = make_variant(&b, v, &extra);
        ps_trace_t tv;
        if (ps_trace_parse(name, vb.text, vb.len, &tv, &e) != 0)
            fail_msg("%s (%s):%" PRIu64 ": %s", name, variant_names[v], e.line, e.message);
        assert_int_equal(tv.n, t.n);
        for (size_t i = 0; i < t.n; i++) {
            assert_int_equal(tv.ev[i].t_ns, t.ev[i].t_ns);
            assert_int_equal(tv.ev[i].addr, t.ev[i].addr);
            assert_int_equal(tv.ev[i].size, t.ev[i].size);
            assert_int_equal(tv.ev[i].kind, t.ev[i].kind);
            assert_int_equal(tv.ev[i].freed, t.ev[i].freed);
            assert_string_equal(tv.tasks[tv.ev[i].task], t.tasks[t.ev[i].task]);
        }
        check_against_own(name, &tv, &own);
        /* what the monitor added is counted, not lost */
        assert_int_equal(tv.info.lines, t.info.lines + extra);
        if (v == V_CRLF || v == V_CRCRLF)
            assert_true(tv.info.cr_lines >= t.info.lines - 1);
        if (v == V_STAMP_IDF || v == V_STAMP_ESPHOME)
            assert_int_equal(tv.info.stamped_lines, tv.info.lines);
        if (v == V_ANSI)
            assert_int_equal(tv.info.ansi_lines, t.info.lines);
        if (v == V_ESPLOG)
            assert_true(tv.info.skipped + tv.info.trace_lines >= t.info.skipped + t.info.trace_lines + extra);
        ps_trace_free(&tv);
        free(vb.text);
    }
    ps_trace_free(&t);
    free(b.text);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_every_file(void **state)
{
    (void)state;
    DIR *d = opendir(DIR_ESP);
    assert_non_null(d);
    char *names[64];
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l > 4 && strcmp(de->d_name + l - 4, ".txt") == 0 && n < 64)
            names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_str);
    assert_true(n >= 12); /* the set as copied; more files are welcome */
    int traces = 0;
    for (size_t i = 0; i < n; i++) {
        print_message("%s\n", names[i]);
        check_file(names[i]);
        traces += strncmp(names[i], "sysview", 7) == 0 || strncmp(names[i], "dump", 4) == 0;
        free(names[i]);
    }
    assert_true(traces >= 8);
}

/* The issue's own example: ESP-IDF's sample has 72 allocations, and 117 when
 * the report's repeats are replayed as new ones. */
static void test_report_not_replayed(void **state)
{
    (void)state;
    buf_t b = slurp(DIR_ESP "/sysview-proc-master-p.txt");
    ps_trace_t t;
    ps_trace_error_t e;
    assert_int_equal(ps_trace_parse("p", b.text, b.len, &t, &e), 0);
    size_t allocs = 0;
    for (size_t i = 0; i < t.n; i++)
        allocs += t.ev[i].kind == PS_EV_ALLOC;
    assert_int_equal(allocs, 72);
    assert_int_equal(allocs + t.info.report_listed, 117);
    ps_trace_free(&t);
    free(b.text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_file),
        cmocka_unit_test(test_report_not_replayed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
