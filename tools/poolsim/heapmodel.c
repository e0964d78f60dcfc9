/*
 * heapmodel.c - one region of ESP-IDF's heap: multi_heap.c's bookkeeping over
 * espressif/tlsf, as the chosen release builds it, over a pool addressed by
 * 32-bit offsets. See heapmodel.h for what is modelled.
 *
 * The region as ESP-IDF lays it out: heap_t (20 B), the TLSF control
 * structure, then the pool. Only the pool is simulated ("arena" below); the
 * geometry says how far into the region it starts.
 *
 * Block layout (offsets into the pool; "hdr" is the offset of a block's size
 * word, the payload starts at hdr + 4):
 *
 *   hdr-4  prev_phys  offset of the previous block's hdr. Only meaningful when
 *                     that block is free, because the word is the last word of
 *                     its payload: a used block pays 4 bytes, not 8.
 *   hdr    size|flags payload size (multiple of 4); bit 0 = this block free,
 *                     bit 1 = previous block free.
 *   hdr+4  next_free  free-list links, only while the block is free; they are
 *   hdr+8  prev_free  why the minimum payload is 12 (links + next's prev_phys).
 *
 * The pool starts with the first block's size word at offset 0 and ends with
 * a zero-sized used "sentinel" block whose size word is the last 4 bytes, so a
 * free block never has to ask whether it has a next neighbour. That is
 * tlsf_add_pool's layout: 8 bytes of the pool are never allocatable, yet
 * multi_heap's free counter includes them.
 */
#include "heapmodel.h"

#include <string.h>

#define NIL 0xFFFFFFFFu
#define FREE_BIT 1u
#define PREV_FREE_BIT 2u
#define FLAG_MASK 3u
#define ALIGN 4u
/* sizeof(block_header_t) on a 32-bit TLSF: prev_phys, size, next, prev. A
 * block is split only when the remainder can hold a whole header. */
#define HEADER_STRUCT 16u
#define POOL_OVERHEAD 8u
#define FL_MAX 32
#define SL_MAX 32

#define HEAD_CANARY 0xABBA1234u
#define TAIL_CANARY 0xBAAD5678u

struct ps_heap {
    uint8_t *arena;      /* the TLSF pool: first block's size word at 0, sentinel in the last 4 bytes */
    uint32_t arena_size; /* pool bytes: first block + its header + the sentinel's header */
    uint32_t *live_map;  /* 1 bit per 4 arena bytes, set at a live block's hdr; may be NULL */
    ps_poison_t poison;
    ps_heap_geom_t geom;
    ps_idf_heap_t idf;
    /* TLSF geometry, as the release's control_construct (or v5.0's constants) sets it */
    uint32_t sl_log2;
    uint32_t sl_count;
    uint32_t fl_shift; /* sl_log2 + log2(ALIGN): first first-level class above the "small" one */
    uint32_t fl_count;
    uint32_t small_size;     /* 1 << fl_shift: blocks below it all live in first-level class 0 */
    uint64_t block_size_max; /* 1 << fl_index_max: an aligned request this big always fails */
    /* free lists */
    uint32_t fl_bitmap;
    uint32_t sl_bitmap[FL_MAX];
    uint32_t head[FL_MAX][SL_MAX];
    /* statistics */
    uint32_t counter;     /* multi_heap's free_bytes */
    uint32_t min_counter; /* multi_heap's minimum_free_bytes */
    uint32_t used_bytes;
    uint32_t allocs, frees, failed, zero_requests, bad_frees;
    uint32_t free_blocks, used_blocks;
};

static const char *const poison_names[] = { "none", "light", "comprehensive" };

int ps_poison_parse(const char *name, ps_poison_t *out)
{
    for (unsigned i = 0; name && i < sizeof poison_names / sizeof poison_names[0]; i++) {
        if (strcmp(name, poison_names[i]) == 0) {
            *out = (ps_poison_t)i;
            return 0;
        }
    }
    return -1;
}

