/*
 * tp_pool.c - the tiered block pool.
 *
 * Each tier keeps one 16-bit link per block, outside the blocks. The free
 * blocks form a list through these links (t->head, then link[head], ... up to
 * TP_LINK_END); a handed-out block's link is TP_LINK_LIVE. Invariants of an
 * initialised pool (magic == TP_POOL_MAGIC), for every tier t:
 *   I1  following t->head visits exactly t->free_count blocks, each below
 *       block_count and not live, then TP_LINK_END (so head is TP_LINK_END
 *       exactly when free_count is 0)
 *   I2  link[i] == TP_LINK_LIVE  <=>  block i is handed out: exactly
 *       block_count - free_count links are TP_LINK_LIVE
 *   I3  t->low_water <= t->free_count <= t->block_count
 *   I4  1 <= n_tiers <= TP_CFG_MAX_TIERS, and tier[n_tiers] is all zero (it
 *       ends the hot paths' searches)
 *   I5  the lookup keys match the geometry: fit_key == 0 - block_size,
 *       end_key == ~(last byte), block_size == odd << shift with
 *       odd * inverse == 1 (mod 2^bits)
 *   I6  the layout is one tp_tiers_check accepts: sizes increase, counts
 *       1..65534, each tier aligned as tier_alignment says, tiers in ascending
 *       disjoint address ranges (tp_free's search relies on it), link arrays
 *       consecutive, first_index and total_blocks the running sums
 *   I7  t->reserve <= t->block_count
 * tp_alloc pops the list head, tp_free pushes onto it: O(1) per tier, and the
 * live mark makes a double free a single compare. TP_CFG_ASSERT checks the
 * invariants each state change touches (on unless NDEBUG); tp_pool_check
 * verifies all of them, tp_pool_check_tiers those not needing the links.
 *
 * A freed block is reused first (LIFO); a new pool hands out blocks in address
 * order.
 */
#include "../include/tierpool.h"

#include <limits.h>
#include <string.h>

#include "tp_internal.h"

/*
 * The pool's critical section, through the port's macros (tp_port.h), which
 * its tp_port_config.h may give inline. POOL_TRY_ENTER takes the lock when
 * that needs no waiting; the hot paths call it, and leave a lock someone else
 * holds to a function of their own (*_contended), which waits with POOL_ENTER.
 * So the hot paths contain no call that returns into them: the compiler keeps
 * their values in scratch registers, as it does without a lock, instead of
 * saving and restoring callee-saved ones around a call that almost never
 * happens. Without TP_CFG_THREAD_SAFE all of it compiles to nothing.
 */
#if TP_CFG_THREAD_SAFE
#define POOL_TRY_ENTER(pool, state) TP_PORT_TRY_ENTER(&(pool)->lock, (state))
#define POOL_ENTER(pool) TP_PORT_ENTER(&(pool)->lock)
#define POOL_EXIT(pool, state) TP_PORT_EXIT(&(pool)->lock, (state))
#else
#define POOL_TRY_ENTER(pool, state) ((void)(pool), *(state) = 0u, 1)
#define POOL_ENTER(pool) ((void)(pool), (tp_irqstate_t)0u)
#define POOL_EXIT(pool, state) ((void)(pool), (void)(state))
#endif
/* The functions off the hot paths take the whole body under the lock:
 * TP_SECTION_ENTER / TP_SECTION_EXIT (tp_internal.h). */

#if defined(__GNUC__) || defined(__clang__)
#define TP_NOINLINE __attribute__((noinline))
#define TP_COLD __attribute__((noinline, cold))
#else
#define TP_NOINLINE
#define TP_COLD
#endif

#define UINTPTR_BITS ((uint32_t)(sizeof(uintptr_t) * CHAR_BIT))

/* Counters saturate (tp__count_up, tp_internal.h), and so do their sums.
 * Only slow paths count, so the compare costs nothing the benchmark sees. */
