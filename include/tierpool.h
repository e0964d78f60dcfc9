/**
 * @file tierpool.h
 * @brief Deterministic tiered block pools for microcontrollers.
 *
 * A pool is a fixed set of tiers; each tier is an array of equal-sized blocks
 * in storage the caller provides. tp_alloc hands out the smallest block that
 * fits (falling back to larger tiers when a tier is full); tp_free returns it.
 * Both take time bounded by the number of tiers, never by the number of blocks,
 * store nothing in front of a block, and never call malloc.
 *
 * Thread and interrupt safety (TP_CFG_THREAD_SAFE=1, the default):
 *   every function in this header may be called from any task on any core,
 *   except tp_pool_init (never concurrently with other calls on the same
 *   pool). Functions tagged "ISR-safe" may also be called from an interrupt
 *   handler on ports whose critical section masks interrupts (baremetal,
 *   esp-idf); they take time bounded by the number of tiers. The host port
 *   uses a spinlock and has no interrupts. With TP_CFG_THREAD_SAFE=0 the
 *   caller serialises all calls on a pool.
 *
 * Uninitialised pools. A tp_pool_t is usable once tp_pool_init returned
 * TP_OK. Before that:
 *  - all-zero memory (a static tp_pool_t, or one a failed tp_pool_init left)
 *    is refused by every function in every build: NULL, 0 or
 *    TP_ERR_INVALID_ARG, nothing counted, nothing written;
 *  - memory that is not zero (a tp_pool_t on the stack or from malloc that
 *    tp_pool_init never saw) is refused by every function when
 *    TP_CFG_CHECK_INIT is 1 (the default unless NDEBUG: debug builds), which
 *    checks a magic word on entry. With TP_CFG_CHECK_INIT=0 (release builds)
 *    tp_alloc, tp_alloc_critical and tp_free do not look at the magic word (it
 *    would cost two instructions per call) and using such a pool with them is
 *    undefined behaviour: they read its garbage as tier records and may spin
 *    on a garbage lock. Every other function checks the magic word in every
 *    build. A garbage tp_pool_t that happens to hold the magic word (one
 *    chance in 2^32) cannot be told from a pool.
 *
 * Statistics: every uint32_t counter (failed, fallbacks, and the error counts)
 * saturates at UINT32_MAX: once there it stays there, meaning "at least
 * 4294967295". The uint64_t counts (allocs, frees, bytes) cannot wrap in
 * practice.
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

/** One tier of a pool configuration. */
typedef struct {
    uint32_t block_size;  /**< bytes per block, > 0; strictly increasing across tiers */
    uint32_t block_count; /**< blocks in the tier, 1 .. TP_MAX_BLOCKS_PER_TIER */
} tp_tier_t;

/** Block storage of a pool (the blocks of all tiers with their alignment
 *  padding) stays below this many bytes, so offsets fit 31 bits. */
#define TP_MAX_BLOCK_BYTES 0x7FFFFFFFu

/** The rule of a tier list that tp_tiers_check found broken. */
typedef enum {
    TP_TIERS_OK = 0,             /**< the list is valid */
    TP_TIERS_NONE = 1,           /**< tiers is NULL or n_tiers is 0 */
    TP_TIERS_TOO_MANY = 2,       /**< n_tiers is above TP_CFG_MAX_TIERS */
    TP_TIERS_SIZE_ZERO = 3,      /**< a block size of 0 */
    TP_TIERS_COUNT_RANGE = 4,    /**< a block count of 0 or above TP_MAX_BLOCKS_PER_TIER */
    TP_TIERS_NOT_INCREASING = 5, /**< a block size not above the previous tier's */
    TP_TIERS_TOO_LARGE = 6       /**< the blocks up to this tier's end reach TP_MAX_BLOCK_BYTES + 1 */
} tp_tiers_rule_t;

/** Where a tier list broke a rule. */
typedef struct {
    tp_tiers_rule_t rule; /**< TP_TIERS_OK when the list is valid */
    uint32_t tier;        /**< index of the offending tier (0 for NONE and TOO_MANY) */
} tp_tiers_fault_t;

/**
 * @brief Validate a tier list: the one place that decides what tp_pool_init,
 * tp_pool_storage_size and poolsim accept.
 * @param tiers the list (may be NULL: refused)
 * @param n_tiers entries in tiers
 * @param fault where the first broken rule is written (may be NULL); set to
 *        {TP_TIERS_OK, 0} for a valid list
 * @retval TP_OK the list is valid
 * @retval TP_ERR_INVALID_ARG a rule is broken (see *fault)
 * @isr
 */
