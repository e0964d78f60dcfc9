/*
 * heapcaps.h - ESP-IDF's heap as malloc() sees it: several regions (one
 * heapmodel.h region each) and heap_caps' rule for which one serves a
 * request.
 *
 * malloc() is heap_caps_malloc(size, MALLOC_CAP_DEFAULT | MALLOC_CAP_INTERNAL)
 * on a chip without PSRAM-backed malloc (heap_caps.c, heap_caps_malloc_default).
 * heap_caps_aligned_alloc_base (heap_caps_base.c; heap_caps.c before 5.3)
 * walks the priorities 0, 1, 2 and, within each, the registered heaps in list
 * order; it tries every heap that has one of the requested capabilities at
 * that priority and all of them over its priorities, and returns the first
 * block a region gives. A failed attempt changes nothing, so a region tried
 * again at a later priority fails again: the order is (the first priority at
 * which the region qualifies, then the list position). The list is in address
 * order up to ESP-IDF 5.4.x and in ascending length from 5.5 (idfver.h).
 *
 * A region's priority comes from its type, the label the boot log prints
 * (heap_init: At ADDR len LEN (N KiB): TYPE), looked up in the ESP32-S3
 * memory layout table of the chosen release (components/heap/port/esp32s3/
 * memory_layout.c), or in the ESP32's for a region at an ESP32's addresses. IRAM and SPIRAM regions never serve malloc() there (no
 * MALLOC_CAP_DEFAULT, no MALLOC_CAP_INTERNAL): ps_region_malloc_priority
 * says so and ps_caps_init refuses them, so callers leave them out.
 *
 * free is the sum of the regions' free counters and largest the biggest of
 * their largest blocks, as heap_caps_get_free_size and
 * heap_caps_get_largest_free_block report them; the minimum free is the sum of
 * each region's own low-water mark (heap_caps_get_minimum_free_size).
 *
 * No malloc inside: the caller hands in the memory (ps_caps_mem_size).
 */
#ifndef PS_HEAPCAPS_H
#define PS_HEAPCAPS_H

#include <stddef.h>
#include <stdint.h>

#include "heapmodel.h"
#include "idfver.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PS_CAPS_MAX_REGIONS 16u
#define PS_REGION_TYPE_LEN 16u
/* heap_caps refuses requests above HEAP_SIZE_MAX (SOC_MAX_CONTIGUOUS_RAM_SIZE:
 * 32 MiB on an ESP32-S3) before trying any region. */
#define PS_CAPS_HEAP_SIZE_MAX (32u * 1024u * 1024u)

typedef struct {
    uint32_t len;                  /* the boot log's len: what heap_caps_init registers */
    uint32_t addr;                 /* start address; only the order matters (all 0: the order given) */
    char type[PS_REGION_TYPE_LEN]; /* the boot log's type label; "" = one type shared by all regions */
} ps_region_t;

typedef struct {
    ps_region_t regions[PS_CAPS_MAX_REGIONS];
    size_t n;
    ps_poison_t poison;
    ps_idf_version_t idf; /* all zero = the latest */
} ps_caps_opts_t;

typedef struct ps_caps ps_caps_t;

/* The malloc() priority (0, 1, 2) of a region type label in a release's
 * ESP32-S3 table; -1 when malloc() never uses that type (IRAM, SPIRAM); -2
 * for a label the table does not know (unknown release: -2 too). A region
 * at an ESP32's internal RAM addresses (0x3FF80000..0x3FFFFFFF, from its
 * boot log) is looked up in the ESP32's table instead: DRAM first, then
 * D/IRAM and RTCRAM, in every release. addr 0: no address (the S3 table). */
int ps_region_malloc_priority(const char *type, uint32_t addr, ps_idf_version_t idf);

/*
 * poolsim's default heap: the regions of a real ESP32-S3 boot log,
 * tests/data/esp-idf/boot-esp32s3-debug-heap_init.txt (esp-protocols issue
 * 181): 296,160 B D/IRAM, 60,980 B STACK/DRAM, 32 KiB DRAM, 8 KiB RTCRAM.
 * Fills regions (at least 4) and returns the count.
 */
