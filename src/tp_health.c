/*
 * tp_health.c - heap and pool health monitor (see tp_health.h).
 */
#include "../include/tp_health.h"

#include <stdio.h>
#include <string.h>

#include "../include/tp_crash.h"
#include "tp_diag_util.h"

#define HEALTH_MAGIC 0x68656c74u /* "helt" */

void tp_health_default_config(tp_health_config_t *cfg)
{
    if (cfg == NULL) {
        return;
    }
    memset(cfg, 0, sizeof *cfg);
    /* The defaults are tp_config.h's (one place, checked there). */
    cfg->frag_warn_pct = TP_CFG_HEALTH_FRAG_WARN_PCT;
    cfg->frag_crit_pct = TP_CFG_HEALTH_FRAG_CRIT_PCT;
    cfg->frag_relative = TP_CFG_HEALTH_FRAG_RELATIVE;
    cfg->free_warn_bytes = TP_CFG_HEALTH_FREE_WARN_KB * 1024u;
    cfg->free_crit_bytes = TP_CFG_HEALTH_FREE_CRIT_KB * 1024u;
    cfg->block_warn_bytes = TP_CFG_HEALTH_BLOCK_TARGET_KB * 1024u;
    cfg->block_crit_bytes = TP_CFG_HEALTH_BLOCK_CRIT_KB * 1024u;
    cfg->pool_warn_pct = TP_CFG_HEALTH_POOL_WARN_PCT;
    cfg->pool_crit_pct = TP_CFG_HEALTH_POOL_CRIT_PCT;
    cfg->hyst_pct = TP_CFG_HEALTH_HYST_PCT;
    cfg->hyst_bytes = TP_CFG_HEALTH_HYST_KB * 1024u;
    cfg->largest_interval_us = TP_CFG_HEALTH_LARGEST_INTERVAL_MS * 1000u;
}

static int config_ok(const tp_health_config_t *c)
{
    return c->frag_warn_pct <= c->frag_crit_pct && c->frag_crit_pct <= 100u &&
           c->free_warn_bytes >= c->free_crit_bytes && c->block_warn_bytes >= c->block_crit_bytes &&
           c->pool_warn_pct <= c->pool_crit_pct && c->pool_crit_pct <= 100u && c->hyst_pct <= 100u &&
           c->largest_interval_us > 0u;
}

static int ready(const tp_health_t *h)
{
    return h != NULL && h->magic == HEALTH_MAGIC;
}

