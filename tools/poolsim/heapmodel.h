/*
 * heapmodel.h - one ESP-IDF heap region (multi_heap.c over espressif/tlsf),
 * as a given ESP-IDF release builds it for a 32-bit target, byte for byte.
 *
 * It is a real two-level segregated fit allocator, not an estimate: free
 * blocks sit in size classes found with find-first-set on two bitmaps, a
 * freed block merges with both physical neighbours, a request is served from
 * the head of the first non-empty class whose every block fits ("good fit"),
 * and each class list is last-in first-out. Replayed against ESP-IDF's own
 * allocator (tests/data/esp-idf-heap/), it puts every block at the same
 * offset and reports the same free and largest-block figures after every
 * event. What it reproduces, per release (idfver.h says which does what):
 *   - the in-region overhead: a region of `len` bytes (the boot log's len,
 *     what heap_caps_init passes to multi_heap_register) starts with
 *     multi_heap's 20-byte heap_t and the TLSF control structure; the pool
 *     behind them holds one free block and an end sentinel;
 *   - the free counter (multi_heap_free_size): len - 20 - control when fresh,
 *     minus block + 4 per allocation, so it includes the pool's 8 bytes of
 *     first header and sentinel that no allocation can take;
 *   - the request: rounded up to 4, at least 12; in 5.4 and later rounded up
 *     to its whole TLSF size class (1000 B takes a 1024 B block);
 *   - the largest free block as multi_heap_get_info reports it (the biggest
 *     free block after tlsf_fit_size, in the release's version of it);
 *   - light and comprehensive poisoning (multi_heap_poisoning.c): 12 bytes
 *     (head canary, size, tail canary) added to every request, and 12 taken
 *     off the reported free, minimum free and largest figures. Comprehensive
 *     poisoning's fills cost time, not bytes, so both modes cost the same.
 *     Heap task tracking (4 more bytes per block in 5.0-5.1) is not modelled:
 *     it is off by default.
 * The second-level class count follows the region (8/16/32 classes up to
 * 16 KiB / 256 KiB / beyond), except in 5.0, whose control structure is fixed
 * (32 classes, first level up to 512 KiB: an ESP32-S3 without PSRAM).
 *
 * Several regions and heap_caps' choice between them: heapcaps.h.
 *
 * No malloc inside: the caller hands in one memory area holding the model's
 * state and the pool.
 */
#ifndef PS_HEAPMODEL_H
#define PS_HEAPMODEL_H

#include <stddef.h>
#include <stdint.h>

#include "idfver.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { PS_POISON_NONE = 0, PS_POISON_LIGHT, PS_POISON_COMPREHENSIVE } ps_poison_t;

/* A poisoning mode by name, as ESP-IDF's menuconfig names them (Heap memory
 * debugging: none, light, comprehensive): 0 with *out set, or -1 (*out
 * untouched) for any other text. */
int ps_poison_parse(const char *name, ps_poison_t *out);

/* The name ps_poison_parse reads for a mode; "?" for a value not in ps_poison_t. */
const char *ps_poison_name(ps_poison_t mode);

/* The single region poolsim used before it knew regions: the seed's 164 KiB. */
#define PS_HEAP_DEFAULT_ARENA (164u * 1024u)
/* Region lengths the model takes at all (offsets fit 31 bits). Within them,
 * ps_heap_geometry refuses what the release cannot make a heap of: a region
 * too small for heap_t, the control structure and a 12-byte block (about
 * 200 B from 5.0.1 on, 1776 B in 5.0). */
#define PS_HEAP_MIN_ARENA 64u
#define PS_HEAP_MAX_ARENA (1u << 30)
/* multi_heap's heap_t at the start of every region (5 words). */
#define PS_HEAP_STRUCT_BYTES 20u
/* Bytes per allocation that ESP-IDF's poisoning adds in front of TLSF
 * (head canary + size, tail canary). */
#define PS_HEAP_POISON_OVERHEAD 12u
/* TLSF's in-band cost of an allocated block (the size word). */
#define PS_HEAP_BLOCK_OVERHEAD 4u
#define PS_HEAP_MIN_PAYLOAD 12u

typedef struct {
    size_t arena_size; /* the region's length as the boot log prints it; 0 = PS_HEAP_DEFAULT_ARENA */
    ps_poison_t poison;
    ps_idf_version_t idf; /* the ESP-IDF release; all zero = the latest */
} ps_heap_opts_t;

/* Where things sit in a fresh region (see ps_heap_geometry). */
typedef struct {
    uint32_t region_len;
    uint32_t control;      /* TLSF control structure (tlsf_size()) */
    uint32_t pool_offset;  /* 20 + control: where the TLSF pool starts */
    uint32_t initial_free; /* the free counter of the fresh region: len - 20 - control */
    uint32_t first_offset; /* offset from the region start of the first allocation's pointer */
    uint32_t first_block;  /* size of the one free block of the fresh pool */
    uint32_t small_block;  /* blocks below this size have one class per 4 bytes */
    unsigned sl_log2;      /* 3, 4 or 5: 8, 16 or 32 second-level classes */
    unsigned fl_index_max; /* requests of 2^fl_index_max bytes or more always fail */
} ps_heap_geom_t;

