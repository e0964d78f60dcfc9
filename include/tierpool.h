/*
 * tierpool.h - deterministic tiered block pools for microcontrollers.
 *
 * A pool is a fixed set of tiers; each tier is an array of equal-sized blocks
 * in storage the caller provides. tp_alloc hands out the smallest block that
 * fits (falling back to larger tiers when a tier is full); tp_free returns it.
 * Both take time bounded by the number of tiers, never by the number of blocks,
 * store nothing in front of a block, and never call malloc.
 *
 * Thread and interrupt safety (TP_CFG_THREAD_SAFE=1, the default):
 *   every function in this header may be called from any task on any core.
 *   Calls from an interrupt handler are safe on ports whose critical section
 *   masks interrupts (baremetal, esp-idf); the host port uses a spinlock and
 *   has no interrupts. With TP_CFG_THREAD_SAFE=0 the caller serialises all
 *   calls on a pool. tp_pool_init is never safe concurrently with other calls
 *   on the same pool.
 */
#ifndef TIERPOOL_H
#define TIERPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "tp_config.h"
#include "tp_err.h"
#include "tp_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One tier of a pool configuration. */
typedef struct {
    uint32_t block_size;  /* bytes per block, > 0; strictly increasing across tiers */
    uint32_t block_count; /* blocks in the tier, 1 .. TP_MAX_BLOCKS_PER_TIER */
} tp_tier_t;

/*
 * Run-time state of one tier. Read it through tp_pool_get_stats; the fields
 * are public only so that tp_pool_t is a complete type.
 *
 * Free blocks form a singly linked list threaded through `link`, one 16-bit
 * entry per block kept outside the blocks (a write into a freed block cannot
 * damage the pool); a live block's entry is TP_LINK_LIVE. The first three
 * fields are keys that let the hot paths find a tier with one compare per
 * tier and stop at the zeroed entry after the last tier.
 */
typedef struct {
    size_t fit_key;         /* 0 - block_size; 0 after the last tier */
    uintptr_t end_key;      /* ~(address of the tier's last byte); 0 after the last tier */
    uint8_t *base;          /* first block */
    uintptr_t inverse;      /* inverse of block_size's odd factor modulo 2^(bits of uintptr_t) */
    uint16_t *link;         /* block_count entries */
    uint32_t shift;         /* trailing zero bits of block_size */
    uint32_t block_count;
    uint32_t free_count;
    uint32_t head;          /* first free block */
    uint32_t reserve;       /* blocks only tp_alloc_critical may take */
    uint32_t low_water;     /* least free_count since init or reset: peak = count - low_water */
    uint32_t block_size;
    uint32_t first_index;   /* index of this tier's block 0 among all blocks of the pool */
    /* statistics */
    uint32_t failed;        /* requests best fitting this tier that got NULL */
    uint32_t fallbacks;     /* requests best fitting this tier served by a larger one */
    uint64_t frees;
    uint64_t bytes_requested; /* sum of sizes asked for, over requests this tier served */
} tp_tier_state_t;

#define TP_LINK_END 0xFFFFu  /* link of the last free block */
#define TP_LINK_LIVE 0xFFFEu /* link of a block that is handed out */

/*
 * A pool. A complete type: declare it static; initialise with tp_pool_init.
 * Code built on top of the pool (the diagnostics) uses the functions below,
 * never the fields: CI compiles it with TP_POOL_OPAQUE defined, which leaves
 * the type incomplete (scripts/check_layers.py).
 */
typedef struct tp_pool tp_pool_t;
#ifndef TP_POOL_OPAQUE
struct tp_pool {
    /* tier[n_tiers] stays zeroed: it ends the hot paths' tier searches. */
    tp_tier_state_t tier[TP_CFG_MAX_TIERS + 1];
    uint32_t magic;         /* TP_POOL_MAGIC once initialised */
    uint32_t n_tiers;
    uint32_t total_blocks;
    uint32_t zero_requests;     /* tp_alloc(pool, 0) calls */
    uint32_t oversize_requests; /* requests larger than the largest tier */
    uint32_t foreign_frees;
    uint32_t bad_frees;
    uint32_t double_frees;
    tp_lock_t lock;
};
#endif

#define TP_POOL_MAGIC 0x7470316cu /* "tp1l" */

/* Statistics of one tier, a consistent snapshot. */
typedef struct {
    uint32_t block_size;
    uint32_t block_count;
    uint32_t in_use;
    uint32_t peak_in_use;      /* since init or tp_pool_reset_peak */
    uint64_t allocs;           /* blocks of this tier handed out */
    uint64_t frees;
    uint32_t failed;           /* requests best fitting this tier that got NULL */
    uint32_t fallbacks;        /* requests best fitting this tier served by a larger tier */
    uint64_t bytes_requested;  /* over the requests this tier served */
    uint64_t bytes_handed_out; /* allocs * block_size; minus requested = internal fragmentation */
} tp_tier_stats_t;

