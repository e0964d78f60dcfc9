/**
 * @file tp_gate.h
 * Readiness gate: let a component initialise only when the memory
 * it needs is there (the second seed: a 768-byte allocation failing during a
 * component's initialisation).
 *
 * A gate (caller storage) holds the requirement: at least `min_free` bytes of
 * memory kind `kind` free, and (probe_size > 0) a probe allocation of
 * probe_size bytes of that kind succeeding (freed at once). The component
 * polls tp_gate_check(); it returns TP_OK once (and from then on) the
 * requirement holds, else TP_ERR_DEFERRED with a reason and the time of the
 * next attempt. Attempts before that time are not made (the call returns
 * TP_ERR_DEFERRED with reason TP_GATE_BACKOFF at no cost). The wait doubles
 * after each failed attempt, from backoff_initial_us up to backoff_max_us.
 * After max_attempts failed attempts (0 = never) the gate gives up:
 * TP_ERR_NO_MEM from then on.
 *
 * tp_gate_check_static is the variant for static initialisers (C++
 * constructors, __attribute__((constructor))): no logging, no RTOS or time
 * calls, no allocation: only the cheap free-bytes counter.
 */
#ifndef TP_GATE_H
#define TP_GATE_H

#include <stddef.h>
#include <stdint.h>

#include "tierpool.h"
#include "tp_sys.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Why the gate said what it said (tp_gate_reason). */
typedef enum {
    TP_GATE_READY = 0,    /**< requirement met */
    TP_GATE_NOT_CHECKED,  /**< no attempt yet */
    TP_GATE_LOW_HEAP,     /**< free bytes below min_free */
    TP_GATE_PROBE_FAILED, /**< the probe allocation returned NULL */
    TP_GATE_BACKOFF,      /**< waiting for next_retry_us */
    TP_GATE_IN_ISR,       /**< called from an interrupt handler */
    TP_GATE_GAVE_UP       /**< max_attempts reached */
} tp_gate_reason_t;

/** A gate's requirement (copied by tp_gate_init). */
typedef struct {
    const char *name;            /**< for log lines (kept by pointer; may be NULL) */
    uint32_t min_free;           /**< bytes of `kind` that must be free */
    uint32_t probe_size;         /**< bytes of the probe allocation; 0 = no probe */
    tp_mem_kind_t kind;          /**< which memory */
    uint32_t backoff_initial_us; /**< wait after the first failed attempt; > 0 */
    uint32_t backoff_max_us;     /**< the wait doubles up to this; >= backoff_initial_us */
    uint32_t max_attempts;       /**< failed attempts before giving up; 0 = retry forever */
    int quiet;                   /**< 1: do not log deferrals */
} tp_gate_cfg_t;

/** A gate. Caller storage; the fields are read-only for the application. */
typedef struct {
    uint32_t magic;          /**< set by tp_gate_init */
    tp_gate_cfg_t cfg;       /**< the requirement */
    tp_gate_reason_t reason; /**< reason of the last result */
    uint32_t attempts;       /**< attempts made (each a free check and maybe a probe) */
    uint32_t backoff_us;     /**< wait after the next failure */
    uint64_t next_retry_us;  /**< no attempt before this time (tp_sys_time_us) */
    uint32_t last_free;      /**< free bytes seen at the last attempt */
    int passed;              /**< 1 once the requirement held: the gate stays open */
} tp_gate_t;

/**
 * Initialise a gate.
 * @param gate  caller storage
 * @param cfg   the requirement (copied)
 * @retval TP_OK               ready for tp_gate_check
 * @retval TP_ERR_INVALID_ARG  gate or cfg NULL, backoff_initial_us 0, backoff_max_us
 *                             below backoff_initial_us, kind not a tp_mem_kind_t;
 *                             gate unchanged
 */
tp_err_t tp_gate_init(tp_gate_t *gate, const tp_gate_cfg_t *cfg);

/**
 * May the component initialise now? Makes an attempt unless it is too early
 * (backoff) or the caller is an ISR. Safe from an ISR: it then answers
 * TP_ERR_DEFERRED (reason TP_GATE_IN_ISR, no attempt counted) unless the
 * gate is already open or has given up.
 * @param gate  an initialised gate
 * @retval TP_OK               the component may initialise (and the gate stays open)
 * @retval TP_ERR_DEFERRED     not yet; see tp_gate_reason and tp_gate_next_retry_us
 * @retval TP_ERR_NO_MEM       gave up after max_attempts (from then on)
 * @retval TP_ERR_INVALID_ARG  gate NULL or not initialised
 */
tp_err_t tp_gate_check(tp_gate_t *gate);

/**
 * Reason of the last result.
 * @param gate  a gate
 * @return the reason; TP_GATE_NOT_CHECKED for NULL or a gate not initialised
 * @isr
 */
tp_gate_reason_t tp_gate_reason(const tp_gate_t *gate);

/**
 * When the next attempt will be made.
 * @param gate  a gate
 * @return its time (tp_sys_time_us); 0 for NULL or a gate not initialised
 * @isr
 */
uint64_t tp_gate_next_retry_us(const tp_gate_t *gate);

/**
 * Name of a reason.
 * @param reason  any value
 * @return "ready", "not_checked", "low_heap", "probe_failed", "backoff",
 *         "in_isr", "gave_up"; "?" for other values
 * @isr
 */
const char *tp_gate_reason_str(tp_gate_reason_t reason);

/**
 * The variant for static initialisers: only the cheap free-bytes counter, no
 * logging, no RTOS or time calls, no allocation.
 * @param min_free  bytes of kind that must be free
 * @param kind      which memory
 * @retval TP_OK            tp_sys_heap_free(kind) >= min_free
 * @retval TP_ERR_DEFERRED  less is free (also when the port does not know: 0 free)
 */
tp_err_t tp_gate_check_static(uint32_t min_free, tp_mem_kind_t kind);

#ifdef __cplusplus
}
#endif

#endif /* TP_GATE_H */
