/*
 * test_dma.c - DMA buffer sets (tp_dma.h): alignment and layout, ownership
 * checks on release (the seed's release_dma_buffer accepted any pointer
 * between its two buffers), counters, and a seeded random run against a
 * reference model. The race the seed had on `in_use` is the subject of
 * test_dma_threads.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tierpool.h"
#include "tp_dma.h"
#include "tp_test_util.h"

#define SIZE 1001 /* not a multiple of the alignment */

TP_DMA_STORAGE_DEFINE(single_storage, 4, SIZE, 0);
TP_DMA_STORAGE_DEFINE(pair_storage, 2, 4096, 1);

static void test_layout_and_alignment(void **state)
{
    (void)state;
    tp_dma_set_t set;
    assert_int_equal(TP_DMA_BUFFER_BYTES(SIZE) % TP_CFG_DMA_ALIGN, 0);
    assert_true(TP_DMA_BUFFER_BYTES(SIZE) >= SIZE);
    assert_true(TP_DMA_BUFFER_BYTES(SIZE) < SIZE + TP_CFG_DMA_ALIGN);
    assert_int_equal(sizeof single_storage, 4 * TP_DMA_BUFFER_BYTES(SIZE));
    assert_int_equal(tp_dma_init(&set, single_storage, sizeof single_storage, 4, SIZE, 0), TP_OK);
    tp_dma_buf_t b[4];
    for (int i = 0; i < 4; i++) {
        assert_int_equal(tp_dma_acquire(&set, &b[i]), TP_OK);
        assert_int_equal((uintptr_t)b[i].tx % TP_CFG_DMA_ALIGN, 0);
        assert_null(b[i].rx);
        assert_int_equal(b[i].size, SIZE);
        assert_true(b[i].tx >= single_storage);
        assert_true(b[i].tx + SIZE <= single_storage + sizeof single_storage);
        for (int j = 0; j < i; j++) { /* no two buffers overlap */
            assert_true(b[j].tx + SIZE <= b[i].tx || b[i].tx + SIZE <= b[j].tx);
        }
        memset(b[i].tx, i, SIZE);
    }
    for (int i = 0; i < 4; i++) {
        for (int k = 0; k < SIZE; k++) {
            assert_int_equal(b[i].tx[k], i);
        }
        assert_int_equal(tp_dma_release(&set, b[i].tx), TP_OK);
    }
    /* TX/RX pairs */
    assert_int_equal(tp_dma_init(&set, pair_storage, sizeof pair_storage, 2, 4096, 1), TP_OK);
    tp_dma_buf_t p[2];
    for (int i = 0; i < 2; i++) {
        assert_int_equal(tp_dma_acquire(&set, &p[i]), TP_OK);
        assert_non_null(p[i].rx);
        assert_int_equal((uintptr_t)p[i].rx % TP_CFG_DMA_ALIGN, 0);
        assert_true(p[i].tx + 4096 <= p[i].rx);
    }
    assert_true(p[0].rx + 4096 <= p[1].tx);
    assert_true(p[1].rx + 4096 <= pair_storage + sizeof pair_storage);
    assert_int_equal(tp_dma_release(&set, p[0].tx), TP_OK);
    assert_int_equal(tp_dma_release(&set, p[1].tx), TP_OK);
}