const char *ps_poison_name(ps_poison_t mode)
{
    return (unsigned)mode < sizeof poison_names / sizeof poison_names[0] ? poison_names[mode] : "?";
}

/* ---- bit helpers (the O(1) of TLSF) ---- */

static unsigned fls32(uint32_t x) /* index of the highest set bit; x != 0 */
{
    return 31u - (unsigned)__builtin_clz(x);
}

static unsigned ffs32(uint32_t x) /* index of the lowest set bit; x != 0 */
{
    return (unsigned)__builtin_ctz(x);
}

/* ---- arena words; memcpy keeps the accesses free of aliasing and alignment traps ---- */

static uint32_t rd(const ps_heap_t *h, uint32_t off)
{
    uint32_t v;
    memcpy(&v, h->arena + off, sizeof v);
    return v;
}

static void wr(ps_heap_t *h, uint32_t off, uint32_t v)
{
    memcpy(h->arena + off, &v, sizeof v);
}

static uint32_t bsize(const ps_heap_t *h, uint32_t hdr)
{
    return rd(h, hdr) & ~FLAG_MASK;
}
static int is_free(const ps_heap_t *h, uint32_t hdr)
{
    return (rd(h, hdr) & FREE_BIT) != 0;
}
static int prev_is_free(const ps_heap_t *h, uint32_t hdr)
{
    return (rd(h, hdr) & PREV_FREE_BIT) != 0;
}
static uint32_t next_phys(const ps_heap_t *h, uint32_t hdr)
{
    return hdr + 4u + bsize(h, hdr);
}

static void set_size(ps_heap_t *h, uint32_t hdr, uint32_t size)
{
    wr(h, hdr, size | (rd(h, hdr) & FLAG_MASK));
}

static void set_flag(ps_heap_t *h, uint32_t hdr, uint32_t bit, int on)
{
    uint32_t w = rd(h, hdr);
    wr(h, hdr, on ? (w | bit) : (w & ~bit));
}

/* Mark hdr free and tell its successor, which stores the back link. */
static void mark_free(ps_heap_t *h, uint32_t hdr)
{
    uint32_t next = next_phys(h, hdr);
    set_flag(h, hdr, FREE_BIT, 1);
    set_flag(h, next, PREV_FREE_BIT, 1);
    wr(h, next - 4u, hdr);
}

static void mark_used(ps_heap_t *h, uint32_t hdr)
{
    set_flag(h, hdr, FREE_BIT, 0);
    set_flag(h, next_phys(h, hdr), PREV_FREE_BIT, 0);
}

/* ---- size classes ---- */

static void mapping_insert(const ps_heap_t *h, uint32_t size, unsigned *fl, unsigned *sl)
{
    if (size < h->small_size) {
        /* Small blocks: one class per ALIGN bytes, all in first-level 0. */
        *fl = 0;
        *sl = size / ALIGN;
    } else {
        unsigned f = fls32(size);
        *sl = (size >> (f - h->sl_log2)) ^ h->sl_count;
        *fl = f - (h->fl_shift - 1u);
    }
}

/* The class to start searching from: round size up to the next class
 * boundary, so every block in that class and above fits ("good fit"). */
static void mapping_search(const ps_heap_t *h, uint32_t size, unsigned *fl, unsigned *sl)
{
    if (size >= h->small_size)
        size += (1u << (fls32(size) - h->sl_log2)) - 1u;
    mapping_insert(h, size, fl, sl);
}

/* Smallest block size that lands in class (fl, sl). */
static uint32_t class_floor(const ps_heap_t *h, unsigned fl, unsigned sl)
{
    if (fl == 0)
        return sl * ALIGN;
    return (h->sl_count + sl) << (fl + h->fl_shift - 1u - h->sl_log2);
}

static uint32_t link_next(const ps_heap_t *h, uint32_t hdr)
{
    return rd(h, hdr + 4u);
}
static uint32_t link_prev(const ps_heap_t *h, uint32_t hdr)
{
    return rd(h, hdr + 8u);
}

