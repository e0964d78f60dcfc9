/*
 * test_ledbuf.c - the LED frame double buffer (tp_ledbuf.h): swaps only when
 * a frame is ready and no transfer runs, the renderer never gets the buffer a
 * transfer reads (the seed's LED loop copied into the DMA buffer while a
 * transfer could be reading it), dropped and repeated frames counted, misuse
 * refused; and a seeded random run against a reference model.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tierpool.h"
#include "tp_ledbuf.h"
#include "tp_test_util.h"

#define N 180 /* 60 RGB LEDs */

static uint8_t bufs[2][N];

static void expect(tp_ledbuf_t *lb, uint32_t rendered, uint32_t shown, uint32_t repeated, uint32_t dropped,
                   uint32_t busy, uint32_t misuse)
{
    tp_ledbuf_stats_t st;
    assert_int_equal(tp_ledbuf_stats(lb, &st), TP_OK);
    assert_int_equal(st.rendered, rendered);
    assert_int_equal(st.shown, shown);
    assert_int_equal(st.repeated, repeated);
    assert_int_equal(st.dropped, dropped);
    assert_int_equal(st.busy, busy);
    assert_int_equal(st.misuse, misuse);
}

static void test_init_errors(void **state)
{
    (void)state;
    tp_ledbuf_t lb;
    assert_int_equal(tp_ledbuf_init(NULL, bufs[0], bufs[1], N), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_ledbuf_init(&lb, NULL, bufs[1], N), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_ledbuf_init(&lb, bufs[0], NULL, N), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_ledbuf_init(&lb, bufs[0], bufs[1], 0), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_ledbuf_init(&lb, bufs[0], bufs[0], N), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_ledbuf_init(&lb, bufs[0], bufs[0] + 10, N), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_ledbuf_init(&lb, bufs[0] + 10, bufs[0], N), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_ledbuf_init(&lb, bufs[0], bufs[0] + N, N), TP_OK); /* adjacent is fine */
    tp_ledbuf_t zero;
    memset(&zero, 0, sizeof zero);
    assert_null(tp_ledbuf_render_begin(&zero));
    assert_int_equal(tp_ledbuf_render_end(&zero), TP_ERR_INVALID_ARG);
    assert_null(tp_ledbuf_tx_begin(&zero));
    assert_int_equal(tp_ledbuf_tx_done(&zero), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_ledbuf_size(&zero), 0);
    assert_int_equal(tp_ledbuf_size(&lb), N);
}

static void test_swap_only_when_ready(void **state)
{
    (void)state;
    tp_ledbuf_t lb;
    memset(bufs, 0xEE, sizeof bufs);
    assert_int_equal(tp_ledbuf_init(&lb, bufs[0], bufs[1], N), TP_OK);
    /* nothing rendered yet: the (zeroed) front is sent again */
    const uint8_t *tx = tp_ledbuf_tx_begin(&lb);
    assert_ptr_equal(tx, bufs[0]);
    assert_int_equal(tx[0], 0);
    assert_int_equal(tp_ledbuf_tx_done(&lb), TP_OK);
    expect(&lb, 0, 0, 1, 0, 0, 0);
    /* render frame 1 */
    uint8_t *back = tp_ledbuf_render_begin(&lb);
    assert_ptr_equal(back, bufs[1]);
    memset(back, 1, N);
    assert_int_equal(tp_ledbuf_render_end(&lb), TP_OK);
    tx = tp_ledbuf_tx_begin(&lb);
    assert_ptr_equal(tx, bufs[1]);
    assert_int_equal(tx[N - 1], 1);
    expect(&lb, 1, 1, 1, 0, 0, 0);
    assert_int_equal(tp_ledbuf_tx_done(&lb), TP_OK);
    /* no new frame: the same buffer again */
    assert_ptr_equal(tp_ledbuf_tx_begin(&lb), bufs[1]);
    assert_int_equal(tp_ledbuf_tx_done(&lb), TP_OK);
    expect(&lb, 1, 1, 2, 0, 0, 0);
}

/* Seed flaw: the LED loop copied the staging buffer into the DMA buffer while a
 * transfer could still be reading it. Here the renderer only ever gets the
 * buffer no transfer reads, and the front changes only between transfers. */
