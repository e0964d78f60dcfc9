/*
 * test_pool_isr.c - one pool shared by thread mode and an interrupt handler,
 * on a Cortex-M3 under QEMU (mps2-an385). SysTick fires every few thousand
 * instructions; its handler allocates, fills, checks and frees blocks (and
 * keeps a few alive across interrupts) while thread mode runs a long random
 * alloc/free sequence with the same checks. At the end: no block was handed
 * out twice (every live block kept its pattern), the statistics add up, and
 * tp_pool_check finds the bookkeeping intact.
 *
 * Built twice: with the PRIMASK port's critical section (TP_CFG_THREAD_SAFE=1,
 * must pass) and without any (TP_CFG_THREAD_SAFE=0, registered as a test that
 * must fail), which shows that the checks catch a race when there is one.
 * QEMU runs with -icount, so instruction timing, and with it every interrupt's
 * position, is the same on every run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tierpool.h"
#include "tp_test_util.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

static const tp_tier_t tiers[] = { { 32, 40 }, { 128, 24 }, { 512, 8 } };
TP_POOL_STORAGE_DEFINE(storage, TP_POOL_STORAGE_BOUND(3, 32 * 40 + 128 * 24 + 512 * 8, 72));
static tp_pool_t pool;

typedef struct {
    uint8_t *p;
    uint32_t size;
    uint8_t fill;
} live_t;

static void fill(const live_t *b)
{
    memset(b->p, b->fill, b->size);
}

static int intact(const live_t *b)
{
    for (uint32_t i = 0; i < b->size; i++) {
        if (b->p[i] != b->fill) {
            return 0;
        }
    }
    return 1;
}

/* ---- the interrupt side: no assertions here (they longjmp); it counts. ---- */
#define ISR_KEEP 4
static live_t isr_live[ISR_KEEP];
static uint32_t isr_rng = 0x1234567u;
static volatile uint32_t isr_ops, isr_damaged, isr_bad_frees, isr_failed;

void SysTick_Handler(void);
void SysTick_Handler(void)
{
    live_t *slot = &isr_live[tp_test_rand(&isr_rng) % ISR_KEEP];
    if (slot->p != NULL) {
        if (!intact(slot)) {
            isr_damaged++;
        }
        if (tp_free(&pool, slot->p) != TP_OK) {
            isr_bad_frees++;
        }
        slot->p = NULL;
    }
    slot->size = tp_test_range(&isr_rng, 1, 128);
    slot->p = tp_alloc(&pool, slot->size);
    if (slot->p == NULL) {
        isr_failed++;
    } else {
        slot->fill = (uint8_t)(0x80u | (isr_ops & 0x7Fu));
        fill(slot);
    }
    isr_ops++;
}

/* ---- thread mode ---- */
#define MAIN_KEEP 40
static live_t main_live[MAIN_KEEP];

static void test_pool_shared_with_isr(void **state)
{
    (void)state;
    assert_int_equal(tp_pool_init(&pool, tiers, 3, storage, sizeof storage), TP_OK);
    SYST_RVR = 40u; /* a tick every ~1600 instructions at -icount shift=0 */
    SYST_CVR = 0u;
    SYST_CSR = 7u; /* processor clock, interrupt, enable */

    uint32_t rng = 0xC0FFEEu, damaged = 0, bad_frees = 0, main_ops = 0;
    for (uint32_t step = 0; step < 60000u; step++) {
        live_t *slot = &main_live[tp_test_rand(&rng) % MAIN_KEEP];
        if (slot->p != NULL) {
            damaged += intact(slot) ? 0u : 1u;
            bad_frees += tp_free(&pool, slot->p) == TP_OK ? 0u : 1u;
            slot->p = NULL;
        } else {
            slot->size = tp_test_range(&rng, 1, 512);
            slot->p = tp_alloc(&pool, slot->size);
            if (slot->p != NULL) {
                slot->fill = (uint8_t)(step & 0x7Fu); /* never equal to an ISR fill */
                fill(slot);
            }
        }
        main_ops++;
    }
    SYST_CSR = 0u;

    uint32_t live = 0;
    for (uint32_t i = 0; i < MAIN_KEEP; i++) {
        if (main_live[i].p != NULL) {
            damaged += intact(&main_live[i]) ? 0u : 1u;
            live++;
        }
    }
    for (uint32_t i = 0; i < ISR_KEEP; i++) {
        if (isr_live[i].p != NULL) {
            damaged += intact(&isr_live[i]) ? 0u : 1u;
            live++;
        }
    }
    print_message("thread ops %lu, interrupts %lu (allocs failed in the ISR: %lu)\n", (unsigned long)main_ops,
                  (unsigned long)isr_ops, (unsigned long)isr_failed);
    assert_true(isr_ops > 5000u); /* the handler really ran, often */
    assert_int_equal(damaged + isr_damaged, 0);
    assert_int_equal(bad_frees + isr_bad_frees, 0);
    assert_int_equal(tp_pool_check(&pool, NULL), TP_OK);
    tp_pool_stats_t s;
    assert_int_equal(tp_pool_get_stats(&pool, &s), TP_OK);
    assert_int_equal(s.blocks_in_use, live);
    assert_int_equal(s.allocs - s.frees, live);
    assert_int_equal(s.double_frees + s.bad_frees + s.foreign_frees, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_shared_with_isr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