static void remove_free(ps_heap_t *h, uint32_t hdr)
{
    unsigned fl, sl;
    uint32_t next = link_next(h, hdr), prev = link_prev(h, hdr);
    mapping_insert(h, bsize(h, hdr), &fl, &sl);
    if (next != NIL)
        wr(h, next + 8u, prev);
    if (prev != NIL)
        wr(h, prev + 4u, next);
    else {
        h->head[fl][sl] = next;
        if (next == NIL) {
            h->sl_bitmap[fl] &= ~(1u << sl);
            if (h->sl_bitmap[fl] == 0)
                h->fl_bitmap &= ~(1u << fl);
        }
    }
    h->free_blocks--;
}

static void insert_free(ps_heap_t *h, uint32_t hdr)
{
    unsigned fl, sl;
    mapping_insert(h, bsize(h, hdr), &fl, &sl);
    uint32_t cur = h->head[fl][sl];
    wr(h, hdr + 4u, cur);
    wr(h, hdr + 8u, NIL);
    if (cur != NIL)
        wr(h, cur + 8u, hdr);
    h->head[fl][sl] = hdr;
    h->fl_bitmap |= 1u << fl;
    h->sl_bitmap[fl] |= 1u << sl;
    h->free_blocks++;
}

/* ---- live map (exact pointer validation when the caller gave room for it) ---- */

static int live_get(const ps_heap_t *h, uint32_t hdr)
{
    uint32_t i = hdr / ALIGN;
    return h->live_map ? (int)((h->live_map[i / 32u] >> (i % 32u)) & 1u) : 1;
}

static void live_set(ps_heap_t *h, uint32_t hdr, int on)
{
    if (!h->live_map)
        return;
    uint32_t i = hdr / ALIGN;
    if (on)
        h->live_map[i / 32u] |= 1u << (i % 32u);
    else
        h->live_map[i / 32u] &= ~(1u << (i % 32u));
}

/* ---- setup ---- */

static size_t control_bytes(void)
{
    return (sizeof(ps_heap_t) + 7u) & ~(size_t)7u;
}

size_t ps_heap_control_size(void)
{
    return control_bytes();
}

static size_t map_bytes(size_t arena)
{
    return ((arena / ALIGN + 31u) / 32u) * sizeof(uint32_t);
}

static const ps_heap_opts_t default_opts = { PS_HEAP_DEFAULT_ARENA, PS_POISON_NONE, { 0, 0, 0 } };

/* sizeof(control_t) of the dynamic TLSF (tlsf 8c9cd05+) on a 32-bit target:
 * block_null (16), the bitfield word, size, fl_bitmap, two pointers. */
#define CONTROL_T_DYNAMIC 36u
/* v5.0's control_t: block_null (16) and fl_bitmap, then the arrays. */
#define CONTROL_T_STATIC 20u

