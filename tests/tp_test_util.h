/* Helpers shared by the core tests (host and Cortex-M/QEMU builds). */
#ifndef TP_TEST_UTIL_H
#define TP_TEST_UTIL_H

#include <stdint.h>

/* Iteration scale: the QEMU build defines a smaller one. */
#ifndef TP_TEST_SCALE
#define TP_TEST_SCALE 8
#endif

/* xorshift32: deterministic, seedable, the same on every target. */
static inline uint32_t tp_test_rand(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/* Uniform-enough value in [lo, hi]. */
static inline uint32_t tp_test_range(uint32_t *state, uint32_t lo, uint32_t hi)
{
    return lo + tp_test_rand(state) % (hi - lo + 1u);
}

#endif
