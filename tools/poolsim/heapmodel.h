/*
 * heapmodel.h - a model of ESP-IDF's heap (TLSF, as espressif/tlsf configures
 * it) for the host, byte-exact in its overheads on a 32-bit target.
 *
 * It is a real two-level segregated fit allocator, not an estimate: free
 * blocks sit in size classes found with find-first-set on two bitmaps, free
 * blocks merge with both physical neighbours at once, and a request is served
 * from the first class whose every block fits ("good fit"). What makes it a
 * model of the ESP32 rather than of the host:
 *   - every header word and free-list link is a 32-bit offset into the arena,
 *     so a block costs what it costs on the chip (4-byte size word; the
 *     previous-block link lives in the tail of a free predecessor);
 *   - 4-byte alignment and a 12-byte minimum payload (malloc(1) takes 16 B);
 *   - the second-level class count is chosen from the arena size exactly as
 *     espressif/tlsf's control_construct does (8/16/32 classes for arenas up
 *     to 16 KiB / 256 KiB / larger);
 *   - light and comprehensive poisoning add ESP-IDF's 12 bytes of canaries
 *     and size to every request (16 B per allocation with the header).
 * Comprehensive poisoning's memory fills are not modelled: they cost time on
 * the chip, not bytes, and this model is about bytes.
 *
 * No malloc inside: the caller hands in one memory area holding the control
 * structure and the arena.
 */
#ifndef PS_HEAPMODEL_H
#define PS_HEAPMODEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { PS_POISON_NONE = 0, PS_POISON_LIGHT, PS_POISON_COMPREHENSIVE } ps_poison_t;

#define PS_HEAP_DEFAULT_ARENA (164u * 1024u)
/* Arena limits: at least one minimum block, and offsets must fit 31 bits. */
#define PS_HEAP_MIN_ARENA 64u
#define PS_HEAP_MAX_ARENA (1u << 30)
/* Bytes per allocation that ESP-IDF's poisoning adds in front of TLSF
 * (head canary + size, tail canary). */
#define PS_HEAP_POISON_OVERHEAD 12u
/* TLSF's in-band cost of an allocated block (the size word). */
#define PS_HEAP_BLOCK_OVERHEAD 4u
#define PS_HEAP_MIN_PAYLOAD 12u

typedef struct {
    size_t arena_size;   /* bytes the allocator manages; 0 = PS_HEAP_DEFAULT_ARENA */
    ps_poison_t poison;
} ps_heap_opts_t;

typedef struct {
    uint32_t total_free;    /* free heap bytes (ESP-IDF's free counter: arena minus used footprint) */
    uint32_t largest_free;  /* biggest size ps_heap_alloc would accept right now */
    uint32_t min_free_ever; /* low-water mark of total_free */
    uint32_t used_bytes;    /* footprint of live allocations incl. headers and poisoning */
    uint32_t allocs;        /* successful allocations */
    uint32_t frees;         /* successful frees */
    uint32_t failed;        /* allocation requests answered with NULL (size 0 excluded) */
    uint32_t free_blocks;   /* free blocks in the arena */
    uint32_t used_blocks;   /* live allocations */
} ps_heap_stats_t;

typedef struct ps_heap ps_heap_t;

/* Bytes of the control structure, the fixed part of the memory ps_heap_init needs. */
size_t ps_heap_control_size(void);

/*
 * Bytes to give ps_heap_init for opts (NULL = defaults) so that it can also
 * keep an exact map of live blocks, which makes ps_heap_free reject every
 * pointer it did not hand out. With only control + arena bytes the model
 * still works, and ps_heap_free validates pointers from their headers
 * (catches double frees and stray pointers, but a pointer into the middle of
 * a live block whose data looks like a header can slip through).
 */
size_t ps_heap_mem_size(const ps_heap_opts_t *opts);

/*
 * Create a heap in mem (aligned to at least 8): control structure, then the
 * arena of opts->arena_size bytes, then (when room is left) the live-block map.
 * opts NULL = 164 KiB, no poisoning. Returns 0, or -1 when mem is NULL or
 * misaligned, mem_size is below control + arena, or the arena size is outside
 * [PS_HEAP_MIN_ARENA, PS_HEAP_MAX_ARENA].
 */
int ps_heap_init(ps_heap_t **out, void *mem, size_t mem_size, const ps_heap_opts_t *opts);

/* size bytes, 4-byte aligned; NULL (counted in failed) when nothing fits; NULL for 0. */
void *ps_heap_alloc(ps_heap_t *h, size_t size);

/* 0, or -1 for a pointer it did not hand out, one already freed, or (poisoned
 * heaps) a block whose canaries were overwritten; nothing changes on -1. */
int ps_heap_free(ps_heap_t *h, void *ptr);

void ps_heap_stats(const ps_heap_t *h, ps_heap_stats_t *out);

/* 100 - 100 * largest_free / total_free in integers (ESPHome's definition); 0 when total_free is 0. */
unsigned ps_heap_fragmentation_pct(const ps_heap_stats_t *s);

/* ---- extras for tests and reports ---- */

/* Usable bytes of a live allocation (>= what was asked); 0 for anything else. */
size_t ps_heap_usable_size(const ps_heap_t *h, const void *ptr);

/* Heap bytes an allocation of size takes (header, rounding, minimum, poisoning); 0 for size 0. */
uint32_t ps_heap_footprint(const ps_heap_t *h, size_t size);

/* Bad frees rejected so far. */
uint32_t ps_heap_bad_frees(const ps_heap_t *h);

/* Second-level classes per first-level class (8, 16 or 32). */
unsigned ps_heap_sl_count(const ps_heap_t *h);

/*
 * Walk every physical block and cross-check headers, free lists, bitmaps and
 * counters. O(blocks); for tests. Returns 0 when consistent, else a negative
 * code naming the first broken invariant.
 */
int ps_heap_check(const ps_heap_t *h);

/* Visit every block in address order: offset of its payload, payload size, used flag. */
typedef void (*ps_heap_walker_t)(uint32_t payload_off, uint32_t size, int used, void *user);
void ps_heap_walk(const ps_heap_t *h, ps_heap_walker_t fn, void *user);

/* Offset of a pointer returned by ps_heap_alloc from the arena start (for reports). */
uint32_t ps_heap_offset(const ps_heap_t *h, const void *ptr);

#ifdef __cplusplus
}
#endif

#endif /* PS_HEAPMODEL_H */
