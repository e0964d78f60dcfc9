/*
 * cm3_pairs.c - instructions per alloc+free pair on a Cortex-M3, counted
 * exactly under QEMU (mps2-an385). Not a test: bench/cm3.sh builds it with
 * and without locking (TP_CFG_THREAD_SAFE=1: the PRIMASK critical section,
 * inline from port/baremetal/include) and runs it; bench/run.sh writes the
 * figures to bench/RESULTS.md.
 *
 * How it counts: QEMU runs with -icount shift=0, so virtual time advances
 * exactly 1 ns per executed instruction, whatever the host does. SysTick,
 * clocked by the processor clock (25 MHz on this machine), then counts down
 * once per 40 instructions. A loop of N pairs is timed with it and the same
 * loop calling two functions that return at once ("null": the loop, the
 * calls, the argument set-up) subtracted:
 *   instructions per pair = (ticks(tierpool) - ticks(null)) * 40 / N,
 * exact to within 2 * 40 / N instructions (each reading is off by less than
 * one tick); N = 20000 makes that 0.004. The difference is the instructions
 * executed inside tp_alloc and tp_free minus the null functions' own four
 * (ldr/movs and bx lr, twice). bench/cm3.sh --trace checks it by another
 * exact method: QEMU's per-instruction execution trace.
 */
#include <stdint.h>
#include <stdio.h>

#include "tierpool.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define INSNS_PER_TICK 40u /* 1 ns per instruction (-icount shift=0), 25 MHz SysTick */
#ifndef PAIRS
#define PAIRS 20000u /* bench/cm3.sh --trace builds with fewer */
#endif

static const tp_tier_t tiers[] = { { 256, 64 }, { 1024, 24 }, { 4096, 12 } };
TP_POOL_STORAGE_DEFINE(storage, TP_POOL_STORAGE_BOUND(3, 256 * 64 + 1024 * 24 + 4096 * 12, 100));
static tp_pool_t pool;

typedef void *(*alloc_fn)(tp_pool_t *, size_t);
typedef tp_err_t (*free_fn)(tp_pool_t *, void *);

static uint8_t null_block[8];
__attribute__((noinline)) static void *null_alloc(tp_pool_t *p, size_t size)
{
    (void)p;
    (void)size;
    return null_block;
}
__attribute__((noinline)) static tp_err_t null_free(tp_pool_t *p, void *ptr)
{
    (void)p;
    (void)ptr;
    return TP_OK;
}

/* SysTick ticks for PAIRS pairs through a and f (called through volatile
 * function pointers, so that both loops are the same code). */
static uint32_t ticks(alloc_fn a, free_fn f, size_t size)
{
    alloc_fn volatile va = a;
    free_fn volatile vf = f;
    alloc_fn call_a = va;
    free_fn call_f = vf;
    for (uint32_t i = 0; i < 100u; i++) { /* warm-up: the same path as measured */
        (void)call_f(&pool, call_a(&pool, size));
    }
    const uint32_t start = SYST_CVR;
    for (uint32_t i = 0; i < PAIRS; i++) {
        (void)call_f(&pool, call_a(&pool, size));
    }
    const uint32_t end = SYST_CVR;
    return (start - end) & 0xFFFFFFu; /* a down-counter of 24 bits */
}

int main(void)
{
    static const size_t sizes[] = { 64, 256, 1000, 4096 };
    if (tp_pool_init(&pool, tiers, 3, storage, sizeof storage) != TP_OK) {
        puts("tp_pool_init failed");
        return 1;
    }
    SYST_RVR = 0xFFFFFFu;
    SYST_CVR = 0u;
    SYST_CSR = 5u; /* processor clock, enabled, no interrupt */
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        const uint32_t null_ticks = ticks(null_alloc, null_free, sizes[k]);
        const uint32_t tp_ticks = ticks(tp_alloc, tp_free, sizes[k]);
        /* thousandths of an instruction per pair, in integers */
        const uint32_t milli = (uint32_t)(((uint64_t)(tp_ticks - null_ticks) * INSNS_PER_TICK * 1000u) / PAIRS);
        printf("pair %u thread_safe=%d insns %lu.%03lu\n", (unsigned)sizes[k], TP_CFG_THREAD_SAFE,
               (unsigned long)(milli / 1000u), (unsigned long)(milli % 1000u));
    }
    tp_pool_stats_t s;
    if (tp_pool_get_stats(&pool, &s) != TP_OK || s.blocks_in_use != 0u || s.allocs != 4u * (PAIRS + 100u)) {
        puts("statistics do not add up");
        return 1;
    }
    return 0;
}
