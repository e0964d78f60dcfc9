/*
 * test_dma_isr.c - a DMA buffer set and an LED double buffer shared by thread
 * mode and an interrupt handler, on a Cortex-M3 under QEMU (mps2-an385).
 * SysTick stands for the DMA-done interrupt: each tick it checks that the
 * buffer the running "transfer" reads still holds the one whole frame it held
 * when the transfer started, ends the transfer (tp_ledbuf_tx_done), starts the
 * next one (tp_ledbuf_tx_begin: a swap when a frame is ready), and takes or
 * gives back DMA buffers of its own. Thread mode renders frames slowly (every
 * byte of the back buffer written one by one, so interrupts land mid-frame)
 * and takes, stamps, checks and releases DMA buffers.
 *
 * Built with the PRIMASK critical section (TP_CFG_THREAD_SAFE=1, must pass)
 * and without it and without assertions (must fail: the proof that these
 * checks see the race the seed's in_use flag and staging copy had). -icount
 * makes every interrupt land at the same instruction on every run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tierpool.h"
#include "tp_dma.h"
#include "tp_ledbuf.h"
#include "tp_test_util.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

#define FRAME 96 /* 8 LEDs of WS2812 bits */
#define BUF 64

static uint8_t led_a[FRAME], led_b[FRAME];
static tp_ledbuf_t lb;
TP_DMA_STORAGE_DEFINE(dma_storage, 4, BUF, 0);
static tp_dma_set_t dma;

/* A buffer holds one frame when all its bytes are equal. */
static int whole(const uint8_t *p, uint32_t n, uint8_t *value)
{
    *value = p[0];
    for (uint32_t i = 1; i < n; i++) {
        if (p[i] != p[0]) {
            return 0;
        }
    }
    return 1;
}

/* ---- the interrupt side: it counts; the thread asserts at the end ---- */
static const uint8_t *isr_tx;
static uint8_t isr_tx_frame, isr_last_frame;
static volatile uint32_t isr_ticks, isr_transfers, isr_torn, isr_changed, isr_backwards, isr_busy, isr_dma_bad;
#define ISR_KEEP 2
static uint8_t *isr_dma[ISR_KEEP];
static uint32_t isr_rng = 0x2545F491u;

void SysTick_Handler(void);
void SysTick_Handler(void)
{
    isr_ticks++;
    if (isr_tx != NULL) { /* the transfer that was running is done */
        uint8_t v = 0;
        if (!whole(isr_tx, FRAME, &v) || v != isr_tx_frame) {
            isr_changed++; /* written while a transfer read it */
        }
        if (tp_ledbuf_tx_done(&lb) != TP_OK) {
            isr_busy++;
        }
        isr_tx = NULL;
    }
    const uint8_t *tx = tp_ledbuf_tx_begin(&lb);
    if (tx == NULL) {
        isr_busy++;
    } else {
        uint8_t v = 0;
        if (!whole(tx, FRAME, &v)) {
            isr_torn++; /* a half-rendered frame went out */
        } else if ((uint8_t)(v - isr_last_frame) > 128u) {
            isr_backwards++;
        }
        isr_tx = tx;
        isr_tx_frame = v;
        isr_last_frame = v;
        isr_transfers++;
    }
    /* DMA buffers of the interrupt's own: checked and released, or taken and stamped */
    const uint32_t k = tp_test_rand(&isr_rng) % ISR_KEEP;
    if (isr_dma[k] != NULL) {
        uint8_t v = 0;
        if (!whole(isr_dma[k], BUF, &v) || v != (uint8_t)(0xF0u + k)) {
            isr_dma_bad++;
        }
        if (tp_dma_release(&dma, isr_dma[k]) != TP_OK) {
            isr_dma_bad++;
        }
        isr_dma[k] = NULL;
    } else {
        tp_dma_buf_t b;
        if (tp_dma_acquire(&dma, &b) == TP_OK) {
            memset(b.tx, 0xF0 + (int)k, BUF);
            isr_dma[k] = b.tx;
        }
    }
}

