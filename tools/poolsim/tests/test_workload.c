/* The synthetic workloads: deterministic from the seed, time-ordered, consistent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "workload.h"

#define HOUR 3600000000000ull

static ps_workload_t *make(uint64_t seed, uint64_t hours, uint32_t background)
{
    ps_workload_cfg_t c;
    char err[200];
    ps_workload_defaults(&c);
    c.seed = seed;
    c.duration_ns = hours * HOUR;
    c.background_bytes = background;
    c.net = 0; /* the application's sources; test_net covers the network component */
    ps_workload_t *w = ps_workload_new(&c, err, sizeof err);
    assert_non_null(w);
    return w;
}

/* A digest of the whole stream: equal streams give equal digests. */
static uint64_t digest(ps_workload_t *w, uint64_t *count)
{
    uint64_t h = 1469598103934665603ull;
    ps_event_t e;
    *count = 0;
    while (ps_workload_next(w, &e)) {
        uint64_t parts[4] = { e.t_ns, e.addr, e.size, (uint64_t)e.kind << 8 | e.task };
        for (int i = 0; i < 4; i++)
            h = (h ^ parts[i]) * 1099511628211ull;
        (*count)++;
    }
    return h;
}

static void test_same_seed_same_stream(void **state)
{
    (void)state;
    uint64_t n1, n2, n3;
    ps_workload_t *a = make(7, 2, 20000), *b = make(7, 2, 20000);
    uint64_t d1 = digest(a, &n1), d2 = digest(b, &n2);
    assert_true(n1 > 10000);
    assert_int_equal(n1, n2);
    assert_true(d1 == d2);
    /* rewinding replays the same stream */
    ps_workload_rewind(a);
    assert_true(digest(a, &n3) == d1);
    assert_int_equal(n3, n1);
    ps_workload_free(a);
    ps_workload_free(b);
}

static void test_other_seed_other_stream(void **state)
{
    (void)state;
    uint64_t n1, n2;
    ps_workload_t *a = make(7, 2, 0), *b = make(8, 2, 0);
    assert_true(digest(a, &n1) != digest(b, &n2));
    ps_workload_free(a);
    ps_workload_free(b);
}

/* Time order, every free matches a live alloc, sizes within the sources' ranges,
 * the pattern ring and the trickle cap respected, the background level held. */
static void test_stream_is_consistent(void **state)
{
    (void)state;
    ps_workload_t *w = make(3, 6, 30000);
    enum { MAXID = 1 << 22 };
    uint32_t *size = calloc(MAXID, sizeof *size);
    uint8_t *src = calloc(MAXID, 1);
    assert_non_null(size);
    assert_non_null(src);
    ps_event_t e;
    uint64_t last = 0, trickle = 0, bg = 0, bg_max = 0;
    unsigned patterns = 0, max_patterns = 0, per_src[PS_SRC_COUNT] = { 0 };
    while (ps_workload_next(w, &e)) {
        assert_true(e.t_ns >= last);
        assert_true(e.t_ns <= 6 * HOUR);
        last = e.t_ns;
        assert_true(e.addr < MAXID);
        if (e.kind == PS_EV_ALLOC) {
            assert_int_equal(size[e.addr], 0);
            assert_true(e.size > 0);
            size[e.addr] = e.size;
            src[e.addr] = (uint8_t)e.task;
            per_src[e.task]++;
            switch (e.task) {
            case PS_SRC_WS: assert_true(e.size >= 32 && e.size <= 4096); break;
            case PS_SRC_CMD: assert_true(e.size >= 8 && e.size <= 256); break;
            case PS_SRC_PATTERN:
                assert_int_equal(e.size, 1024);
                patterns++;
                break;
            case PS_SRC_TRICKLE:
                assert_true(e.size >= 16 && e.size <= 128);
                trickle += e.size;
                break;
            case PS_SRC_BURST: assert_true(e.size >= 1024 && e.size <= 4096); break;
            case PS_SRC_BACKGROUND: bg += e.size; break;
            case PS_SRC_WIFI:
            case PS_SRC_LWIP:
            case PS_SRC_TLS:
            case PS_SRC_NETSYS: assert_true(e.size <= 16717); break;
            default: fail_msg("unknown source %u", e.task);
            }
        } else {
            assert_true(size[e.addr] > 0); /* frees only live blocks */
            assert_int_not_equal(src[e.addr], PS_SRC_TRICKLE);
            assert_int_not_equal(src[e.addr], PS_SRC_NETSYS); /* start-up blocks stay */
            if (src[e.addr] == PS_SRC_PATTERN)
                patterns--;
            if (src[e.addr] == PS_SRC_BACKGROUND)
                bg -= size[e.addr];
            size[e.addr] = 0;
        }
        if (patterns > max_patterns)
            max_patterns = patterns;
        if (bg > bg_max)
            bg_max = bg;
    }
    assert_int_equal(max_patterns, 8);
    assert_true(trickle <= 8192);
    assert_true(bg_max >= 30000 && bg_max < 30000 + 2048);
    /* rates: about 600 frames a minute for 6 hours */
    assert_true(per_src[PS_SRC_WS] > 6 * 60 * 600 * 9 / 10 && per_src[PS_SRC_WS] < 6 * 60 * 600 * 11 / 10);
    assert_true(per_src[PS_SRC_BURST] == 8 * 24 || per_src[PS_SRC_BURST] == 8 * 23 || per_src[PS_SRC_BURST] == 8 * 25);
    free(size);
    free(src);
    ps_workload_free(w);
}

