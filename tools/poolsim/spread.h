/*
 * spread.h - how sure a heap verdict is: the same stream replayed over small
 * perturbations a real device varies by, and the range of outcomes.
 *
 * Near saturation a heap is chaotic: the same workload on a region a few
 * hundred bytes longer, or after one more boot-time allocation, fails a very
 * different number of times. One run is one draw. Each perturbed run changes:
 *   - the length of the longest region (on an ESP32-S3 the main D/IRAM
 *     region, whose start is the end of the firmware's static data, so it
 *     moves with every build): by a multiple of 4 bytes within
 *     +-region_delta_max (not for a region under 8 times that: it keeps its
 *     length);
 *   - a start-up block: 0..startup_max bytes allocated before the stream and
 *     never freed (what drivers and tasks leave on the heap before the
 *     application starts);
 *   - for synthetic streams, the workload's seed (the caller's source
 *     function does that: run k gets seed + k).
 * The perturbations come from a fixed generator: the same command gives the
 * same spread. The perturbed runs model the heap only (no pool).
 */
#ifndef PS_SPREAD_H
#define PS_SPREAD_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

#define PS_SPREAD_MAX 64u    /* perturbed runs at most */
#define PS_SPREAD_DEFAULT 8u /* perturbed runs when on by default */
/* On by default when the stream has at most this many events (a run of the
 * seed's device for 48 h has about 2.1 million; each perturbed run costs about
 * as much as the heap half of the first). */
#define PS_SPREAD_AUTO_EVENTS 5000000u

typedef struct {
    unsigned n;                /* perturbed runs, 1..PS_SPREAD_MAX */
    uint32_t region_delta_max; /* bytes either side (512) */
    uint32_t startup_max;      /* bytes (1024) */
    int seeds;                 /* for the report: the source gives run k the seed `seed` + k */
    uint64_t seed;
} ps_spread_cfg_t;

void ps_spread_defaults(ps_spread_cfg_t *cfg);

/* One run: its perturbation and its outcome. Run 0 is the unperturbed one. */
typedef struct {
    int32_t region_delta;
    uint32_t startup_bytes;
    uint64_t failed;
    uint64_t first_fail_ns; /* PS_NEVER when none */
} ps_spread_run_t;

typedef struct {
    unsigned runs; /* n + 1 */
    ps_spread_run_t run[PS_SPREAD_MAX + 1u];
    uint64_t failed_min, failed_median, failed_max;
    unsigned runs_failing;
    uint64_t first_min, first_median, first_max; /* over the runs that failed; PS_NEVER when none did */
    int sensitive;                               /* see ps_spread_sensitive */
} ps_spread_t;

/* Gives the stream for run k (1..n; run 0 is the caller's). 0, or -1 with a message. */
typedef int (*ps_spread_source_fn)(void *user, unsigned run, ps_source_t *src, char *err, size_t len);
/* Called after run k, to release what source gave (may be NULL). */
typedef void (*ps_spread_done_fn)(void *user, unsigned run);

/*
 * base: the unperturbed run's result (run 0). eng: its configuration; each
 * perturbed run copies it, perturbs the heap, and runs heap-only. 0, or -1
 * with a message (a perturbed heap the release cannot build, a source or
 * engine failure).
 */
int ps_spread_run(const ps_spread_cfg_t *cfg, const ps_engine_cfg_t *eng, const ps_result_t *base,
                  ps_spread_source_fn source, ps_spread_done_fn done, void *user, ps_spread_t *out, char *err,
                  size_t len);

/* The outcome is sensitive when the runs disagree on whether the heap fails
 * at all, or the most failures are more than 1.25 times the fewest. */
int ps_spread_sensitive(const ps_spread_t *s);

/* The perturbation of run k (k >= 1), as ps_spread_run applies it. */
ps_spread_run_t ps_spread_perturbation(const ps_spread_cfg_t *cfg, unsigned k);

#endif /* PS_SPREAD_H */
