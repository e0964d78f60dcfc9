/*
 * sweep.h - the synthetic workload run once per background level: at which
 * share of the heap held by the rest of the firmware does the heap start to
 * fail, and does the pool? (poolsim sweep)
 */
#ifndef PS_SWEEP_H
#define PS_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "workload.h"

typedef struct {
    ps_workload_cfg_t wl; /* background_bytes is replaced by each level */
    ps_engine_cfg_t eng;  /* interval_ns, end_ns and progress are set by the sweep */
    ps_range_t levels;    /* background bytes, FROM:TO */
    uint32_t step;        /* > 0 */
} ps_sweep_cfg_t;

/* Levels one sweep may visit (docs/poolsim.md, "Limits"): each is a whole run. */
#define PS_SWEEP_MAX_LEVELS 10000u

/* One level's outcome. */
typedef struct {
    uint64_t level; /* background bytes */
    uint64_t allocs;
    uint64_t heap_failed, pool_failed;
    uint64_t heap_first_fail_ns, pool_first_fail_ns; /* PS_NEVER when none */
    uint32_t heap_min_largest, heap_min_free;
} ps_sweep_row_t;

/* Called after each level, in increasing order; a nonzero return stops the sweep. */
typedef int (*ps_sweep_row_fn)(const ps_sweep_row_t *row, void *user);

typedef enum {
    PS_SWEEP_OK = 0,
    PS_SWEEP_ERR_CONFIG = -1, /* a workload value out of range, a step of 0, FROM > TO */
    PS_SWEEP_ERR_RUN = -2,    /* the engine failed (out of memory, a bad pool configuration) */
    PS_SWEEP_STOPPED = -3     /* the callback asked to stop */
} ps_sweep_status_t;

/* Levels the sweep visits: FROM, FROM + step, ... up to TO; 0 for a bad range or step. */
uint64_t ps_sweep_levels(const ps_sweep_cfg_t *cfg);

/* The levels when none are given: 0 to 3/4 of the bytes of the heap's
 * regions, rounded down to 16 KiB (where the heap still has room for the
 * workload itself at the lowest level and fails by the highest). */
ps_range_t ps_sweep_default_levels(const ps_caps_opts_t *heap);

/* The step when none is given: 1/16 of the levels' span rounded down to
 * 1 KiB, so about 16 runs; a span under 16 KiB is one step (0 to 0: 1). */
uint32_t ps_sweep_default_step(ps_range_t levels);

/* Run every level (a fresh workload per level, one engine run each) and report
 * each through fn. A status, with a message in err for the two errors. */
ps_sweep_status_t ps_sweep_run(const ps_sweep_cfg_t *cfg, ps_sweep_row_fn fn, void *user, char *err, size_t len);

#endif /* PS_SWEEP_H */
