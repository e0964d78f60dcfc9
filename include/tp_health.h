/*
 * tp_health.h - heap and pool health monitor.
 *
 * One object (tp_health_t, caller storage) watches the system heap's internal
 * RAM through tp_sys_heap_info and up to TP_CFG_HEALTH_POOLS pools through
 * tp_pool_get_stats. The application calls tp_health_poll periodically from a
 * task (never an ISR: it returns TP_ERR_DEFERRED there). The heap query that
 * walks the heap (largest free block) runs at most once per
 * `largest_interval_us`; between two such queries only the cheap free-bytes
 * counter (tp_sys_heap_free) is refreshed and the last largest block is kept.
 *
 * Metrics (tp_health_metric_t), each with a state ok / warning / critical:
 *   FRAGMENTATION  100 - 100 * largest_free / total_free (ESPHome's "Heap
 *                  Fragmentation", integer %). With `frag_relative` the
 *                  thresholds apply to the excess over the boot baseline
 *                  (an ESP32's internal RAM is several regions, so it is
 *                  never 0): max(0, frag - baseline_frag).
 *   HEAP_FREE      bytes free; bad when low.
 *   MAX_BLOCK      largest free block; bad when low (target above 16 KB).
 *   POOL_UTIL      the most used tier of any registered pool, in_use * 100 /
 *                  block_count (%); bad when high. A tier that got a request
 *                  it could not serve since the last poll (its failed counter
 *                  moved) makes the metric critical: that is "pool exhaustion".
 * Hysteresis: a metric leaves a state only when its value is `hyst_pct`
 * points (percent metrics) or `hyst_bytes` bytes (byte metrics) back on the
 * good side of that state's threshold; it may jump straight from ok to
 * critical and back to ok.
 *
 * Policies (opt in with tp_health_policy_t.flags), run on a transition INTO
 * critical of the metric concerned:
 *   TP_POLICY_FRAG_LOG      log the heap state (error level);
 *   TP_POLICY_FRAG_SAVE     call save_critical(user);
 *   TP_POLICY_FRAG_REBOOT   controlled reboot: crash record
 *                           TP_CRASH_REBOOT_FRAGMENTATION, then tp_sys_reboot;
 *   TP_POLICY_LOWHEAP_REBOOT the same for HEAP_FREE critical (TP_CRASH_REBOOT_LOW_HEAP);
 *   TP_POLICY_POOL_SHED     shed non-critical work: every tier of every pool
 *                           keeps shed_reserve_pct % of its blocks for
 *                           tp_alloc_critical (tp_pool_set_reserve) until
 *                           POOL_UTIL is back to ok (reserves then return to
 *                           0), and shed(1 / 0, user) is called;
 *   TP_POLICY_POOL_FREE_AGED call free_aged(cutoff_us, user): the application
 *                           frees its resources allocated before cutoff_us =
 *                           now - aged_us (with tracking on,
 *                           tp_track_visit_older lists those blocks);
 *   TP_POLICY_POOL_ALERT    call alert(metric, state, user);
 *   TP_POLICY_POOL_REBOOT   controlled reboot (TP_CRASH_REBOOT_EXHAUSTION).
 * The transition callback (on_change) is called for every state change of
 * every metric, before the policies.
 */
#ifndef TP_HEALTH_H
#define TP_HEALTH_H

#include <stddef.h>
#include <stdint.h>

#include "tierpool.h"
#include "tp_sys.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Pools per monitor: TP_CFG_HEALTH_POOLS (tp_config.h). */

typedef enum { TP_HEALTH_OK = 0, TP_HEALTH_WARNING = 1, TP_HEALTH_CRITICAL = 2 } tp_health_state_t;

typedef enum {
    TP_METRIC_FRAGMENTATION = 0,
    TP_METRIC_HEAP_FREE = 1,
    TP_METRIC_MAX_BLOCK = 2,
    TP_METRIC_POOL_UTIL = 3,
    TP_METRIC_COUNT = 4
} tp_health_metric_t;

/* Thresholds. tp_health_default_config gives the defaults of tp_config.h
 * (in brackets: the TP_CFG_HEALTH_* option and its default, the seed's value). */