static void test_dma_and_ledbuf_shared_with_isr(void **state)
{
    (void)state;
    assert_int_equal(tp_ledbuf_init(&lb, led_a, led_b, FRAME), TP_OK);
    assert_int_equal(tp_dma_init(&dma, dma_storage, sizeof dma_storage, 4, BUF, 0), TP_OK);
    SYST_RVR = 60u; /* a tick every ~2400 instructions at -icount shift=0 */
    SYST_CVR = 0u;
    SYST_CSR = 7u;

    uint32_t rng = 0xBADC0DEu, frames = 0, dma_bad = 0, dma_ok = 0;
    uint8_t frame = 0;
    uint8_t *held[2] = { NULL, NULL };
    for (uint32_t step = 0; step < 10000u; step++) {
        /* render a frame, one byte at a time */
        uint8_t *back = tp_ledbuf_render_begin(&lb);
        assert_non_null(back);
        frame = (uint8_t)(frame + 1u);
        for (uint32_t i = 0; i < FRAME; i++) {
            ((volatile uint8_t *)back)[i] = frame;
        }
        assert_int_equal(tp_ledbuf_render_end(&lb), TP_OK);
        frames++;
        /* take or give back a DMA buffer */
        const uint32_t k = tp_test_rand(&rng) % 2u;
        if (held[k] != NULL) {
            uint8_t v = 0;
            dma_bad += whole(held[k], BUF, &v) && v == (uint8_t)(0x10u + k) ? 0u : 1u;
            dma_bad += tp_dma_release(&dma, held[k]) == TP_OK ? 0u : 1u;
            held[k] = NULL;
        } else {
            tp_dma_buf_t b;
            if (tp_dma_acquire(&dma, &b) == TP_OK) {
                for (uint32_t i = 0; i < BUF; i++) {
                    ((volatile uint8_t *)b.tx)[i] = (uint8_t)(0x10u + k);
                }
                held[k] = b.tx;
                dma_ok++;
            }
        }
    }
    SYST_CSR = 0u;

    print_message("frames %lu, interrupts %lu, transfers %lu, thread DMA acquisitions %lu; "
                  "torn %lu, changed under a transfer %lu, backwards %lu, busy %lu, DMA damage %lu\n",
                  (unsigned long)frames, (unsigned long)isr_ticks, (unsigned long)isr_transfers, (unsigned long)dma_ok,
                  (unsigned long)isr_torn, (unsigned long)isr_changed, (unsigned long)isr_backwards,
                  (unsigned long)isr_busy, (unsigned long)(dma_bad + isr_dma_bad));
    assert_true(isr_ticks > 1000u); /* the handler really ran, often */
    assert_int_equal(isr_torn, 0);
    assert_int_equal(isr_changed, 0);
    assert_int_equal(isr_backwards, 0);
    assert_int_equal(isr_busy, 0);
    assert_int_equal(dma_bad + isr_dma_bad, 0);
    tp_ledbuf_stats_t ls;
    assert_int_equal(tp_ledbuf_stats(&lb, &ls), TP_OK);
    assert_int_equal(ls.shown + ls.repeated, isr_transfers);
    assert_int_equal(ls.rendered, frames);
    assert_int_equal(ls.busy + ls.misuse, 0);
    assert_true(ls.shown > 100u);
    tp_dma_stats_t ds;
    assert_int_equal(tp_dma_stats(&dma, &ds), TP_OK);
    uint32_t live = 0;
    for (uint32_t i = 0; i < 2; i++) {
        live += held[i] != NULL;
        live += isr_dma[i] != NULL;
    }
    assert_int_equal(ds.in_use, live);
    assert_int_equal(ds.acquired - ds.released, live);
    assert_int_equal(ds.foreign + ds.interior + ds.double_release, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dma_and_ledbuf_shared_with_isr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