static void test_transfer_never_sees_rendering(void **state)
{
    (void)state;
    tp_ledbuf_t lb;
    assert_int_equal(tp_ledbuf_init(&lb, bufs[0], bufs[1], N), TP_OK);
    uint8_t *back = tp_ledbuf_render_begin(&lb);
    memset(back, 1, N);
    assert_int_equal(tp_ledbuf_render_end(&lb), TP_OK);
    const uint8_t *tx = tp_ledbuf_tx_begin(&lb); /* frame 1 on its way */
    assert_int_equal(tx[0], 1);
    /* render frame 2 while the transfer runs: a different buffer */
    back = tp_ledbuf_render_begin(&lb);
    assert_ptr_not_equal(back, tx);
    memset(back, 2, N);
    assert_int_equal(tp_ledbuf_render_end(&lb), TP_OK);
    /* a new transfer cannot start (nor swap) while this one runs */
    assert_null(tp_ledbuf_tx_begin(&lb));
    for (int i = 0; i < N; i++) {
        assert_int_equal(tx[i], 1); /* what the running transfer reads is untouched */
    }
    expect(&lb, 2, 1, 0, 0, 1, 0);
    assert_int_equal(tp_ledbuf_tx_done(&lb), TP_OK);
    const uint8_t *tx2 = tp_ledbuf_tx_begin(&lb);
    assert_ptr_equal(tx2, back);
    assert_int_equal(tx2[0], 2);
    /* rendering started while a transfer is due: the transfer repeats the front
     * instead of taking a half-rendered buffer */
    assert_int_equal(tp_ledbuf_tx_done(&lb), TP_OK);
    back = tp_ledbuf_render_begin(&lb);
    assert_ptr_not_equal(back, tx2);
    memset(back, 3, N / 2); /* half done */
    const uint8_t *tx3 = tp_ledbuf_tx_begin(&lb);
    assert_ptr_equal(tx3, tx2);
    assert_int_equal(tx3[0], 2);
    assert_int_equal(tp_ledbuf_tx_done(&lb), TP_OK);
    memset(back + N / 2, 3, N - N / 2);
    assert_int_equal(tp_ledbuf_render_end(&lb), TP_OK);
    assert_ptr_equal(tp_ledbuf_tx_begin(&lb), back);
    assert_int_equal(tp_ledbuf_tx_done(&lb), TP_OK);
    expect(&lb, 3, 3, 1, 0, 1, 0);
}

static void test_dropped_frames_and_misuse(void **state)
{
    (void)state;
    tp_ledbuf_t lb;
    assert_int_equal(tp_ledbuf_init(&lb, bufs[0], bufs[1], N), TP_OK);
    for (int i = 1; i <= 3; i++) { /* three frames, no transfer: two are dropped */
        uint8_t *back = tp_ledbuf_render_begin(&lb);
        assert_non_null(back);
        memset(back, i, N);
        assert_int_equal(tp_ledbuf_render_end(&lb), TP_OK);
    }
    expect(&lb, 3, 0, 0, 2, 0, 0);
    const uint8_t *tx = tp_ledbuf_tx_begin(&lb);
    assert_int_equal(tx[0], 3); /* the newest */
    /* misuse: a second render_begin while one is open, end without begin,
     * done without a transfer */
    assert_non_null(tp_ledbuf_render_begin(&lb));
    assert_null(tp_ledbuf_render_begin(&lb));
    assert_int_equal(tp_ledbuf_render_end(&lb), TP_OK);
    assert_int_equal(tp_ledbuf_render_end(&lb), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_ledbuf_tx_done(&lb), TP_OK);
    assert_int_equal(tp_ledbuf_tx_done(&lb), TP_ERR_INVALID_ARG);
    expect(&lb, 4, 1, 0, 2, 0, 3);
}