tp_err_t tp_tiers_check(const tp_tier_t *tiers, size_t n_tiers, tp_tiers_fault_t *fault);

/**
 * @brief Describe a tier-list rule, e.g. "block sizes must strictly increase".
 * @param rule any value
 * @return a static string ("unknown rule" for values not in tp_tiers_rule_t)
 * @isr
 */
const char *tp_tiers_rule_text(tp_tiers_rule_t rule);

/**
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
    size_t fit_key;           /**< 0 - block_size; 0 after the last tier */
    uintptr_t end_key;        /**< ~(address of the tier's last byte); 0 after the last tier */
    uint8_t *base;            /**< first block */
    uintptr_t inverse;        /**< inverse of block_size's odd factor modulo 2^(bits of uintptr_t) */
    uint16_t *link;           /**< block_count entries */
    uint32_t shift;           /**< trailing zero bits of block_size */
    uint32_t block_count;     /**< blocks in the tier */
    uint32_t free_count;      /**< blocks on the free list */
    uint32_t head;            /**< first free block, TP_LINK_END when none */
    uint32_t reserve;         /**< blocks only tp_alloc_critical may take */
    uint32_t low_water;       /**< least free_count since init or reset: peak = count - low_water */
    uint32_t block_size;      /**< bytes per block */
    uint32_t first_index;     /**< index of this tier's block 0 among all blocks of the pool */
    uint32_t failed;          /**< requests best fitting this tier that got NULL (saturating) */
    uint32_t fallbacks;       /**< requests best fitting this tier served by a larger one (saturating) */
    uint64_t frees;           /**< blocks of this tier returned */
    uint64_t bytes_requested; /**< sum of sizes asked for, over requests this tier served */
} tp_tier_state_t;

#define TP_LINK_END 0xFFFFu  /**< link of the last free block */
#define TP_LINK_LIVE 0xFFFEu /**< link of a block that is handed out */

/**
 * A pool. A complete type: declare it static; initialise with tp_pool_init.
 * Code built on top of the pool (the diagnostics) uses the functions below,
 * never the fields: CI compiles it with TP_POOL_OPAQUE defined, which leaves
 * the type incomplete (scripts/check_layers.py).
 */
typedef struct tp_pool tp_pool_t;
#ifndef TP_POOL_OPAQUE
struct tp_pool {
    /** tier[n_tiers] stays zeroed: it ends the hot paths' tier searches (I4). */
    tp_tier_state_t tier[TP_CFG_MAX_TIERS + 1];
    uint32_t magic;             /**< TP_POOL_MAGIC once initialised */
    uint32_t n_tiers;           /**< tiers in use */
    uint32_t total_blocks;      /**< blocks of all tiers */
    uint32_t zero_requests;     /**< tp_alloc(pool, 0) calls (saturating) */
    uint32_t oversize_requests; /**< requests larger than the largest tier (saturating) */
    uint32_t foreign_frees;     /**< tp_free of a pointer outside every tier (saturating) */
    uint32_t bad_frees;         /**< tp_free of a pointer inside a block (saturating) */
    uint32_t double_frees;      /**< tp_free of a free block (saturating) */
    tp_lock_t lock;             /**< the port's lock (all-zero is unlocked) */
};
#endif

#define TP_POOL_MAGIC 0x7470316cu /**< "tp1l" */

/** Statistics of one tier, a consistent snapshot. */
typedef struct {
    uint32_t block_size;       /**< bytes per block */
    uint32_t block_count;      /**< blocks in the tier */
    uint32_t in_use;           /**< blocks handed out now */
    uint32_t peak_in_use;      /**< most in use at once since init or tp_pool_reset_peak */
    uint64_t allocs;           /**< blocks of this tier handed out */
    uint64_t frees;            /**< blocks of this tier returned */
    uint32_t failed;           /**< requests best fitting this tier that got NULL (saturating) */
    uint32_t fallbacks;        /**< requests best fitting this tier served by a larger tier (saturating) */
    uint64_t bytes_requested;  /**< over the requests this tier served */
    uint64_t bytes_handed_out; /**< allocs * block_size; minus requested = internal fragmentation */
} tp_tier_stats_t;

