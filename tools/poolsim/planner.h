/*
 * planner.h - the cheapest pool configuration that serves an event stream
 * with zero failures plus headroom.
 *
 * Method (docs/poolsim.md has the long version):
 *  1. Candidate block sizes are the stream's request sizes rounded up to 4
 *     bytes; when there are more than max_candidates, sizes are merged into
 *     geometric buckets (fewer steps per power of two until they fit) and the
 *     bucket's largest size becomes the candidate.
 *  2. One pass over the stream records, for every range of adjacent
 *     candidates (i, j], the peak number of simultaneously live requests whose
 *     size falls in that range.
 *  3. A tier of size c_j serving range (i, j] needs ceil(peak * (100 +
 *     headroom) / 100) blocks. Dynamic programming over j (and the number of
 *     tiers used, at most 16) picks the partition of the candidates into
 *     ranges with the least storage. A tier needing more than 65534 blocks is
 *     split into tiers of adjacent sizes (c_j, c_j + 4, ...).
 *  4. The plan is replayed through tierpool; should a tier still fail (only
 *     possible where step 3 had to split tiers), its count is raised and the
 *     replay repeated.
 * Why a count of at least the peak per range is enough: the smallest range's
 * requests always find a block of their own tier, so they never fall back
 * and never take a larger tier's block; by induction no request ever falls
 * back. The plan is optimal among configurations with that property over the
 * candidate sizes. A configuration relying on fallback (fewer blocks in a
 * small tier, covered by spare large blocks) can be smaller; the planner does
 * not search those, because whether they work depends on timing.
 */
#ifndef PS_PLANNER_H
#define PS_PLANNER_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

typedef struct {
    uint32_t headroom_pct;   /* default 25 */
    unsigned max_candidates; /* default 64; more = finer sizes, slower pass 2 */
    unsigned max_tiers;      /* default and at most TP_CFG_MAX_TIERS */
    ps_heap_opts_t heap;     /* the heap whose footprints the peak need counts (release, poisoning) */
} ps_plan_cfg_t;

void ps_plan_defaults(ps_plan_cfg_t *cfg);

typedef struct {
    tp_tier_t tiers[TP_CFG_MAX_TIERS];
    uint32_t range_peak[TP_CFG_MAX_TIERS]; /* peak live requests of the size range a tier serves;
                                              0 for the extra tiers of a split range */
    size_t n_tiers;
    size_t storage;           /* tp_pool_storage_size of the plan */
    uint64_t block_bytes;     /* sum of size * count */
    uint64_t peak_heap_need;  /* peak of the live requests' heap footprints (ps_heap_footprint_for) */
    uint64_t peak_live_bytes; /* peak of the live requested bytes */
    uint64_t peak_live_count;
    uint64_t end_live_count; /* allocations alive at the stream's end, and their requested bytes */
    uint64_t end_live_bytes;
    uint32_t max_request;
    uint64_t allocs;
    uint64_t unknown_frees;
    unsigned n_candidates;
    unsigned sizes_per_octave; /* 0 = every distinct size is a candidate */
    uint64_t verify_failures;  /* pool failures when the plan is replayed (0 unless reported) */
    unsigned bump_rounds;      /* replays needed to reach verify_failures */
} ps_plan_t;

/*
 * Plan for the stream (src must support rewind: it is read several times).
 * 0, or -1 with a message (an empty stream, a request above 2^31 bytes, out
 * of memory).
 */
int ps_plan(ps_source_t src, const ps_plan_cfg_t *cfg, ps_plan_t *out, char *err, size_t len);

/*
 * The smallest single heap region that serves the stream with no failure,
 * next to a plan: the fair comparison with the pool's RAM, since the plan's
 * peak_heap_need is only a lower bound. heap gives the release and the
 * poisoning (its arena_size is what the search varies). Search: start at the
 * smallest region whose fresh free counter holds the peak need plus TLSF's
 * 8 bytes (ps_heap_region_for; rounded up to 256), double until the stream
 * fits, then bisect in 256-byte steps. Failures are not strictly monotone in the arena
 * size (another size changes where blocks land), so `arena_ok` is what
 * bisection found and checked at its size, not a proven minimum.
 * The stream is replayed about log2(range / 256) + doublings times
 * (src must support rewind).
 */
typedef enum {
    PS_HEAP_SEARCH_FOUND,   /* arena_ok serves the stream, arena_fail does not */
    PS_HEAP_SEARCH_AT_PEAK, /* the first size tried (room for the peak need) already serves it */
    PS_HEAP_SEARCH_NONE     /* nothing up to arena_fail serves it (or a replay failed) */
} ps_heap_search_status_t;

typedef struct {
    ps_heap_search_status_t status;
    uint64_t arena_ok;   /* FOUND, AT_PEAK: an arena that serves the stream */
    uint64_t arena_fail; /* FOUND: 256 B below arena_ok, fails; NONE: the largest size tried */
} ps_heap_search_t;

void ps_plan_heap_search(ps_source_t src, const ps_plan_t *plan, const ps_heap_opts_t *heap, ps_heap_search_t *out);

#endif /* PS_PLANNER_H */