typedef struct {
    uint32_t frag_warn_pct;      /* [FRAG_WARN_PCT 70] */
    uint32_t frag_crit_pct;      /* [FRAG_CRIT_PCT 85] */
    int frag_relative;           /* [FRAG_RELATIVE: 1 on ESP-IDF, else 0] 1: thresholds apply to frag - baseline frag */
    uint32_t free_warn_bytes;    /* [FREE_WARN_KB 50 KiB] warning below */
    uint32_t free_crit_bytes;    /* [FREE_CRIT_KB 20 KiB] critical below */
    uint32_t block_warn_bytes;   /* [BLOCK_TARGET_KB 16 KiB] warning below (target: largest block > 16 KB) */
    uint32_t block_crit_bytes;   /* [BLOCK_CRIT_KB 4 KiB] critical below */
    uint32_t pool_warn_pct;      /* [POOL_WARN_PCT 80] */
    uint32_t pool_crit_pct;      /* [POOL_CRIT_PCT 95] */
    uint32_t hyst_pct;           /* [HYST_PCT 5] points */
    uint32_t hyst_bytes;         /* [HYST_KB 4 KiB] */
    uint32_t largest_interval_us;/* [LARGEST_INTERVAL_MS 1 s] minimum time between two largest-block queries */
} tp_health_config_t;

#define TP_POLICY_FRAG_LOG (1u << 0)
#define TP_POLICY_FRAG_SAVE (1u << 1)
#define TP_POLICY_FRAG_REBOOT (1u << 2)
#define TP_POLICY_LOWHEAP_REBOOT (1u << 3)
#define TP_POLICY_POOL_SHED (1u << 4)
#define TP_POLICY_POOL_FREE_AGED (1u << 5)
#define TP_POLICY_POOL_ALERT (1u << 6)
#define TP_POLICY_POOL_REBOOT (1u << 7)

typedef struct {
    uint32_t flags;                  /* TP_POLICY_* */
    uint32_t shed_reserve_pct;       /* 1..100, share of each tier kept for critical requests */
    uint64_t aged_us;                /* age past which resources are "aged" */
    void (*save_critical)(void *user);
    void (*shed)(int on, void *user);
    void (*free_aged)(uint64_t cutoff_us, void *user);
    void (*alert)(tp_health_metric_t metric, tp_health_state_t state, void *user);
    void *user;
} tp_health_policy_t;

typedef void (*tp_health_change_fn)(tp_health_metric_t metric, tp_health_state_t from,
                                    tp_health_state_t to, uint32_t value, void *user);

/* What the last poll saw. */
typedef struct {
    uint32_t heap_free;        /* ESPHome "Heap Free" */
    uint32_t heap_max_block;   /* ESPHome "Heap Max Block" */
    uint32_t heap_min_free;    /* ESPHome "Heap Min Free" */
    uint32_t heap_frag_pct;    /* ESPHome "Heap Fragmentation" */
    uint32_t heap_total;       /* 0 if the port does not know */
    uint32_t pool_util_pct;    /* the most used tier of any pool */
    uint64_t time_us;
} tp_health_snapshot_t;

typedef struct {
    tp_pool_t *pool;
    const char *name;
    uint32_t last_failed;
    uint32_t util_pct;         /* most used tier of this pool */
    uint32_t blocks_in_use, total_blocks, failed, largest_allocatable;
} tp_health_pool_t;

/* The monitor. Caller storage; fields are read-only for the application. */
typedef struct {
    uint32_t magic;
    tp_health_config_t cfg;
    tp_health_policy_t policy;
    tp_health_change_fn on_change;
    void *change_user;
    tp_health_pool_t pools[TP_CFG_HEALTH_POOLS];
    uint32_t n_pools;
    tp_health_state_t state[TP_METRIC_COUNT];
    uint32_t value[TP_METRIC_COUNT];  /* value compared for each metric */
    tp_health_snapshot_t snap;
    tp_health_snapshot_t baseline;
    int have_baseline;
    int have_largest;
    uint64_t last_largest_us;
    uint32_t polls;
    uint32_t largest_queries;
    int shedding;
    uint32_t transitions;
} tp_health_t;

