/* diag_track: tracking on (TP_CFG_TRACKING=1): records, leaks, canary, poison, events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "diag_util.h"
#include "tp_evline.h"
#include "tp_track.h"

#if !TP_CFG_TRACKING
#error "built with TP_CFG_TRACKING=1"
#endif

static uint8_t storage[16384];
static tp_pool_t pool;
static tp_track_entry_t table[64];
static tp_track_t trk;
static const tp_tier_t tiers[] = { { 64, 16 }, { 256, 8 }, { 1024, 4 } };

static int events_n;
static tp_track_event_t last_ev;
static uint32_t last_off;
static void on_corrupt(tp_track_event_t ev, const void *b, const tp_track_entry_t *e, uint32_t off, void *u)
{
    (void)b;
    (void)e;
    (void)u;
    events_n++;
    last_ev = ev;
    last_off = off;
}

static int setup(void **state)
{
    (void)state;
    diag_fresh();
    assert_int_equal(tp_pool_init(&pool, tiers, 3, storage, sizeof storage), TP_OK);
    assert_int_equal(tp_track_init(&trk, &pool, table, 64, TP_TRACK_CANARY | TP_TRACK_POISON | TP_TRACK_CRASH_OPS),
                     TP_OK);
    assert_int_equal(tp_track_on_corrupt(&trk, on_corrupt, NULL), TP_OK);
    events_n = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    (void)tp_track_detach(&trk);
    return 0;
}

static void test_invalid(void **state)
{
    (void)state;
    tp_track_t t2;
    tp_track_entry_t small[4];
    assert_int_equal(tp_track_init(&t2, &pool, small, 4, 0), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_track_init(&t2, &pool, table, 64, 0x80), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_track_init(NULL, &pool, table, 64, 0), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_track_next_epoch(NULL), 0);
    assert_int_equal(tp_track_check_all(NULL), TP_ERR_INVALID_ARG);
    assert_true(tp_track_of(&pool) == &trk);
}

static void test_records_and_leak_report(void **state)
{
    (void)state;
    tp_sys_host_set_task(3, "net");
    void *a = TP_ALLOC(&pool, 100);
    const int line_a = __LINE__ - 1;
    assert_int_equal(tp_track_next_epoch(&trk), 1);
    tp_sys_host_set_task(4, "led_task_with_long_name");
    void *b = TP_ALLOC_TAG(&pool, 30, "ws_frame");
    void *c = TP_ALLOC(&pool, 500);
    assert_int_equal(TP_FREE(&pool, c), TP_OK);
    void *d = TP_ALLOC_CRITICAL(&pool, 64);
    tp_block_info_t bi;
    assert_int_equal(tp_pool_locate(&pool, a, &bi), TP_OK);
    const tp_track_entry_t *e = &table[bi.index];
    assert_int_equal(e->size, 100);
    assert_int_equal(e->line, (uint32_t)line_a);
    assert_non_null(strstr(e->where, "test_track.c"));
    assert_int_equal(e->task_id, 3);
    assert_string_equal(e->task, "net");
    assert_int_equal(e->epoch, 0);
    uint32_t nb, bytes;
    assert_int_equal(tp_track_live(&trk, 1, &nb, &bytes), TP_OK);
    assert_int_equal(nb, 2);
    assert_int_equal(bytes, 94);
    char rep[2048];
    assert_int_equal(tp_track_leak_report(&trk, 1, rep, sizeof rep), TP_OK);
    assert_non_null(strstr(rep, "====== Tierpool Leak Report: 2 blocks since epoch 1 (pool of 28 blocks) ======\n"));
    assert_non_null(strstr(rep, "    30 bytes (@ 0x"));
    assert_non_null(strstr(rep, ", tier 0/64) allocated task \"led_task_wi\" epoch 1 caller ws_frame\n"));
    assert_non_null(strstr(rep, "94 bytes 'leaked' in report (2 blocks)\n"));
    assert_non_null(strstr(rep, "total allocations: 4\ntotal frees: 1\n"));
    assert_null(strstr(rep, "   100 bytes"));
    assert_int_equal(tp_track_leak_report(&trk, 0, rep, sizeof rep), TP_OK);
    assert_non_null(strstr(rep, "   100 bytes"));
    char small[50];
    assert_int_equal(tp_track_leak_report(&trk, 0, small, sizeof small), TP_ERR_TRUNCATED);
    assert_int_equal(strlen(small), sizeof small - 1);
    TP_FREE(&pool, a);
    TP_FREE(&pool, b);
    TP_FREE(&pool, d);
    assert_int_equal(tp_track_live(&trk, 0, &nb, NULL), TP_OK);
    assert_int_equal(nb, 0);
    assert_int_equal(events_n, 0);
}

static void test_overflow_detected_on_free_and_check_all(void **state)
{
    (void)state;
    uint8_t *p = TP_ALLOC(&pool, 50); /* 64-byte block: 14 canary bytes */
    memset(p, 1, 50);                 /* in bounds: fine */
    assert_int_equal(tp_track_check_all(&trk), 0);
    p[52] = 0; /* the bug */
    assert_int_equal(tp_track_check_all(&trk), 1);
    assert_int_equal(last_ev, TP_TRACK_EV_OVERFLOW);
    assert_int_equal(last_off, 52);
    assert_int_equal(TP_FREE(&pool, p), TP_OK);
    assert_int_equal(events_n, 2);
    assert_int_equal(trk.overflows, 2);
    /* the crash ring saw the corruption */
    assert_int_equal(tp_crash_write(TP_CRASH_ALLOC_CORRUPT, "t", 0), TP_OK);
    tp_crash_record_t rec;
    assert_int_equal(tp_crash_peek(&rec), TP_OK);
    int corrupt_ops = 0;
    for (uint32_t i = 0; i < rec.n_ops && i < TP_CFG_CRASH_OPS; i++) {
        corrupt_ops += rec.ops[i].kind == 'C';
    }
    assert_int_equal(corrupt_ops, 2);
}