/** Statistics of a pool: per tier and totals. */
typedef struct {
    uint32_t n_tiers;                       /**< tiers in use; tier[0 .. n_tiers - 1] are valid */
    tp_tier_stats_t tier[TP_CFG_MAX_TIERS]; /**< per tier */
    uint32_t total_blocks;                  /**< blocks of all tiers */
    uint32_t blocks_in_use;                 /**< blocks handed out now */
    uint64_t bytes_total;                   /**< sum of block_size * block_count */
    uint64_t bytes_in_use;                  /**< sum of block_size * in_use */
    uint64_t allocs;                        /**< blocks handed out since init */
    uint64_t frees;                         /**< blocks returned since init */
    uint32_t failed;                        /**< failed tier requests + oversize requests (saturating) */
    uint32_t fallbacks;                     /**< requests served by a larger tier than the best fit (saturating) */
    uint64_t bytes_requested;               /**< sum of the sizes of served requests */
    uint64_t bytes_handed_out;              /**< sum of the block sizes handed out */
    uint32_t zero_requests;                 /**< tp_alloc(pool, 0) calls (saturating) */
    uint32_t oversize_requests;             /**< requests above the largest tier (saturating) */
    uint32_t foreign_frees;                 /**< frees of pointers outside every tier (saturating) */
    uint32_t bad_frees;                     /**< frees of pointers inside a block (saturating) */
    uint32_t double_frees;                  /**< frees of free blocks (saturating) */
    uint32_t largest_allocatable;           /**< exact: biggest size tp_alloc would serve right now */
} tp_pool_stats_t;

/**
 * @brief Bytes of storage a configuration needs (blocks followed by 2 bytes of
 * bookkeeping per block), when the storage starts at an address aligned to
 * TP_CFG_STORAGE_ALIGN.
 * @param tiers the configuration
 * @param n_tiers entries in tiers
 * @return the size; 0 for a list tp_tiers_check refuses
 * @isr
 */
size_t tp_pool_storage_size(const tp_tier_t *tiers, size_t n_tiers);

/**
 * A compile-time upper bound of tp_pool_storage_size for n_tiers tiers with
 * block_bytes = sum of size*count and total_blocks = sum of counts. Use it to
 * size static storage for a constant configuration:
 *   TP_POOL_STORAGE_DEFINE(my_storage, TP_POOL_STORAGE_BOUND(3, 64*256+24*1024, 88));
 */
#define TP_POOL_STORAGE_BOUND(n_tiers, block_bytes, total_blocks) \
    ((size_t)(block_bytes) + (size_t)(n_tiers)*64u + 2u * (size_t)(total_blocks) + 4u)

/** The exact bookkeeping bytes (tp_pool_meta_bytes) for total_blocks blocks. */
#define TP_POOL_META_BYTES(total_blocks) (((size_t)(total_blocks)*2u + 3u) & ~(size_t)3u)

/** Defines a static byte array aligned to TP_CFG_STORAGE_ALIGN. */
#define TP_POOL_STORAGE_DEFINE(name, bytes) TP_ALIGNAS(TP_CFG_STORAGE_ALIGN) static uint8_t name[(bytes)]

/**
 * @brief Initialise a pool over one piece of storage.
 *
 * Block storage is laid out tier after tier; each tier starts at a multiple of
 * min(64, the largest power of two dividing its block size); the bookkeeping
 * follows the blocks.
 *
 * What a failed call leaves: a pool that was initialised (its magic word
 * valid) is not touched and keeps working, blocks and all; any other
 * tp_pool_t is zeroed, so that every later call refuses it in every build
 * (see "Uninitialised pools" above).
 *
 * @param pool the pool (its previous content is discarded on success)
 * @param tiers the configuration (copied; need not outlive the call)
 * @param n_tiers entries in tiers
 * @param storage block and bookkeeping storage, aligned to at least 4
 * @param storage_size bytes at storage, at least tp_pool_storage_size()
 * @retval TP_OK initialised
 * @retval TP_ERR_INVALID_ARG pool or storage NULL; a tier list tp_tiers_check
 *         refuses; storage misaligned (not a multiple of 4) or too small
 */
tp_err_t tp_pool_init(tp_pool_t *pool, const tp_tier_t *tiers, size_t n_tiers, void *storage, size_t storage_size);

