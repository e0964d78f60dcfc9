/**
 * @file tp_health.h
 * Heap and pool health monitor.
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

/** State of a metric, from good to bad. */
typedef enum {
    TP_HEALTH_OK = 0,      /**< within its thresholds */
    TP_HEALTH_WARNING = 1, /**< past the warning threshold */
    TP_HEALTH_CRITICAL = 2 /**< past the critical threshold; policies run on entry */
} tp_health_state_t;

/** What the monitor judges (see the file's description). */
typedef enum {
    TP_METRIC_FRAGMENTATION = 0, /**< 100 - 100 * largest free block / free bytes, % */
    TP_METRIC_HEAP_FREE = 1,     /**< bytes free; bad when low */
    TP_METRIC_MAX_BLOCK = 2,     /**< largest free block; bad when low */
    TP_METRIC_POOL_UTIL = 3,     /**< the most used tier of any registered pool, % */
    TP_METRIC_COUNT = 4          /**< number of metrics */
} tp_health_metric_t;

/**
 * Thresholds. tp_health_default_config gives the defaults of tp_config.h (in
 * brackets: the TP_CFG_HEALTH_* option whose value is the default; the
 * defaults there are the seed's values).
 */
typedef struct {
    uint32_t frag_warn_pct;   /**< [TP_CFG_HEALTH_FRAG_WARN_PCT] warning at or above, % */
    uint32_t frag_crit_pct;   /**< [TP_CFG_HEALTH_FRAG_CRIT_PCT] critical at or above, % */
    int frag_relative;        /**< [TP_CFG_HEALTH_FRAG_RELATIVE] 1: thresholds apply to frag - baseline frag */
    uint32_t free_warn_bytes; /**< [TP_CFG_HEALTH_FREE_WARN_KB] warning below */
    uint32_t free_crit_bytes; /**< [TP_CFG_HEALTH_FREE_CRIT_KB] critical below */
    uint32_t
        block_warn_bytes; /**< [TP_CFG_HEALTH_BLOCK_TARGET_KB] warning below (the seed's target: largest block above 16 KB) */
    uint32_t block_crit_bytes; /**< [TP_CFG_HEALTH_BLOCK_CRIT_KB] critical below */
    uint32_t pool_warn_pct;    /**< [TP_CFG_HEALTH_POOL_WARN_PCT] warning at or above, % */
    uint32_t pool_crit_pct;    /**< [TP_CFG_HEALTH_POOL_CRIT_PCT] critical at or above, % */
    uint32_t hyst_pct;         /**< [TP_CFG_HEALTH_HYST_PCT] margin to leave a state, percentage points */
    uint32_t hyst_bytes;       /**< [TP_CFG_HEALTH_HYST_KB] margin to leave a state, bytes */
    uint32_t
        largest_interval_us; /**< [TP_CFG_HEALTH_LARGEST_INTERVAL_MS] minimum time between two largest-block queries */
} tp_health_config_t;

/** Policy: log the heap state (error level) when fragmentation turns critical. */
#define TP_POLICY_FRAG_LOG (1u << 0)
/** Policy: call save_critical when fragmentation turns critical (also before a low-heap reboot). */
#define TP_POLICY_FRAG_SAVE (1u << 1)
/** Policy: controlled reboot (record TP_CRASH_REBOOT_FRAGMENTATION) when fragmentation turns critical. */
#define TP_POLICY_FRAG_REBOOT (1u << 2)
/** Policy: controlled reboot (record TP_CRASH_REBOOT_LOW_HEAP) when the free heap turns critical. */
#define TP_POLICY_LOWHEAP_REBOOT (1u << 3)
/** Policy: keep shed_reserve_pct % of every tier for critical requests until pool use is ok again. */
#define TP_POLICY_POOL_SHED (1u << 4)
/** Policy: call free_aged when pool use turns critical. */
#define TP_POLICY_POOL_FREE_AGED (1u << 5)
/** Policy: call alert when pool use turns critical. */
#define TP_POLICY_POOL_ALERT (1u << 6)
/** Policy: controlled reboot (record TP_CRASH_REBOOT_EXHAUSTION) when pool use turns critical. */
#define TP_POLICY_POOL_REBOOT (1u << 7)

