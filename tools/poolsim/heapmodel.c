/*
 * heapmodel.c - TLSF with ESP-IDF's (espressif/tlsf's) parameters, over an
 * arena addressed by 32-bit offsets. See heapmodel.h for what is modelled.
 *
 * Block layout (offsets into the arena; "hdr" is the offset of a block's size
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
 * The arena starts with the first block's size word at offset 0 and ends with
 * a zero-sized used "sentinel" block whose size word is the last 4 bytes, so a
 * free block never has to ask whether it has a next neighbour. That is
 * tlsf_add_pool's layout: 8 bytes of the arena are never allocatable.
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
    uint8_t *arena;
    uint32_t arena_size;
    uint32_t *live_map;     /* 1 bit per 4 arena bytes, set at a live block's hdr; may be NULL */
    ps_poison_t poison;
    /* TLSF geometry, as espressif/tlsf's control_construct derives it */
    uint32_t sl_log2;
    uint32_t sl_count;
    uint32_t fl_shift;      /* sl_log2 + log2(ALIGN): first first-level class above the "small" one */
    uint32_t fl_count;
    uint32_t small_size;    /* 1 << fl_shift: blocks below it all live in first-level class 0 */
    uint32_t block_size_max;
    /* free lists */
    uint32_t fl_bitmap;
    uint32_t sl_bitmap[FL_MAX];
    uint32_t head[FL_MAX][SL_MAX];
    /* statistics */
    uint32_t free_bytes;
    uint32_t min_free;
    uint32_t used_bytes;
    uint32_t allocs, frees, failed, zero_requests, bad_frees;
    uint32_t free_blocks, used_blocks;
};

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

static uint32_t bsize(const ps_heap_t *h, uint32_t hdr) { return rd(h, hdr) & ~FLAG_MASK; }
static int is_free(const ps_heap_t *h, uint32_t hdr) { return (rd(h, hdr) & FREE_BIT) != 0; }
static int prev_is_free(const ps_heap_t *h, uint32_t hdr) { return (rd(h, hdr) & PREV_FREE_BIT) != 0; }
static uint32_t next_phys(const ps_heap_t *h, uint32_t hdr) { return hdr + 4u + bsize(h, hdr); }

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

static uint32_t link_next(const ps_heap_t *h, uint32_t hdr) { return rd(h, hdr + 4u); }
static uint32_t link_prev(const ps_heap_t *h, uint32_t hdr) { return rd(h, hdr + 8u); }

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

static size_t arena_of(const ps_heap_opts_t *opts)
{
    return (opts && opts->arena_size) ? opts->arena_size : PS_HEAP_DEFAULT_ARENA;
}

static size_t map_bytes(size_t arena)
{
    return ((arena / ALIGN + 31u) / 32u) * sizeof(uint32_t);
}

size_t ps_heap_mem_size(const ps_heap_opts_t *opts)
{
    size_t arena = (arena_of(opts) + 7u) & ~(size_t)7u;
    return control_bytes() + arena + map_bytes(arena);
}

int ps_heap_init(ps_heap_t **out, void *mem, size_t mem_size, const ps_heap_opts_t *opts)
{
    size_t arena = arena_of(opts);
    if (!out || !mem || ((uintptr_t)mem % 8u) != 0)
        return -1;
    if (arena < PS_HEAP_MIN_ARENA || arena > PS_HEAP_MAX_ARENA)
        return -1;
    if (opts && (opts->poison < PS_POISON_NONE || opts->poison > PS_POISON_COMPREHENSIVE))
        return -1;
    arena &= ~(size_t)(ALIGN - 1u);
    if (mem_size < control_bytes() || mem_size - control_bytes() < arena)
        return -1;

    ps_heap_t *h = (ps_heap_t *)mem;
    memset(h, 0, sizeof *h);
    h->arena = (uint8_t *)mem + control_bytes();
    h->arena_size = (uint32_t)arena;
    h->poison = opts ? opts->poison : PS_POISON_NONE;

    size_t arena8 = (arena + 7u) & ~(size_t)7u;
    size_t rest = mem_size - control_bytes();
    if (rest >= arena8 + map_bytes(arena)) {
        h->live_map = (uint32_t *)(void *)(h->arena + arena8);
        memset(h->live_map, 0, map_bytes(arena));
    }

    /* espressif/tlsf control_construct: the first level reaches the highest
     * power of two of the size; the second level gets finer with the pool. */
    uint32_t bytes = h->arena_size;
    h->sl_log2 = bytes <= 16u * 1024u ? 3u : bytes <= 256u * 1024u ? 4u : 5u;
    h->sl_count = 1u << h->sl_log2;
    h->fl_shift = h->sl_log2 + 2u;
    h->small_size = 1u << h->fl_shift;
    uint32_t fl_index_max = fls32(bytes) + 1u;
    h->fl_count = fl_index_max - h->fl_shift + 1u;
    h->block_size_max = fl_index_max >= 32u ? 0xFFFFFFFFu : (1u << fl_index_max);
    for (unsigned i = 0; i < FL_MAX; i++)
        for (unsigned j = 0; j < SL_MAX; j++)
            h->head[i][j] = NIL;

    /* tlsf_add_pool: one free block over everything but the sentinel. */
    uint32_t first = h->arena_size - POOL_OVERHEAD;
    wr(h, 0, first | FREE_BIT);
    uint32_t sentinel = next_phys(h, 0);
    wr(h, sentinel, PREV_FREE_BIT);
    wr(h, sentinel - 4u, 0);
    insert_free(h, 0);

    h->free_bytes = first;
    h->min_free = first;
    *out = h;
    return 0;
}