/* The seed's thresholds (see tp_health_config_t). */
void tp_health_default_config(tp_health_config_t *cfg);

/*
 * Initialise h with cfg (NULL = defaults). No policies, no callbacks.
 * TP_ERR_INVALID_ARG: h NULL; warn/crit out of order (frag_warn > frag_crit,
 * free_warn < free_crit, block_warn < block_crit, pool_warn > pool_crit),
 * a percentage above 100, largest_interval_us 0. h is unchanged on error.
 */
tp_err_t tp_health_init(tp_health_t *h, const tp_health_config_t *cfg);

/*
 * Watch a pool (name may be NULL; kept by pointer). Registering one twice is a no-op.
 * TP_ERR_INVALID_ARG: h not initialised, pool NULL or not initialised.
 * TP_ERR_NO_MEM: TP_CFG_HEALTH_POOLS pools already watched.
 */
tp_err_t tp_health_add_pool(tp_health_t *h, tp_pool_t *pool, const char *name);

/*
 * Opt into policies (NULL = none). TP_ERR_INVALID_ARG: h not initialised;
 * TP_POLICY_POOL_SHED with shed_reserve_pct 0 or above 100; FRAG_SAVE without
 * save_critical, POOL_FREE_AGED without free_aged, POOL_ALERT without alert.
 */
tp_err_t tp_health_set_policy(tp_health_t *h, const tp_health_policy_t *policy);

/* Transition callback (NULL to remove). TP_ERR_INVALID_ARG: h not initialised. */
tp_err_t tp_health_on_change(tp_health_t *h, tp_health_change_fn fn, void *user);

/*
 * Take the boot baseline now (a full heap query, not rate-limited).
 * TP_ERR_INVALID_ARG: h not initialised. TP_ERR_DEFERRED: called from an ISR.
 * Errors of tp_sys_heap_info are passed on.
 */
tp_err_t tp_health_baseline(tp_health_t *h);

/*
 * The periodic call: snapshot, evaluate every metric, call on_change for each
 * transition and run the policies. Takes a baseline first if none was taken.
 * TP_ERR_INVALID_ARG: h not initialised. TP_ERR_DEFERRED: called from an ISR
 * (nothing done). Errors of tp_sys_heap_info are passed on (nothing evaluated).
 * Returns TP_OK otherwise (a controlled reboot on a target does not return).
 */
tp_err_t tp_health_poll(tp_health_t *h);

/* Worst state of any metric. TP_HEALTH_OK for NULL. */
tp_health_state_t tp_health_overall(const tp_health_t *h);

/* "ok", "warning", "critical"; and metric names "fragmentation", "heap_free",
 * "max_block", "pool_util" ("?" for out-of-range values). */
const char *tp_health_state_str(tp_health_state_t s);
const char *tp_health_metric_str(tp_health_metric_t m);

/*
 * The health report as one JSON object into buf (NUL-terminated; nothing is
 * allocated). Field names (docs/diagnostics.md):
 *   {"state":"ok","polls":N,"time_us":N,
 *    "heap_free":N,"heap_max_block":N,"heap_min_free":N,"heap_fragmentation":N,
 *    "heap_total":N,"baseline":{"heap_free":N,"heap_fragmentation":N},
 *    "metrics":{"fragmentation":{"state":"ok","value":N},"heap_free":{...},
 *               "max_block":{...},"pool_util":{...}},
 *    "shedding":false,
 *    "pools":[{"name":"x","util_pct":N,"blocks_in_use":N,"total_blocks":N,
 *              "failed":N,"largest_allocatable":N}]}
 * TP_ERR_INVALID_ARG: h not initialised, buf NULL or size 0.
 * TP_ERR_TRUNCATED: did not fit (buf holds a cut, NUL-terminated prefix).
 * *written (may be NULL): characters written, without the NUL.
 */
tp_err_t tp_health_report_json(const tp_health_t *h, char *buf, size_t size, size_t *written);

#ifdef __cplusplus
}
#endif

#endif /* TP_HEALTH_H */