/* Statistics of a pool: per tier and totals. */
typedef struct {
    uint32_t n_tiers;
    tp_tier_stats_t tier[TP_CFG_MAX_TIERS];
    uint32_t total_blocks;
    uint32_t blocks_in_use;
    uint64_t bytes_total;      /* sum of block_size * block_count */
    uint64_t bytes_in_use;     /* sum of block_size * in_use */
    uint64_t allocs;
    uint64_t frees;
    uint32_t failed;           /* failed tier requests + oversize requests */
    uint32_t fallbacks;
    uint64_t bytes_requested;
    uint64_t bytes_handed_out;
    uint32_t zero_requests;
    uint32_t oversize_requests;
    uint32_t foreign_frees;
    uint32_t bad_frees;
    uint32_t double_frees;
    uint32_t largest_allocatable; /* exact: biggest size tp_alloc would serve right now */
} tp_pool_stats_t;

/*
 * Bytes of storage a configuration needs (blocks followed by 2 bytes of
 * bookkeeping per block),
 * when the storage starts at an address aligned to TP_CFG_STORAGE_ALIGN.
 * Returns 0 for an invalid configuration (see tp_pool_init).
 */
size_t tp_pool_storage_size(const tp_tier_t *tiers, size_t n_tiers);

/*
 * A compile-time upper bound of tp_pool_storage_size for n_tiers tiers with
 * block_bytes = sum of size*count and total_blocks = sum of counts. Use it to
 * size static storage for a constant configuration:
 *   TP_POOL_STORAGE_DEFINE(my_storage, TP_POOL_STORAGE_BOUND(3, 64*256+24*1024, 88));
 */
#define TP_POOL_STORAGE_BOUND(n_tiers, block_bytes, total_blocks) \
    ((size_t)(block_bytes) + (size_t)(n_tiers) * 64u + 2u * (size_t)(total_blocks) + 4u)

/* The exact bookkeeping bytes (tp_pool_meta_bytes) for total_blocks blocks. */
#define TP_POOL_META_BYTES(total_blocks) (((size_t)(total_blocks) * 2u + 3u) & ~(size_t)3u)

/* Defines a static byte array aligned to TP_CFG_STORAGE_ALIGN. */
#define TP_POOL_STORAGE_DEFINE(name, bytes) \
    TP_ALIGNAS(TP_CFG_STORAGE_ALIGN) static uint8_t name[(bytes)]

/*
 * Initialise pool over storage (storage_size bytes, aligned to at least 4).
 * Block storage is laid out tier after tier; each tier starts at a multiple of
 * min(64, the largest power of two dividing its block size).
 * Errors (the pool is left untouched, not half-initialised):
 *   TP_ERR_INVALID_ARG: pool, tiers or storage NULL; n_tiers 0 or above
 *   TP_CFG_MAX_TIERS; a block size or count of 0; a count above
 *   TP_MAX_BLOCKS_PER_TIER; sizes not strictly increasing; a tier or the total
 *   above 2^31 bytes; storage misaligned (not a multiple of 4) or too small.
 */
tp_err_t tp_pool_init(tp_pool_t *pool, const tp_tier_t *tiers, size_t n_tiers,
                      void *storage, size_t storage_size);

/*
 * As tp_pool_init, but the blocks and the bookkeeping in separate memory: blocks in
 * PSRAM or DMA memory, bookkeeping in internal RAM. block_storage needs
 * tp_pool_block_bytes(), meta_storage needs tp_pool_meta_bytes() (aligned to 4).
 */
tp_err_t tp_pool_init_split(tp_pool_t *pool, const tp_tier_t *tiers, size_t n_tiers,
                            void *block_storage, size_t block_storage_size,
                            uint32_t *meta_storage, size_t meta_storage_size);
size_t tp_pool_block_bytes(const tp_tier_t *tiers, size_t n_tiers);
size_t tp_pool_meta_bytes(const tp_tier_t *tiers, size_t n_tiers);

/*
 * A block of at least size bytes: from the smallest tier that fits, else the
 * next larger tier with a free block. NULL (counted) when no tier can serve
 * it, when size is 0, when size exceeds the largest tier, or when pool is NULL
 * or not initialised. The block's content is unspecified.
 */
void *tp_alloc(tp_pool_t *pool, size_t size);

/*
 * As tp_alloc, for a request tagged critical: it may use the blocks each tier
 * keeps in reserve (tp_pool_set_reserve); ordinary tp_alloc requests fail once
 * only the reserve is left.
 */
void *tp_alloc_critical(tp_pool_t *pool, size_t size);

/*
 * Return a block. NULL is a no-op returning TP_OK.
 * Errors (nothing in the pool changes; the error is counted):
 *   TP_ERR_INVALID_ARG  pool NULL or not initialised
 *   TP_ERR_FOREIGN_PTR  ptr is not inside any tier of this pool
 *   TP_ERR_BAD_PTR      ptr is inside a block but not at its start
 *   TP_ERR_DOUBLE_FREE  the block is already free
 */
tp_err_t tp_free(tp_pool_t *pool, void *ptr);

/* Usable size of the live block starting at ptr; 0 for anything else. */
size_t tp_block_size(const tp_pool_t *pool, const void *ptr);