/**
 * @brief As tp_pool_init, with the blocks and the bookkeeping in separate
 * memory: blocks in PSRAM or DMA memory, bookkeeping in internal RAM.
 * @param pool the pool
 * @param tiers the configuration
 * @param n_tiers entries in tiers
 * @param block_storage the blocks, aligned to at least 4
 * @param block_storage_size at least tp_pool_block_bytes()
 * @param meta_storage the bookkeeping (2 bytes per block)
 * @param meta_storage_size at least tp_pool_meta_bytes()
 * @retval TP_OK initialised
 * @retval TP_ERR_INVALID_ARG as tp_pool_init, or the two regions overlap
 */
tp_err_t tp_pool_init_split(tp_pool_t *pool, const tp_tier_t *tiers, size_t n_tiers, void *block_storage,
                            size_t block_storage_size, uint32_t *meta_storage, size_t meta_storage_size);

/**
 * @brief Bytes of block storage a configuration needs (tp_pool_init_split).
 * @param tiers the configuration
 * @param n_tiers entries in tiers
 * @return the size; 0 for a list tp_tiers_check refuses
 * @isr
 */
size_t tp_pool_block_bytes(const tp_tier_t *tiers, size_t n_tiers);

/**
 * @brief Bytes of bookkeeping a configuration needs (2 per block, rounded up to 4).
 * @param tiers the configuration
 * @param n_tiers entries in tiers
 * @return the size; 0 for a list tp_tiers_check refuses
 * @isr
 */
size_t tp_pool_meta_bytes(const tp_tier_t *tiers, size_t n_tiers);

/**
 * @brief A block of at least size bytes: from the smallest tier that fits,
 * else the next larger tier with a free block above its reserve.
 * @param pool the pool
 * @param size bytes needed
 * @return the block (content unspecified), or NULL: no tier can serve it (counted
 *         in the best tier's failed), size 0 (counted in zero_requests), size
 *         above the largest tier (counted in oversize_requests), pool NULL or
 *         not initialised (nothing counted; see "Uninitialised pools")
 * @isr
 */
void *tp_alloc(tp_pool_t *pool, size_t size);

/**
 * @brief As tp_alloc, for a request tagged critical: it may use the blocks each
 * tier keeps in reserve (tp_pool_set_reserve); ordinary tp_alloc requests fail
 * once only the reserve is left.
 * @param pool the pool
 * @param size bytes needed
 * @return the block, or NULL as tp_alloc
 * @isr
 */
void *tp_alloc_critical(tp_pool_t *pool, size_t size);

/**
 * @brief Return a block. NULL is a no-op returning TP_OK.
 * @param pool the pool the block came from
 * @param ptr the block's first byte, as tp_alloc returned it
 * @retval TP_OK returned
 * @retval TP_ERR_INVALID_ARG pool NULL or not initialised (nothing counted)
 * @retval TP_ERR_FOREIGN_PTR ptr is not inside any tier of this pool (counted)
 * @retval TP_ERR_BAD_PTR ptr is inside a block but not at its start (counted)
 * @retval TP_ERR_DOUBLE_FREE the block is already free (counted)
 * On every error nothing in the pool changes but the error's counter.
 * @isr
 */
tp_err_t tp_free(tp_pool_t *pool, void *ptr);

/**
 * @brief Usable size of the live block starting at ptr.
 * @param pool the pool
 * @param ptr a pointer
 * @return the block size; 0 for anything else (NULL, not a block start, a
 *         free block, pool not initialised)
 * @isr
 */
size_t tp_block_size(const tp_pool_t *pool, const void *ptr);

/**
 * @brief Keep `reserve` blocks of a tier for tp_alloc_critical.
 * @param pool the pool
 * @param tier tier index
 * @param reserve blocks, 0 .. the tier's block count
 * @retval TP_OK set
 * @retval TP_ERR_INVALID_ARG pool not initialised, tier out of range or
 *         reserve above the tier's block count
 * @isr
 */
tp_err_t tp_pool_set_reserve(tp_pool_t *pool, size_t tier, uint32_t reserve);

/**
 * @brief Copy a consistent snapshot of the statistics, in time proportional to
 * the number of tiers.
 * @param pool the pool
 * @param out where the snapshot is written
 * @retval TP_OK written
 * @retval TP_ERR_INVALID_ARG a NULL argument or a pool not initialised
 * @isr
 */
tp_err_t tp_pool_get_stats(tp_pool_t *pool, tp_pool_stats_t *out);

/**
 * @brief Set every tier's peak_in_use to its current in_use.
 * @param pool the pool
 * @retval TP_OK done
 * @retval TP_ERR_INVALID_ARG pool NULL or not initialised
 * @isr
 */
