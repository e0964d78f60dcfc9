/*
 * tp_pool.c - the tiered block pool.
 *
 * Each tier keeps one 16-bit link per block, outside the blocks. The free
 * blocks form a list through these links (t->head, then link[head], ... up to
 * TP_LINK_END); a handed-out block's link is TP_LINK_LIVE. Invariants, for
 * every tier t of an initialised pool:
 *   I1  following t->head visits exactly t->free_count blocks, then TP_LINK_END
 *   I2  link[i] == TP_LINK_LIVE  <=>  block i is handed out
 *   I3  t->low_water <= t->free_count <= t->block_count
 *   I4  tier[n_tiers] is all zero (it ends the hot paths' searches)
 * tp_alloc pops the list head, tp_free pushes onto it: O(1) per tier, and the
 * live mark makes a double free a single compare. tp_pool_check verifies I1-I3.
 *
 * A freed block is reused first (LIFO); a new pool hands out blocks in address
 * order.
 */
#include "../include/tierpool.h"

#include <limits.h>
#include <string.h>

#if TP_CFG_THREAD_SAFE
#define POOL_LOCK(pool) tp_irqstate_t irq_state_ = tp_port_enter(&(pool)->lock)
#define POOL_UNLOCK(pool) tp_port_exit(&(pool)->lock, irq_state_)
#else
#define POOL_LOCK(pool) ((void)(pool))
#define POOL_UNLOCK(pool) ((void)(pool))
#endif

#if defined(__GNUC__) || defined(__clang__)
#define TP_NOINLINE __attribute__((noinline))
#define TP_COLD __attribute__((noinline, cold))
#else
#define TP_NOINLINE
#define TP_COLD
#endif

#define UINTPTR_BITS ((uint32_t)(sizeof(uintptr_t) * CHAR_BIT))

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

#define LIMIT_BYTES 0x80000000u /* keep every offset and span below 2^31 */

static uint32_t tier_alignment(uint32_t block_size)
{
    uint32_t lowest_bit = block_size & (0u - block_size);
    return lowest_bit > 64u ? 64u : lowest_bit;
}

/*
 * Validate a configuration and compute each tier's offset in block storage.
 * Returns 0 and writes nothing through the outputs for an invalid one.
 */
static int plan_layout(const tp_tier_t *tiers, size_t n_tiers, uint32_t *offsets,
                       uint32_t *block_bytes, uint32_t *meta_bytes)
{
    if (tiers == NULL || n_tiers == 0u || n_tiers > TP_CFG_MAX_TIERS) {
        return 0;
    }
    uint64_t end = 0;
    uint32_t blocks = 0;
    uint32_t local[TP_CFG_MAX_TIERS];
    for (size_t i = 0; i < n_tiers; i++) {
        const uint32_t size = tiers[i].block_size;
        const uint32_t count = tiers[i].block_count;
        if (size == 0u || count == 0u || count > TP_MAX_BLOCKS_PER_TIER) {
            return 0;
        }
        if (i > 0u && size <= tiers[i - 1u].block_size) {
            return 0;
        }
        const uint64_t span = (uint64_t)size * count;
        const uint64_t align = tier_alignment(size);
        const uint64_t start = (end + align - 1u) & ~(align - 1u);
        if (span >= LIMIT_BYTES || start + span >= LIMIT_BYTES) {
            return 0;
        }
        local[i] = (uint32_t)start;
        end = start + span;
        blocks += count;
    }
    if (offsets != NULL) {
        memcpy(offsets, local, n_tiers * sizeof local[0]);
    }
    *block_bytes = (uint32_t)end;
    /* 16-bit links, rounded up to whole 32-bit words. */
    *meta_bytes = ((blocks * 2u) + 3u) & ~3u;
    return 1;
}

size_t tp_pool_block_bytes(const tp_tier_t *tiers, size_t n_tiers)
{
    uint32_t blocks, meta;
    return plan_layout(tiers, n_tiers, NULL, &blocks, &meta) ? blocks : 0u;
}

size_t tp_pool_meta_bytes(const tp_tier_t *tiers, size_t n_tiers)
{
    uint32_t blocks, meta;
    return plan_layout(tiers, n_tiers, NULL, &blocks, &meta) ? meta : 0u;
}