static void test_use_after_free_detected(void **state)
{
    (void)state;
    uint8_t *p = TP_ALLOC(&pool, 200);
    assert_int_equal(TP_FREE(&pool, p), TP_OK);
    for (int i = 0; i < 256; i++) {
        assert_int_equal(p[i], TP_TRACK_POISON_BYTE);
    }
    p[17] = 42;                        /* the bug: write after free */
    uint8_t *q = TP_ALLOC(&pool, 200); /* the same block comes back (last freed, first reused) */
    assert_ptr_equal(p, q);
    assert_int_equal(events_n, 1);
    assert_int_equal(last_ev, TP_TRACK_EV_USE_AFTER_FREE);
    assert_int_equal(last_off, 17);
    assert_int_equal(trk.use_after_free, 1);
    /* a clean reuse reports nothing */
    TP_FREE(&pool, q);
    q = TP_ALLOC(&pool, 200);
    assert_int_equal(events_n, 1);
    TP_FREE(&pool, q);
}

static void test_bad_free_reported(void **state)
{
    (void)state;
    uint8_t *p = TP_ALLOC(&pool, 10);
    assert_int_equal(TP_FREE(&pool, p + 1), TP_ERR_BAD_PTR);
    assert_int_equal(TP_FREE(&pool, p), TP_OK);
    assert_int_equal(TP_FREE(&pool, p), TP_ERR_DOUBLE_FREE);
    int x;
    assert_int_equal(TP_FREE(&pool, &x), TP_ERR_FOREIGN_PTR);
    assert_int_equal(trk.bad_frees, 3);
    assert_int_equal(last_ev, TP_TRACK_EV_BAD_FREE);
    assert_int_equal(TP_FREE(&pool, NULL), TP_OK);
}

static char evbuf[4096];
static size_t evlen;
static void ev_sink(const char *text, size_t len, void *user)
{
    (void)user;
    memcpy(evbuf + evlen, text, len);
    evlen += len;
    evbuf[evlen] = '\0';
}

static void test_event_stream(void **state)
{
    (void)state;
    evlen = 0;
    assert_int_equal(tp_track_set_event_sink(&trk, ev_sink, NULL), TP_OK);
    tp_sys_host_set_task(1, "main");
    tp_sys_host_set_time_us(5000000000ull);
    void *a = TP_ALLOC(&pool, 77);
    tp_sys_host_set_time_us(5000000123ull);
    tp_sys_host_set_task(0, "");
    TP_FREE(&pool, a);
    char expect[256];
    snprintf(expect, sizeof expect, "tpev 2\nA 5000000000 0x%lx 77 main\nF 5000000123 0x%lx\n",
             (unsigned long)(uintptr_t)a, (unsigned long)(uintptr_t)a);
    assert_string_equal(evbuf, expect);
    assert_null(TP_ALLOC(&pool, 5000)); /* failed: no event, counted */
    assert_int_equal(trk.failed, 1);
    assert_int_equal(tp_track_set_event_sink(&trk, NULL, NULL), TP_OK);
}

