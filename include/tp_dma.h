/**
 * @file tp_dma.h
 * @brief DMA buffer sets: K equal buffers (or TX/RX pairs) in DMA-capable
 * storage, handed out and taken back with their ownership checked.
 *
 * A set divides storage the caller provides into `count` slots. A slot is one
 * buffer of `size` bytes, or with pairs a TX buffer followed by an RX buffer
 * of `size` bytes each. Every buffer starts at a multiple of TP_CFG_DMA_ALIGN
 * and its size is rounded up to one, so a DMA engine or a cache maintenance
 * operation on one buffer never touches another.
 *
 * Where the storage lives is the caller's choice, made once at start-up: on
 * ESP-IDF a static array in internal RAM (DMA_ATTR) or
 * heap_caps_aligned_alloc(TP_CFG_DMA_ALIGN, TP_DMA_STORAGE_BYTES(...),
 * MALLOC_CAP_DMA | MALLOC_CAP_INTERNAL) before the scheduler runs; on the
 * host, TP_DMA_STORAGE_DEFINE.
 *
 * Release checks the pointer: it must be a TX (or single) buffer's first byte
 * of a slot that is handed out. A pointer outside the storage
 * (TP_ERR_FOREIGN_PTR), inside a slot but not at its start, an RX buffer
 * included (TP_ERR_BAD_PTR), and a slot already free (TP_ERR_DOUBLE_FREE) are
 * refused, counted, and change nothing else.
 *
 * Thread and interrupt safety: tp_dma_acquire, tp_dma_release and
 * tp_dma_stats may be called from any task and from interrupt handlers (a
 * transfer-done ISR releasing its buffer): the set's state changes inside the
 * port's critical section (tp_port.h), which masks interrupts on the
 * bare-metal and ESP-IDF ports, in O(1) (one find-first-set on a 32-bit
 * word). With TP_CFG_THREAD_SAFE=0 the caller serialises all calls.
 * tp_dma_init is never safe concurrently with other calls on the same set.
 */
#ifndef TP_DMA_H
#define TP_DMA_H

#include <stddef.h>
#include <stdint.h>

#include "tierpool.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes one buffer of @p size bytes takes: size rounded up to TP_CFG_DMA_ALIGN. */
#define TP_DMA_BUFFER_BYTES(size) (((size_t)(size) + (TP_CFG_DMA_ALIGN - 1u)) & ~(size_t)(TP_CFG_DMA_ALIGN - 1u))

/** Storage for @p count slots of @p size-byte buffers (@p pairs 1: TX/RX pairs). */
#define TP_DMA_STORAGE_BYTES(count, size, pairs) ((size_t)(count) * ((pairs) ? 2u : 1u) * TP_DMA_BUFFER_BYTES(size))

/** A static, suitably aligned storage array for a set (host, or internal RAM on a target). */
#define TP_DMA_STORAGE_DEFINE(name, count, size, pairs) \
    TP_ALIGNAS(TP_CFG_DMA_ALIGN) static uint8_t name[TP_DMA_STORAGE_BYTES(count, size, pairs)]

/** A buffer handed out by tp_dma_acquire. */
typedef struct {
    uint8_t *tx;   /**< the buffer (TX of a pair); release it by this pointer */
    uint8_t *rx;   /**< RX buffer of a pair; NULL for single buffers */
    uint32_t size; /**< usable bytes of each, the size given to tp_dma_init */
} tp_dma_buf_t;

/** Counters and state of a set (tp_dma_stats). The 32-bit counters saturate
 *  at UINT32_MAX (once there they stay, meaning "at least that many"); the
 *  acquire and release counts are 64-bit and cannot wrap in practice. */
typedef struct {
    uint32_t count;          /**< slots */
    uint32_t in_use;         /**< slots handed out now */
    uint32_t peak_in_use;    /**< most slots handed out at once */
    uint64_t acquired;       /**< successful tp_dma_acquire calls */
    uint64_t released;       /**< successful tp_dma_release calls */
    uint32_t exhausted;      /**< tp_dma_acquire calls refused: every slot handed out (saturating) */
    uint32_t foreign;        /**< releases of a pointer outside the storage (saturating) */
    uint32_t interior;       /**< releases of a pointer inside a slot but not its TX start (saturating) */
    uint32_t double_release; /**< releases of a slot that was free (saturating) */
} tp_dma_stats_t;

/** A set. Caller storage; initialise with tp_dma_init. */
typedef struct {
    uint32_t magic;     /**< set by tp_dma_init */
    uint8_t *base;      /**< the storage */
    uint32_t count;     /**< slots */
    uint32_t size;      /**< usable bytes per buffer */
    uint32_t buf_bytes; /**< TP_DMA_BUFFER_BYTES(size) */
    uint32_t stride;    /**< bytes per slot: buf_bytes, or 2 * buf_bytes with pairs */
    uint32_t pairs;     /**< 1: TX/RX pairs */
    uint32_t free_mask; /**< bit i set: slot i is free */
    tp_dma_stats_t st;  /**< counters */
    tp_lock_t lock;     /**< the port's critical section */
} tp_dma_set_t;

/**
 * Divide @p storage into @p count slots.
 * @param set       the set (caller storage, need not be zeroed)
 * @param storage   DMA-capable memory, aligned to TP_CFG_DMA_ALIGN
 * @param storage_size  bytes at storage, >= TP_DMA_STORAGE_BYTES(count, size, pairs)
 * @param count     slots, 1 .. TP_CFG_DMA_MAX_BUFFERS
 * @param size      usable bytes per buffer, 1 .. 2^24
 * @param pairs     0: single buffers; 1: each slot is a TX/RX pair
 * @retval TP_OK
 * @retval TP_ERR_INVALID_ARG NULL set or storage, misaligned storage, count or size out of
 *         range, pairs not 0/1, storage too small (set unchanged)
 */
tp_err_t tp_dma_init(tp_dma_set_t *set, void *storage, size_t storage_size, uint32_t count, uint32_t size, int pairs);

/**
 * Hand out a free slot (the lowest-numbered one).
 * @param set  the set
 * @param out  receives the buffer(s)
 * @retval TP_OK
 * @retval TP_ERR_INVALID_ARG set not initialised or out NULL
 * @retval TP_ERR_NO_MEM every slot is handed out (counted in `exhausted`; *out zeroed)
 * @isr
 */
tp_err_t tp_dma_acquire(tp_dma_set_t *set, tp_dma_buf_t *out);

/**
 * Take a slot back by its TX (or single) buffer pointer.
 * @param set  the set
 * @param tx   the `tx` pointer tp_dma_acquire handed out
 * @retval TP_OK
 * @retval TP_ERR_INVALID_ARG set not initialised or tx NULL
 * @retval TP_ERR_FOREIGN_PTR tx is not inside the set's storage (counted)
 * @retval TP_ERR_BAD_PTR tx is inside a slot but not its first byte: an interior
 *         pointer or an RX buffer (counted)
 * @retval TP_ERR_DOUBLE_FREE the slot is free already (counted)
 * @isr
 */
tp_err_t tp_dma_release(tp_dma_set_t *set, const void *tx);

/**
 * Copy a consistent snapshot of the counters.
 * @param set  the set
 * @param out  receives them
 * @retval TP_OK
 * @retval TP_ERR_INVALID_ARG set not initialised or out NULL
 * @isr
 */
tp_err_t tp_dma_stats(tp_dma_set_t *set, tp_dma_stats_t *out);

#ifdef __cplusplus
}
#endif

#endif /* TP_DMA_H */
