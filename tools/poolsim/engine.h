/*
 * engine.h - drive one event stream through the heap model and a tierpool
 * pool side by side, and sample both at fixed simulated-time intervals.
 *
 * Events name blocks by the address (or id) the trace or generator gave
 * them; the engine maps each to the heap block and the pool block it got.
 * A request one allocator could not serve is remembered as failed for that
 * allocator only, so its later free is not an error.
 */
#ifndef PS_ENGINE_H
#define PS_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "heapcaps.h"
#include "heapmodel.h"
#include "source.h"
#include "tierpool.h"

typedef struct {
    ps_heap_opts_t heap; /* release and poisoning; arena_size = the one region when n_regions is 0 */
    ps_region_t regions[PS_CAPS_MAX_REGIONS]; /* the heap's regions, as a boot log lists them */
    size_t n_regions;                         /* 0: one region of heap.arena_size (0 = PS_HEAP_DEFAULT_ARENA) */
    int heap_only;                            /* 1: no pool (runs that only look at the heap, e.g. the spread's) */
    uint64_t heap_only_tasks;                 /* bit t: events of task t go to the heap only (a network stack's own
                                 allocations, which the application's pools would not take) */
    tp_tier_t tiers[TP_CFG_MAX_TIERS];
    size_t n_tiers;
    uint64_t interval_ns; /* sampling interval; 0 = one hour */
    size_t max_samples;   /* rows at most, 0 = PS_ENGINE_MAX_SAMPLES: past it the interval doubles and
                               adjacent rows merge (worst values kept, failures added) */
    uint64_t end_ns;      /* the run's end (last sample); 0 = the last event's time */
    void (*progress)(void *user, uint64_t t_ns, uint64_t end_ns);
    void *progress_user;
} ps_engine_cfg_t;

/* The heap cfg describes, as heap_caps takes it: cfg->regions, or one region
 * of heap.arena_size (PS_HEAP_DEFAULT_ARENA when 0), with the release and the
 * poisoning. 0, or -1 with a message when there are more than
 * PS_CAPS_MAX_REGIONS regions. Whether heap_caps can build it is
 * ps_caps_validate's to say (an arena above PS_HEAP_MAX_ARENA gives a region
 * of length 0, which it refuses). */
int ps_engine_heap(const ps_engine_cfg_t *cfg, ps_caps_opts_t *out, char *err, size_t len);

/* Size classes for failure counts, the seed's three tiers as boundaries. */
enum { PS_BUCKET_256, PS_BUCKET_1K, PS_BUCKET_4K, PS_BUCKET_HUGE, PS_BUCKETS };
unsigned ps_size_bucket(uint32_t size);
const char *ps_bucket_name(unsigned bucket); /* "<=256", "257..1024", "1025..4096", ">4096" */

/* The state at the end of an interval, and the worst seen inside it. */
typedef struct {
    uint64_t t_ns;
    uint32_t heap_free, heap_largest, heap_min_largest, heap_frag_pct;
    uint32_t heap_failed; /* in this interval */
    uint64_t heap_failed_total;
    uint32_t pool_free, pool_largest, pool_min_largest;
    uint32_t pool_failed;
    uint64_t pool_failed_total;
    uint32_t live_allocs;
    uint64_t live_bytes;                       /* requested bytes */
    uint32_t region_free[PS_CAPS_MAX_REGIONS]; /* per region (address order), at the sample */
    uint32_t region_largest[PS_CAPS_MAX_REGIONS];
} ps_sample_t;

#define PS_NEVER UINT64_MAX
#define PS_ENGINE_MAX_SAMPLES ((size_t)100000)

typedef struct {
    ps_sample_t *samples;
    size_t n_samples, cap_samples;
    uint64_t events, allocs, frees;
    uint64_t pool_allocs;   /* the allocations offered to the pool (heap_only_tasks excluded) */
    uint64_t unknown_frees; /* free of an address not live in the stream */
    uint64_t reused_addrs;  /* alloc of an address still live (a lost free); the old block is freed first */
    uint64_t zero_allocs;   /* size-0 requests, ignored */
    uint64_t out_of_order;  /* events earlier than their predecessor (treated as simultaneous) */
    uint64_t heap_failed, pool_failed;
    uint64_t heap_failed_by[PS_BUCKETS], pool_failed_by[PS_BUCKETS];
    uint64_t heap_first_fail_ns, pool_first_fail_ns; /* PS_NEVER when none */
    uint32_t heap_min_largest, pool_min_largest;     /* over the whole run */
    uint64_t heap_min_largest_ns, pool_min_largest_ns;
    uint32_t heap_min_free;
    uint64_t peak_live_bytes; /* requested bytes */
    uint64_t peak_live_count;
    uint64_t peak_heap_need; /* peak sum of heap footprints (ps_heap_footprint: header, rounding, poisoning) */
    uint32_t max_request;
    uint64_t end_ns;
    /* the heap as built: release, regions (address order), the order malloc tries them */
    ps_idf_version_t idf;
    size_t n_regions;
    ps_region_t regions[PS_CAPS_MAX_REGIONS];
    size_t try_order[PS_CAPS_MAX_REGIONS];
    uint64_t region_allocs[PS_CAPS_MAX_REGIONS]; /* allocations each region served */
    uint64_t heap_len_total;                     /* sum of the region lengths */
    uint32_t heap_initial_free;                  /* free of the fresh regions */
    uint64_t interval_ns;                        /* the rows' interval: cfg's, doubled interval_doublings times */
    unsigned interval_doublings;
    uint32_t end_live_count; /* allocations alive in the stream at its end */
    uint64_t end_live_bytes;
    uint64_t pool_bytes_total; /* sum of block bytes */
    size_t pool_storage;       /* tp_pool_storage_size */
    ps_heap_stats_t heap_end;
    tp_pool_stats_t pool_end;
} ps_result_t;

/* A sampling interval giving about 24 rows over a trace of span_ns (traces run
 * seconds to days), at least 1 ms. */
uint64_t ps_engine_interval_for_span(uint64_t span_ns);

/* Run the stream. 0, or -1 with a message (bad configuration, out of memory). */
int ps_engine_run(const ps_engine_cfg_t *cfg, ps_source_t src, ps_result_t *res, char *err, size_t len);

void ps_result_free(ps_result_t *res);

#endif /* PS_ENGINE_H */