tp_err_t tp_pool_reset_peak(tp_pool_t *pool);

/**
 * @brief The biggest size tp_alloc would serve right now.
 * @param pool the pool
 * @return the size; 0 when every tier is at its reserve or the pool is not initialised
 * @isr
 */
size_t tp_pool_largest_allocatable(tp_pool_t *pool);

/**
 * The invariants of a pool, which tp_pool_check and tp_pool_check_tiers verify
 * (numbered as in src/tp_pool.c, which asserts them at every state change).
 */
typedef enum {
    TP_CHECK_OK = 0,              /**< every rule checked holds */
    TP_CHECK_NOT_INITIALISED = 1, /**< the magic word is wrong: never initialised, or overwritten */
    TP_CHECK_I1_FREE_LIST = 2,    /**< following head visits exactly free_count blocks, each
                                       in range and not live, then TP_LINK_END */
    TP_CHECK_I2_LIVE_MARKS = 3,   /**< exactly block_count - free_count links are TP_LINK_LIVE */
    TP_CHECK_I3_COUNTS = 4,       /**< low_water <= free_count <= block_count */
    TP_CHECK_I4_END_MARK = 5,     /**< 1 <= n_tiers <= TP_CFG_MAX_TIERS and tier[n_tiers] all zero */
    TP_CHECK_I5_LOOKUP_KEYS = 6,  /**< fit_key, end_key, shift and inverse match the tier's geometry */
    TP_CHECK_I6_LAYOUT = 7,       /**< sizes increase, counts in range, tiers aligned, ascending and
                                       disjoint, links consecutive, first_index and total_blocks add up */
    TP_CHECK_I7_RESERVE = 8       /**< reserve <= block_count */
} tp_check_rule_t;

/** Where tp_pool_check found a rule broken. */
typedef struct {
    tp_check_rule_t rule; /**< TP_CHECK_OK when the pool is consistent */
    uint32_t tier;        /**< the tier (n_tiers for I4's end mark); UINT32_MAX when not about a tier */
    uint32_t block;       /**< the block within the tier (I1, I2); UINT32_MAX when not about a block */
} tp_check_fault_t;

/**
 * @brief Check every invariant of a pool (I1-I7), with the lock held, in time
 * proportional to the number of blocks: a diagnostic for tests and start-up
 * self-checks, not for code with an interrupt-latency budget. Changes nothing.
 * @param pool the pool
 * @param fault where the first broken rule is written, with its tier and
 *        block (may be NULL); {TP_CHECK_OK, UINT32_MAX, UINT32_MAX} when none
 * @retval TP_OK consistent
 * @retval TP_ERR_INVALID_ARG pool NULL or not initialised (rule TP_CHECK_NOT_INITIALISED)
 * @retval TP_ERR_CORRUPT a rule is broken: memory corruption or a bug in tierpool
 */
tp_err_t tp_pool_check(tp_pool_t *pool, tp_check_fault_t *fault);

/**
 * @brief The cheap part of tp_pool_check: only the tier records (I3-I7, and
 * I1's head), not the links of the blocks; time proportional to the number of
 * tiers, with the lock held.
 * @param pool the pool
 * @param fault as tp_pool_check (may be NULL)
 * @retval TP_OK consistent
 * @retval TP_ERR_INVALID_ARG pool NULL or not initialised
 * @retval TP_ERR_CORRUPT a rule is broken
 * @isr
 */
tp_err_t tp_pool_check_tiers(tp_pool_t *pool, tp_check_fault_t *fault);

/**
 * @brief Describe an invariant, e.g. "I1 free list".
 * @param rule any value
 * @return a static string ("unknown rule" for values not in tp_check_rule_t)
 * @isr
 */
const char *tp_check_rule_text(tp_check_rule_t rule);

/**
 * Block addressing, for diagnostics built on top of the pool (tracking side
 * tables, leak reports). A block has a pool-wide index in
 * [0, total_blocks): tier 0's blocks first.
 */
typedef struct {
    uint32_t tier;       /**< tier index */
    uint32_t index;      /**< pool-wide block index */
    uint32_t block_size; /**< bytes per block of the tier */
    uint8_t *start;      /**< the block's first byte */
    int live;            /**< 1 when allocated */
} tp_block_info_t;

