/*
 * test_ledbuf_threads.c - a renderer thread and an output thread standing in
 * for the DMA and its transfer-done interrupt share one LED double buffer.
 * The renderer writes frame k into every byte of the back buffer, slowly; the
 * output side reads the buffer it was given several times over the length of
 * a "transfer" and checks that it holds one whole frame that does not change
 * under it, and that frames never go backwards. A copy into the buffer being
 * transferred (the seed's LED loop) would show up as a torn or changing
 * frame. Runs clean under ThreadSanitizer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "tierpool.h"
#include "tp_ledbuf.h"

#define N 300 /* 100 RGB LEDs */
#define TRANSFERS 20000

static uint8_t bufs[2][N];
static tp_ledbuf_t lb;
static atomic_int stop;

/* Frame k: its 32-bit number in the first 4 bytes, its low byte in all the others. */
static void *renderer(void *arg)
{
    uint32_t *frames = arg;
    uint32_t k = 0;
    while (!atomic_load(&stop)) {
        uint8_t *back = tp_ledbuf_render_begin(&lb);
        if (back == NULL) {
            continue;
        }
        k++;
        memcpy(back, &k, sizeof k);
        for (int i = 4; i < N; i++) {
            back[i] = (uint8_t)k;
            if (i % 100 == 0) {
                sched_yield();
            }
        }
        tp_ledbuf_render_end(&lb);
        (*frames)++;
        for (int i = 0; i < 4; i++) { /* a frame period: the frame waits, ready, for a transfer */
            sched_yield();
        }
    }
    return NULL;
}

/* 1 when buf holds one whole frame; its number in *num. */
static int whole_frame(const uint8_t *buf, uint32_t *num)
{
    memcpy(num, buf, sizeof *num);
    for (int i = 4; i < N; i++) {
        if (buf[i] != (uint8_t)*num) {
            return 0;
        }
    }
    return 1;
}

static void test_render_while_transferring(void **state)
{
    (void)state;
    assert_int_equal(tp_ledbuf_init(&lb, bufs[0], bufs[1], N), TP_OK);
    uint32_t frames = 0;
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, renderer, &frames), 0);
    uint32_t torn = 0, changed = 0, backwards = 0, refused = 0, last = 0;
    for (uint32_t t = 0; t < TRANSFERS; t++) {
        const uint8_t *tx = tp_ledbuf_tx_begin(&lb);
        if (tx == NULL) {
            refused++;
            continue;
        }
        uint32_t first = 0;
        torn += !whole_frame(tx, &first);
        for (int pass = 0; pass < 3; pass++) { /* the transfer takes a while */
            sched_yield();
            uint32_t again = 0;
            if (!whole_frame(tx, &again) || again != first) {
                changed++;
                break;
            }
        }
        backwards += first < last;
        last = first;
        assert_int_equal(tp_ledbuf_tx_done(&lb), TP_OK); /* the "DMA-done interrupt" */
    }
    atomic_store(&stop, 1);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(torn, 0);
    assert_int_equal(changed, 0);
    assert_int_equal(backwards, 0);
    assert_int_equal(refused, 0);
    tp_ledbuf_stats_t st;
    assert_int_equal(tp_ledbuf_stats(&lb, &st), TP_OK);
    assert_int_equal(st.shown + st.repeated, TRANSFERS);
    assert_int_equal(st.rendered, frames);
    /* every rendered frame was shown, dropped, or is the one still waiting */
    assert_true(st.rendered - st.shown - st.dropped <= 1u);
    assert_int_equal(st.busy + st.misuse, 0);
    assert_true(st.shown > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_while_transferring),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