static int geometry(const ps_heap_opts_t *opts, ps_heap_geom_t *g, ps_idf_heap_t *idf)
{
    if (!opts)
        opts = &default_opts;
    size_t len = opts->arena_size ? opts->arena_size : PS_HEAP_DEFAULT_ARENA;
    if (opts->poison != PS_POISON_NONE && opts->poison != PS_POISON_LIGHT && opts->poison != PS_POISON_COMPREHENSIVE)
        return -1;
    if (len < PS_HEAP_MIN_ARENA || len > PS_HEAP_MAX_ARENA || ps_idf_heap(opts->idf, idf) != 0)
        return -1;
    memset(g, 0, sizeof *g);
    g->region_len = (uint32_t)len;
    /* multi_heap_register: heap_t first; TLSF gets the rest for its control
     * structure and its pool (tlsf_create_with_pool(start + 20, len - 20, 0)). */
    uint32_t bytes = g->region_len - PS_HEAP_STRUCT_BYTES;
    unsigned fl_count;
    if (idf->static_fl_index_max) {
        g->sl_log2 = idf->static_sl_log2;
        g->fl_index_max = idf->static_fl_index_max;
        fl_count = g->fl_index_max - (g->sl_log2 + 2u) + 1u;
        g->control = CONTROL_T_STATIC + 4u * fl_count + 4u * fl_count * (1u << g->sl_log2);
    } else {
        /* control_construct(control, bytes) */
        g->fl_index_max = fls32(bytes) + 1u;
        g->sl_log2 = bytes <= 16u * 1024u ? 3u : bytes <= 256u * 1024u ? 4u : 5u;
        fl_count = g->fl_index_max - (g->sl_log2 + 2u) + 1u;
        g->control = CONTROL_T_DYNAMIC + 4u * fl_count + 4u * fl_count * (1u << g->sl_log2);
    }
    g->small_block = 1u << (g->sl_log2 + 2u);
    g->pool_offset = PS_HEAP_STRUCT_BYTES + g->control;
    g->initial_free = bytes - g->control;
    /* tlsf_add_pool(mem, bytes - control): one block of align_down(bytes - 8, 4)
     * with its size word at mem, the sentinel's behind it. */
    if (bytes < g->control + POOL_OVERHEAD + PS_HEAP_MIN_PAYLOAD)
        return -1;
    g->first_block = (g->initial_free - POOL_OVERHEAD) & ~(ALIGN - 1u);
    if ((uint64_t)g->first_block > ((uint64_t)1 << g->fl_index_max))
        return -1; /* tlsf_add_pool refuses a pool bigger than block_size_max */
    g->first_offset = g->pool_offset + 4u;
    return 0;
}

int ps_heap_geometry(const ps_heap_opts_t *opts, ps_heap_geom_t *out)
{
    ps_heap_geom_t g;
    ps_idf_heap_t idf;
    if (!out || geometry(opts, &g, &idf) != 0)
        return -1;
    *out = g;
    return 0;
}

size_t ps_heap_mem_size(const ps_heap_opts_t *opts)
{
    ps_heap_geom_t g;
    ps_idf_heap_t idf;
    if (geometry(opts, &g, &idf) != 0)
        return 0;
    size_t arena = ((size_t)g.first_block + POOL_OVERHEAD + 7u) & ~(size_t)7u;
    return control_bytes() + arena + map_bytes(arena);
}

int ps_heap_init(ps_heap_t **out, void *mem, size_t mem_size, const ps_heap_opts_t *opts)
{
    ps_heap_geom_t g;
    ps_idf_heap_t idf;
    if (!out || !mem || ((uintptr_t)mem % 8u) != 0 || geometry(opts, &g, &idf) != 0)
        return -1;
    size_t arena = (size_t)g.first_block + POOL_OVERHEAD;
    if (mem_size < control_bytes() || mem_size - control_bytes() < arena)
        return -1;

    ps_heap_t *h = (ps_heap_t *)mem;
    memset(h, 0, sizeof *h);
    h->arena = (uint8_t *)mem + control_bytes();
    h->arena_size = (uint32_t)arena;
    h->poison = opts ? opts->poison : PS_POISON_NONE;
    h->geom = g;
    h->idf = idf;

    size_t arena8 = (arena + 7u) & ~(size_t)7u;
    size_t rest = mem_size - control_bytes();
    if (rest >= arena8 + map_bytes(arena)) {
        h->live_map = (uint32_t *)(void *)(h->arena + arena8);
        memset(h->live_map, 0, map_bytes(arena));
    }

    h->sl_log2 = g.sl_log2;
    h->sl_count = 1u << g.sl_log2;
    h->fl_shift = g.sl_log2 + 2u;
    h->small_size = g.small_block;
    h->fl_count = g.fl_index_max - h->fl_shift + 1u;
    h->block_size_max = (uint64_t)1 << g.fl_index_max;
    for (unsigned i = 0; i < FL_MAX; i++)
        for (unsigned j = 0; j < SL_MAX; j++)
            h->head[i][j] = NIL;

    /* tlsf_add_pool: one free block over everything but the sentinel. */
    wr(h, 0, g.first_block | FREE_BIT);
    uint32_t sentinel = next_phys(h, 0);
    wr(h, sentinel, PREV_FREE_BIT);
    wr(h, sentinel - 4u, 0);
    insert_free(h, 0);

    h->counter = g.initial_free;
    h->min_counter = g.initial_free;
    *out = h;
    return 0;
}