/** The policies the application opts into, and their callbacks. */
typedef struct {
    uint32_t flags;            /**< TP_POLICY_* */
    uint32_t shed_reserve_pct; /**< 1..100, share of each tier kept for critical requests */
    uint64_t aged_us;          /**< age past which resources are "aged" (free_aged's cutoff) */
    /** TP_POLICY_FRAG_SAVE: save what must survive a reboot. */
    void (*save_critical)(void *user);
    /** TP_POLICY_POOL_SHED: shedding starts (on = 1) or stops (on = 0). */
    void (*shed)(int on, void *user);
    /** TP_POLICY_POOL_FREE_AGED: free resources allocated before cutoff_us. */
    void (*free_aged)(uint64_t cutoff_us, void *user);
    /** TP_POLICY_POOL_ALERT: a metric turned critical. */
    void (*alert)(tp_health_metric_t metric, tp_health_state_t state, void *user);
    void *user; /**< passed to every callback */
} tp_health_policy_t;

/**
 * Called for every state change of every metric, before the policies.
 * @param metric  which metric
 * @param from    its state before
 * @param to      its state now
 * @param value   the value compared (tp_health_t.value)
 * @param user    what tp_health_on_change was given
 */
typedef void (*tp_health_change_fn)(tp_health_metric_t metric, tp_health_state_t from, tp_health_state_t to,
                                    uint32_t value, void *user);

/** What a poll saw. */
typedef struct {
    uint32_t heap_free;      /**< ESPHome "Heap Free" */
    uint32_t heap_max_block; /**< ESPHome "Heap Max Block" */
    uint32_t heap_min_free;  /**< ESPHome "Heap Min Free" */
    uint32_t heap_frag_pct;  /**< ESPHome "Heap Fragmentation" */
    uint32_t heap_total;     /**< bytes the heap manages; 0 if the port does not know */
    uint32_t pool_util_pct;  /**< the most used tier of any pool, % */
    uint64_t time_us;        /**< tp_sys_time_us of the poll */
} tp_health_snapshot_t;

/** One watched pool and what the last poll saw of it. */
typedef struct {
    tp_pool_t *pool;              /**< the pool */
    const char *name;             /**< its name in reports (kept by pointer) */
    uint32_t last_failed;         /**< its failed counter at the previous poll */
    uint32_t util_pct;            /**< its most used tier, % */
    uint32_t blocks_in_use;       /**< blocks handed out */
    uint32_t total_blocks;        /**< blocks of all tiers */
    uint32_t failed;              /**< failed requests so far */
    uint32_t largest_allocatable; /**< biggest request it would serve */
} tp_health_pool_t;

/** The monitor. Caller storage; the fields are read-only for the application. */
typedef struct {
    uint32_t magic;                              /**< set by tp_health_init */
    tp_health_config_t cfg;                      /**< thresholds */
    tp_health_policy_t policy;                   /**< policies */
    tp_health_change_fn on_change;               /**< transition callback, or NULL */
    void *change_user;                           /**< passed to on_change */
    tp_health_pool_t pools[TP_CFG_HEALTH_POOLS]; /**< watched pools */
    uint32_t n_pools;                            /**< how many */
    tp_health_state_t state[TP_METRIC_COUNT];    /**< state of each metric */
    uint32_t value[TP_METRIC_COUNT];             /**< value compared for each metric */
    tp_health_snapshot_t snap;                   /**< the last poll */
    tp_health_snapshot_t baseline;               /**< the boot baseline */
    int have_baseline;                           /**< 1 once the baseline is taken */
    int have_largest;                            /**< 1 once the largest block was queried */
    uint64_t last_largest_us;                    /**< time of the last largest-block query */
    uint32_t polls;                              /**< polls so far */
    uint32_t largest_queries;                    /**< largest-block queries so far */
    int shedding;                                /**< 1 while TP_POLICY_POOL_SHED holds reserves */
    uint32_t transitions;                        /**< state changes so far */
} tp_health_t;

/**
 * The default thresholds (tp_config.h's TP_CFG_HEALTH_*; see tp_health_config_t).
 * @param cfg  receives them; NULL does nothing
 */
void tp_health_default_config(tp_health_config_t *cfg);

/**
 * Initialise a monitor. No policies, no callbacks, no pools.
 * @param h    caller storage
 * @param cfg  thresholds (copied); NULL = tp_health_default_config
 * @retval TP_OK               initialised
 * @retval TP_ERR_INVALID_ARG  h NULL; warn/crit out of order (frag_warn > frag_crit,
 *                             free_warn < free_crit, block_warn < block_crit,
 *                             pool_warn > pool_crit), a percentage above 100,
 *                             largest_interval_us 0; h unchanged
 */
tp_err_t tp_health_init(tp_health_t *h, const tp_health_config_t *cfg);