typedef struct {
    uint32_t total_free;    /* multi_heap_free_size(): the free counter (minus 12 when poisoned) */
    uint32_t largest_free;  /* multi_heap_get_info().largest_free_block */
    uint32_t min_free_ever; /* multi_heap_minimum_free_size(): low-water mark of the free counter */
    uint32_t used_bytes;    /* what live allocations took from the counter: block + 4 each */
    uint32_t allocs;        /* successful allocations */
    uint32_t frees;         /* successful frees */
    uint32_t failed;        /* allocation requests answered with NULL (size 0 excluded) */
    uint32_t free_blocks;   /* free blocks in the pool */
    uint32_t used_blocks;   /* live allocations */
} ps_heap_stats_t;

typedef struct ps_heap ps_heap_t;

/*
 * The layout of a fresh region for opts (NULL = defaults). 0, or -1 when the
 * release is unknown, the poisoning mode invalid, or the length outside
 * [PS_HEAP_MIN_ARENA, PS_HEAP_MAX_ARENA] or too big for the release (v5.0's
 * fixed control structure takes pools up to 512 KiB).
 */
int ps_heap_geometry(const ps_heap_opts_t *opts, ps_heap_geom_t *out);

/* Bytes of the model's own state, the fixed part of the memory ps_heap_init needs. */
size_t ps_heap_control_size(void);

/*
 * Bytes to give ps_heap_init for opts (NULL = defaults) so that it can also
 * keep an exact map of live blocks, which makes ps_heap_free reject every
 * pointer it did not hand out. With only ps_heap_control_size() + the region
 * length the model still works, and ps_heap_free validates pointers from
 * their headers (catches double frees and stray pointers, but a pointer into
 * the middle of a live block whose data looks like a header can slip
 * through). 0 when ps_heap_geometry refuses opts.
 */
size_t ps_heap_mem_size(const ps_heap_opts_t *opts);

/*
 * Create a fresh region in mem (aligned to at least 8). Returns 0, or -1 when
 * out or mem is NULL or misaligned, ps_heap_geometry refuses opts, or
 * mem_size is below ps_heap_control_size() + the pool.
 */
int ps_heap_init(ps_heap_t **out, void *mem, size_t mem_size, const ps_heap_opts_t *opts);

/* size bytes, 4-byte aligned; NULL (counted in failed) when nothing fits; NULL for 0. */
void *ps_heap_alloc(ps_heap_t *h, size_t size);

/* 0, or -1 for a pointer it did not hand out, one already freed, or (poisoned
 * heaps) a block whose canaries were overwritten; nothing changes on -1. */
int ps_heap_free(ps_heap_t *h, void *ptr);

void ps_heap_stats(const ps_heap_t *h, ps_heap_stats_t *out);

/* Just total_free and largest_free of ps_heap_stats, cheaply (the engine asks after every allocation). */
void ps_heap_free_and_largest(const ps_heap_t *h, uint32_t *total_free, uint32_t *largest_free);

/* 100 - 100 * largest_free / total_free in integers (ESPHome's definition); 0 when total_free is 0. */
unsigned ps_heap_fragmentation_pct(const ps_heap_stats_t *s);

/* ---- extras for tests and reports ---- */

/* Usable bytes of a live allocation (>= what was asked); 0 for anything else. */
size_t ps_heap_usable_size(const ps_heap_t *h, const void *ptr);

/*
 * Bytes an allocation of size takes from the free counter when it is split
 * off a bigger block: its block (rounding, minimum, poisoning, and in 5.4+
 * the size class) plus the 4-byte header. Defined for every size, including
 * requests no region could serve; 0 only for size 0.
 */
uint64_t ps_heap_footprint(const ps_heap_t *h, uint64_t size);

/* The same from opts alone (NULL = defaults); 0 for size 0 or refused opts. */
uint64_t ps_heap_footprint_for(const ps_heap_opts_t *opts, uint64_t size);

/*
 * The smallest region length (a multiple of 4, at least PS_HEAP_MIN_ARENA)
 * whose fresh free counter holds free_bytes, for opts' release and poisoning
 * (opts->arena_size is ignored); 0 when none up to PS_HEAP_MAX_ARENA does.
 * Not monotone in general (the control structure grows in steps), so this
 * walks up from the first length that could work.
 */
size_t ps_heap_region_for(const ps_heap_opts_t *opts, uint64_t free_bytes);

/* Bad frees rejected so far. */
uint32_t ps_heap_bad_frees(const ps_heap_t *h);

/* Second-level classes per first-level class (8, 16 or 32). */
unsigned ps_heap_sl_count(const ps_heap_t *h);

/* The geometry the heap was built with. */
const ps_heap_geom_t *ps_heap_geom(const ps_heap_t *h);

/*
 * Walk every physical block and cross-check headers, free lists, bitmaps and
 * counters. O(blocks); for tests. Returns 0 when consistent, else a negative
 * code naming the first broken invariant.
 */
int ps_heap_check(const ps_heap_t *h);

/* Visit every block in address order: offset of its payload from the region
 * start, payload size, used flag. */
typedef void (*ps_heap_walker_t)(uint32_t payload_off, uint32_t size, int used, void *user);
void ps_heap_walk(const ps_heap_t *h, ps_heap_walker_t fn, void *user);

/* Offset from the region start of a pointer ps_heap_alloc returned (what
 * `ptr - start` gives on the chip). */
uint32_t ps_heap_offset(const ps_heap_t *h, const void *ptr);

/* 1 when ptr lies inside this region's pool. */
int ps_heap_contains(const ps_heap_t *h, const void *ptr);

#ifdef __cplusplus
}
#endif

#endif /* PS_HEAPMODEL_H */