/* ---- allocation ---- */

static uint32_t poison_extra(ps_poison_t poison)
{
    return poison == PS_POISON_NONE ? 0u : PS_HEAP_POISON_OVERHEAD;
}

/*
 * The block size a request asks TLSF for: poisoning's 12 bytes, TLSF's
 * adjust_request_size (up to 4, at least 12), and from 5.4 on the rounding up
 * to the whole size class that mapping_search applies (tlsf 81d3779). No
 * limit here: the caller decides what is too big. 64-bit so nothing wraps.
 */
static uint64_t block_for(const ps_heap_geom_t *g, const ps_idf_heap_t *idf, ps_poison_t poison, uint64_t size)
{
    uint64_t n = (size + poison_extra(poison) + ALIGN - 1u) & ~(uint64_t)(ALIGN - 1u);
    if (n < PS_HEAP_MIN_PAYLOAD)
        n = PS_HEAP_MIN_PAYLOAD;
    if (idf->round_to_class && n >= g->small_block) {
        unsigned f = 63u - (unsigned)__builtin_clzll(n);
        uint64_t step = (uint64_t)1 << (f - g->sl_log2);
        n = (n + step - 1u) & ~(step - 1u);
    }
    return n;
}

uint64_t ps_heap_footprint(const ps_heap_t *h, uint64_t size)
{
    if (!h || size == 0)
        return 0;
    return block_for(&h->geom, &h->idf, h->poison, size) + PS_HEAP_BLOCK_OVERHEAD;
}

uint64_t ps_heap_footprint_for(const ps_heap_opts_t *opts, uint64_t size)
{
    ps_heap_geom_t g;
    ps_idf_heap_t idf;
    if (size == 0 || geometry(opts, &g, &idf) != 0)
        return 0;
    return block_for(&g, &idf, opts ? opts->poison : PS_POISON_NONE, size) + PS_HEAP_BLOCK_OVERHEAD;
}

size_t ps_heap_region_for(const ps_heap_opts_t *opts, uint64_t free_bytes)
{
    ps_heap_opts_t o = opts ? *opts : default_opts;
    uint64_t len = free_bytes + PS_HEAP_STRUCT_BYTES + CONTROL_T_STATIC;
    if (len < PS_HEAP_MIN_ARENA)
        len = PS_HEAP_MIN_ARENA;
    len = (len + 3u) & ~(uint64_t)3u;
    for (; len <= PS_HEAP_MAX_ARENA; len += 4u) {
        ps_heap_geom_t g;
        ps_idf_heap_t idf;
        o.arena_size = (size_t)len;
        if (geometry(&o, &g, &idf) == 0 && g.initial_free >= free_bytes)
            return (size_t)len;
        if (ps_idf_heap(o.idf, &idf) != 0)
            return 0;
    }
    return 0;
}

/* block_locate_free: the head of the first non-empty class at or above the
 * one mapping_search picks, or NIL. */
static uint32_t locate_free(ps_heap_t *h, uint32_t size)
{
    unsigned fl, sl;
    mapping_search(h, size, &fl, &sl);
    if (fl >= h->fl_count)
        return NIL;
    uint32_t sl_map = h->sl_bitmap[fl] & (~0u << sl);
    if (!sl_map) {
        uint32_t fl_map = fl + 1u < 32u ? h->fl_bitmap & (~0u << (fl + 1u)) : 0u;
        if (!fl_map)
            return NIL;
        fl = ffs32(fl_map);
        sl_map = h->sl_bitmap[fl];
    }
    sl = ffs32(sl_map);
    return h->head[fl][sl];
}

