/*
 * Event sources (source.c): the array and trace cursors, the workload source
 * and its rewind, and the tee that copies a stream into tierpool's plain
 * format on the way (read back here with the trace parser).
 */
#define _POSIX_C_SOURCE 200809L /* fork, pipe, mkstemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sys/wait.h>
#include <unistd.h>

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

/* Write text into a pipe from a child process; the read end's path. */
static pid_t feed_pipe(const char *text, char *path, size_t len, int *rfd)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        size_t n = strlen(text), off = 0;
        while (off < n) {
            ssize_t w = write(fds[1], text + off, n - off);
            if (w <= 0)
                _exit(1);
            off += (size_t)w;
        }
        _exit(0);
    }
    close(fds[1]);
    *rfd = fds[0];
    snprintf(path, len, "/dev/fd/%d", fds[0]);
    return pid;
}

/* A trace with every escape of the spool: a gap over 4.29 s, a time going
 * back, an address above 4 GiB, a size of 2^31 and more, a zero size. */
static char *spool_trace(size_t *n_events)
{
    static const char head[] = "tpev 2\n";
    size_t cap = 1u << 20, len = 0;
    char *t = malloc(cap);
    assert_non_null(t);
    len += (size_t)snprintf(t + len, cap - len, "%s", head);
    size_t n = 0;
    for (unsigned i = 0; i < 3000; i++, n++)
        len += (size_t)snprintf(t + len, cap - len, "A %u 0x3fc%05x %u t\n", 10u * i, 16u * i, 1u + i % 500u);
    len += (size_t)snprintf(t + len, cap - len, "A 99999999999 0x123456789abc 2147483648\n"); /* gap, hi addr, big */
    len += (size_t)snprintf(t + len, cap - len, "F 99999999999 0x123456789abc\n");
    len += (size_t)snprintf(t + len, cap - len, "A 5 0x10 0\n"); /* back in time, size 0 */
    len += (size_t)snprintf(t + len, cap - len, "A 6 0xffffffffffffffff 4294967295\n");
    len += (size_t)snprintf(t + len, cap - len, "F 18446744073709551 0x3fc00010\n");
    *n_events = n + 5;
    return t;
}

static size_t drain_all(ps_source_t src, ps_event_t **out)
{
    size_t cap = 1024, n = 0;
    ps_event_t *ev = malloc(cap * sizeof *ev);
    assert_non_null(ev);
    int got;
    while ((got = src.next(src.ctx, &ev[n])) > 0) {
        if (++n == cap) {
            cap *= 2;
            ev = realloc(ev, cap * sizeof *ev);
            assert_non_null(ev);
        }
    }
    assert_int_equal(got, 0);
    *out = ev;
    return n;
}

static void same_events(const ps_event_t *a, const ps_event_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(a[i].t_ns, b[i].t_ns);
        assert_int_equal(a[i].addr, b[i].addr);
        assert_int_equal(a[i].size, b[i].size);
        assert_int_equal(a[i].kind, b[i].kind);
    }
}

/* Standard input or a pipe cannot be re-read: the first pass is spooled at 12
 * bytes per event (24 with an escape) and replays read the spool. */
