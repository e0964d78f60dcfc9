/*
 * The address map (addrmap.c): a seeded random test against a simple model,
 * and crafted colliding addresses (issue 10: 80,000 of them made a replay
 * quadratic, 17 s instead of 0.03 s) that must cost linear probing, counted
 * in probes, not timed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "addrmap.h"

/* The inverse of murmur3's 64-bit finaliser: what an attacker computes to
 * make addresses land in the same slot of an unkeyed table. */
static uint64_t unmix(uint64_t h)
{
    const uint64_t c = 0xff51afd7ed558ccdull;
    uint64_t inv = c; /* c * inv == 1 mod 2^64, by Newton's iteration */
    for (int i = 0; i < 6; i++)
        inv *= 2u - c * inv;
    h ^= h >> 33;
    h *= inv;
    h ^= h >> 33;
    return h;
}

static void test_crafted_collisions(void **state)
{
    (void)state;
    enum { N = 80000 };
    ps_addrmap_t m;
    assert_int_equal(ps_addrmap_init(&m), 0);
    for (uint64_t i = 0; i < N; i++) {
        const uint64_t a = unmix(i << 20); /* the low 20 bits of the unkeyed hash are all 0 */
        assert_null(ps_addrmap_find(&m, a));
        assert_non_null(ps_addrmap_insert(&m, a));
        if (m.probes > 64u * (i + 1u))
            fail_msg("%llu probes after %llu inserts: the map is quadratic on crafted addresses",
                     (unsigned long long)m.probes, (unsigned long long)(i + 1u));
    }
    for (uint64_t i = 0; i < N; i++) {
        ps_slot_t *s = ps_addrmap_find(&m, unmix(i << 20));
        assert_non_null(s);
        ps_addrmap_delete(&m, s);
    }
    assert_int_equal(m.n, 0);
    assert_true(m.probes < 64u * 3u * N);
    ps_addrmap_destroy(&m);
}

/* Seeded random inserts, finds and deletes against a plain array. */
static void test_against_model(void **state)
{
    (void)state;
    enum { KEYS = 3000, STEPS = 200000 };
    static uint8_t live[KEYS];
    static uint32_t sizes[KEYS];
    memset(live, 0, sizeof live);
    ps_addrmap_t m;
    assert_int_equal(ps_addrmap_init(&m), 0);
    uint64_t x = 0x2545F4914F6CDD1Dull;
    size_t n = 0;
    for (int step = 0; step < STEPS; step++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        const uint64_t r = x * 0x2545F4914F6CDD1Dull;
        const unsigned k = (unsigned)(r % KEYS);
        const uint64_t addr = 0x3fc80000u + 16u * k + (k % 7u == 0u ? (uint64_t)k << 40 : 0u);
        ps_slot_t *s = ps_addrmap_find(&m, addr);
        assert_int_equal(s != NULL, live[k]);
        if (s) {
            assert_int_equal(s->size, sizes[k]);
            if ((r >> 32) & 1u) {
                ps_addrmap_delete(&m, s);
                live[k] = 0;
                n--;
            }
        } else {
            s = ps_addrmap_insert(&m, addr);
            assert_non_null(s);
            assert_int_equal(s->addr, addr);
            s->size = sizes[k] = (uint32_t)(r >> 40);
            live[k] = 1;
            n++;
        }
        assert_int_equal(m.n, n);
    }
    ps_addrmap_destroy(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_model),
        cmocka_unit_test(test_crafted_collisions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