void *ps_heap_alloc(ps_heap_t *h, size_t size)
{
    if (!h)
        return NULL;
    if (size == 0) {
        h->zero_requests++;
        return NULL;
    }
    /* adjust_request_size gives 0 (a failure) once the aligned request
     * reaches block_size_max; the rounding to a class comes after it. */
    uint64_t aligned = ((uint64_t)size + poison_extra(h->poison) + ALIGN - 1u) & ~(uint64_t)(ALIGN - 1u);
    uint32_t hdr = NIL, a = 0;
    if (aligned < h->block_size_max) {
        a = (uint32_t)block_for(&h->geom, &h->idf, h->poison, size);
        hdr = locate_free(h, a);
    }
    if (hdr == NIL) {
        h->failed++;
        return NULL;
    }
    remove_free(h, hdr);

    /* block_trim_free: give back the tail when it can hold a whole header. */
    uint32_t have = bsize(h, hdr);
    if (have >= HEADER_STRUCT + a) {
        set_size(h, hdr, a);
        uint32_t rem = next_phys(h, hdr);
        wr(h, rem, (have - a - PS_HEAP_BLOCK_OVERHEAD)); /* flags: prev used, set free below */
        mark_free(h, rem);
        insert_free(h, rem);
    }
    mark_used(h, hdr);
    live_set(h, hdr, 1);

    uint32_t took = bsize(h, hdr) + PS_HEAP_BLOCK_OVERHEAD;
    h->counter -= took;
    h->used_bytes += took;
    if (h->counter < h->min_counter)
        h->min_counter = h->counter;
    h->allocs++;
    h->used_blocks++;

    uint32_t payload = hdr + 4u;
    if (h->poison != PS_POISON_NONE) {
        /* multi_heap_poisoning: head canary and size, data, tail canary. */
        wr(h, payload, HEAD_CANARY);
        wr(h, payload + 4u, (uint32_t)size);
        uint32_t tail = TAIL_CANARY;
        memcpy(h->arena + payload + 8u + size, &tail, sizeof tail);
        payload += 8u;
    }
    return h->arena + payload;
}

/* The hdr a pointer from ps_heap_alloc came from, or NIL for anything else. */
static uint32_t hdr_of(const ps_heap_t *h, const void *ptr)
{
    const uint8_t *p = (const uint8_t *)ptr;
    uint32_t front = 4u + (h->poison != PS_POISON_NONE ? 8u : 0u);
    if (!p || p < h->arena || p >= h->arena + h->arena_size)
        return NIL;
    uint32_t off = (uint32_t)(p - h->arena);
    if (off % ALIGN != 0 || off < front)
        return NIL;
    uint32_t hdr = off - front;
    uint32_t end_hdr = h->arena_size - 4u; /* the sentinel */
    if (hdr >= end_hdr || is_free(h, hdr) || !live_get(h, hdr))
        return NIL;
    /* Header plausibility: what catches stray pointers without the live map. */
    uint32_t size = bsize(h, hdr);
    if (size < PS_HEAP_MIN_PAYLOAD || size > end_hdr - hdr - 4u)
        return NIL;
    if (prev_is_free(h, next_phys(h, hdr)))
        return NIL;
    if (prev_is_free(h, hdr)) {
        uint32_t prev = rd(h, hdr - 4u);
        if (prev >= hdr || prev % ALIGN != 0 || !is_free(h, prev) || next_phys(h, prev) != hdr)
            return NIL;
    }
    if (h->poison != PS_POISON_NONE) {
        uint32_t tail;
        uint32_t req = rd(h, hdr + 8u);
        if (rd(h, hdr + 4u) != HEAD_CANARY || req > size - PS_HEAP_POISON_OVERHEAD)
            return NIL;
        memcpy(&tail, h->arena + hdr + 12u + req, sizeof tail);
        if (tail != TAIL_CANARY)
            return NIL;
    }
    return hdr;
}

