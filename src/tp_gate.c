/*
 * tp_gate.c - readiness gate (see tp_gate.h).
 */
#include "../include/tp_gate.h"

#include <stdio.h>
#include <string.h>

#define GATE_MAGIC 0x67617465u /* "gate" */

tp_err_t tp_gate_init(tp_gate_t *gate, const tp_gate_cfg_t *cfg)
{
    if (gate == NULL || cfg == NULL || cfg->backoff_initial_us == 0u || cfg->backoff_max_us < cfg->backoff_initial_us ||
        (uint32_t)cfg->kind > (uint32_t)TP_MEM_SPIRAM) {
        return TP_ERR_INVALID_ARG;
    }
    memset(gate, 0, sizeof *gate);
    gate->cfg = *cfg;
    gate->reason = TP_GATE_NOT_CHECKED;
    gate->backoff_us = cfg->backoff_initial_us;
    gate->magic = GATE_MAGIC;
    return TP_OK;
}

static void log_deferral(const tp_gate_t *g)
{
    if (g->cfg.quiet) {
        return;
    }
    char line[128];
    (void)snprintf(line, sizeof line,
                   "gate %s: deferred (%s): free %lu, need %lu, probe %lu; attempt %lu, retry in %lu us",
                   g->cfg.name != NULL ? g->cfg.name : "?", tp_gate_reason_str(g->reason), (unsigned long)g->last_free,
                   (unsigned long)g->cfg.min_free, (unsigned long)g->cfg.probe_size, (unsigned long)g->attempts,
                   (unsigned long)(g->next_retry_us - tp_sys_time_us()));
    tp_sys_log(1, line);
}

tp_err_t tp_gate_check(tp_gate_t *gate)
{
    if (gate == NULL || gate->magic != GATE_MAGIC) {
        return TP_ERR_INVALID_ARG;
    }
    if (gate->passed) {
        return TP_OK;
    }
    if (gate->reason == TP_GATE_GAVE_UP) {
        return TP_ERR_NO_MEM;
    }
    if (tp_sys_in_isr()) {
        gate->reason = TP_GATE_IN_ISR;
        return TP_ERR_DEFERRED;
    }
    const uint64_t now = tp_sys_time_us();
    if (gate->attempts > 0u && now < gate->next_retry_us) {
        gate->reason = TP_GATE_BACKOFF;
        return TP_ERR_DEFERRED;
    }
    gate->attempts++;
    gate->last_free = tp_sys_heap_free(gate->cfg.kind);
    tp_gate_reason_t why = TP_GATE_READY;
    if (gate->last_free < gate->cfg.min_free) {
        why = TP_GATE_LOW_HEAP;
    } else if (gate->cfg.probe_size > 0u) {
        void *probe = tp_sys_heap_alloc(gate->cfg.kind, gate->cfg.probe_size);
        if (probe == NULL) {
            why = TP_GATE_PROBE_FAILED;
        } else {
            tp_sys_heap_release(probe);
        }
    }
    gate->reason = why;
    if (why == TP_GATE_READY) {
        gate->passed = 1;
        return TP_OK;
    }
    gate->next_retry_us = now + gate->backoff_us;
    log_deferral(gate);
    TP_CFG_ASSERT(gate->backoff_us <= gate->cfg.backoff_max_us);
    gate->backoff_us =
        gate->backoff_us > gate->cfg.backoff_max_us / 2u ? gate->cfg.backoff_max_us : gate->backoff_us * 2u;
    if (gate->cfg.max_attempts != 0u && gate->attempts >= gate->cfg.max_attempts) {
        gate->reason = TP_GATE_GAVE_UP;
        if (!gate->cfg.quiet) {
            char line[96];
            (void)snprintf(line, sizeof line, "gate %s: gave up after %lu attempts",
                           gate->cfg.name != NULL ? gate->cfg.name : "?", (unsigned long)gate->attempts);
            tp_sys_log(0, line);
        }
        return TP_ERR_NO_MEM;
    }
    return TP_ERR_DEFERRED;
}

tp_gate_reason_t tp_gate_reason(const tp_gate_t *gate)
{
    return (gate == NULL || gate->magic != GATE_MAGIC) ? TP_GATE_NOT_CHECKED : gate->reason;
}

uint64_t tp_gate_next_retry_us(const tp_gate_t *gate)
{
    return (gate == NULL || gate->magic != GATE_MAGIC) ? 0u : gate->next_retry_us;
}

const char *tp_gate_reason_str(tp_gate_reason_t reason)
{
    switch (reason) {
    case TP_GATE_READY: return "ready";
    case TP_GATE_NOT_CHECKED: return "not_checked";
    case TP_GATE_LOW_HEAP: return "low_heap";
    case TP_GATE_PROBE_FAILED: return "probe_failed";
    case TP_GATE_BACKOFF: return "backoff";
    case TP_GATE_IN_ISR: return "in_isr";
    case TP_GATE_GAVE_UP: return "gave_up";
    default: return "?";
    }
}

tp_err_t tp_gate_check_static(uint32_t min_free, tp_mem_kind_t kind)
{
    return tp_sys_heap_free(kind) >= min_free ? TP_OK : TP_ERR_DEFERRED;
}
