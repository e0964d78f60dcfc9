/* sweep.c - see sweep.h. */
#include "sweep.h"

#include <stdio.h>
#include <string.h>

ps_range_t ps_sweep_default_levels(const ps_caps_opts_t *heap)
{
    uint64_t total = 0;
    for (size_t i = 0; i < heap->n; i++)
        total += heap->regions[i].len;
    ps_range_t levels = { 0, (uint32_t)((total * 3u / 4u) & ~(uint64_t)16383u) };
    return levels;
}

uint32_t ps_sweep_default_step(ps_range_t levels)
{
    const uint32_t span = levels.max - levels.min;
    return span >= 16u * 1024u ? (span / 16u) & ~1023u : (span ? span : 1u);
}

uint64_t ps_sweep_levels(const ps_sweep_cfg_t *cfg)
{
    if (cfg->step == 0 || cfg->levels.min > cfg->levels.max)
        return 0;
    return (uint64_t)(cfg->levels.max - cfg->levels.min) / cfg->step + 1u;
}

ps_sweep_status_t ps_sweep_run(const ps_sweep_cfg_t *cfg, ps_sweep_row_fn fn, void *user, char *err, size_t len)
{
    const uint64_t n = ps_sweep_levels(cfg);
    if (n == 0) {
        snprintf(err, len, "the levels %u:%u in steps of %u are empty", cfg->levels.min, cfg->levels.max, cfg->step);
        return PS_SWEEP_ERR_CONFIG;
    }
    ps_workload_cfg_t wl = cfg->wl;
    ps_engine_cfg_t eng = cfg->eng;
    eng.interval_ns = wl.duration_ns; /* one sample per level is enough */
    eng.end_ns = wl.duration_ns;
    eng.progress = NULL;
    for (uint64_t i = 0; i < n; i++) {
        const uint64_t level = cfg->levels.min + i * cfg->step;
        wl.background_bytes = (uint32_t)level;
        ps_workload_t *w = ps_workload_new(&wl, err, len);
        if (!w)
            return PS_SWEEP_ERR_CONFIG;
        ps_result_t res;
        int rc = ps_engine_run(&eng, ps_source_workload(w), &res, err, len);
        ps_workload_free(w);
        if (rc) {
            ps_result_free(&res);
            return PS_SWEEP_ERR_RUN;
        }
        ps_sweep_row_t row = { level,
                               res.allocs,
                               res.heap_failed,
                               res.pool_failed,
                               res.heap_first_fail_ns,
                               res.pool_first_fail_ns,
                               res.heap_min_largest,
                               res.heap_min_free };
        ps_result_free(&res);
        if (fn && fn(&row, user))
            return PS_SWEEP_STOPPED;
    }
    return PS_SWEEP_OK;
}