/* Task names FreeRTOS allows (spaces, quotes, newlines, non-ASCII bytes) come
 * back byte for byte from the stream, one line per event: no name can inject
 * an event (issue 10). */
static void test_event_stream_task_names(void **state)
{
    (void)state;
    static const char *const names[] = { "Tmr Svc",  "a\nF 1 0x0", "na\xc3\xafve",
                                         "x\"y\\z",  "#1",         "tab\there",
                                         "\x7f\x01", "IDLE0",      "12345678901234567890123" };
    const size_t n_names = sizeof names / sizeof names[0];
    evlen = 0;
    assert_int_equal(tp_track_set_event_sink(&trk, ev_sink, NULL), TP_OK);
    for (size_t i = 0; i < n_names; i++) {
        tp_sys_host_set_task((uint32_t)i + 1u, names[i]);
        void *p = TP_ALLOC(&pool, 16);
        assert_non_null(p);
        TP_FREE(&pool, p);
    }
    assert_int_equal(tp_track_set_event_sink(&trk, NULL, NULL), TP_OK);
    /* header, then two lines per name */
    const char *line = evbuf, *end = evbuf + evlen;
    const char *nl = memchr(line, '\n', (size_t)(end - line));
    assert_non_null(nl);
    assert_int_equal(tp_evline_header_version(line, (size_t)(nl - line)), 2);
    line = nl + 1;
    for (size_t i = 0; i < 2u * n_names; i++) {
        nl = memchr(line, '\n', (size_t)(end - line));
        assert_non_null(nl);
        tp_evline_t ev;
        char name[64];
        const char *why = "";
        if (tp_evline_parse(line, (size_t)(nl - line), 2, &ev, name, sizeof name, &why) != TP_EVLINE_EVENT)
            fail_msg("line %zu does not parse: %s", i, why);
        assert_int_equal(ev.kind, i % 2u ? 'F' : 'A');
        assert_int_equal(ev.task_len, strlen(names[i / 2u]));
        assert_memory_equal(ev.task, names[i / 2u], ev.task_len);
        line = nl + 1;
    }
    assert_ptr_equal(line, end);
    tp_sys_host_set_task(0, "");
}

static int visited;
static void visit(void *block, const tp_track_entry_t *e, void *user)
{
    (void)e;
    visited++;
    assert_int_equal(tp_track_free((tp_pool_t *)user, block, "aged", 0), TP_OK);
}

static void test_visit_older(void **state)
{
    (void)state;
    tp_sys_host_set_time_us(1000);
    void *old1 = TP_ALLOC(&pool, 10);
    void *old2 = TP_ALLOC(&pool, 300);
    tp_sys_host_set_time_us(9000);
    void *young = TP_ALLOC(&pool, 10);
    (void)old1;
    (void)old2;
    visited = 0;
    assert_int_equal(tp_track_visit_older(&trk, 5000, visit, &pool), 2);
    assert_int_equal(visited, 2);
    uint32_t nb;
    tp_track_live(&trk, 0, &nb, NULL);
    assert_int_equal(nb, 1);
    TP_FREE(&pool, young);
}

static void test_untracked_pool_passthrough(void **state)
{
    (void)state;
    static uint8_t st2[4096];
    tp_pool_t p2;
    assert_int_equal(tp_pool_init(&p2, tiers, 1, st2, sizeof st2), TP_OK);
    void *x = TP_ALLOC(&p2, 10);
    assert_non_null(x);
    assert_int_equal(TP_FREE(&p2, x), TP_OK);
    assert_int_equal(trk.allocs, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_records_and_leak_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overflow_detected_on_free_and_check_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_use_after_free_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_free_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_stream_task_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_visit_older, setup, teardown),
        cmocka_unit_test_setup_teardown(test_untracked_pool_passthrough, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
