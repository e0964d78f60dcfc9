/* spread.c - the range of heap outcomes over small perturbations; see spread.h. */
#include "spread.h"

#include <stdio.h>
#include <string.h>

/* The start-up block's address: outside any trace's (they are at most 48 bits
 * wide) and any generator's ids. */
#define STARTUP_ADDR UINT64_C(0xFFFFFFFFFFFFFFF0)

void ps_spread_defaults(ps_spread_cfg_t *cfg)
{
    cfg->n = PS_SPREAD_DEFAULT;
    cfg->region_delta_max = 512;
    cfg->startup_max = 1024;
    cfg->seeds = 0;
    cfg->seed = 0;
}

/* splitmix64: the perturbations of run k, the same on every machine. */
static uint64_t mix(uint64_t x)
{
    x += UINT64_C(0x9E3779B97F4A7C15);
    x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
    return x ^ (x >> 31);
}

ps_spread_run_t ps_spread_perturbation(const ps_spread_cfg_t *cfg, unsigned k)
{
    ps_spread_run_t r;
    memset(&r, 0, sizeof r);
    uint64_t a = mix(k), b = mix(a);
    uint32_t steps = cfg->region_delta_max / 4u; /* +-steps words */
    r.region_delta = (int32_t)(a % (2u * (uint64_t)steps + 1u)) * 4 - (int32_t)steps * 4;
    r.startup_bytes = (uint32_t)(b % ((uint64_t)cfg->startup_max / 4u + 1u)) * 4u;
    r.first_fail_ns = PS_NEVER;
    return r;
}

/* The stream with a start-up block in front. */
typedef struct {
    ps_source_t inner;
    uint32_t size;
    int emitted;
} startup_cursor_t;

static int startup_next(void *ctx, ps_event_t *ev)
{
    startup_cursor_t *c = ctx;
    if (!c->emitted) {
        c->emitted = 1;
        if (c->size) {
            memset(ev, 0, sizeof *ev);
            ev->addr = STARTUP_ADDR;
            ev->size = c->size;
            ev->kind = PS_EV_ALLOC;
            return 1;
        }
    }
    return c->inner.next(c->inner.ctx, ev);
}

static int startup_rewind(void *ctx)
{
    startup_cursor_t *c = ctx;
    c->emitted = 0;
    return c->inner.rewind ? c->inner.rewind(c->inner.ctx) : 0;
}

/* The longest region (the first of equals). */
static size_t longest_region(const ps_engine_cfg_t *eng)
{
    size_t big = 0;
    for (size_t i = 1; i < eng->n_regions; i++)
        if (eng->regions[i].len > eng->regions[big].len)
            big = i;
    return big;
}

static void sort_u64(uint64_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

int ps_spread_sensitive(const ps_spread_t *s)
{
    if (s->runs_failing != 0 && s->runs_failing != s->runs)
        return 1;
    return s->failed_max * 4u > s->failed_min * 5u;
}

int ps_spread_run(const ps_spread_cfg_t *cfg, const ps_engine_cfg_t *eng, const ps_result_t *base,
                  ps_spread_source_fn source, ps_spread_done_fn done, void *user, ps_spread_t *out, char *err,
                  size_t len)
{
    memset(out, 0, sizeof *out);
    if (cfg->n == 0 || cfg->n > PS_SPREAD_MAX) {
        snprintf(err, len, "the spread takes 1..%u perturbed runs", PS_SPREAD_MAX);
        return -1;
    }
    out->run[0].failed = base->heap_failed;
    out->run[0].first_fail_ns = base->heap_first_fail_ns;
    ps_engine_cfg_t e;
    for (unsigned k = 1; k <= cfg->n; k++) {
        ps_spread_run_t *r = &out->run[k];
        *r = ps_spread_perturbation(cfg, k);
        e = *eng;
        e.heap_only = 1;
        e.progress = NULL;
        /* the longest region, longer or shorter (not one too short to take it) */
        uint32_t *len0 = e.n_regions ? &e.regions[longest_region(&e)].len : NULL;
        uint64_t was = len0 ? *len0 : (e.heap.arena_size ? e.heap.arena_size : PS_HEAP_DEFAULT_ARENA);
        if (was < 8u * (uint64_t)cfg->region_delta_max)
            r->region_delta = 0;
        uint64_t now = (uint64_t)((int64_t)was + r->region_delta);
        if (len0)
            *len0 = (uint32_t)now;
        else
            e.heap.arena_size = (size_t)now;
        ps_source_t inner;
        if (source(user, k, &inner, err, len))
            return -1;
        startup_cursor_t sc = { inner, r->startup_bytes, 0 };
        ps_source_t src = { startup_next, startup_rewind, &sc };
        ps_result_t res;
        int rc = ps_engine_run(&e, src, &res, err, len);
        if (done)
            done(user, k);
        if (rc) {
            ps_result_free(&res);
            return -1;
        }
        r->failed = res.heap_failed;
        r->first_fail_ns = res.heap_first_fail_ns;
        ps_result_free(&res);
    }
    out->runs = cfg->n + 1u;

    uint64_t f[PS_SPREAD_MAX + 1u], t[PS_SPREAD_MAX + 1u];
    size_t nt = 0;
    for (unsigned k = 0; k < out->runs; k++) {
        f[k] = out->run[k].failed;
        if (out->run[k].failed) {
            out->runs_failing++;
            t[nt++] = out->run[k].first_fail_ns;
        }
    }
    sort_u64(f, out->runs);
    out->failed_min = f[0];
    out->failed_max = f[out->runs - 1u];
    out->failed_median = f[(out->runs - 1u) / 2u]; /* the lower middle value for an even count */
    out->first_min = out->first_median = out->first_max = PS_NEVER;
    if (nt) {
        sort_u64(t, nt);
        out->first_min = t[0];
        out->first_max = t[nt - 1u];
        out->first_median = t[(nt - 1u) / 2u];
    }
    out->sensitive = ps_spread_sensitive(out);
    return 0;
}