size_t tp_pool_storage_size(const tp_tier_t *tiers, size_t n_tiers)
{
    uint32_t blocks, meta;
    if (!plan_layout(tiers, n_tiers, NULL, &blocks, &meta)) {
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

tp_err_t tp_pool_init_split(tp_pool_t *pool, const tp_tier_t *tiers, size_t n_tiers,
                            void *block_storage, size_t block_storage_size,
                            uint32_t *meta_storage, size_t meta_storage_size)
{
    uint32_t offsets[TP_CFG_MAX_TIERS];
    uint32_t block_bytes, meta_bytes;
    if (pool == NULL || block_storage == NULL || meta_storage == NULL ||
        !is_aligned4(block_storage) || !is_aligned4(meta_storage) ||
        !plan_layout(tiers, n_tiers, offsets, &block_bytes, &meta_bytes) ||
        block_storage_size < block_bytes || meta_storage_size < meta_bytes) {
        return TP_ERR_INVALID_ARG;
    }
    /* The blocks and the links must not overlap (tp_pool_init never does). */
    const uintptr_t b0 = (uintptr_t)block_storage, b1 = b0 + block_bytes;
    const uintptr_t m0 = (uintptr_t)meta_storage, m1 = m0 + meta_bytes;
    if (b0 < m1 && m0 < b1) {
        return TP_ERR_INVALID_ARG;
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
    tp_port_lock_init(&pool->lock);
#endif
    pool->magic = TP_POOL_MAGIC;
    return TP_OK;
}

tp_err_t tp_pool_init(tp_pool_t *pool, const tp_tier_t *tiers, size_t n_tiers,
                      void *storage, size_t storage_size)
{
    const size_t need = tp_pool_storage_size(tiers, n_tiers);
    if (pool == NULL || storage == NULL || need == 0u || storage_size < need ||
        !is_aligned4(storage)) {
        return TP_ERR_INVALID_ARG;
    }
    const size_t block_bytes = tp_pool_block_bytes(tiers, n_tiers);
    const size_t meta_offset = (block_bytes + 3u) & ~(size_t)3u;
    uint8_t *bytes = (uint8_t *)storage;
    return tp_pool_init_split(pool, tiers, n_tiers, storage, block_bytes,
                              (uint32_t *)(void *)(bytes + meta_offset),
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
 * An uninitialised pool needs no check of its own on the hot path: in a
 * zeroed tp_pool_t (static storage, or a failed tp_pool_init) tier 0 already
 * looks like the end mark, so every request and every free reaches a slow
 * path, where the magic number is checked.
 */

/* Hand out the head of t's free list; the caller checked free_count. */
static inline uint8_t *take_block(tp_tier_state_t *t, size_t size)
{
    const uint32_t n = t->free_count - 1u;
    t->free_count = n;
    if (n < t->low_water) {
        t->low_water = n;
    }
    const uint32_t i = t->head;
    TP_CFG_ASSERT(i < t->block_count);
    t->head = t->link[i];
    t->link[i] = TP_LINK_LIVE;
    t->bytes_requested += size;
    /* A multiply is one instruction on every target we build for. */
    return t->base + (size_t)i * t->block_size;
}

/*
 * Called with the lock held when tier `best` (the smallest that fits, or the
 * end mark) cannot serve the request: reject a size no tier fits, else fall
 * back to the next larger tier with a block above its reserve. (pool, size)
 * come first, as in tp_alloc, so the hot path passes them on without moving
 * registers.
 */
TP_NOINLINE static void *alloc_slow(tp_pool_t *pool, size_t size, tp_tier_state_t *best,
                                    int critical)
{
    if (best->fit_key == 0u) { /* size 0, above the largest tier, or no pool */
        if (pool_ok(pool)) {
            if (size == 0u) {
                pool->zero_requests++;
            } else {
                pool->oversize_requests++;
            }
        }
        return NULL;
    }
    for (tp_tier_state_t *t = best + 1; t->fit_key != 0u; t++) {
        if (t->free_count > (critical ? 0u : t->reserve)) {
            best->fallbacks++;
            return take_block(t, size);
        }
    }
    best->failed++;
    return NULL;
}

static inline void *alloc_block(tp_pool_t *pool, size_t size, int critical)
{
    if (pool == NULL) {
        return NULL;
    }
    /* size <= block_size  <=>  0 - size >= 0 - block_size, for size >= 1;
     * size 0 has key 0 and, like a size above every tier, stops only at the
     * end mark, whose fit_key is 0. */
    const size_t key = (size_t)0u - size;
    tp_tier_state_t *t = pool->tier;
    while (key < t->fit_key) {
        t++;
    }
    void *block;
    POOL_LOCK(pool);
    if (t->free_count > (critical ? 0u : t->reserve)) {
        block = take_block(t, size);
    } else {
        block = alloc_slow(pool, size, t, critical);
    }
    POOL_UNLOCK(pool);
    return block;
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
    POOL_LOCK(pool);
    if (tier_containing(pool, (uintptr_t)ptr) != NULL) {
        pool->bad_frees++;
        err = TP_ERR_BAD_PTR;
    } else {
        pool->foreign_frees++;
        err = TP_ERR_FOREIGN_PTR;
    }
    POOL_UNLOCK(pool);
    return err;
}

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
    uint16_t *const link = t->link;
    tp_err_t err = TP_OK;
    POOL_LOCK(pool);
    if (link[i] != TP_LINK_LIVE) {
        pool->double_frees++;
        err = TP_ERR_DOUBLE_FREE;
    } else {
        link[i] = (uint16_t)t->head;
        t->head = (uint32_t)i;
        t->free_count++;
        t->frees++;
    }
    POOL_UNLOCK(pool);
    return err;
}

/* ---- queries --------------------------------------------------------- */

tp_irqstate_t tp_pool_lock(tp_pool_t *pool)
{
#if TP_CFG_THREAD_SAFE
    return pool_ok(pool) ? tp_port_enter(&pool->lock) : 0u;
#else
    (void)pool;
    return 0u;
#endif
}

void tp_pool_unlock(tp_pool_t *pool, tp_irqstate_t state)
{
#if TP_CFG_THREAD_SAFE
    if (pool_ok(pool)) {
        tp_port_exit(&pool->lock, state);
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
        POOL_LOCK(mutable_pool);
        if (i < t->block_count && t->link[i] == TP_LINK_LIVE) {
            size = t->block_size;
        }
        POOL_UNLOCK(mutable_pool);
    }
    return size;
}

tp_err_t tp_pool_set_reserve(tp_pool_t *pool, size_t tier, uint32_t reserve)
{
    if (!pool_ok(pool) || tier >= pool->n_tiers || reserve > pool->tier[tier].block_count) {
        return TP_ERR_INVALID_ARG;
    }
    POOL_LOCK(pool);
    pool->tier[tier].reserve = reserve;
    POOL_UNLOCK(pool);
    return TP_OK;
}

tp_err_t tp_pool_get_stats(tp_pool_t *pool, tp_pool_stats_t *out)
{
    if (!pool_ok(pool) || out == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    memset(out, 0, sizeof *out);
    POOL_LOCK(pool);
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
    POOL_UNLOCK(pool);

    out->n_tiers = n;
    out->failed = out->oversize_requests;
    for (uint32_t i = 0; i < n; i++) {
        tp_tier_stats_t *s = &out->tier[i];
        s->bytes_handed_out = s->allocs * s->block_size;
        out->total_blocks += s->block_count;
        out->blocks_in_use += s->in_use;
        out->bytes_total += (uint64_t)s->block_size * s->block_count;
        out->bytes_in_use += (uint64_t)s->block_size * s->in_use;
        out->allocs += s->allocs;
        out->frees += s->frees;
        out->failed += s->failed;
        out->fallbacks += s->fallbacks;
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
    POOL_LOCK(pool);
    for (uint32_t i = 0; i < pool->n_tiers; i++) {
        pool->tier[i].low_water = pool->tier[i].free_count;
    }
    POOL_UNLOCK(pool);
    return TP_OK;
}

size_t tp_pool_largest_allocatable(tp_pool_t *pool)
{
    if (!pool_ok(pool)) {
        return 0u;
    }
    size_t largest = 0u;
    POOL_LOCK(pool);
    for (uint32_t i = pool->n_tiers; i-- > 0u;) {
        const tp_tier_state_t *t = &pool->tier[i];
        if (t->free_count > t->reserve) {
            largest = t->block_size;
            break;
        }
    }
    POOL_UNLOCK(pool);
    return largest;
}

static int tier_consistent(const tp_tier_state_t *t)
{
    if (t->free_count > t->block_count || t->low_water > t->free_count) {
        return 0;
    }
    /* I1: free_count steps, each to a block marked free, then the end. A
     * repeated block would make the walk periodic, never reaching the end,
     * so reaching it proves the list has no cycle. */
    uint32_t i = t->head;
    for (uint32_t step = 0; step < t->free_count; step++) {
        if (i >= t->block_count || t->link[i] == TP_LINK_LIVE) {
            return 0;
        }
        i = t->link[i];
    }
    if (i != TP_LINK_END && t->free_count != 0u) {
        return 0;
    }
    /* I2: every block not on the list is marked live. */
    uint32_t live = 0;
    for (uint32_t b = 0; b < t->block_count; b++) {
        live += t->link[b] == TP_LINK_LIVE ? 1u : 0u;
    }
    return live == t->block_count - t->free_count;
}

tp_err_t tp_pool_check(tp_pool_t *pool)
{
    if (!pool_ok(pool)) {
        return TP_ERR_INVALID_ARG;
    }
    tp_err_t err = TP_OK;
    POOL_LOCK(pool);
    for (uint32_t i = 0; i < pool->n_tiers && err == TP_OK; i++) {
        if (!tier_consistent(&pool->tier[i])) {
            err = TP_ERR_CORRUPT;
        }
    }
    POOL_UNLOCK(pool);
    return err;
}

static void describe(const tp_pool_t *pool, const tp_tier_state_t *t, uint32_t index,
                     tp_block_info_t *out)
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