/* The network component: start-up blocks, one TLS connection at a time with
 * its record buffers, every received frame's segments and ACKs. */
static void test_net(void **state)
{
    (void)state;
    ps_workload_cfg_t c;
    char err[200];
    ps_workload_defaults(&c);
    c.duration_ns = 6 * HOUR;
    c.net_reconnects_per_hour = 4;
    c.cmd_per_min = 0;
    c.pattern_per_hour = 0;
    c.trickle_per_hour = 0;
    c.burst_every_min = 0;
    ps_workload_t *w = ps_workload_new(&c, err, sizeof err);
    assert_non_null(w);
    enum { MAXID = 1 << 23 };
    uint32_t *size = calloc(MAXID, sizeof *size);
    assert_non_null(size);
    ps_event_t e;
    uint64_t last = 0, ws_frames = 0, ws_segments = 0, rx_bufs = 0, acks = 0;
    unsigned static_rx = 0, in_bufs = 0, out_bufs = 0, in_live = 0, in_live_max = 0, stacks = 0;
    while (ps_workload_next(w, &e)) {
        assert_true(e.t_ns >= last); /* in time order */
        last = e.t_ns;
        assert_true(e.addr < MAXID);
        if (e.kind == PS_EV_ALLOC) {
            assert_int_equal(size[e.addr], 0);
            size[e.addr] = e.size;
            if (e.task == PS_SRC_WIFI && e.size == 1600 && e.t_ns == 0)
                static_rx++;
            if (e.task == PS_SRC_TLS && e.size == 16717) {
                in_bufs++;
                if (++in_live > in_live_max)
                    in_live_max = in_live;
            }
            if (e.task == PS_SRC_TLS && e.size == 4429)
                out_bufs++;
            if (e.task == PS_SRC_NETSYS && (e.size == 3072 || e.size == 2304 || e.size == 4096))
                stacks++;
            if (e.task == PS_SRC_WS) {
                /* the frame's record: payload + 2/4 header bytes + 29 of TLS, in 1440-byte segments */
                uint32_t record = e.size + (e.size <= 125 ? 2u : 4u) + 29u;
                ws_frames++;
                ws_segments += (record + 1439u) / 1440u;
            }
            if (e.task == PS_SRC_WIFI && e.t_ns > 0 && e.size > 74)
                rx_bufs++;
            if (e.task == PS_SRC_LWIP && e.size == 92)
                acks++;
        } else {
            assert_true(size[e.addr] > 0);
            if (size[e.addr] == 16717)
                in_live--;
            size[e.addr] = 0;
        }
    }
    assert_int_equal(static_rx, 10);
    assert_int_equal(stacks, 3);
    /* one connection at a time; a new one after each of about 24 reconnects */
    assert_int_equal(in_live_max, 1);
    assert_int_equal(in_bufs, out_bufs);
    assert_true(in_bufs >= 18 && in_bufs <= 30);
    /* every frame's segments came through Wi-Fi RX buffers (and pongs and broadcasts more) */
    assert_true(ws_frames > 6 * 60 * 600 * 9 / 10);
    assert_true(rx_bufs >= ws_segments);
    assert_true(acks >= ws_frames);
    free(size);
    ps_workload_free(w);

    /* off: the stream of the application alone, as before the component existed */
    ps_workload_defaults(&c);
    c.duration_ns = 1 * HOUR;
    c.net = 0;
    w = ps_workload_new(&c, err, sizeof err);
    while (ps_workload_next(w, &e))
        assert_true(e.task >= PS_SRC_WS && e.task <= PS_SRC_BACKGROUND);
    ps_workload_free(w);
    assert_int_equal(ps_workload_system_tasks(),
                     (1u << PS_SRC_WIFI) | (1u << PS_SRC_LWIP) | (1u << PS_SRC_TLS) | (1u << PS_SRC_NETSYS));
    c.net = 2;
    assert_null(ps_workload_new(&c, err, sizeof err));
    assert_non_null(strstr(err, "net"));
}

static void test_bad_config(void **state)
{
    (void)state;
    ps_workload_cfg_t c;
    char err[200];
    ps_workload_defaults(&c);
    c.ws_size.min = 5000; /* min above max */
    assert_null(ps_workload_new(&c, err, sizeof err));
    assert_non_null(strstr(err, "WebSocket"));
    ps_workload_defaults(&c);
    c.duration_ns = 0;
    assert_null(ps_workload_new(&c, err, sizeof err));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_stream),
        cmocka_unit_test(test_other_seed_other_stream),
        cmocka_unit_test(test_stream_is_consistent),
        cmocka_unit_test(test_net),
        cmocka_unit_test(test_bad_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