/* ---- allocation ---- */

static uint32_t poison_extra(const ps_heap_t *h)
{
    return h->poison == PS_POISON_NONE ? 0u : PS_HEAP_POISON_OVERHEAD;
}

/* TLSF's adjust_request_size: 0 when the request cannot be served at all. */
static uint32_t adjust(const ps_heap_t *h, size_t size)
{
    if (size == 0 || size > 0x7FFFFFF0u - poison_extra(h))
        return 0;
    uint32_t a = ((uint32_t)size + poison_extra(h) + ALIGN - 1u) & ~(ALIGN - 1u);
    if (a >= h->block_size_max)
        return 0;
    return a < PS_HEAP_MIN_PAYLOAD ? PS_HEAP_MIN_PAYLOAD : a;
}

uint32_t ps_heap_footprint(const ps_heap_t *h, size_t size)
{
    uint32_t a = h ? adjust(h, size) : 0;
    return a ? a + PS_HEAP_BLOCK_OVERHEAD : 0;
}

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
    uint32_t a = adjust(h, size);
    uint32_t hdr = a ? locate_free(h, a) : NIL;
    if (hdr == NIL) {
        h->failed++;
        return NULL;
    }
    remove_free(h, hdr);

    /* Give back the tail when it can hold a block of its own. */
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
    h->free_bytes -= took;
    h->used_bytes += took;
    if (h->free_bytes < h->min_free)
        h->min_free = h->free_bytes;
    h->allocs++;
    h->used_blocks++;

    uint32_t payload = hdr + 4u;
    if (h->poison != PS_POISON_NONE) {
        /* ESP-IDF multi_heap_poisoning: head canary and size, data, tail canary. */
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
        if (rd(h, hdr + 4u) != HEAD_CANARY || req + PS_HEAP_POISON_OVERHEAD > size)
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
    uint32_t took = bsize(h, hdr) + PS_HEAP_BLOCK_OVERHEAD;
    h->free_bytes += took;
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

/* Largest request that succeeds: the floor of the highest non-empty class.
 * Good fit only searches classes whose every block fits, so a request above
 * that floor would look in an empty class even when the biggest free block
 * is larger (ESP-IDF reports the same through tlsf_fit_size). */
static uint32_t largest_request(const ps_heap_t *h)
{
    if (!h->fl_bitmap)
        return 0;
    unsigned fl = fls32(h->fl_bitmap);
    unsigned sl = fls32(h->sl_bitmap[fl]);
    uint32_t floor = class_floor(h, fl, sl);
    uint32_t extra = poison_extra(h);
    return floor > extra ? floor - extra : 0;
}

void ps_heap_stats(const ps_heap_t *h, ps_heap_stats_t *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (!h)
        return;
    out->total_free = h->free_bytes;
    out->largest_free = largest_request(h);
    out->min_free_ever = h->min_free;
    out->used_bytes = h->used_bytes;
    out->allocs = h->allocs;
    out->frees = h->frees;
    out->failed = h->failed;
    out->free_blocks = h->free_blocks;
    out->used_blocks = h->used_blocks;
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
    return bsize(h, hdr) - poison_extra(h);
}

uint32_t ps_heap_bad_frees(const ps_heap_t *h)
{
    return h ? h->bad_frees : 0;
}

unsigned ps_heap_sl_count(const ps_heap_t *h)
{
    return h ? h->sl_count : 0;
}

uint32_t ps_heap_offset(const ps_heap_t *h, const void *ptr)
{
    return (uint32_t)((const uint8_t *)ptr - h->arena);
}

void ps_heap_walk(const ps_heap_t *h, ps_heap_walker_t fn, void *user)
{
    uint32_t hdr = 0;
    while (bsize(h, hdr) != 0) {
        fn(hdr + 4u, bsize(h, hdr), !is_free(h, hdr), user);
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
            break;     /* the sentinel */
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
    if (used != h->used_bytes || free_sum != h->free_bytes + POOL_OVERHEAD - 4u)
        return -12;
    if (h->free_bytes + h->used_bytes != h->arena_size - POOL_OVERHEAD)
        return -13;
    return 0;
}