static inline uint32_t sat_add(uint32_t a, uint32_t b)
{
    return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

const char *tp_strerror(tp_err_t err)
{
    switch (err) {
    case TP_OK: return "ok";
    case TP_ERR_INVALID_ARG: return "invalid argument";
    case TP_ERR_FOREIGN_PTR: return "pointer does not belong to this pool";
    case TP_ERR_BAD_PTR: return "pointer is not the start of a block";
    case TP_ERR_DOUBLE_FREE: return "block is already free";
    case TP_ERR_NO_MEM: return "out of memory";
    case TP_ERR_TRUNCATED: return "output truncated";
    case TP_ERR_NOT_FOUND: return "not found";
    case TP_ERR_CORRUPT: return "corruption detected";
    case TP_ERR_DEFERRED: return "deferred";
    case TP_ERR_UNSUPPORTED: return "not supported by this port or build";
    case TP_ERR_IO: return "persistent storage failed";
    default: return "unknown error";
    }
}

/* ---- layout ---------------------------------------------------------- */

static uint32_t tier_alignment(uint32_t block_size)
{
    uint32_t lowest_bit = block_size & (0u - block_size);
    return lowest_bit > 64u ? 64u : lowest_bit;
}

static tp_err_t tiers_fault(tp_tiers_fault_t *fault, tp_tiers_rule_t rule, size_t tier)
{
    if (fault != NULL) {
        fault->rule = rule;
        fault->tier = (uint32_t)tier;
    }
    return rule == TP_TIERS_OK ? TP_OK : TP_ERR_INVALID_ARG;
}

/*
 * The one validation of a tier list (tp_tiers_check), which also computes
 * each tier's offset in block storage: offsets may be NULL. On a refused list
 * nothing is written through offsets, block_bytes or meta_bytes.
 */
static tp_err_t plan_layout(const tp_tier_t *tiers, size_t n_tiers, uint32_t *offsets, uint32_t *block_bytes,
                            uint32_t *meta_bytes, tp_tiers_fault_t *fault)
{
    if (tiers == NULL || n_tiers == 0u) {
        return tiers_fault(fault, TP_TIERS_NONE, 0);
    }
    if (n_tiers > TP_CFG_MAX_TIERS) {
        return tiers_fault(fault, TP_TIERS_TOO_MANY, 0);
    }
    uint64_t end = 0;
    uint32_t blocks = 0;
    uint32_t local[TP_CFG_MAX_TIERS];
    for (size_t i = 0; i < n_tiers; i++) {
        const uint32_t size = tiers[i].block_size;
        const uint32_t count = tiers[i].block_count;
        if (size == 0u) {
            return tiers_fault(fault, TP_TIERS_SIZE_ZERO, i);
        }
        if (count == 0u || count > TP_MAX_BLOCKS_PER_TIER) {
            return tiers_fault(fault, TP_TIERS_COUNT_RANGE, i);
        }
        if (i > 0u && size <= tiers[i - 1u].block_size) {
            return tiers_fault(fault, TP_TIERS_NOT_INCREASING, i);
        }
        const uint64_t span = (uint64_t)size * count;
        const uint64_t align = tier_alignment(size);
        const uint64_t start = (end + align - 1u) & ~(align - 1u);
        if (start + span > TP_MAX_BLOCK_BYTES) {
            return tiers_fault(fault, TP_TIERS_TOO_LARGE, i);
        }
        local[i] = (uint32_t)start;
        end = start + span;
        blocks += count;
    }
    if (offsets != NULL) {
        memcpy(offsets, local, n_tiers * sizeof local[0]);
    }
    if (block_bytes != NULL) {
        *block_bytes = (uint32_t)end;
    }
    if (meta_bytes != NULL) {
        /* 16-bit links, rounded up to whole 32-bit words. */
        *meta_bytes = ((blocks * 2u) + 3u) & ~3u;
    }
    return tiers_fault(fault, TP_TIERS_OK, 0);
}

tp_err_t tp_tiers_check(const tp_tier_t *tiers, size_t n_tiers, tp_tiers_fault_t *fault)
{
    return plan_layout(tiers, n_tiers, NULL, NULL, NULL, fault);
}

const char *tp_tiers_rule_text(tp_tiers_rule_t rule)
{
    switch (rule) {
    case TP_TIERS_OK: return "valid";
    case TP_TIERS_NONE: return "no tiers";
    case TP_TIERS_TOO_MANY: return "more tiers than TP_CFG_MAX_TIERS";
    case TP_TIERS_SIZE_ZERO: return "block size 0";
    case TP_TIERS_COUNT_RANGE: return "block count not within 1..TP_MAX_BLOCKS_PER_TIER";
    case TP_TIERS_NOT_INCREASING: return "block sizes must strictly increase";
    case TP_TIERS_TOO_LARGE: return "blocks reach 2^31 bytes";
    default: return "unknown rule";
    }
}

size_t tp_pool_block_bytes(const tp_tier_t *tiers, size_t n_tiers)
{
    uint32_t blocks;
    return plan_layout(tiers, n_tiers, NULL, &blocks, NULL, NULL) == TP_OK ? blocks : 0u;
}

size_t tp_pool_meta_bytes(const tp_tier_t *tiers, size_t n_tiers)
{
    uint32_t meta;
    return plan_layout(tiers, n_tiers, NULL, NULL, &meta, NULL) == TP_OK ? meta : 0u;
}

size_t tp_pool_storage_size(const tp_tier_t *tiers, size_t n_tiers)
{
    uint32_t blocks, meta;
    if (plan_layout(tiers, n_tiers, NULL, &blocks, &meta, NULL) != TP_OK) {
        return 0u;
    }
    return (size_t)((blocks + 3u) & ~3u) + meta;
}

static int is_aligned4(const void *p)
{
    return ((uintptr_t)p & 3u) == 0u;
}

/*
 * Exact division without dividing. Write block_size = odd << shift. For every
 * offset x, rotr(x * inverse(odd), shift) equals x / block_size when
 * block_size divides x, and exceeds (2^W - 1) / block_size when it does not
 * (Granlund and Montgomery 1994; Hacker's Delight 10-16). block_count is far
 * below that bound, so "result < block_count" says at once that x is the
 * start of a block of this tier and which one: one multiply, one rotate.
 */
static uintptr_t odd_inverse(uintptr_t odd)
{
    uintptr_t x = odd; /* right to 3 bits: odd * odd == 1 mod 8 */
    for (int i = 0; i < 5; i++) {
        x *= 2u - odd * x; /* Newton's step doubles the correct bits: 3 -> 96 */
    }
    return x;
}

static inline uintptr_t rotate_right(uintptr_t x, uint32_t k)
{
    return (x >> k) | (x << ((0u - k) & (UINTPTR_BITS - 1u)));
}

/* Index of the block of tier t starting at address a, or a value >= block_count. */
static inline uintptr_t block_index(const tp_tier_state_t *t, uintptr_t a)
{
    return rotate_right((a - (uintptr_t)t->base) * t->inverse, t->shift);
}

static tp_err_t check_tiers(const tp_pool_t *pool, tp_check_fault_t *fault);

/*
 * A refused tp_pool_init leaves a working pool alone (a failed re-init must
 * not break it) and zeroes anything else, so that every later call refuses it
 * in every build: a zeroed pool's tier 0 is the end mark and its magic 0.
 */
static tp_err_t refuse_init(tp_pool_t *pool)
{
    if (pool != NULL && pool->magic != TP_POOL_MAGIC) {
        memset(pool, 0, sizeof *pool);
    }
    return TP_ERR_INVALID_ARG;
}

tp_err_t tp_pool_init_split(tp_pool_t *pool, const tp_tier_t *tiers, size_t n_tiers, void *block_storage,
                            size_t block_storage_size, uint32_t *meta_storage, size_t meta_storage_size)
{
    uint32_t offsets[TP_CFG_MAX_TIERS];
    uint32_t block_bytes, meta_bytes;
    if (pool == NULL || block_storage == NULL || meta_storage == NULL || !is_aligned4(block_storage) ||
        !is_aligned4(meta_storage) || plan_layout(tiers, n_tiers, offsets, &block_bytes, &meta_bytes, NULL) != TP_OK ||
        block_storage_size < block_bytes || meta_storage_size < meta_bytes) {
        return refuse_init(pool);
    }
    /* The blocks and the links must not overlap (tp_pool_init never does). */
    const uintptr_t b0 = (uintptr_t)block_storage, b1 = b0 + block_bytes;
    const uintptr_t m0 = (uintptr_t)meta_storage, m1 = m0 + meta_bytes;
    if (b0 < m1 && m0 < b1) {
        return refuse_init(pool);
    }

    /* Everything is validated: from here on nothing can fail. */
    memset(pool, 0, sizeof *pool); /* also zeroes tier[n_tiers], the end mark (I4) */
    uint8_t *blocks = (uint8_t *)block_storage;
    uint16_t *link = (uint16_t *)(void *)meta_storage;
    uint32_t first_index = 0;
    for (size_t i = 0; i < n_tiers; i++) {
        tp_tier_state_t *t = &pool->tier[i];
        const uint32_t size = tiers[i].block_size;
        const uint32_t count = tiers[i].block_count;
        uint32_t shift = 0;
        while (((size >> shift) & 1u) == 0u) {
            shift++;
        }
        t->base = blocks + offsets[i];
        t->fit_key = (size_t)0u - size;
        t->end_key = ~((uintptr_t)t->base + (uintptr_t)size * count - 1u);
        t->inverse = odd_inverse((uintptr_t)(size >> shift));
        t->shift = shift;
        t->link = link;
        t->block_size = size;
        t->block_count = count;
        t->free_count = count;
        t->low_water = count;
        t->head = 0;
        t->first_index = first_index;
        for (uint32_t b = 0; b + 1u < count; b++) {
            link[b] = (uint16_t)(b + 1u);
        }
        link[count - 1u] = TP_LINK_END;
        link += count;
        first_index += count;
    }
    pool->n_tiers = (uint32_t)n_tiers;
    pool->total_blocks = first_index;
#if TP_CFG_THREAD_SAFE
    TP_PORT_LOCK_INIT(&pool->lock);
#endif
    pool->magic = TP_POOL_MAGIC;
    TP_CFG_ASSERT(check_tiers(pool, NULL) == TP_OK);
    return TP_OK;
}

tp_err_t tp_pool_init(tp_pool_t *pool, const tp_tier_t *tiers, size_t n_tiers, void *storage, size_t storage_size)
{
    const size_t need = tp_pool_storage_size(tiers, n_tiers);
    if (pool == NULL || storage == NULL || need == 0u || storage_size < need || !is_aligned4(storage)) {
        return refuse_init(pool);
    }
    const size_t block_bytes = tp_pool_block_bytes(tiers, n_tiers);
    const size_t meta_offset = (block_bytes + 3u) & ~(size_t)3u;
    uint8_t *bytes = (uint8_t *)storage;
    return tp_pool_init_split(pool, tiers, n_tiers, storage, block_bytes, (uint32_t *)(void *)(bytes + meta_offset),
                              storage_size - meta_offset);
}

static int pool_ok(const tp_pool_t *pool)
{
    return pool != NULL && pool->magic == TP_POOL_MAGIC;
}

/* The tier whose blocks span address a (any byte), or NULL. Slow paths only. */
static tp_tier_state_t *tier_containing(tp_pool_t *pool, uintptr_t a)
{
    for (uint32_t i = 0; i < pool->n_tiers; i++) {
        tp_tier_state_t *t = &pool->tier[i];
        if (a - (uintptr_t)t->base < (uintptr_t)t->block_size * t->block_count) {
            return t;
        }
    }
    return NULL;
}

/* ---- alloc / free ---------------------------------------------------- */

/*
 * The hot paths are short on purpose (the benchmark counts their
 * instructions): a rare case (size 0 or too big, a tier at its limit, any
 * error in tp_free) leaves them for a function that is not inlined.
 *
 * A zeroed tp_pool_t (static storage, or what a refused tp_pool_init leaves)
 * needs no check of its own on the hot path: its tier 0 looks like the end
 * mark, so every request and every free reaches a slow path, where the magic
 * word is checked. A pool of garbage is caught on entry only when
 * TP_CFG_CHECK_INIT is 1 (debug builds; tierpool.h, "Uninitialised pools").
 *
 * TP_CFG_ASSERT states the invariants (I1-I7, top of this file) each state
 * change relies on and keeps; compiled out with NDEBUG.
 */

/* Hand out the head of t's free list; the caller checked free_count. */
static inline uint8_t *take_block(tp_tier_state_t *t, size_t size)
{
    const uint32_t n = t->free_count - 1u;
    TP_CFG_ASSERT(n < t->block_count); /* I3: there was a free block */
    t->free_count = n;
    if (n < t->low_water) {
        t->low_water = n;
    }
    const uint32_t i = t->head;
    TP_CFG_ASSERT(i < t->block_count); /* I1: the head is a block */
    const uint32_t next = t->link[i];
    TP_CFG_ASSERT(next != TP_LINK_LIVE);                         /* I2: a listed block is free */
    TP_CFG_ASSERT((next == TP_LINK_END) == (n == 0u));           /* I1: list and count end together */
    TP_CFG_ASSERT(next == TP_LINK_END || next < t->block_count); /* I1 */
    t->head = next;
    t->link[i] = TP_LINK_LIVE; /* I2: now handed out */
    t->bytes_requested += size;
    TP_CFG_ASSERT(t->low_water <= t->free_count); /* I3 */
    /* A multiply is one instruction on every target we build for. */
    return t->base + (size_t)i * t->block_size;
}

/*
 * Called with the lock held when tier `best` (the smallest that fits, or the
 * end mark) cannot serve the request: reject a size no tier fits, else fall
 * back to the next larger tier with a block above its reserve. Releases the
 * lock. (pool, size) come first, as in tp_alloc, so the hot path passes them
 * on without moving registers; the ordinary and the critical request each
 * have their own function below, so that no call takes more than four
 * arguments (the most a 32-bit ARM call passes in registers).
 */
static inline void *alloc_fallback(tp_pool_t *pool, size_t size, tp_tier_state_t *best, int critical, tp_irqstate_t irq)
{
    void *block = NULL;
    if (best->fit_key == 0u) { /* size 0, above the largest tier, or no pool */
        if (pool_ok(pool)) {
            TP_CFG_ASSERT(best == &pool->tier[pool->n_tiers]); /* I4: the end mark */
            tp__count_up(size == 0u ? &pool->zero_requests : &pool->oversize_requests);
        }
    } else {
        tp_tier_state_t *t = best + 1;
        while (t->fit_key != 0u && t->free_count <= (critical ? 0u : t->reserve)) {
            t++;
        }
        if (t->fit_key != 0u) {
            tp__count_up(&best->fallbacks);
            block = take_block(t, size);
        } else {
            tp__count_up(&best->failed);
        }
    }
    POOL_EXIT(pool, irq);
    return block;
}

TP_NOINLINE static void *alloc_slow(tp_pool_t *pool, size_t size, tp_tier_state_t *best, tp_irqstate_t irq)
{
    return alloc_fallback(pool, size, best, 0, irq);
}

TP_NOINLINE static void *alloc_slow_critical(tp_pool_t *pool, size_t size, tp_tier_state_t *best, tp_irqstate_t irq)
{
    return alloc_fallback(pool, size, best, 1, irq);
}

/* With the lock held: serve the request from tier t or leave it to
 * alloc_slow; releases the lock either way. */
static inline void *alloc_locked(tp_pool_t *pool, size_t size, tp_tier_state_t *t, int critical, tp_irqstate_t irq)
{
    if (t->free_count > (critical ? 0u : t->reserve)) {
        void *block = take_block(t, size);
        POOL_EXIT(pool, irq);
        return block;
    }
    return critical ? alloc_slow_critical(pool, size, t, irq) : alloc_slow(pool, size, t, irq);
}

#if TP_CFG_THREAD_SAFE
/* tp_alloc when another context holds the lock: wait for it, then as usual. */
TP_NOINLINE static void *alloc_contended(tp_pool_t *pool, size_t size, tp_tier_state_t *t, int critical)
{
    const tp_irqstate_t irq = POOL_ENTER(pool);
    return alloc_locked(pool, size, t, critical, irq);
}
#endif

static inline void *alloc_block(tp_pool_t *pool, size_t size, int critical)
{
    if (pool == NULL) {
        return NULL;
    }
#if TP_CFG_CHECK_INIT
    if (pool->magic != TP_POOL_MAGIC) {
        return NULL;
    }
#endif
    /* size <= block_size  <=>  0 - size >= 0 - block_size, for size >= 1;
     * size 0 has key 0 and, like a size above every tier, stops only at the
     * end mark, whose fit_key is 0. */
    const size_t key = (size_t)0u - size;
    tp_tier_state_t *t = pool->tier;
    while (key < t->fit_key) {
        t++;
    }
    tp_irqstate_t irq;
    if (!POOL_TRY_ENTER(pool, &irq)) {
#if TP_CFG_THREAD_SAFE
        return alloc_contended(pool, size, t, critical);
#endif
    }
    return alloc_locked(pool, size, t, critical, irq);
}

void *tp_alloc(tp_pool_t *pool, size_t size)
{
    return alloc_block(pool, size, 0);
}

void *tp_alloc_critical(tp_pool_t *pool, size_t size)
{
    return alloc_block(pool, size, 1);
}

/* tp_free of an address that is no block start: classify and count it. */
TP_COLD static tp_err_t free_slow(tp_pool_t *pool, const void *ptr)
{
    if (!pool_ok(pool)) {
        return TP_ERR_INVALID_ARG;
    }
    if (ptr == NULL) {
        return TP_OK;
    }
    tp_err_t err;
    TP_SECTION_ENTER(pool);
    if (tier_containing(pool, (uintptr_t)ptr) != NULL) {
        tp__count_up(&pool->bad_frees);
        err = TP_ERR_BAD_PTR;
    } else {
        tp__count_up(&pool->foreign_frees);
        err = TP_ERR_FOREIGN_PTR;
    }
    TP_SECTION_EXIT(pool);
    return err;
}

/* tp_free of a block that is already free: count it; releases the lock. */
TP_COLD static tp_err_t free_double(tp_pool_t *pool, tp_irqstate_t irq)
{
    tp__count_up(&pool->double_frees);
    POOL_EXIT(pool, irq);
    return TP_ERR_DOUBLE_FREE;
}

/* With the lock held: return block i of tier t; releases the lock. */
static inline tp_err_t free_locked(tp_pool_t *pool, tp_tier_state_t *t, uint32_t i, tp_irqstate_t irq)
{
    uint16_t *const link = t->link;
    if (link[i] != TP_LINK_LIVE) {
        return free_double(pool, irq);
    }
    TP_CFG_ASSERT(t->free_count < t->block_count); /* I2, I3: a live block is not free */
    TP_CFG_ASSERT(t->head == TP_LINK_END ? t->free_count == 0u : t->head < t->block_count); /* I1 */
    link[i] = (uint16_t)t->head;
    t->head = i;
    t->free_count++;
    t->frees++;
    POOL_EXIT(pool, irq);
    return TP_OK;
}

#if TP_CFG_THREAD_SAFE
/* tp_free when another context holds the lock: wait for it, then as usual. */
TP_NOINLINE static tp_err_t free_contended(tp_pool_t *pool, tp_tier_state_t *t, uint32_t i)
{
    const tp_irqstate_t irq = POOL_ENTER(pool);
    return free_locked(pool, t, i, irq);
}
#endif

/*
 * Tier geometry never changes after tp_pool_init, so finding the block needs
 * no lock; only the links and counters do, which keeps the critical section
 * short.
 */
tp_err_t tp_free(tp_pool_t *pool, void *ptr)
{
    if (pool == NULL) {
        return TP_ERR_INVALID_ARG;
    }
#if TP_CFG_CHECK_INIT
    if (pool->magic != TP_POOL_MAGIC) {
        return TP_ERR_INVALID_ARG;
    }
#endif
    /* The first tier whose last byte is at or above ptr; ~ turns the test
     * around so that the zeroed end mark stops every search. */
    const uintptr_t a = (uintptr_t)ptr;
    tp_tier_state_t *t = pool->tier;
    while (~a < t->end_key) {
        t++;
    }
    const uintptr_t i = block_index(t, a);
    if (i >= t->block_count) {
        return free_slow(pool, ptr); /* NULL, foreign, inside a block, no pool */
    }
    tp_irqstate_t irq;
    if (!POOL_TRY_ENTER(pool, &irq)) {
#if TP_CFG_THREAD_SAFE
        return free_contended(pool, t, (uint32_t)i);
#endif
    }
    return free_locked(pool, t, (uint32_t)i, irq);
}

/* ---- queries --------------------------------------------------------- */

tp_irqstate_t tp_pool_lock(tp_pool_t *pool)
{
#if TP_CFG_THREAD_SAFE
    return pool_ok(pool) ? TP_PORT_ENTER(&pool->lock) : 0u;
#else
    (void)pool;
    return 0u;
#endif
}

void tp_pool_unlock(tp_pool_t *pool, tp_irqstate_t state)
{
#if TP_CFG_THREAD_SAFE
    if (pool_ok(pool)) {
        TP_PORT_EXIT(&pool->lock, state);
    }
#else
    (void)pool;
    (void)state;
#endif
}

size_t tp_block_size(const tp_pool_t *pool, const void *ptr)
{
    if (!pool_ok(pool) || ptr == NULL) {
        return 0u;
    }
    /* The lock is state outside the pool's logical value; the pool object
     * itself was never defined const (tp_pool_init writes it). */
    tp_pool_t *mutable_pool = (tp_pool_t *)pool;
    size_t size = 0u;
    const tp_tier_state_t *t = tier_containing(mutable_pool, (uintptr_t)ptr);
    if (t != NULL) {
        const uintptr_t i = block_index(t, (uintptr_t)ptr);
        TP_SECTION_ENTER(mutable_pool);
        if (i < t->block_count && t->link[i] == TP_LINK_LIVE) {
            size = t->block_size;
        }
        TP_SECTION_EXIT(mutable_pool);
    }
    return size;
}

tp_err_t tp_pool_set_reserve(tp_pool_t *pool, size_t tier, uint32_t reserve)
{
    if (!pool_ok(pool) || tier >= pool->n_tiers || reserve > pool->tier[tier].block_count) {
        return TP_ERR_INVALID_ARG;
    }
    TP_SECTION_ENTER(pool);
    pool->tier[tier].reserve = reserve; /* I7: checked above */
    TP_SECTION_EXIT(pool);
    return TP_OK;
}

tp_err_t tp_pool_get_stats(tp_pool_t *pool, tp_pool_stats_t *out)
{
    if (!pool_ok(pool) || out == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    memset(out, 0, sizeof *out);
    TP_SECTION_ENTER(pool);
    const uint32_t n = pool->n_tiers;
    for (uint32_t i = 0; i < n; i++) {
        const tp_tier_state_t *t = &pool->tier[i];
        tp_tier_stats_t *s = &out->tier[i];
        s->block_size = t->block_size;
        s->block_count = t->block_count;
        s->in_use = t->block_count - t->free_count;
        s->peak_in_use = t->block_count - t->low_water;
        s->frees = t->frees;
        s->allocs = t->frees + s->in_use;
        s->failed = t->failed;
        s->fallbacks = t->fallbacks;
        s->bytes_requested = t->bytes_requested;
        if (t->free_count > t->reserve) {
            out->largest_allocatable = t->block_size;
        }
    }
    out->zero_requests = pool->zero_requests;
    out->oversize_requests = pool->oversize_requests;
    out->foreign_frees = pool->foreign_frees;
    out->bad_frees = pool->bad_frees;
    out->double_frees = pool->double_frees;
    TP_SECTION_EXIT(pool);

    out->n_tiers = n;
    out->failed = out->oversize_requests; /* the sums of saturating counters saturate too */
    for (uint32_t i = 0; i < n; i++) {
        tp_tier_stats_t *s = &out->tier[i];
        s->bytes_handed_out = s->allocs * s->block_size;
        out->total_blocks += s->block_count;
        out->blocks_in_use += s->in_use;
        out->bytes_total += (uint64_t)s->block_size * s->block_count;
        out->bytes_in_use += (uint64_t)s->block_size * s->in_use;
        out->allocs += s->allocs;
        out->frees += s->frees;
        out->failed = sat_add(out->failed, s->failed);
        out->fallbacks = sat_add(out->fallbacks, s->fallbacks);
        out->bytes_requested += s->bytes_requested;
        out->bytes_handed_out += s->bytes_handed_out;
    }
    return TP_OK;
}

tp_err_t tp_pool_reset_peak(tp_pool_t *pool)
{
    if (!pool_ok(pool)) {
        return TP_ERR_INVALID_ARG;
    }
    TP_SECTION_ENTER(pool);
    for (uint32_t i = 0; i < pool->n_tiers; i++) {
        pool->tier[i].low_water = pool->tier[i].free_count; /* I3 holds: equal */
    }
    TP_SECTION_EXIT(pool);
    return TP_OK;
}

size_t tp_pool_largest_allocatable(tp_pool_t *pool)
{
    if (!pool_ok(pool)) {
        return 0u;
    }
    size_t largest = 0u;
    TP_SECTION_ENTER(pool);
    for (uint32_t i = pool->n_tiers; i-- > 0u;) {
        const tp_tier_state_t *t = &pool->tier[i];
        if (t->free_count > t->reserve) {
            largest = t->block_size;
            break;
        }
    }
    TP_SECTION_EXIT(pool);
    return largest;
}

/* ---- consistency checks (I1-I7) ----------------------------------------- */

static tp_err_t check_result(tp_check_fault_t *fault, tp_check_rule_t rule, uint32_t tier, uint32_t block)
{
    if (fault != NULL) {
        fault->rule = rule;
        fault->tier = tier;
        fault->block = block;
    }
    if (rule == TP_CHECK_OK) {
        return TP_OK;
    }
    return rule == TP_CHECK_NOT_INITIALISED ? TP_ERR_INVALID_ARG : TP_ERR_CORRUPT;
}

#define NO_INDEX UINT32_MAX

/* The rules about one tier record that need no link (I3, I5, I6, I7, and I1's
 * head); prev is the tier before it or NULL. Tier offsets are aligned relative
 * to the start of block storage, tier 0's base (storage need only be 4-aligned). */
static tp_check_rule_t tier_rule_broken(const tp_tier_state_t *t, const tp_tier_state_t *prev, const uint8_t *blocks,
                                        uint32_t first_index)
{
    const uint32_t size = t->block_size, count = t->block_count;
    if (size == 0u || count == 0u || count > TP_MAX_BLOCKS_PER_TIER || (prev != NULL && size <= prev->block_size)) {
        return TP_CHECK_I6_LAYOUT;
    }
    const uintptr_t odd = (uintptr_t)(size >> (t->shift & 31u));
    if (t->shift > 31u || (odd << t->shift) != size || (odd & 1u) == 0u || odd * t->inverse != 1u ||
        t->fit_key != (size_t)0u - size || t->end_key != ~((uintptr_t)t->base + (uintptr_t)size * count - 1u)) {
        return TP_CHECK_I5_LOOKUP_KEYS;
    }
    if ((((uintptr_t)t->base - (uintptr_t)blocks) & (tier_alignment(size) - 1u)) != 0u || t->link == NULL ||
        t->first_index != first_index ||
        (prev != NULL &&
         ((uintptr_t)t->base - (uintptr_t)prev->base < (uintptr_t)prev->block_size * prev->block_count ||
          (uintptr_t)t->base < (uintptr_t)prev->base || t->link != prev->link + prev->block_count))) {
        return TP_CHECK_I6_LAYOUT;
    }
    if (t->free_count > count || t->low_water > t->free_count) {
        return TP_CHECK_I3_COUNTS;
    }
    if (t->reserve > count) {
        return TP_CHECK_I7_RESERVE;
    }
    if (t->free_count == 0u ? t->head != TP_LINK_END : t->head >= count) {
        return TP_CHECK_I1_FREE_LIST;
    }
    return TP_CHECK_OK;
}

/* I3-I7 and I1's head: the tier records only. */
static tp_err_t check_tiers(const tp_pool_t *pool, tp_check_fault_t *fault)
{
    const uint32_t n = pool->n_tiers;
    if (n < 1u || n > TP_CFG_MAX_TIERS) {
        return check_result(fault, TP_CHECK_I4_END_MARK, NO_INDEX, NO_INDEX);
    }
    /* I4: nothing ever writes the end mark, so all its bytes are still the
     * zeros tp_pool_init wrote. */
    const uint8_t *mark = (const uint8_t *)&pool->tier[n];
    for (size_t b = 0; b < sizeof pool->tier[n]; b++) {
        if (mark[b] != 0u) {
            return check_result(fault, TP_CHECK_I4_END_MARK, n, NO_INDEX);
        }
    }
    uint32_t first_index = 0;
    for (uint32_t i = 0; i < n; i++) {
        const tp_tier_state_t *t = &pool->tier[i];
        const tp_check_rule_t rule = tier_rule_broken(t, i > 0u ? t - 1 : NULL, pool->tier[0].base, first_index);
        if (rule != TP_CHECK_OK) {
            return check_result(fault, rule, i, NO_INDEX);
        }
        first_index += t->block_count;
    }
    if (pool->total_blocks != first_index) {
        return check_result(fault, TP_CHECK_I6_LAYOUT, NO_INDEX, NO_INDEX);
    }
    return check_result(fault, TP_CHECK_OK, NO_INDEX, NO_INDEX);
}

/*
 * I1 and I2 for one tier whose record passed check_tiers. I1: free_count
 * steps, each to a block in range and not live, then the end; a repeated
 * block would make the walk periodic, never reaching the end, so reaching it
 * proves the list has no cycle and its blocks are distinct. `block` names the
 * block whose link breaks the list (NO_INDEX: the tier's head). I2: then the
 * non-live blocks off the list are lost; when exactly one is, the difference
 * of two index sums names it.
 */
static tp_err_t check_links(const tp_tier_state_t *t, uint32_t tier, tp_check_fault_t *fault)
{
    uint32_t prev = NO_INDEX, i = t->head;
    uint64_t listed_sum = 0;
    for (uint32_t step = 0; step < t->free_count; step++) {
        if (i >= t->block_count || t->link[i] == TP_LINK_LIVE) {
            return check_result(fault, TP_CHECK_I1_FREE_LIST, tier, prev);
        }
        listed_sum += i;
        prev = i;
        i = t->link[i];
    }
    if (i != TP_LINK_END) {
        return check_result(fault, TP_CHECK_I1_FREE_LIST, tier, prev);
    }
    uint32_t not_live = 0;
    uint64_t not_live_sum = 0;
    for (uint32_t b = 0; b < t->block_count; b++) {
        if (t->link[b] != TP_LINK_LIVE) {
            not_live++;
            not_live_sum += b;
        }
    }
    if (not_live != t->free_count) {
        const uint32_t lost = not_live - t->free_count;
        return check_result(fault, TP_CHECK_I2_LIVE_MARKS, tier,
                            lost == 1u ? (uint32_t)(not_live_sum - listed_sum) : NO_INDEX);
    }
    return TP_OK;
}

tp_err_t tp_pool_check_tiers(tp_pool_t *pool, tp_check_fault_t *fault)
{
    if (!pool_ok(pool)) {
        return check_result(fault, TP_CHECK_NOT_INITIALISED, NO_INDEX, NO_INDEX);
    }
    TP_SECTION_ENTER(pool);
    const tp_err_t err = check_tiers(pool, fault);
    TP_SECTION_EXIT(pool);
    return err;
}

tp_err_t tp_pool_check(tp_pool_t *pool, tp_check_fault_t *fault)
{
    if (!pool_ok(pool)) {
        return check_result(fault, TP_CHECK_NOT_INITIALISED, NO_INDEX, NO_INDEX);
    }
    TP_SECTION_ENTER(pool);
    tp_err_t err = check_tiers(pool, fault);
    for (uint32_t i = 0; i < pool->n_tiers && err == TP_OK; i++) {
        err = check_links(&pool->tier[i], i, fault);
    }
    TP_SECTION_EXIT(pool);
    return err;
}

const char *tp_check_rule_text(tp_check_rule_t rule)
{
    switch (rule) {
    case TP_CHECK_OK: return "consistent";
    case TP_CHECK_NOT_INITIALISED: return "not initialised (magic word)";
    case TP_CHECK_I1_FREE_LIST: return "I1 free list";
    case TP_CHECK_I2_LIVE_MARKS: return "I2 live marks";
    case TP_CHECK_I3_COUNTS: return "I3 free and low-water counts";
    case TP_CHECK_I4_END_MARK: return "I4 tier count and end mark";
    case TP_CHECK_I5_LOOKUP_KEYS: return "I5 lookup keys";
    case TP_CHECK_I6_LAYOUT: return "I6 layout";
    case TP_CHECK_I7_RESERVE: return "I7 reserve";
    default: return "unknown rule";
    }
}

static void describe(const tp_pool_t *pool, const tp_tier_state_t *t, uint32_t index, tp_block_info_t *out)
{
    out->tier = (uint32_t)(t - pool->tier);
    out->index = t->first_index + index;
    out->block_size = t->block_size;
    out->start = t->base + (size_t)index * t->block_size;
    out->live = t->link[index] == TP_LINK_LIVE;
}

tp_err_t tp_pool_locate(const tp_pool_t *pool, const void *ptr, tp_block_info_t *out)
{
    if (!pool_ok(pool) || out == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    /* tier_containing only reads the pool. */
    const tp_tier_state_t *t = tier_containing((tp_pool_t *)pool, (uintptr_t)ptr);
    if (t == NULL) {
        return TP_ERR_FOREIGN_PTR;
    }
    const uint32_t offset = (uint32_t)((uintptr_t)ptr - (uintptr_t)t->base);
    describe(pool, t, offset / t->block_size, out);
    return TP_OK;
}

tp_err_t tp_pool_block_at(const tp_pool_t *pool, uint32_t index, tp_block_info_t *out)
{
    if (!pool_ok(pool) || out == NULL || index >= pool->total_blocks) {
        return TP_ERR_INVALID_ARG;
    }
    const tp_tier_state_t *t = pool->tier;
    while (index >= t->first_index + t->block_count) {
        t++;
    }
    describe(pool, t, index - t->first_index, out);
    return TP_OK;
}

uint32_t tp_pool_tier_count(const tp_pool_t *pool)
{
    return pool_ok(pool) ? pool->n_tiers : 0u;
}

uint32_t tp_pool_block_count(const tp_pool_t *pool)
{
    return pool_ok(pool) ? pool->total_blocks : 0u;
}

tp_err_t tp_pool_tier_usage(const tp_pool_t *pool, uint32_t tier, tp_tier_usage_t *out)
{
    if (!pool_ok(pool) || out == NULL || tier >= pool->n_tiers) {
        return TP_ERR_INVALID_ARG;
    }
    const tp_tier_state_t *t = &pool->tier[tier];
    out->block_size = t->block_size;
    out->block_count = t->block_count;
    out->in_use = t->block_count - t->free_count;
    out->failed = t->failed;
    return TP_OK;
}