static void test_init_errors(void **state)
{
    (void)state;
    tp_dma_set_t set;
    static TP_ALIGNAS(64) uint8_t raw[64 * 40];
    assert_int_equal(tp_dma_init(NULL, raw, sizeof raw, 1, 4, 0), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_dma_init(&set, NULL, sizeof raw, 1, 4, 0), TP_ERR_INVALID_ARG);
    if (TP_CFG_DMA_ALIGN > 1) {
        assert_int_equal(tp_dma_init(&set, raw + 1, sizeof raw - 1, 1, 4, 0), TP_ERR_INVALID_ARG);
    }
    assert_int_equal(tp_dma_init(&set, raw, sizeof raw, 0, 4, 0), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_dma_init(&set, raw, sizeof raw, TP_CFG_DMA_MAX_BUFFERS + 1u, 4, 0), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_dma_init(&set, raw, sizeof raw, 1, 0, 0), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_dma_init(&set, raw, sizeof raw, 1, 4, 2), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_dma_init(&set, raw, 8, 2, 8, 0), TP_ERR_INVALID_ARG); /* too small */
    /* buffers of 1 .. 2^24 bytes (init only records the storage; nothing is
     * acquired from this set, so the 16 MiB it is told of are never touched) */
    assert_int_equal(tp_dma_init(&set, raw, TP_DMA_STORAGE_BYTES(1, (1u << 24) + 1u, 0), 1, (1u << 24) + 1u, 0),
                     TP_ERR_INVALID_ARG);
    assert_int_equal(tp_dma_init(&set, raw, TP_DMA_STORAGE_BYTES(1, 1u << 24, 0), 1, 1u << 24, 0), TP_OK);
    /* exactly TP_DMA_STORAGE_BYTES is enough, a byte less is not */
    assert_int_equal(tp_dma_init(&set, raw, TP_DMA_STORAGE_BYTES(3, 100, 1) - 1u, 3, 100, 1), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_dma_init(&set, raw, TP_DMA_STORAGE_BYTES(3, 100, 1), 3, 100, 1), TP_OK);
    assert_int_equal(tp_dma_init(&set, raw, sizeof raw, TP_CFG_DMA_MAX_BUFFERS, 4, 1), TP_OK);
    tp_dma_set_t zero;
    memset(&zero, 0, sizeof zero);
    tp_dma_buf_t b;
    assert_int_equal(tp_dma_acquire(&zero, &b), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_dma_acquire(&set, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_dma_release(&zero, raw), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_dma_release(&set, NULL), TP_ERR_INVALID_ARG);
    tp_dma_stats_t st;
    assert_int_equal(tp_dma_stats(&zero, &st), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_dma_stats(&set, NULL), TP_ERR_INVALID_ARG);
}

static void expect_stats(tp_dma_set_t *set, uint32_t in_use, uint32_t foreign, uint32_t interior, uint32_t dbl)
{
    tp_dma_stats_t st;
    assert_int_equal(tp_dma_stats(set, &st), TP_OK);
    assert_int_equal(st.in_use, in_use);
    assert_int_equal(st.foreign, foreign);
    assert_int_equal(st.interior, interior);
    assert_int_equal(st.double_release, dbl);
}

/* Seed flaw: release_dma_buffer accepted any pointer between &buf[0] and
 * &buf[1] and cleared in_use of whatever it pointed into. Here only the start
 * of a handed-out TX buffer is accepted; everything else is refused, counted,
 * and the buffer stays with its owner. */
static void test_release_checks_ownership(void **state)
{
    (void)state;
    tp_dma_set_t set;
    assert_int_equal(tp_dma_init(&set, pair_storage, sizeof pair_storage, 2, 4096, 1), TP_OK);
    tp_dma_buf_t a, b;
    assert_int_equal(tp_dma_acquire(&set, &a), TP_OK);
    assert_int_equal(tp_dma_acquire(&set, &b), TP_OK);
    /* interior pointers: inside a's TX, a's RX buffer, one byte before b */
    assert_int_equal(tp_dma_release(&set, a.tx + 1), TP_ERR_BAD_PTR);
    assert_int_equal(tp_dma_release(&set, a.tx + 2048), TP_ERR_BAD_PTR);
    assert_int_equal(tp_dma_release(&set, a.rx), TP_ERR_BAD_PTR);
    assert_int_equal(tp_dma_release(&set, b.tx - 1), TP_ERR_BAD_PTR);
    /* foreign pointers: just past the storage, before it, a stack variable */
    int local;
    assert_int_equal(tp_dma_release(&set, pair_storage + sizeof pair_storage), TP_ERR_FOREIGN_PTR);
    assert_int_equal(tp_dma_release(&set, (const void *)((uintptr_t)pair_storage - 1u)), TP_ERR_FOREIGN_PTR);
    assert_int_equal(tp_dma_release(&set, &local), TP_ERR_FOREIGN_PTR);
    expect_stats(&set, 2, 3, 4, 0);
    /* nothing was freed by the refused calls: the set is still exhausted */
    tp_dma_buf_t c;
    assert_int_equal(tp_dma_acquire(&set, &c), TP_ERR_NO_MEM);
    assert_null(c.tx);
    /* the owner's release works once; a second is a double release */
    assert_int_equal(tp_dma_release(&set, a.tx), TP_OK);
    assert_int_equal(tp_dma_release(&set, a.tx), TP_ERR_DOUBLE_FREE);
    expect_stats(&set, 1, 3, 4, 1);
    assert_int_equal(tp_dma_acquire(&set, &c), TP_OK);
    assert_ptr_equal(c.tx, a.tx); /* the lowest free slot */
    assert_int_equal(tp_dma_release(&set, b.tx), TP_OK);
    assert_int_equal(tp_dma_release(&set, c.tx), TP_OK);
    tp_dma_stats_t st;
    assert_int_equal(tp_dma_stats(&set, &st), TP_OK);
    assert_int_equal(st.acquired, 3);
    assert_int_equal(st.released, 3);
    assert_int_equal(st.exhausted, 1);
    assert_int_equal(st.peak_in_use, 2);
    assert_int_equal(st.in_use, 0);
}

static void test_random_against_model(void **state)
{
    (void)state;
    static TP_ALIGNAS(64) uint8_t mem[TP_DMA_STORAGE_BYTES(TP_CFG_DMA_MAX_BUFFERS, 37, 1)];
    for (uint32_t seed = 1; seed <= 20u * TP_TEST_SCALE; seed++) {
        uint32_t rng = seed * 747796405u;
        const uint32_t count = tp_test_range(&rng, 1, TP_CFG_DMA_MAX_BUFFERS);
        const int pairs = (int)tp_test_range(&rng, 0, 1);
        tp_dma_set_t set;
        assert_int_equal(tp_dma_init(&set, mem, sizeof mem, count, 37, pairs), TP_OK);
        const size_t stride = TP_DMA_BUFFER_BYTES(37) * (pairs ? 2u : 1u);
        int owned[32] = { 0 };
        uint32_t m_in_use = 0, m_peak = 0, m_foreign = 0, m_interior = 0, m_double = 0, m_exhausted = 0;
        for (int step = 0; step < 500; step++) {
            const uint32_t op = tp_test_range(&rng, 0, 9);
            if (op < 4) {
                tp_dma_buf_t b;
                const tp_err_t err = tp_dma_acquire(&set, &b);
                uint32_t want = 0;
                while (want < count && owned[want]) {
                    want++;
                }
                if (want == count) {
                    assert_int_equal(err, TP_ERR_NO_MEM);
                    m_exhausted++;
                } else {
                    assert_int_equal(err, TP_OK);
                    assert_ptr_equal(b.tx, mem + want * stride);
                    memset(b.tx, (int)want, 37);
                    owned[want] = 1;
                    m_in_use++;
                    m_peak = m_in_use > m_peak ? m_in_use : m_peak;
                }
            } else {
                const uint32_t slot = tp_test_range(&rng, 0, count);
                const uint32_t off =
                    tp_test_range(&rng, 0, 3) == 0 ? tp_test_range(&rng, 1, (uint32_t)stride - 1u) : 0u;
                const uint8_t *p = mem + slot * stride + off;
                const tp_err_t err = tp_dma_release(&set, p);
                if (slot == count) {
                    assert_int_equal(err, TP_ERR_FOREIGN_PTR);
                    m_foreign++;
                } else if (off != 0) {
                    assert_int_equal(err, TP_ERR_BAD_PTR);
                    m_interior++;
                } else if (!owned[slot]) {
                    assert_int_equal(err, TP_ERR_DOUBLE_FREE);
                    m_double++;
                } else {
                    assert_int_equal(err, TP_OK);
                    for (int k = 0; k < 37; k++) { /* nobody wrote into an owned buffer */
                        assert_int_equal(p[k], slot);
                    }
                    owned[slot] = 0;
                    m_in_use--;
                }
            }
            tp_dma_stats_t st;
            assert_int_equal(tp_dma_stats(&set, &st), TP_OK);
            assert_int_equal(st.in_use, m_in_use);
            assert_int_equal(st.peak_in_use, m_peak);
            assert_int_equal(st.foreign, m_foreign);
            assert_int_equal(st.interior, m_interior);
            assert_int_equal(st.double_release, m_double);
            assert_int_equal(st.exhausted, m_exhausted);
            assert_int_equal(st.acquired - st.released, m_in_use);
        }
    }
}

/* The error counts saturate at UINT32_MAX; acquired and released are 64-bit
 * (tp_dma.h): a set acquired at 1 kHz passes 2^32 in 50 days. */
static void test_counters_saturate_or_widen(void **state)
{
    (void)state;
    tp_dma_set_t set;
    assert_int_equal(tp_dma_init(&set, single_storage, sizeof single_storage, 1, SIZE, 0), TP_OK);
    set.st.acquired = UINT32_MAX;
    set.st.released = UINT32_MAX;
    set.st.foreign = UINT32_MAX - 1u;
    set.st.interior = UINT32_MAX - 1u;
    set.st.double_release = UINT32_MAX - 1u;
    set.st.exhausted = UINT32_MAX - 1u;
    static uint8_t elsewhere[4];
    for (int i = 0; i < 2; i++) {
        tp_dma_buf_t b, none;
        assert_int_equal(tp_dma_acquire(&set, &b), TP_OK);
        assert_int_equal(tp_dma_acquire(&set, &none), TP_ERR_NO_MEM);
        assert_int_equal(tp_dma_release(&set, elsewhere), TP_ERR_FOREIGN_PTR);
        assert_int_equal(tp_dma_release(&set, b.tx + 1), TP_ERR_BAD_PTR);
        assert_int_equal(tp_dma_release(&set, b.tx), TP_OK);
        assert_int_equal(tp_dma_release(&set, b.tx), TP_ERR_DOUBLE_FREE);
    }
    tp_dma_stats_t st;
    assert_int_equal(tp_dma_stats(&set, &st), TP_OK);
    assert_true(st.acquired == (uint64_t)UINT32_MAX + 2u);
    assert_true(st.released == (uint64_t)UINT32_MAX + 2u);
    assert_int_equal(st.foreign, UINT32_MAX);
    assert_int_equal(st.interior, UINT32_MAX);
    assert_int_equal(st.double_release, UINT32_MAX);
    assert_int_equal(st.exhausted, UINT32_MAX);
    assert_int_equal(st.in_use, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_and_alignment),       cmocka_unit_test(test_init_errors),
        cmocka_unit_test(test_release_checks_ownership),   cmocka_unit_test(test_random_against_model),
        cmocka_unit_test(test_counters_saturate_or_widen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