/**
 * @brief Describe the block containing ptr (any byte of it). Does not take the
 * lock: `live` is a racy read unless the caller owns the block or holds the lock.
 * @param pool the pool
 * @param ptr any byte of a block
 * @param out where the description is written
 * @retval TP_OK written
 * @retval TP_ERR_INVALID_ARG NULL pool or out, pool not initialised
 * @retval TP_ERR_FOREIGN_PTR ptr is not in a tier
 * @isr
 */
tp_err_t tp_pool_locate(const tp_pool_t *pool, const void *ptr, tp_block_info_t *out);

/**
 * @brief Describe block number `index`.
 * @param pool the pool
 * @param index pool-wide block index
 * @param out where the description is written
 * @retval TP_OK written
 * @retval TP_ERR_INVALID_ARG NULL pool or out, pool not initialised, index out of range
 * @isr
 */
tp_err_t tp_pool_block_at(const tp_pool_t *pool, uint32_t index, tp_block_info_t *out);

/**
 * @brief Tiers of an initialised pool (fixed by tp_pool_init). Takes no lock.
 * @param pool the pool
 * @return the count; 0 for NULL or a pool not initialised
 * @isr
 */
uint32_t tp_pool_tier_count(const tp_pool_t *pool);

/**
 * @brief Blocks of all tiers of an initialised pool: block indexes
 * (tp_pool_block_at) run from 0 to this - 1. Takes no lock.
 * @param pool the pool
 * @return the count; 0 for NULL or a pool not initialised
 * @isr
 */
uint32_t tp_pool_block_count(const tp_pool_t *pool);

/** One tier's occupancy (tp_pool_tier_usage). */
typedef struct {
    uint32_t block_size;  /**< bytes per block */
    uint32_t block_count; /**< blocks in the tier */
    uint32_t in_use;      /**< blocks handed out */
    uint32_t failed;      /**< requests best fitting this tier that got NULL (saturating) */
} tp_tier_usage_t;

/**
 * @brief Occupancy of one tier, read without the pool's lock: for code that
 * must not take it, such as a panic handler or a stack-overflow hook (the
 * crash record), where the interrupted code may be holding it. Each field is
 * read once; if another core is inside tp_alloc or tp_free on this pool,
 * in_use and failed may be a moment apart. For a consistent snapshot use
 * tp_pool_get_stats.
 * @param pool the pool
 * @param tier tier index, below tp_pool_tier_count
 * @param out where the occupancy is written
 * @retval TP_OK written
 * @retval TP_ERR_INVALID_ARG pool NULL or not initialised, tier out of range, out NULL
 * @isr
 */
tp_err_t tp_pool_tier_usage(const tp_pool_t *pool, uint32_t tier, tp_tier_usage_t *out);

/**
 * @brief Take the pool's critical section (a no-op with TP_CFG_THREAD_SAFE=0
 * or a pool not initialised). Not recursive: call no other function on this
 * pool before tp_pool_unlock.
 * @param pool the pool
 * @return what tp_pool_unlock must be given
 * @isr
 */
tp_irqstate_t tp_pool_lock(tp_pool_t *pool);

/**
 * @brief Release the critical section tp_pool_lock took.
 * @param pool the pool
 * @param state tp_pool_lock's return value
 * @isr
 */
void tp_pool_unlock(tp_pool_t *pool, tp_irqstate_t state);

/**
 * @brief Initialise the default pool, as the seed specifies it: static storage
 * with the tiers of TP_CFG_DEFAULT_TIERS (tp_config.h: the seed's three tiers
 * unless overridden). A no-op once done.
 * @retval TP_OK initialised (or already was)
 * @retval TP_ERR_INVALID_ARG TP_CFG_DEFAULT_TIERS is a list tp_tiers_check refuses
 */
tp_err_t memory_pools_init(void);

/**
 * @brief tp_alloc on the default pool (NULL before memory_pools_init).
 * @param size bytes needed
 * @return the block or NULL
 * @isr
 */
void *pool_alloc(size_t size);

/**
 * @brief tp_free on the default pool (TP_ERR_INVALID_ARG before memory_pools_init).
 * @param ptr the block
 * @return as tp_free
 * @isr
 */
tp_err_t pool_free(void *ptr);

/**
 * @brief The default pool, for tp_pool_get_stats and the diagnostics.
 * @return its address (valid before memory_pools_init too: a zeroed pool)
 * @isr
 */
tp_pool_t *tp_default_pool(void);

#ifdef __cplusplus
}
#endif

#endif /* TIERPOOL_H */