tp_err_t tp_health_init(tp_health_t *h, const tp_health_config_t *cfg)
{
    tp_health_config_t c;
    if (h == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    if (cfg == NULL) {
        tp_health_default_config(&c);
    } else {
        c = *cfg;
    }
    if (!config_ok(&c)) {
        return TP_ERR_INVALID_ARG;
    }
    memset(h, 0, sizeof *h);
    h->cfg = c;
    h->magic = HEALTH_MAGIC;
    return TP_OK;
}

tp_err_t tp_health_add_pool(tp_health_t *h, tp_pool_t *pool, const char *name)
{
    if (!ready(h) || tp_pool_tier_count(pool) == 0u) { /* pool NULL or not initialised */
        return TP_ERR_INVALID_ARG;
    }
    for (uint32_t i = 0; i < h->n_pools; i++) {
        if (h->pools[i].pool == pool) {
            return TP_OK;
        }
    }
    if (h->n_pools >= TP_CFG_HEALTH_POOLS) {
        return TP_ERR_NO_MEM;
    }
    tp_health_pool_t *p = &h->pools[h->n_pools++];
    TP_CFG_ASSERT(h->n_pools <= TP_CFG_HEALTH_POOLS);
    memset(p, 0, sizeof *p);
    p->pool = pool;
    p->name = name != NULL ? name : "";
    tp_pool_stats_t st;
    if (tp_pool_get_stats(pool, &st) == TP_OK) {
        p->last_failed = st.failed;
    }
    return TP_OK;
}

tp_err_t tp_health_set_policy(tp_health_t *h, const tp_health_policy_t *policy)
{
    if (!ready(h)) {
        return TP_ERR_INVALID_ARG;
    }
    if (policy == NULL) {
        memset(&h->policy, 0, sizeof h->policy);
        return TP_OK;
    }
    const uint32_t f = policy->flags;
    if (((f & TP_POLICY_POOL_SHED) != 0u && (policy->shed_reserve_pct == 0u || policy->shed_reserve_pct > 100u)) ||
        ((f & TP_POLICY_FRAG_SAVE) != 0u && policy->save_critical == NULL) ||
        ((f & TP_POLICY_POOL_FREE_AGED) != 0u && policy->free_aged == NULL) ||
        ((f & TP_POLICY_POOL_ALERT) != 0u && policy->alert == NULL)) {
        return TP_ERR_INVALID_ARG;
    }
    h->policy = *policy;
    return TP_OK;
}

tp_err_t tp_health_on_change(tp_health_t *h, tp_health_change_fn fn, void *user)
{
    if (!ready(h)) {
        return TP_ERR_INVALID_ARG;
    }
    h->on_change = fn;
    h->change_user = user;
    return TP_OK;
}

/* 100 - 100 * largest / free, integer, without overflow or 64-bit division. */
static uint32_t frag_pct(uint32_t free_bytes, uint32_t largest)
{
    if (free_bytes == 0u) {
        return 0u;
    }
    if (largest >= free_bytes) {
        return 0u;
    }
    uint32_t ratio;
    if (largest <= 0xFFFFFFFFu / 100u) {
        ratio = largest * 100u / free_bytes;
    } else {
        ratio = largest / (free_bytes / 100u); /* free > largest > 42 MB: free/100 > 0 */
        if (ratio > 100u) {
            ratio = 100u;
        }
    }
    TP_CFG_ASSERT(ratio <= 100u);
    return 100u - ratio;
}

/* Refresh h->snap. full: query the largest block too. */
static tp_err_t take_snapshot(tp_health_t *h, int full)
{
    const uint64_t now = tp_sys_time_us();
    tp_health_snapshot_t *s = &h->snap;
    if (full) {
        tp_heap_info_t info;
        const tp_err_t err = tp_sys_heap_info(TP_MEM_INTERNAL, &info);
        if (err != TP_OK) {
            return err;
        }
        s->heap_free = info.total_free;
        s->heap_max_block = info.largest_free;
        s->heap_min_free = info.min_free_ever;
        s->heap_total = info.total_size;
        h->have_largest = 1;
        h->last_largest_us = now;
        h->largest_queries++;
    } else {
        s->heap_free = tp_sys_heap_free(TP_MEM_INTERNAL);
        if (s->heap_free < s->heap_min_free) {
            s->heap_min_free = s->heap_free;
        }
        if (s->heap_max_block > s->heap_free) {
            s->heap_max_block = s->heap_free;
        }
    }
    s->heap_frag_pct = frag_pct(s->heap_free, s->heap_max_block);
    s->time_us = now;
    uint32_t worst = 0;
    for (uint32_t i = 0; i < h->n_pools; i++) {
        tp_health_pool_t *p = &h->pools[i];
        tp_pool_stats_t st;
        if (tp_pool_get_stats(p->pool, &st) != TP_OK) {
            continue;
        }
        uint32_t util = 0;
        for (uint32_t t = 0; t < st.n_tiers; t++) {
            const uint32_t u = st.tier[t].in_use * 100u / st.tier[t].block_count;
            util = u > util ? u : util;
        }
        p->util_pct = util;
        p->blocks_in_use = st.blocks_in_use;
        p->total_blocks = st.total_blocks;
        p->failed = st.failed;
        p->largest_allocatable = st.largest_allocatable;
        worst = util > worst ? util : worst;
    }
    s->pool_util_pct = worst;
    tp_crash_note_heap(s->heap_max_block, s->heap_min_free, s->heap_frag_pct);
    return TP_OK;
}

tp_err_t tp_health_baseline(tp_health_t *h)
{
    if (!ready(h)) {
        return TP_ERR_INVALID_ARG;
    }
    if (tp_sys_in_isr()) {
        return TP_ERR_DEFERRED;
    }
    const tp_err_t err = take_snapshot(h, 1);
    if (err != TP_OK) {
        return err;
    }
    h->baseline = h->snap;
    h->have_baseline = 1;
    return TP_OK;
}

/* State for value v; high_bad: bigger is worse. Hysteresis on the way down. */
static tp_health_state_t judge(tp_health_state_t cur, uint32_t v, uint32_t warn, uint32_t crit, uint32_t hyst,
                               int high_bad)
{
    tp_health_state_t raw, eased;
    if (high_bad) {
        raw = v >= crit ? TP_HEALTH_CRITICAL : v >= warn ? TP_HEALTH_WARNING : TP_HEALTH_OK;
        const uint32_t vh = v > 0xFFFFFFFFu - hyst ? 0xFFFFFFFFu : v + hyst;
        eased = vh >= crit ? TP_HEALTH_CRITICAL : vh >= warn ? TP_HEALTH_WARNING : TP_HEALTH_OK;
    } else {
        raw = v < crit ? TP_HEALTH_CRITICAL : v < warn ? TP_HEALTH_WARNING : TP_HEALTH_OK;
        const uint32_t vh = v < hyst ? 0u : v - hyst;
        eased = vh < crit ? TP_HEALTH_CRITICAL : vh < warn ? TP_HEALTH_WARNING : TP_HEALTH_OK;
    }
    if (raw >= cur) {
        return raw;
    }
    /* Getting better: leave a state only with the margin; never above cur. */
    TP_CFG_ASSERT(eased <= TP_HEALTH_CRITICAL && cur <= TP_HEALTH_CRITICAL);
    return eased < cur ? eased : cur;
}

static void log_state(const tp_health_t *h, int level, const char *what)
{
    char line[160];
    (void)snprintf(line, sizeof line,
                   "health: %s: heap free %lu, max block %lu, min free %lu, fragmentation %lu%%, "
                   "pool util %lu%%",
                   what, (unsigned long)h->snap.heap_free, (unsigned long)h->snap.heap_max_block,
                   (unsigned long)h->snap.heap_min_free, (unsigned long)h->snap.heap_frag_pct,
                   (unsigned long)h->snap.pool_util_pct);
    tp_sys_log(level, line);
}

static void set_shedding(tp_health_t *h, int on)
{
    for (uint32_t i = 0; i < h->n_pools; i++) {
        tp_pool_t *pool = h->pools[i].pool;
        tp_tier_usage_t u;
        for (uint32_t t = 0; tp_pool_tier_usage(pool, t, &u) == TP_OK; t++) {
            const uint32_t count = u.block_count;
            uint32_t reserve = 0;
            if (on) {
                reserve = count * h->policy.shed_reserve_pct / 100u;
                reserve = reserve == 0u ? 1u : reserve;
            }
            (void)tp_pool_set_reserve(pool, t, reserve);
        }
    }
    h->shedding = on;
    if (h->policy.shed != NULL) {
        h->policy.shed(on, h->policy.user);
    }
    tp_sys_log(on ? 1 : 2, on ? "health: pools exhausted: shedding non-critical requests"
                              : "health: pools recovered: shedding stopped");
}

static void run_policies(tp_health_t *h, tp_health_metric_t m, tp_health_state_t from, tp_health_state_t to)
{
    const tp_health_policy_t *p = &h->policy;
    const uint32_t f = p->flags;
    if (m == TP_METRIC_POOL_UTIL && h->shedding && to == TP_HEALTH_OK) {
        set_shedding(h, 0);
    }
    if (to != TP_HEALTH_CRITICAL || from == TP_HEALTH_CRITICAL) {
        return;
    }
    if (m == TP_METRIC_FRAGMENTATION) {
        if ((f & TP_POLICY_FRAG_LOG) != 0u) {
            log_state(h, 0, "CRITICAL fragmentation");
        }
        if ((f & TP_POLICY_FRAG_SAVE) != 0u) {
            p->save_critical(p->user);
        }
        if ((f & TP_POLICY_FRAG_REBOOT) != 0u) {
            tp_sys_log(0, "health: controlled reboot (fragmentation)");
            (void)tp_crash_reboot(TP_CRASH_REBOOT_FRAGMENTATION, tp_sys_task_name(), h->snap.heap_frag_pct);
        }
    } else if (m == TP_METRIC_HEAP_FREE) {
        if ((f & TP_POLICY_LOWHEAP_REBOOT) != 0u) {
            log_state(h, 0, "CRITICAL free heap");
            if ((f & TP_POLICY_FRAG_SAVE) != 0u) {
                p->save_critical(p->user);
            }
            tp_sys_log(0, "health: controlled reboot (low heap)");
            (void)tp_crash_reboot(TP_CRASH_REBOOT_LOW_HEAP, tp_sys_task_name(), h->snap.heap_free);
        }
    } else if (m == TP_METRIC_POOL_UTIL) {
        if ((f & TP_POLICY_POOL_SHED) != 0u && !h->shedding) {
            set_shedding(h, 1);
        }
        if ((f & TP_POLICY_POOL_FREE_AGED) != 0u) {
            const uint64_t now = h->snap.time_us;
            const uint64_t cutoff = now > p->aged_us ? now - p->aged_us : 0u;
            p->free_aged(cutoff, p->user);
        }
        if ((f & TP_POLICY_POOL_ALERT) != 0u) {
            p->alert(m, to, p->user);
        }
        if ((f & TP_POLICY_POOL_REBOOT) != 0u) {
            tp_sys_log(0, "health: controlled reboot (pool exhaustion)");
            (void)tp_crash_reboot(TP_CRASH_REBOOT_EXHAUSTION, tp_sys_task_name(), h->snap.pool_util_pct);
        }
    }
}

tp_err_t tp_health_poll(tp_health_t *h)
{
    if (!ready(h)) {
        return TP_ERR_INVALID_ARG;
    }
    if (tp_sys_in_isr()) {
        return TP_ERR_DEFERRED;
    }
    if (!h->have_baseline) {
        const tp_err_t err = tp_health_baseline(h);
        if (err != TP_OK) {
            return err;
        }
    } else {
        const uint64_t now = tp_sys_time_us();
        const int full = !h->have_largest || now - h->last_largest_us >= h->cfg.largest_interval_us;
        const tp_err_t err = take_snapshot(h, full);
        if (err != TP_OK) {
            return err;
        }
    }
    h->polls++;

    const tp_health_config_t *c = &h->cfg;
    const tp_health_snapshot_t *s = &h->snap;
    uint32_t frag = s->heap_frag_pct;
    if (c->frag_relative) {
        frag = frag > h->baseline.heap_frag_pct ? frag - h->baseline.heap_frag_pct : 0u;
    }
    int exhausted = 0;
    for (uint32_t i = 0; i < h->n_pools; i++) {
        if (h->pools[i].failed != h->pools[i].last_failed) {
            exhausted = 1;
            h->pools[i].last_failed = h->pools[i].failed;
        }
    }
    tp_health_state_t next[TP_METRIC_COUNT];
    h->value[TP_METRIC_FRAGMENTATION] = frag;
    h->value[TP_METRIC_HEAP_FREE] = s->heap_free;
    h->value[TP_METRIC_MAX_BLOCK] = s->heap_max_block;
    h->value[TP_METRIC_POOL_UTIL] = s->pool_util_pct;
    next[TP_METRIC_FRAGMENTATION] = judge(h->state[0], frag, c->frag_warn_pct, c->frag_crit_pct, c->hyst_pct, 1);
    next[TP_METRIC_HEAP_FREE] =
        judge(h->state[1], s->heap_free, c->free_warn_bytes, c->free_crit_bytes, c->hyst_bytes, 0);
    next[TP_METRIC_MAX_BLOCK] =
        judge(h->state[2], s->heap_max_block, c->block_warn_bytes, c->block_crit_bytes, c->hyst_bytes, 0);
    next[TP_METRIC_POOL_UTIL] =
        exhausted ? TP_HEALTH_CRITICAL
                  : judge(h->state[3], s->pool_util_pct, c->pool_warn_pct, c->pool_crit_pct, c->hyst_pct, 1);
    for (int m = 0; m < TP_METRIC_COUNT; m++) {
        const tp_health_state_t from = h->state[m];
        const tp_health_state_t to = next[m];
        if (from == to) {
            continue;
        }
        h->state[m] = to;
        h->transitions++;
        char line[96];
        (void)snprintf(line, sizeof line, "health: %s %s -> %s (value %lu)",
                       tp_health_metric_str((tp_health_metric_t)m), tp_health_state_str(from), tp_health_state_str(to),
                       (unsigned long)h->value[m]);
        tp_sys_log(to == TP_HEALTH_CRITICAL ? 0 : to == TP_HEALTH_WARNING ? 1 : 2, line);
        if (h->on_change != NULL) {
            h->on_change((tp_health_metric_t)m, from, to, h->value[m], h->change_user);
        }
        run_policies(h, (tp_health_metric_t)m, from, to);
    }
    return TP_OK;
}

tp_health_state_t tp_health_overall(const tp_health_t *h)
{
    tp_health_state_t worst = TP_HEALTH_OK;
    if (!ready(h)) {
        return worst;
    }
    for (int m = 0; m < TP_METRIC_COUNT; m++) {
        worst = h->state[m] > worst ? h->state[m] : worst;
    }
    return worst;
}

const char *tp_health_state_str(tp_health_state_t s)
{
    switch (s) {
    case TP_HEALTH_OK: return "ok";
    case TP_HEALTH_WARNING: return "warning";
    case TP_HEALTH_CRITICAL: return "critical";
    default: return "?";
    }
}

const char *tp_health_metric_str(tp_health_metric_t m)
{
    switch (m) {
    case TP_METRIC_FRAGMENTATION: return "fragmentation";
    case TP_METRIC_HEAP_FREE: return "heap_free";
    case TP_METRIC_MAX_BLOCK: return "max_block";
    case TP_METRIC_POOL_UTIL: return "pool_util";
    default: return "?";
    }
}

/* A JSON string body: quotes and backslashes escaped, control characters dropped. */
static void json_str(tp__out_t *o, const char *s)
{
    char chunk[2] = { 0, 0 };
    for (; s != NULL && *s != '\0'; s++) {
        if (*s == '"' || *s == '\\') {
            tp__out_printf(o, "\\%c", *s);
        } else if ((unsigned char)*s >= 0x20u) {
            chunk[0] = *s;
            tp__out_printf(o, "%s", chunk);
        }
    }
}

tp_err_t tp_health_report_json(const tp_health_t *h, char *buf, size_t size, size_t *written)
{
    if (!ready(h) || buf == NULL || size == 0u) {
        return TP_ERR_INVALID_ARG;
    }
    tp__out_t o;
    tp__out_init(&o, buf, size);
    const tp_health_snapshot_t *s = &h->snap;
    /* time_us in decimal while it fits 32 bits (71 minutes), then as a hex
     * string: no 64-bit division on 32-bit targets. */
    {
        if ((s->time_us >> 32) == 0u) {
            tp__out_printf(&o, "{\"state\":\"%s\",\"polls\":%lu,\"time_us\":%lu,",
                           tp_health_state_str(tp_health_overall(h)), (unsigned long)h->polls,
                           (unsigned long)(uint32_t)s->time_us);
        } else {
            tp__out_printf(&o, "{\"state\":\"%s\",\"polls\":%lu,\"time_us\":\"0x%lx%08lx\",",
                           tp_health_state_str(tp_health_overall(h)), (unsigned long)h->polls,
                           (unsigned long)(uint32_t)(s->time_us >> 32), (unsigned long)(uint32_t)s->time_us);
        }
    }
    tp__out_printf(&o,
                   "\"heap_free\":%lu,\"heap_max_block\":%lu,\"heap_min_free\":%lu,"
                   "\"heap_fragmentation\":%lu,\"heap_total\":%lu,",
                   (unsigned long)s->heap_free, (unsigned long)s->heap_max_block, (unsigned long)s->heap_min_free,
                   (unsigned long)s->heap_frag_pct, (unsigned long)s->heap_total);
    tp__out_printf(&o, "\"baseline\":{\"heap_free\":%lu,\"heap_fragmentation\":%lu},",
                   (unsigned long)h->baseline.heap_free, (unsigned long)h->baseline.heap_frag_pct);
    tp__out_printf(&o, "\"metrics\":{");
    for (int m = 0; m < TP_METRIC_COUNT; m++) {
        tp__out_printf(&o, "%s\"%s\":{\"state\":\"%s\",\"value\":%lu}", m ? "," : "",
                       tp_health_metric_str((tp_health_metric_t)m), tp_health_state_str(h->state[m]),
                       (unsigned long)h->value[m]);
    }
    tp__out_printf(&o, "},\"shedding\":%s,\"pools\":[", h->shedding ? "true" : "false");
    for (uint32_t i = 0; i < h->n_pools; i++) {
        const tp_health_pool_t *p = &h->pools[i];
        tp__out_printf(&o, "%s{\"name\":\"", i ? "," : "");
        json_str(&o, p->name);
        tp__out_printf(&o,
                       "\",\"util_pct\":%lu,\"blocks_in_use\":%lu,\"total_blocks\":%lu,"
                       "\"failed\":%lu,\"largest_allocatable\":%lu}",
                       (unsigned long)p->util_pct, (unsigned long)p->blocks_in_use, (unsigned long)p->total_blocks,
                       (unsigned long)p->failed, (unsigned long)p->largest_allocatable);
    }
    tp__out_printf(&o, "]}");
    if (written != NULL) {
        *written = o.len;
    }
    return o.truncated ? TP_ERR_TRUNCATED : TP_OK;
}