size_t ps_caps_default_regions(ps_region_t *regions);

/*
 * The --heap-regions notation: LEN[:TYPE][,LEN[:TYPE]...], LEN in decimal or
 * 0x-hex, TYPE a boot-log type label (no type: one type for all). The regions
 * get no addresses: the order given is the address order. 0, or -1 with a
 * message.
 */
int ps_regions_parse(const char *text, ps_region_t *regions, size_t *n, char *err, size_t err_len);

/*
 * The regions malloc() uses in a release, in their order (IRAM and SPIRAM
 * ones left out and described in `left_out`, "" when none). 0, or -1 with a
 * message for a type the release's table does not know, no region left, or
 * more than PS_CAPS_MAX_REGIONS.
 */
int ps_caps_malloc_regions(const ps_region_t *in, size_t n, ps_idf_version_t idf, ps_region_t *out, size_t *n_out,
                           char *left_out, size_t left_len, char *err, size_t err_len);

/* The checks of ps_caps_init without building anything: 0, or -1 with a message. */
int ps_caps_validate(const ps_caps_opts_t *opts, char *err, size_t err_len);

/* The try order for opts without building the heap: order[k] is the index,
 * in address order, of the region tried k-th. The count, 0 for refused opts. */
size_t ps_caps_order(const ps_caps_opts_t *opts, size_t order[PS_CAPS_MAX_REGIONS]);

/* The region of opts malloc() tries first (NULL for refused opts). */
const ps_region_t *ps_caps_first_tried(const ps_caps_opts_t *opts);

/* Bytes ps_caps_init needs for opts; 0 when opts are refused. */
size_t ps_caps_mem_size(const ps_caps_opts_t *opts);

/*
 * Build the regions, fresh, in mem (aligned to 8). 0, or -1 with a message in
 * err: no region or more than PS_CAPS_MAX_REGIONS, a region ps_heap_geometry
 * refuses (too small or big for the release), a type malloc() never uses or
 * one the table does not know, regions with and without addresses mixed, two
 * regions at one address, or mem too small.
 */
int ps_caps_init(ps_caps_t **out, void *mem, size_t mem_size, const ps_caps_opts_t *opts, char *err, size_t err_len);

/* malloc(size): NULL for 0 (not a failure) or when no region serves it (a
 * failure). *region (may be NULL) gets the serving region's index (the order
 * of opts->regions sorted by address) or -1. */
void *ps_caps_alloc(ps_caps_t *c, size_t size, int *region);

/* free(ptr) into the region holding it: 0, or -1 when no region handed it out. */
int ps_caps_free(ps_caps_t *c, void *ptr);

/* Over all regions: total_free and min_free_ever summed, largest_free the
 * maximum, the counts summed; failed counts requests, not region attempts. */
void ps_caps_stats(const ps_caps_t *c, ps_heap_stats_t *out);

/* Just total_free and largest_free of ps_caps_stats, cheaply. */
void ps_caps_free_and_largest(const ps_caps_t *c, uint32_t *total_free, uint32_t *largest_free);

/* Regions, in address order (the index ps_caps_alloc reports). */
size_t ps_caps_count(const ps_caps_t *c);
const ps_heap_t *ps_caps_region(const ps_caps_t *c, size_t i);
const ps_region_t *ps_caps_region_desc(const ps_caps_t *c, size_t i);

/* The try order: order[k] is the region tried k-th. Returns the count. */
size_t ps_caps_try_order(const ps_caps_t *c, size_t order[PS_CAPS_MAX_REGIONS]);

/* Which region a live pointer is in and its offset from that region's start; 0 or -1. */
int ps_caps_locate(const ps_caps_t *c, const void *ptr, size_t *region, uint32_t *offset);

/* What an allocation of size takes (ps_heap_footprint) in region (-1: the
 * first region tried, for a request no region served). */
uint64_t ps_caps_footprint(const ps_caps_t *c, uint64_t size, int region);

/* Structure check of every region (ps_heap_check); 0 or the first failure. */
int ps_caps_check(const ps_caps_t *c);

#ifdef __cplusplus
}
#endif

#endif /* PS_HEAPCAPS_H */
