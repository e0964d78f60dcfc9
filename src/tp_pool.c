/*
 * tp_pool.c - the tiered block pool.
 *
 * Invariants, for every tier t of an initialised pool:
 *   I1  bit i of t->map is set  <=>  block i is free            (i < block_count)
 *   I2  bits of t->map at or past block_count are always clear
 *   I3  bit w of t->summary is set  <=>  t->map[w] != 0
 *   I4  t->in_use == block_count - (number of set bits in t->map)
 * I3 is what makes tp_alloc O(1) per tier: ctz(summary) names a word with a
 * free block, ctz(word) names the block. I4 lets tp_alloc test in_use instead
 * of the bitmap, which also serves the critical reserve (t->limit).
 */
#include "../include/tierpool.h"

#include <string.h>

#if TP_CFG_THREAD_SAFE
#define POOL_LOCK(pool) tp_irqstate_t irq_state_ = tp_port_enter(&(pool)->lock)
#define POOL_UNLOCK(pool) tp_port_exit(&(pool)->lock, irq_state_)
#else
#define POOL_LOCK(pool) ((void)(pool))
#define POOL_UNLOCK(pool) ((void)(pool))
#endif

/* Count trailing zeros of a non-zero word. */
static inline uint32_t ctz32(uint32_t x)
{
#if (defined(__GNUC__) || defined(__clang__)) && !defined(TP_NO_BUILTINS)
    return (uint32_t)__builtin_ctz(x);
#else
    /* De Bruijn multiplication: portable, branch-free, no division. */
    static const uint8_t position[32] = {
        0,  1,  28, 2,  29, 14, 24, 3,  30, 22, 20, 15, 25, 17, 4,  8,
        31, 27, 13, 23, 21, 19, 16, 7,  26, 12, 18, 6,  11, 5,  10, 9};
    return position[((x & (0u - x)) * 0x077CB531u) >> 27];
#endif
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

#define LIMIT_BYTES 0x80000000u /* keep every offset and span below 2^31 */

static uint32_t tier_alignment(uint32_t block_size)
{
    uint32_t lowest_bit = block_size & (0u - block_size);
    return lowest_bit > 64u ? 64u : lowest_bit;
}

static uint32_t map_words(uint32_t block_count)
{
    return (block_count + 31u) / 32u;
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
    uint32_t words = 0;
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
        words += map_words(count);
    }
    if (offsets != NULL) {
        memcpy(offsets, local, n_tiers * sizeof local[0]);
    }
    *block_bytes = (uint32_t)end;
    *meta_bytes = words * (uint32_t)sizeof(uint32_t);
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
    /* The blocks and the bitmaps must not overlap (tp_pool_init never does). */
    const uintptr_t b0 = (uintptr_t)block_storage, b1 = b0 + block_bytes;
    const uintptr_t m0 = (uintptr_t)meta_storage, m1 = m0 + meta_bytes;
    if (b0 < m1 && m0 < b1) {
        return TP_ERR_INVALID_ARG;
    }

    /* Everything is validated: from here on nothing can fail. */
    memset(pool, 0, sizeof *pool);
    uint8_t *blocks = (uint8_t *)block_storage;
    uint32_t *map = meta_storage;
    uint32_t first_index = 0;
    for (size_t i = 0; i < n_tiers; i++) {
        tp_tier_state_t *t = &pool->tier[i];
        const uint32_t size = tiers[i].block_size;
        const uint32_t count = tiers[i].block_count;
        const uint32_t words = map_words(count);
        t->base = blocks + offsets[i];
        t->map = map;
        t->block_size = size;
        t->block_count = count;
        t->span = size * count;
        t->limit = count;
        t->shift = (size & (size - 1u)) == 0u ? ctz32(size) : TP_NO_SHIFT;
        t->first_index = first_index;
        for (uint32_t w = 0; w < words; w++) {
            const uint32_t bits_left = count - w * 32u;
            map[w] = bits_left >= 32u ? 0xFFFFFFFFu : (1u << bits_left) - 1u;
        }
        t->summary = words == 32u ? 0xFFFFFFFFu : (1u << words) - 1u;
        map += words;
        first_index += count;
    }
    pool->n_tiers = (uint32_t)n_tiers;
    pool->max_block_size = tiers[n_tiers - 1u].block_size;
    pool->total_blocks = first_index;
    pool->lo = blocks;
    pool->hi = blocks + block_bytes;
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

/* ---- alloc / free ---------------------------------------------------- */

/*
 * The hot paths below are kept short on purpose (the benchmark counts their
 * instructions): every rare case (size 0 or too big, a full tier, an error
 * in tp_free) is handled in a separate function that is not inlined, except
 * the tier fallback, the worst case the benchmark bounds.
 *
 * An uninitialised pool needs no check of its own on the hot path: a zeroed
 * tp_pool_t (static storage, or a failed tp_pool_init) has max_block_size 0
 * and no tiers, so every request takes the size-rejection path and every free
 * the foreign-pointer path, where the magic number is checked.
 */

#if defined(__GNUC__) || defined(__clang__)
#define TP_COLD __attribute__((noinline, cold))
#else
#define TP_COLD
#endif

TP_COLD static void *reject_size(tp_pool_t *pool, size_t size)
{
    if (!pool_ok(pool)) {
        return NULL;
    }
    POOL_LOCK(pool);
    if (size == 0u) {
        pool->zero_requests++;
    } else {
        pool->oversize_requests++;
    }
    POOL_UNLOCK(pool);
    return NULL;
}

/* Called with the lock held when the best-fitting tier has no block for this
 * request: the next larger tier that has one, or NULL (counted either way).
 * Inlined, not cold: this is the worst-case path the benchmark bounds. */
static inline tp_tier_state_t *fall_back(tp_pool_t *pool, tp_tier_state_t *best, int critical)
{
    /* The last tier is the one with max_block_size (sizes strictly increase). */
    for (tp_tier_state_t *t = best; t->block_size != pool->max_block_size;) {
        t++;
        if (t->in_use < (critical ? t->block_count : t->limit)) {
            best->fallbacks++;
            return t;
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
    /* One unsigned compare rejects 0, sizes above the largest tier and
     * uninitialised pools. */
    if (size - 1u >= pool->max_block_size) {
        return reject_size(pool, size);
    }
    const uint32_t request = (uint32_t)size;
    tp_tier_state_t *t = pool->tier;
    while (t->block_size < request) { /* ends: request <= max_block_size */
        t++;
    }

    POOL_LOCK(pool);
    if (t->in_use >= (critical ? t->block_count : t->limit)) {
        t = fall_back(pool, t, critical);
        if (t == NULL) {
            POOL_UNLOCK(pool);
            return NULL;
        }
    }
    /* in_use < block_count, so by I3/I4 summary != 0. */
    TP_CFG_ASSERT(t->summary != 0u);
    const uint32_t w = ctz32(t->summary);
    uint32_t *const word_ptr = &t->map[w];
    const uint32_t word = *word_ptr;
    const uint32_t bit = ctz32(word);
    *word_ptr = word & (word - 1u);
    if (*word_ptr == 0u) {
        t->summary &= ~(1u << w);
    }
    const uint32_t in_use = ++t->in_use;
    if (in_use > t->peak_in_use) {
        t->peak_in_use = in_use;
    }
    t->bytes_requested += request;
    /* A multiply (one instruction on every target we build for) is cheaper
     * than choosing between a shift and a multiply. */
    uint8_t *const block = t->base + (size_t)((w << 5) | bit) * t->block_size;
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

/*
 * The tier containing address a, or NULL. Offsets are computed on uintptr_t:
 * subtracting pointers into different objects would be undefined. The last
 * tier is the one whose blocks have max_block_size; a zeroed pool's tier 0
 * has span 0 and block size 0 == max_block_size, so it ends at once too.
 */
static inline tp_tier_state_t *tier_of(tp_pool_t *pool, uintptr_t a, uint32_t *offset)
{
    tp_tier_state_t *t = pool->tier;
    for (;;) {
        const uintptr_t off = a - (uintptr_t)t->base;
        if (off < t->span) {
            *offset = (uint32_t)off;
            return t;
        }
        if (t->block_size == pool->max_block_size) {
            return NULL;
        }
        t++;
    }
}

/* tp_free of an address in no tier: NULL, an uninitialised pool, or foreign. */
TP_COLD static tp_err_t free_outside(tp_pool_t *pool, const void *ptr)
{
    if (!pool_ok(pool)) {
        return TP_ERR_INVALID_ARG;
    }
    if (ptr == NULL) {
        return TP_OK;
    }
    POOL_LOCK(pool);
    pool->foreign_frees++;
    POOL_UNLOCK(pool);
    return TP_ERR_FOREIGN_PTR;
}

TP_COLD static tp_err_t free_misaligned(tp_pool_t *pool)
{
    POOL_LOCK(pool);
    pool->bad_frees++;
    POOL_UNLOCK(pool);
    return TP_ERR_BAD_PTR;
}

/* Block index of an offset in tier t; *rest = bytes past that block's start. */
static uint32_t index_by_division(const tp_tier_state_t *t, uint32_t offset, uint32_t *rest)
{
    const uint32_t index = offset / t->block_size;
    *rest = offset - index * t->block_size;
    return index;
}

static inline uint32_t index_of(const tp_tier_state_t *t, uint32_t offset, uint32_t *rest)
{
    if (t->shift == TP_NO_SHIFT) {
        return index_by_division(t, offset, rest);
    }
    *rest = offset & (t->block_size - 1u);
    return offset >> t->shift;
}

/*
 * Tier geometry (base, span, block size) never changes after tp_pool_init, so
 * finding the block needs no lock; only the bitmap and counters do, which
 * keeps the critical section short.
 */
tp_err_t tp_free(tp_pool_t *pool, void *ptr)
{
    if (pool == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    uint32_t offset = 0, rest;
    tp_tier_state_t *t = tier_of(pool, (uintptr_t)ptr, &offset);
    if (t == NULL) {
        return free_outside(pool, ptr);
    }
    const uint32_t index = index_of(t, offset, &rest);
    if (rest != 0u) {
        return free_misaligned(pool);
    }
    const uint32_t w = index >> 5;
    const uint32_t bit = 1u << (index & 31u);
    tp_err_t err = TP_OK;
    POOL_LOCK(pool);
    if (t->map[w] & bit) {
        pool->double_frees++;
        err = TP_ERR_DOUBLE_FREE;
    } else {
        t->map[w] |= bit;
        t->summary |= 1u << w;
        t->in_use--;
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

static int block_is_live(const tp_tier_state_t *t, uint32_t index)
{
    return (t->map[index >> 5] & (1u << (index & 31u))) == 0u;
}

size_t tp_block_size(const tp_pool_t *pool, const void *ptr)
{
    if (!pool_ok(pool) || ptr == NULL) {
        return 0u;
    }
    /* The lock is state outside the pool's logical value; the pool object
     * itself was never defined const (tp_pool_init writes it). */
    tp_pool_t *mutable_pool = (tp_pool_t *)pool;
    uint32_t offset, rest;
    size_t size = 0u;
    POOL_LOCK(mutable_pool);
    const tp_tier_state_t *t = tier_of(mutable_pool, (uintptr_t)ptr, &offset);
    if (t != NULL) {
        const uint32_t index = index_of(t, offset, &rest);
        if (rest == 0u && block_is_live(t, index)) {
            size = t->block_size;
        }
    }
    POOL_UNLOCK(mutable_pool);
    return size;
}

tp_err_t tp_pool_set_reserve(tp_pool_t *pool, size_t tier, uint32_t reserve)
{
    if (!pool_ok(pool) || tier >= pool->n_tiers || reserve > pool->tier[tier].block_count) {
        return TP_ERR_INVALID_ARG;
    }
    POOL_LOCK(pool);
    pool->tier[tier].limit = pool->tier[tier].block_count - reserve;
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
        s->in_use = t->in_use;
        s->peak_in_use = t->peak_in_use;
        s->frees = t->frees;
        s->allocs = t->frees + t->in_use;
        s->failed = t->failed;
        s->fallbacks = t->fallbacks;
        s->bytes_requested = t->bytes_requested;
        if (t->in_use < t->limit) {
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
        pool->tier[i].peak_in_use = pool->tier[i].in_use;
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
        if (t->in_use < t->limit) {
            largest = t->block_size;
            break;
        }
    }
    POOL_UNLOCK(pool);
    return largest;
}

static void describe(const tp_pool_t *pool, const tp_tier_state_t *t, uint32_t index,
                     tp_block_info_t *out)
{
    out->tier = (uint32_t)(t - pool->tier);
    out->index = t->first_index + index;
    out->block_size = t->block_size;
    out->start = t->shift != TP_NO_SHIFT ? t->base + (index << t->shift)
                                         : t->base + (size_t)index * t->block_size;
    out->live = block_is_live(t, index);
}

tp_err_t tp_pool_locate(const tp_pool_t *pool, const void *ptr, tp_block_info_t *out)
{
    if (!pool_ok(pool) || out == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    uint32_t offset, rest;
    /* tier_of only reads the pool. */
    const tp_tier_state_t *t = tier_of((tp_pool_t *)pool, (uintptr_t)ptr, &offset);
    if (t == NULL) {
        return TP_ERR_FOREIGN_PTR;
    }
    describe(pool, t, index_of(t, offset, &rest), out);
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