static void test_reader_spool(void **state)
{
    (void)state;
    size_t expect;
    char *text = spool_trace(&expect);
    char path[64];
    int rfd;
    pid_t pid = feed_pipe(text, path, sizeof path, &rfd);
    ps_trace_error_t err;
    ps_reader_t *r = ps_reader_open(path, &err);
    assert_non_null(r);
    assert_int_equal(ps_reader_can_rewind(r), 0);
    ps_reader_cursor_t cur;
    ps_source_t src = ps_source_reader(&cur, r, 1);
    ps_event_t *a, *b;
    /* a partial first pass: the rest goes to the spool on rewind */
    ps_event_t one;
    assert_int_equal(src.next(src.ctx, &one), 1);
    assert_int_equal(src.rewind(src.ctx), 0);
    size_t na = drain_all(src, &a);
    assert_int_equal(na, expect);
    assert_int_equal(src.rewind(src.ctx), 0);
    size_t nb = drain_all(src, &b);
    assert_int_equal(nb, expect);
    same_events(a, b, na);
    /* and equal to what a memory reader returns */
    ps_trace_t t;
    assert_int_equal(ps_trace_parse("mem", text, strlen(text), &t, &err), 0);
    assert_int_equal(t.n, expect);
    same_events(a, t.ev, na);
    /* 12 bytes per event, plus 12 per escape: 3 absolute times, 4 upper-address changes, 2 large sizes */
    assert_int_equal(ps_reader_cursor_spool_bytes(&cur), 12u * (expect + 3u + 4u + 2u));
    ps_trace_free(&t);
    free(a);
    free(b);
    ps_reader_cursor_free(&cur);
    ps_reader_close(r);
    close(rfd);
    waitpid(pid, NULL, 0);

    /* a spool limit: past it the spool is dropped, the first pass goes on, rewind fails */
    pid = feed_pipe(text, path, sizeof path, &rfd);
    r = ps_reader_open(path, &err);
    assert_non_null(r);
    src = ps_source_reader(&cur, r, 1);
    cur.spool_limit = 100;
    na = drain_all(src, &a);
    assert_int_equal(na, expect);
    assert_int_equal(cur.spool_dropped, 1);
    assert_int_equal(ps_reader_cursor_spool_bytes(&cur), 0);
    assert_int_equal(src.rewind(src.ctx), -1);
    free(a);
    ps_reader_cursor_free(&cur);
    ps_reader_close(r);
    close(rfd);
    waitpid(pid, NULL, 0);

    /* without rewindable, a pipe cannot start over once read */
    pid = feed_pipe(text, path, sizeof path, &rfd);
    r = ps_reader_open(path, &err);
    assert_non_null(r);
    src = ps_source_reader(&cur, r, 0);
    assert_int_equal(src.rewind(src.ctx), 0); /* nothing taken yet */
    assert_int_equal(src.next(src.ctx, &one), 1);
    assert_int_equal(src.rewind(src.ctx), -1);
    ps_reader_cursor_free(&cur);
    ps_reader_close(r);
    close(rfd);
    waitpid(pid, NULL, 0);
    free(text);
}

/* A regular file is read again instead of spooled; a malformed line fails the
 * source with the reader's message. */
static void test_reader_file(void **state)
{
    (void)state;
    size_t expect;
    char *text = spool_trace(&expect);
    char path[] = "/tmp/poolsim-test-source-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    ps_trace_error_t err;
    ps_reader_t *r = ps_reader_open(path, &err);
    assert_non_null(r);
    assert_int_equal(ps_reader_can_rewind(r), 1);
    ps_reader_cursor_t cur;
    ps_source_t src = ps_source_reader(&cur, r, 1);
    ps_event_t *a, *b;
    size_t na = drain_all(src, &a);
    assert_int_equal(src.rewind(src.ctx), 0);
    size_t nb = drain_all(src, &b);
    assert_int_equal(na, expect);
    assert_int_equal(nb, expect);
    same_events(a, b, na);
    assert_int_equal(ps_reader_cursor_spool_bytes(&cur), 0);
    free(a);
    free(b);
    ps_reader_cursor_free(&cur);
    ps_reader_close(r);

    static const char bad[] = "tpev 1\nA 1 0x10 8\nA oops\n";
    r = ps_reader_open_mem("bad.tpev", bad, sizeof bad - 1u);
    src = ps_source_reader(&cur, r, 0);
    ps_event_t ev;
    assert_int_equal(src.next(src.ctx, &ev), 1);
    assert_int_equal(src.next(src.ctx, &ev), -1);
    assert_int_equal(cur.failed, 1);
    assert_non_null(strstr(ps_reader_cursor_error(&cur), "bad time"));
    assert_int_equal(src.rewind(src.ctx), -1);
    ps_reader_cursor_free(&cur);
    ps_reader_close(r);
    remove(path);
    free(text);
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
        cmocka_unit_test(test_reader_spool),
        cmocka_unit_test(test_reader_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