int ps_heap_free(ps_heap_t *h, void *ptr)
{
    if (!h)
        return -1;
    uint32_t hdr = hdr_of(h, ptr);
    if (hdr == NIL) {
        h->bad_frees++;
        return -1;
    }
    /* multi_heap_free_impl counts the block back in before tlsf_free merges it. */
    uint32_t took = bsize(h, hdr) + PS_HEAP_BLOCK_OVERHEAD;
    h->counter += took;
    h->used_bytes -= took;
    h->frees++;
    h->used_blocks--;
    live_set(h, hdr, 0);
    if (h->poison != PS_POISON_NONE)
        wr(h, hdr + 4u, 0); /* a second free of this pointer must not pass the canary test */

    mark_free(h, hdr);
    /* Immediate coalescing: absorb a free predecessor, then a free successor. */
    if (prev_is_free(h, hdr)) {
        uint32_t prev = rd(h, hdr - 4u);
        remove_free(h, prev);
        set_size(h, prev, bsize(h, prev) + bsize(h, hdr) + PS_HEAP_BLOCK_OVERHEAD);
        hdr = prev;
        wr(h, next_phys(h, hdr) - 4u, hdr);
    }
    uint32_t next = next_phys(h, hdr);
    if (is_free(h, next)) {
        remove_free(h, next);
        set_size(h, hdr, bsize(h, hdr) + bsize(h, next) + PS_HEAP_BLOCK_OVERHEAD);
        wr(h, next_phys(h, hdr) - 4u, hdr);
    }
    insert_free(h, hdr);
    return 0;
}

/* ---- statistics ---- */

/*
 * multi_heap_get_info's largest_free_block: the biggest free block, passed
 * through tlsf_fit_size (the size good fit is sure to serve: rounded down to
 * its class's floor). Every block of the highest non-empty class has the same
 * floor, and a small class holds one size only, so that floor is the answer
 * except where the release's tlsf_fit_size says otherwise: before 5.3, a
 * block under sl_index_count bytes divides its interval to 0 and reports 0.
 */
static uint32_t largest_fit(const ps_heap_t *h)
{
    if (!h->fl_bitmap)
        return 0;
    unsigned fl = fls32(h->fl_bitmap);
    unsigned sl = fls32(h->sl_bitmap[fl]);
    uint32_t floor = class_floor(h, fl, sl);
    if (!h->idf.fit_size_small && floor < h->sl_count)
        return 0;
    return floor;
}

/* multi_heap_poisoning.c's subtract_poison_overhead. */
static uint32_t less_poison(const ps_heap_t *h, uint32_t v)
{
    uint32_t extra = poison_extra(h->poison);
    return v > extra ? v - extra : 0u;
}

void ps_heap_stats(const ps_heap_t *h, ps_heap_stats_t *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (!h)
        return;
    out->total_free = less_poison(h, h->counter);
    out->largest_free = less_poison(h, largest_fit(h));
    out->min_free_ever = less_poison(h, h->min_counter);
    out->used_bytes = h->used_bytes;
    out->allocs = h->allocs;
    out->frees = h->frees;
    out->failed = h->failed;
    out->free_blocks = h->free_blocks;
    out->used_blocks = h->used_blocks;
}

void ps_heap_free_and_largest(const ps_heap_t *h, uint32_t *total_free, uint32_t *largest_free)
{
    *total_free = less_poison(h, h->counter);
    *largest_free = less_poison(h, largest_fit(h));
}

unsigned ps_heap_fragmentation_pct(const ps_heap_stats_t *s)
{
    if (!s || s->total_free == 0)
        return 0;
    uint64_t ratio = (100u * (uint64_t)s->largest_free) / s->total_free;
    return ratio >= 100u ? 0u : (unsigned)(100u - ratio);
}

size_t ps_heap_usable_size(const ps_heap_t *h, const void *ptr)
{
    if (!h)
        return 0;
    uint32_t hdr = hdr_of(h, ptr);
    if (hdr == NIL)
        return 0;
    return bsize(h, hdr) - poison_extra(h->poison);
}

