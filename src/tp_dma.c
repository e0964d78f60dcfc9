/*
 * tp_dma.c - DMA buffer sets (see tp_dma.h).
 *
 * Invariants (checked with TP_CFG_ASSERT inside the critical section):
 *   D1  free_mask has no bit at or above count;
 *   D2  st.in_use == count - popcount(free_mask) <= st.peak_in_use <= count;
 *   D3  st.acquired - st.released == st.in_use.
 * A slot's state is one bit, read and written only inside the critical
 * section: two contexts (a task and the transfer-done ISR) can never both
 * take or both give back the same slot.
 */
#include "../include/tp_dma.h"

#include <string.h>

#include "tp_internal.h"

#define DMA_MAGIC 0x646d6131u          /* "dma1" */
#define DMA_BUFFER_SIZE_MAX (1u << 24) /* tp_dma.h: size 1 .. 2^24 */

static int ready(const tp_dma_set_t *set)
{
    return set != NULL && set->magic == DMA_MAGIC;
}

static uint32_t popcount32(uint32_t x)
{
    uint32_t n = 0;
    while (x != 0u) {
        x &= x - 1u;
        n++;
    }
    return n;
}

/* Index of the lowest set bit of x != 0, portable (no compiler builtin needed). */
static uint32_t lowest_bit(uint32_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    return (uint32_t)__builtin_ctz(x);
#else
    uint32_t i = 0;
    while ((x & 1u) == 0u) {
        x >>= 1;
        i++;
    }
    return i;
#endif
}

static void check_locked(const tp_dma_set_t *set)
{
    TP_CFG_ASSERT(set->count == 32u || (set->free_mask >> set->count) == 0u);
    TP_CFG_ASSERT(set->st.in_use == set->count - popcount32(set->free_mask));
    TP_CFG_ASSERT(set->st.in_use <= set->st.peak_in_use && set->st.peak_in_use <= set->count);
    TP_CFG_ASSERT(set->st.acquired - set->st.released == set->st.in_use);
    (void)set;
    (void)popcount32;
}

tp_err_t tp_dma_init(tp_dma_set_t *set, void *storage, size_t storage_size, uint32_t count, uint32_t size, int pairs)
{
    if (set == NULL || storage == NULL || ((uintptr_t)storage % TP_CFG_DMA_ALIGN) != 0u || count == 0u ||
        count > TP_CFG_DMA_MAX_BUFFERS || size == 0u || size > DMA_BUFFER_SIZE_MAX || (pairs != 0 && pairs != 1) ||
        storage_size < TP_DMA_STORAGE_BYTES(count, size, pairs)) {
        return TP_ERR_INVALID_ARG;
    }
    memset(set, 0, sizeof *set);
    set->base = (uint8_t *)storage;
    set->count = count;
    set->size = size;
    set->buf_bytes = (uint32_t)TP_DMA_BUFFER_BYTES(size);
    set->stride = set->buf_bytes * (pairs ? 2u : 1u);
    set->pairs = (uint32_t)pairs;
    set->free_mask = count == 32u ? 0xFFFFFFFFu : (1u << count) - 1u;
    set->st.count = count;
#if TP_CFG_THREAD_SAFE
    TP_PORT_LOCK_INIT(&set->lock);
#endif
    set->magic = DMA_MAGIC;
    return TP_OK;
}

tp_err_t tp_dma_acquire(tp_dma_set_t *set, tp_dma_buf_t *out)
{
    if (!ready(set) || out == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    uint32_t slot = UINT32_MAX;
    TP_SECTION_ENTER(set);
    if (set->free_mask == 0u) {
        tp__count_up(&set->st.exhausted);
    } else {
        slot = lowest_bit(set->free_mask);
        set->free_mask &= ~(1u << slot);
        set->st.acquired++;
        set->st.in_use++;
        if (set->st.in_use > set->st.peak_in_use) {
            set->st.peak_in_use = set->st.in_use;
        }
        check_locked(set);
    }
    TP_SECTION_EXIT(set);
    if (slot == UINT32_MAX) {
        memset(out, 0, sizeof *out);
        return TP_ERR_NO_MEM;
    }
    uint8_t *tx = set->base + (size_t)slot * set->stride;
    out->tx = tx;
    out->rx = set->pairs ? tx + set->buf_bytes : NULL;
    out->size = set->size;
    return TP_OK;
}

tp_err_t tp_dma_release(tp_dma_set_t *set, const void *tx)
{
    if (!ready(set) || tx == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    /* Where is it? Computed outside the lock: base, stride and count never change. */
    const uintptr_t p = (uintptr_t)tx;
    const uintptr_t base = (uintptr_t)set->base;
    const uintptr_t span = (uintptr_t)set->stride * set->count;
    tp_err_t err = TP_OK;
    uint32_t slot = 0;
    if (p < base || p - base >= span) {
        err = TP_ERR_FOREIGN_PTR;
    } else {
        const uintptr_t off = p - base;
        slot = (uint32_t)(off / set->stride);
        if (off % set->stride != 0u) {
            err = TP_ERR_BAD_PTR;
        }
    }
    TP_SECTION_ENTER(set);
    if (err == TP_ERR_FOREIGN_PTR) {
        tp__count_up(&set->st.foreign);
    } else if (err == TP_ERR_BAD_PTR) {
        tp__count_up(&set->st.interior);
    } else if ((set->free_mask & (1u << slot)) != 0u) {
        tp__count_up(&set->st.double_release);
        err = TP_ERR_DOUBLE_FREE;
    } else {
        set->free_mask |= 1u << slot;
        set->st.released++;
        set->st.in_use--;
        check_locked(set);
    }
    TP_SECTION_EXIT(set);
    return err;
}

tp_err_t tp_dma_stats(tp_dma_set_t *set, tp_dma_stats_t *out)
{
    if (!ready(set) || out == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    TP_SECTION_ENTER(set);
    *out = set->st;
    TP_SECTION_EXIT(set);
    return TP_OK;
}