/**
 * Watch a pool (registering one twice is a no-op).
 * @param h     an initialised monitor
 * @param pool  an initialised pool (kept by pointer)
 * @param name  its name in reports (kept by pointer); NULL = ""
 * @retval TP_OK               watched
 * @retval TP_ERR_INVALID_ARG  h not initialised, pool NULL or not initialised
 * @retval TP_ERR_NO_MEM       TP_CFG_HEALTH_POOLS pools already watched
 */
tp_err_t tp_health_add_pool(tp_health_t *h, tp_pool_t *pool, const char *name);

/**
 * Opt into policies.
 * @param h       an initialised monitor
 * @param policy  the policies (copied); NULL = none
 * @retval TP_OK               set
 * @retval TP_ERR_INVALID_ARG  h not initialised; TP_POLICY_POOL_SHED with
 *                             shed_reserve_pct 0 or above 100; FRAG_SAVE without
 *                             save_critical, POOL_FREE_AGED without free_aged,
 *                             POOL_ALERT without alert; nothing changes
 */
tp_err_t tp_health_set_policy(tp_health_t *h, const tp_health_policy_t *policy);

/**
 * Install the transition callback.
 * @param h     an initialised monitor
 * @param fn    the callback; NULL removes it
 * @param user  passed to fn
 * @retval TP_OK               installed
 * @retval TP_ERR_INVALID_ARG  h not initialised
 */
tp_err_t tp_health_on_change(tp_health_t *h, tp_health_change_fn fn, void *user);

/**
 * Take the boot baseline now (a full heap query, not rate-limited).
 * @param h  an initialised monitor
 * @retval TP_OK               taken
 * @retval TP_ERR_INVALID_ARG  h not initialised
 * @retval TP_ERR_DEFERRED     called from an ISR (nothing done)
 * @return otherwise the error of tp_sys_heap_info
 */
tp_err_t tp_health_baseline(tp_health_t *h);

/**
 * The periodic call: snapshot, evaluate every metric, call on_change for each
 * transition and run the policies. Takes a baseline first if none was taken.
 * A controlled reboot on a target does not return.
 * @param h  an initialised monitor
 * @retval TP_OK               evaluated
 * @retval TP_ERR_INVALID_ARG  h not initialised
 * @retval TP_ERR_DEFERRED     called from an ISR (nothing done)
 * @return otherwise the error of tp_sys_heap_info (nothing evaluated)
 */
tp_err_t tp_health_poll(tp_health_t *h);

/**
 * The worst state of any metric.
 * @param h  a monitor
 * @return that state; TP_HEALTH_OK for NULL or a monitor not initialised
 * @isr
 */
tp_health_state_t tp_health_overall(const tp_health_t *h);

/**
 * Name of a state.
 * @param s  any value
 * @return "ok", "warning", "critical"; "?" for other values
 * @isr
 */
const char *tp_health_state_str(tp_health_state_t s);

/**
 * Name of a metric.
 * @param m  any value
 * @return "fragmentation", "heap_free", "max_block", "pool_util"; "?" for other values
 * @isr
 */
const char *tp_health_metric_str(tp_health_metric_t m);

/**
 * The health report as one JSON object (nothing is allocated). Field names
 * (docs/diagnostics.md):
 * @code
 * {"state":"ok","polls":N,"time_us":N,
 *  "heap_free":N,"heap_max_block":N,"heap_min_free":N,"heap_fragmentation":N,
 *  "heap_total":N,"baseline":{"heap_free":N,"heap_fragmentation":N},
 *  "metrics":{"fragmentation":{"state":"ok","value":N},"heap_free":{...},
 *             "max_block":{...},"pool_util":{...}},
 *  "shedding":false,
 *  "pools":[{"name":"x","util_pct":N,"blocks_in_use":N,"total_blocks":N,
 *            "failed":N,"largest_allocatable":N}]}
 * @endcode
 * @param h        an initialised monitor
 * @param buf      receives the JSON, always NUL-terminated
 * @param size     bytes of buf
 * @param written  receives the characters written, without the NUL; may be NULL
 * @retval TP_OK               the whole report
 * @retval TP_ERR_INVALID_ARG  h not initialised, buf NULL or size 0
 * @retval TP_ERR_TRUNCATED    it did not fit: buf holds a cut, NUL-terminated prefix
 */
tp_err_t tp_health_report_json(const tp_health_t *h, char *buf, size_t size, size_t *written);

#ifdef __cplusplus
}
#endif

#endif /* TP_HEALTH_H */