uint32_t ps_heap_bad_frees(const ps_heap_t *h)
{
    return h ? h->bad_frees : 0;
}

unsigned ps_heap_sl_count(const ps_heap_t *h)
{
    return h ? h->sl_count : 0;
}

const ps_heap_geom_t *ps_heap_geom(const ps_heap_t *h)
{
    return h ? &h->geom : NULL;
}

uint32_t ps_heap_offset(const ps_heap_t *h, const void *ptr)
{
    return h->geom.pool_offset + (uint32_t)((const uint8_t *)ptr - h->arena);
}

int ps_heap_contains(const ps_heap_t *h, const void *ptr)
{
    const uint8_t *p = (const uint8_t *)ptr;
    return h && p && p >= h->arena && p < h->arena + h->arena_size;
}

void ps_heap_walk(const ps_heap_t *h, ps_heap_walker_t fn, void *user)
{
    uint32_t hdr = 0;
    while (bsize(h, hdr) != 0) {
        fn(h->geom.pool_offset + hdr + 4u, bsize(h, hdr), !is_free(h, hdr), user);
        hdr = next_phys(h, hdr);
    }
}

int ps_heap_check(const ps_heap_t *h)
{
    uint32_t hdr = 0, prev = NIL;
    uint32_t n_free = 0, n_used = 0, used = 0, free_sum = 0;
    int prev_free = 0;
    for (;;) {
        uint32_t size = bsize(h, hdr);
        if (hdr + 4u + size > h->arena_size)
            return -1; /* block runs off the arena */
        if (prev_is_free(h, hdr) != prev_free)
            return -2; /* prev-free flag disagrees with the neighbour */
        if (prev_free && rd(h, hdr - 4u) != prev)
            return -3; /* back link wrong */
        if (size == 0)
            break; /* the sentinel */
        if (size < PS_HEAP_MIN_PAYLOAD || size % ALIGN)
            return -4;
        if (is_free(h, hdr)) {
            if (prev_free)
                return -5; /* two free neighbours: coalescing missed */
            n_free++;
            free_sum += size + PS_HEAP_BLOCK_OVERHEAD;
            unsigned fl, sl;
            mapping_insert(h, size, &fl, &sl);
            uint32_t b = h->head[fl][sl];
            while (b != NIL && b != hdr)
                b = link_next(h, b);
            if (b != hdr)
                return -6; /* free block missing from its class list */
        } else {
            n_used++;
            used += size + PS_HEAP_BLOCK_OVERHEAD;
            if (!live_get(h, hdr))
                return -7;
        }
        prev_free = is_free(h, hdr);
        prev = hdr;
        hdr = next_phys(h, hdr);
    }
    if (hdr != h->arena_size - 4u)
        return -8; /* sentinel not at the end */
    uint32_t listed = 0;
    for (unsigned fl = 0; fl < h->fl_count; fl++) {
        if (((h->fl_bitmap >> fl) & 1u) != (h->sl_bitmap[fl] != 0))
            return -9;
        for (unsigned sl = 0; sl < h->sl_count; sl++) {
            int has = h->head[fl][sl] != NIL;
            if (((h->sl_bitmap[fl] >> sl) & 1u) != (uint32_t)has)
                return -10;
            for (uint32_t b = h->head[fl][sl]; b != NIL; b = link_next(h, b))
                listed++;
        }
    }
    if (listed != n_free || n_free != h->free_blocks || n_used != h->used_blocks)
        return -11;
    /* The counter is the fresh pool's counter minus what live blocks took: the
     * free blocks with their headers, the sentinel's header (4) and the bytes
     * past the aligned pool that tlsf_add_pool left out. */
    uint32_t slack = h->geom.initial_free - h->arena_size;
    if (used != h->used_bytes || free_sum + 4u + slack != h->counter)
        return -12;
    if (h->counter + h->used_bytes != h->geom.initial_free || h->min_counter > h->counter)
        return -13;
    return 0;
}