static void test_random_against_model(void **state)
{
    (void)state;
    for (uint32_t seed = 1; seed <= 20u * TP_TEST_SCALE; seed++) {
        uint32_t rng = seed * 1103515245u + 12345u;
        tp_ledbuf_t lb;
        assert_int_equal(tp_ledbuf_init(&lb, bufs[0], bufs[1], N), TP_OK);
        int front = 0, back_state = 0 /* 0 empty, 1 rendering, 2 ready */, tx_active = 0;
        uint8_t front_frame = 0, back_frame = 0, next_frame = 1;
        tp_ledbuf_stats_t m;
        memset(&m, 0, sizeof m);
        for (int step = 0; step < 600; step++) {
            const uint32_t op = tp_test_range(&rng, 0, 3);
            if (op == 0) {
                uint8_t *b = tp_ledbuf_render_begin(&lb);
                if (back_state == 1) {
                    assert_null(b);
                    m.misuse++;
                } else {
                    m.dropped += back_state == 2;
                    assert_ptr_equal(b, bufs[front ^ 1]);
                    back_state = 1;
                    back_frame = next_frame++;
                    memset(b, back_frame, N / 2);
                }
            } else if (op == 1) {
                const tp_err_t err = tp_ledbuf_render_end(&lb);
                if (back_state != 1) {
                    assert_int_equal(err, TP_ERR_INVALID_ARG);
                    m.misuse++;
                } else {
                    assert_int_equal(err, TP_OK);
                    memset(bufs[front ^ 1] + N / 2, back_frame, N - N / 2);
                    back_state = 2;
                    m.rendered++;
                }
            } else if (op == 2) {
                const uint8_t *tx = tp_ledbuf_tx_begin(&lb);
                if (tx_active) {
                    assert_null(tx);
                    m.busy++;
                } else {
                    if (back_state == 2) {
                        front ^= 1;
                        front_frame = back_frame;
                        back_state = 0;
                        m.shown++;
                    } else {
                        m.repeated++;
                    }
                    tx_active = 1;
                    assert_ptr_equal(tx, bufs[front]);
                }
            } else {
                const tp_err_t err = tp_ledbuf_tx_done(&lb);
                assert_int_equal(err, tx_active ? TP_OK : TP_ERR_INVALID_ARG);
                m.misuse += !tx_active;
                tx_active = 0;
            }
            /* the front always holds one whole frame */
            for (int i = 0; i < N; i++) {
                assert_int_equal(bufs[front][i], front_frame);
            }
            tp_ledbuf_stats_t st;
            assert_int_equal(tp_ledbuf_stats(&lb, &st), TP_OK);
            assert_memory_equal(&st, &m, sizeof st);
        }
    }
}

/* Every counter saturates at UINT32_MAX (tp_ledbuf.h): a strip refreshed at
 * 100 Hz with nothing new to show passes 2^32 repeated frames in 497 days. */
static void test_counters_saturate(void **state)
{
    (void)state;
    tp_ledbuf_t lb;
    assert_int_equal(tp_ledbuf_init(&lb, bufs[0], bufs[1], N), TP_OK);
    lb.st.rendered = lb.st.shown = lb.st.repeated = UINT32_MAX - 1u;
    lb.st.dropped = lb.st.busy = lb.st.misuse = UINT32_MAX - 1u;
    for (int i = 0; i < 2; i++) {
        assert_non_null(tp_ledbuf_render_begin(&lb));
        assert_int_equal(tp_ledbuf_render_end(&lb), TP_OK);
        assert_non_null(tp_ledbuf_render_begin(&lb)); /* the ready frame is rendered over: dropped */
        assert_int_equal(tp_ledbuf_render_end(&lb), TP_OK);
        assert_non_null(tp_ledbuf_tx_begin(&lb)); /* shown */
        assert_null(tp_ledbuf_tx_begin(&lb));     /* busy */
        assert_int_equal(tp_ledbuf_tx_done(&lb), TP_OK);
        assert_int_equal(tp_ledbuf_tx_done(&lb), TP_ERR_INVALID_ARG); /* misuse */
        assert_non_null(tp_ledbuf_tx_begin(&lb));                     /* repeated */
        assert_int_equal(tp_ledbuf_tx_done(&lb), TP_OK);
    }
    expect(&lb, UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_errors),
        cmocka_unit_test(test_swap_only_when_ready),
        cmocka_unit_test(test_transfer_never_sees_rendering),
        cmocka_unit_test(test_dropped_frames_and_misuse),
        cmocka_unit_test(test_random_against_model),
        cmocka_unit_test(test_counters_saturate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