/*
 * Keep `reserve` blocks of tier `tier` for tp_alloc_critical.
 * TP_ERR_INVALID_ARG when the pool is not initialised, tier is out of range or
 * reserve exceeds the tier's block count.
 */
tp_err_t tp_pool_set_reserve(tp_pool_t *pool, size_t tier, uint32_t reserve);

/*
 * Copy a consistent snapshot of the statistics into *out, in time
 * proportional to the number of tiers. TP_ERR_INVALID_ARG for NULL arguments
 * or a pool not initialised.
 */
tp_err_t tp_pool_get_stats(tp_pool_t *pool, tp_pool_stats_t *out);

/* Set every tier's peak_in_use to its current in_use. TP_ERR_INVALID_ARG as above. */
tp_err_t tp_pool_reset_peak(tp_pool_t *pool);

/* The biggest size tp_alloc would serve right now (0 when full or pool invalid). */
size_t tp_pool_largest_allocatable(tp_pool_t *pool);

/*
 * Check the pool's bookkeeping: every tier's free list has exactly its
 * free_count entries, ends, holds no live block, and every other block is
 * marked live. Takes time proportional to the number of blocks, with the lock
 * held: a diagnostic for tests and start-up self-checks, not for code with an
 * interrupt-latency budget. Changes nothing.
 * TP_ERR_INVALID_ARG for a pool not initialised, TP_ERR_CORRUPT when the
 * bookkeeping is inconsistent (memory corruption or a bug in tierpool).
 */
tp_err_t tp_pool_check(tp_pool_t *pool);

/*
 * Block addressing, for diagnostics built on top of the pool (tracking side
 * tables, leak reports). A block has a pool-wide index in
 * [0, total_blocks): tier 0's blocks first.
 */
typedef struct {
    uint32_t tier;
    uint32_t index;       /* pool-wide block index */
    uint32_t block_size;
    uint8_t *start;       /* the block's first byte */
    int live;             /* 1 when allocated */
} tp_block_info_t;

/*
 * Describe the block containing ptr (any byte of it). Does not take the lock:
 * `live` is a racy read unless the caller owns the block or holds the lock.
 * TP_ERR_INVALID_ARG (NULL pool/out), TP_ERR_FOREIGN_PTR (not in a tier).
 */
tp_err_t tp_pool_locate(const tp_pool_t *pool, const void *ptr, tp_block_info_t *out);

/* Describe block number `index`. TP_ERR_INVALID_ARG when out of range. */
tp_err_t tp_pool_block_at(const tp_pool_t *pool, uint32_t index, tp_block_info_t *out);

/*
 * Tiers of an initialised pool (fixed by tp_pool_init); 0 for NULL or a pool
 * not initialised. Takes no lock; safe from an ISR.
 */
uint32_t tp_pool_tier_count(const tp_pool_t *pool);

/*
 * Blocks of all tiers of an initialised pool: block indexes (tp_pool_block_at)
 * run from 0 to this - 1. 0 for NULL or a pool not initialised. No lock; ISR-safe.
 */
uint32_t tp_pool_block_count(const tp_pool_t *pool);

/* One tier's occupancy (tp_pool_tier_usage). */
typedef struct {
    uint32_t block_size;
    uint32_t block_count;
    uint32_t in_use;  /* blocks handed out */
    uint32_t failed;  /* requests best fitting this tier that got NULL */
} tp_tier_usage_t;

/*
 * Occupancy of tier `tier`, read without the pool's lock: for code that must
 * not take it, such as a panic handler or a stack-overflow hook (the crash
 * record), where the interrupted code may be holding it. Each field is read
 * once; if another core is inside tp_alloc or tp_free on this pool, in_use
 * and failed may be a moment apart. For a consistent snapshot use
 * tp_pool_get_stats. Safe from an ISR.
 * TP_ERR_INVALID_ARG: pool NULL or not initialised, tier >= tp_pool_tier_count,
 * out NULL.
 */
tp_err_t tp_pool_tier_usage(const tp_pool_t *pool, uint32_t tier, tp_tier_usage_t *out);

/* Take and release the pool's critical section (no-ops with TP_CFG_THREAD_SAFE=0). */
tp_irqstate_t tp_pool_lock(tp_pool_t *pool);
void tp_pool_unlock(tp_pool_t *pool, tp_irqstate_t state);

/*
 * The default pool, as the seed specifies it: static storage with the tiers of
 * TP_CFG_DEFAULT_TIERS (256 x 64, 1024 x 24, 4096 x 12 unless overridden).
 * memory_pools_init returns TP_OK (and may be called again: it is a no-op once
 * done). pool_alloc/pool_free are tp_alloc/tp_free on it; pool_alloc returns
 * NULL and pool_free returns TP_ERR_INVALID_ARG before memory_pools_init.
 */
tp_err_t memory_pools_init(void);
void *pool_alloc(size_t size);
tp_err_t pool_free(void *ptr);
tp_pool_t *tp_default_pool(void);

#ifdef __cplusplus
}
#endif

#endif /* TIERPOOL_H */
