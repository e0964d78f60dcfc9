/* engine.c - one event stream, two allocators, sampled in simulated time. */
#include "engine.h"

#include "addrmap.h"
#include "tiers.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#define NS_PER_HOUR ((uint64_t)3600000000000u)

unsigned ps_size_bucket(uint32_t size)
{
    return size <= 256u ? PS_BUCKET_256 : size <= 1024u ? PS_BUCKET_1K : size <= 4096u ? PS_BUCKET_4K : PS_BUCKET_HUGE;
}

const char *ps_bucket_name(unsigned b)
{
    static const char *const names[PS_BUCKETS] = { "<=256", "257..1024", "1025..4096", ">4096" };
    return b < PS_BUCKETS ? names[b] : "?";
}

uint64_t ps_engine_interval_for_span(uint64_t span_ns)
{
    return span_ns / 24u > 1000000u ? span_ns / 24u : 1000000u;
}

/* ---- the run ---- */

typedef struct {
    const ps_engine_cfg_t *cfg;
    ps_result_t *res;
    ps_caps_t *heap;
    tp_pool_t *pool; /* NULL with cfg->heap_only */
    ps_addrmap_t map;
    uint64_t live_bytes, heap_need;
    uint32_t live;
    /* interval state */
    uint64_t next_sample;
    uint64_t interval;
    size_t max_samples;
    int grid_done; /* no boundary left below 2^64 ns */
    uint32_t heap_min_largest, pool_min_largest;
    uint64_t heap_failed_mark, pool_failed_mark;
} run_t;

static int add_sample(run_t *r, uint64_t t)
{
    ps_result_t *res = r->res;
    if (res->n_samples == res->cap_samples) {
        size_t cap = res->cap_samples ? res->cap_samples * 2u : 64u;
        ps_sample_t *p = realloc(res->samples, cap * sizeof *p);
        if (!p)
            return -1;
        res->samples = p;
        res->cap_samples = cap;
    }
    ps_heap_stats_t hs;
    ps_caps_stats(r->heap, &hs);
    tp_pool_stats_t ps;
    memset(&ps, 0, sizeof ps);
    if (r->pool)
        tp_pool_get_stats(r->pool, &ps);
    ps_sample_t *s = &res->samples[res->n_samples++];
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < ps_caps_count(r->heap); i++) {
        ps_heap_stats_t rs;
        ps_heap_stats(ps_caps_region(r->heap, i), &rs);
        s->region_free[i] = rs.total_free;
        s->region_largest[i] = rs.largest_free;
    }
    s->t_ns = t;
    s->heap_free = hs.total_free;
    s->heap_largest = hs.largest_free;
    s->heap_min_largest = r->heap_min_largest < hs.largest_free ? r->heap_min_largest : hs.largest_free;
    s->heap_frag_pct = ps_heap_fragmentation_pct(&hs);
    s->heap_failed = (uint32_t)(res->heap_failed - r->heap_failed_mark);
    s->heap_failed_total = res->heap_failed;
    s->pool_free = (uint32_t)(ps.bytes_total - ps.bytes_in_use);
    s->pool_largest = ps.largest_allocatable;
    s->pool_min_largest = r->pool_min_largest < ps.largest_allocatable ? r->pool_min_largest : ps.largest_allocatable;
    s->pool_failed = (uint32_t)(res->pool_failed - r->pool_failed_mark);
    s->pool_failed_total = res->pool_failed;
    s->live_allocs = r->live;
    s->live_bytes = r->live_bytes;
    /* the next interval starts from the current state */
    r->heap_min_largest = hs.largest_free;
    r->pool_min_largest = ps.largest_allocatable;
    r->heap_failed_mark = res->heap_failed;
    r->pool_failed_mark = res->pool_failed;
    if (r->cfg->progress)
        r->cfg->progress(r->cfg->progress_user, t, r->cfg->end_ns);
    return 0;
}

static uint32_t add_sat32(uint32_t a, uint32_t b)
{
    return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

/*
 * Double the interval: rows 2j-1 and 2j become one row at 2j intervals (the
 * later state, the worse minimum, the failures of both). A row left over at
 * an odd boundary is folded back into the running interval.
 */
static void widen(run_t *r)
{
    ps_result_t *res = r->res;
    if (r->interval > UINT64_MAX / 2u) {
        r->grid_done = 1; /* no wider interval: no more boundaries */
        return;
    }
    ps_sample_t *s = res->samples;
    const size_t k = res->n_samples - 1u; /* rows after the one at 0 */
    for (size_t j = 1; j <= k / 2u; j++) {
        ps_sample_t a = s[2u * j - 1u], b = s[2u * j];
        b.heap_min_largest = a.heap_min_largest < b.heap_min_largest ? a.heap_min_largest : b.heap_min_largest;
        b.pool_min_largest = a.pool_min_largest < b.pool_min_largest ? a.pool_min_largest : b.pool_min_largest;
        b.heap_failed = add_sat32(a.heap_failed, b.heap_failed);
        b.pool_failed = add_sat32(a.pool_failed, b.pool_failed);
        s[j] = b;
    }
    if (k % 2u) {
        const ps_sample_t *odd = &s[k];
        if (odd->heap_min_largest < r->heap_min_largest)
            r->heap_min_largest = odd->heap_min_largest;
        if (odd->pool_min_largest < r->pool_min_largest)
            r->pool_min_largest = odd->pool_min_largest;
        r->heap_failed_mark = odd->heap_failed_total - odd->heap_failed;
        r->pool_failed_mark = odd->pool_failed_total - odd->pool_failed;
    }
    res->n_samples = 1u + k / 2u;
    r->interval *= 2u;
    res->interval_doublings++;
}

/* The boundary after the last row, or grid_done when it would pass 2^64 ns. */
static void advance(run_t *r)
{
    const uint64_t last = r->res->samples[r->res->n_samples - 1u].t_ns;
    if (last > UINT64_MAX - r->interval)
        r->grid_done = 1;
    else
        r->next_sample = last + r->interval;
}

/* A row at every boundary before t (inclusive: at t too), at most up to limit. */
static int sample_until(run_t *r, uint64_t t, int inclusive, uint64_t limit)
{
    while (!r->grid_done && (r->next_sample < t || (inclusive && r->next_sample == t)) && r->next_sample <= limit) {
        if (add_sample(r, r->next_sample))
            return -1;
        if (r->res->n_samples > r->max_samples + 1u)
            widen(r);
        if (!r->grid_done)
            advance(r);
    }
    return 0;
}

static void track_largest(run_t *r, uint64_t t)
{
    ps_heap_stats_t hs;
    ps_caps_free_and_largest(r->heap, &hs.total_free, &hs.largest_free);
    uint32_t pl = r->pool ? (uint32_t)tp_pool_largest_allocatable(r->pool) : 0u;
    if (hs.largest_free < r->heap_min_largest)
        r->heap_min_largest = hs.largest_free;
    if (pl < r->pool_min_largest)
        r->pool_min_largest = pl;
    if (hs.largest_free < r->res->heap_min_largest) {
        r->res->heap_min_largest = hs.largest_free;
        r->res->heap_min_largest_ns = t;
    }
    if (pl < r->res->pool_min_largest) {
        r->res->pool_min_largest = pl;
        r->res->pool_min_largest_ns = t;
    }
    if (hs.total_free < r->res->heap_min_free)
        r->res->heap_min_free = hs.total_free;
}

/* The slot's tag holds the heap region that served it, or -1 (the engine's use of tag). */
static int slot_region(const ps_slot_t *s)
{
    return s->heap_ptr ? (int)s->tag : -1;
}

static void release(run_t *r, ps_slot_t *s)
{
    if (s->heap_ptr)
        ps_caps_free(r->heap, s->heap_ptr);
    if (s->pool_ptr)
        tp_free(r->pool, s->pool_ptr);
    r->live--;
    r->live_bytes -= s->size;
    r->heap_need -= ps_caps_footprint(r->heap, s->size, slot_region(s));
    ps_addrmap_delete(&r->map, s);
}

static int on_alloc(run_t *r, const ps_event_t *ev)
{
    ps_result_t *res = r->res;
    if (ev->size == 0) {
        res->zero_allocs++;
        return 0;
    }
    ps_slot_t *old = ps_addrmap_find(&r->map, ev->addr);
    if (old) {
        res->reused_addrs++;
        release(r, old);
    }
    res->allocs++;
    int region;
    void *hp = ps_caps_alloc(r->heap, ev->size, &region);
    int to_pool = r->pool && !(ev->task < 64u && ((r->cfg->heap_only_tasks >> ev->task) & 1u));
    void *pp = to_pool ? tp_alloc(r->pool, ev->size) : NULL;
    if (to_pool)
        res->pool_allocs++;
    if (hp)
        res->region_allocs[region]++;
    unsigned b = ps_size_bucket(ev->size);
    if (!hp) {
        if (res->heap_failed++ == 0)
            res->heap_first_fail_ns = ev->t_ns;
        res->heap_failed_by[b]++;
    }
    if (!pp && to_pool) {
        if (res->pool_failed++ == 0)
            res->pool_first_fail_ns = ev->t_ns;
        res->pool_failed_by[b]++;
    }
    ps_slot_t *s = ps_addrmap_insert(&r->map, ev->addr);
    if (!s)
        return -1;
    s->heap_ptr = hp;
    s->pool_ptr = pp;
    s->size = ev->size;
    s->tag = hp ? (uint32_t)region : 0u;
    r->live++;
    r->live_bytes += ev->size;
    r->heap_need += ps_caps_footprint(r->heap, ev->size, region);
    if (r->live_bytes > res->peak_live_bytes)
        res->peak_live_bytes = r->live_bytes;
    if (r->live > res->peak_live_count)
        res->peak_live_count = r->live;
    if (r->heap_need > res->peak_heap_need)
        res->peak_heap_need = r->heap_need;
    if (ev->size > res->max_request)
        res->max_request = ev->size;
    track_largest(r, ev->t_ns);
    return 0;
}

int ps_engine_heap(const ps_engine_cfg_t *cfg, ps_caps_opts_t *out, char *err, size_t len)
{
    memset(out, 0, sizeof *out);
    out->poison = cfg->heap.poison;
    out->idf = cfg->heap.idf;
    if (cfg->n_regions > PS_CAPS_MAX_REGIONS) {
        snprintf(err, len, "at most %u heap regions", PS_CAPS_MAX_REGIONS);
        return -1;
    }
    if (cfg->n_regions) {
        out->n = cfg->n_regions;
        memcpy(out->regions, cfg->regions, out->n * sizeof out->regions[0]);
    } else {
        out->n = 1;
        out->regions[0].len = (uint32_t)(cfg->heap.arena_size ? cfg->heap.arena_size : PS_HEAP_DEFAULT_ARENA);
        if (cfg->heap.arena_size > PS_HEAP_MAX_ARENA)
            out->regions[0].len = 0; /* refused by ps_caps_validate / ps_caps_init */
    }
    return 0;
}

int ps_engine_run(const ps_engine_cfg_t *cfg, ps_source_t src, ps_result_t *res, char *err, size_t len)
{
    memset(res, 0, sizeof *res);
    res->heap_first_fail_ns = res->pool_first_fail_ns = PS_NEVER;
    run_t r;
    memset(&r, 0, sizeof r);
    r.cfg = cfg;
    r.res = res;
    r.interval = cfg->interval_ns ? cfg->interval_ns : NS_PER_HOUR;
    r.max_samples = cfg->max_samples ? cfg->max_samples : PS_ENGINE_MAX_SAMPLES;

    ps_caps_opts_t co;
    if (ps_engine_heap(cfg, &co, err, len))
        return -1;
    size_t heap_bytes = ps_caps_mem_size(&co);
    void *heap_mem = heap_bytes ? aligned_alloc(8, (heap_bytes + 7u) & ~(size_t)7u) : NULL;
    size_t storage = cfg->heap_only ? 0 : tp_pool_storage_size(cfg->tiers, cfg->n_tiers);
    size_t storage_alloc = (storage + TP_CFG_STORAGE_ALIGN - 1u) & ~(size_t)(TP_CFG_STORAGE_ALIGN - 1u);
    void *pool_mem = storage ? aligned_alloc(TP_CFG_STORAGE_ALIGN, storage_alloc) : NULL;
    tp_pool_t *pool = cfg->heap_only ? NULL : calloc(1, sizeof *pool);
    int rc = -1;
    if (heap_bytes == 0 || ps_caps_init(&r.heap, heap_mem, heap_bytes, &co, err, len) != 0) {
        if (heap_bytes && !heap_mem)
            snprintf(err, len, "out of memory");
        else if (heap_bytes == 0)
            (void)ps_caps_init(&r.heap, NULL, 0, &co, err, len); /* for its message */
        goto out;
    }
    if ((!cfg->heap_only && !pool) || ps_addrmap_init(&r.map) || (storage && !pool_mem)) {
        snprintf(err, len, "out of memory");
        goto out;
    }
    if (!cfg->heap_only && (!storage || tp_pool_init(pool, cfg->tiers, cfg->n_tiers, pool_mem, storage) != TP_OK)) {
        snprintf(err, len, "the pool configuration is invalid");
        goto out;
    }
    r.pool = pool;
    {
        ps_heap_stats_t hs;
        ps_caps_stats(r.heap, &hs);
        ps_idf_heap_t rel;
        if (ps_idf_heap(cfg->heap.idf, &rel) == 0)
            res->idf = rel.version;
        res->n_regions = ps_caps_count(r.heap);
        for (size_t i = 0; i < res->n_regions; i++) {
            res->regions[i] = *ps_caps_region_desc(r.heap, i);
            res->heap_len_total += res->regions[i].len;
        }
        (void)ps_caps_try_order(r.heap, res->try_order);
        res->heap_initial_free = hs.total_free;
        res->heap_min_free = hs.total_free;
        res->heap_min_largest = hs.largest_free;
        r.heap_min_largest = hs.largest_free;
        res->pool_min_largest = r.pool_min_largest = pool ? (uint32_t)tp_pool_largest_allocatable(pool) : 0u;
        res->pool_bytes_total = cfg->heap_only ? 0 : ps_tiers_block_bytes(cfg->tiers, cfg->n_tiers);
        res->pool_storage = storage;
    }
    if (add_sample(&r, 0))
        goto oom;
    advance(&r);

    ps_event_t ev;
    uint64_t last_t = 0;
    const uint64_t limit = cfg->end_ns ? cfg->end_ns : UINT64_MAX;
    if (src.rewind && src.rewind(src.ctx)) {
        snprintf(err, len, "the event source cannot be read again");
        goto out;
    }
    int got;
    while ((got = src.next(src.ctx, &ev)) > 0) {
        if (ev.t_ns < last_t) {
            res->out_of_order++;
            ev.t_ns = last_t;
        }
        last_t = ev.t_ns;
        /* Sample every boundary this event passes, with the state before it
         * (an event exactly at a boundary belongs to the interval it ends). */
        if (sample_until(&r, ev.t_ns, 0, limit))
            goto oom;
        res->events++;
        if (ev.kind == PS_EV_ALLOC) {
            if (on_alloc(&r, &ev))
                goto oom;
        } else {
            ps_slot_t *s = ps_addrmap_find(&r.map, ev.addr);
            if (!s) {
                res->unknown_frees++;
                continue;
            }
            res->frees++;
            release(&r, s);
        }
    }
    if (got < 0) {
        snprintf(err, len, "the event source failed");
        goto out;
    }
    res->end_ns = cfg->end_ns ? cfg->end_ns : last_t;
    if (sample_until(&r, res->end_ns, 1, res->end_ns))
        goto oom;
    /* A last, partial interval. */
    if (res->samples[res->n_samples - 1].t_ns < res->end_ns && add_sample(&r, res->end_ns))
        goto oom;
    res->interval_ns = r.interval;
    res->end_live_count = r.live;
    res->end_live_bytes = r.live_bytes;
    ps_caps_stats(r.heap, &res->heap_end);
    if (pool)
        tp_pool_get_stats(pool, &res->pool_end);
    rc = 0;
    goto out;
oom:
    if (r.map.full)
        snprintf(err, len, "more than %zu blocks alive at once: poolsim's limit (PS_ADDRMAP_MAX)", PS_ADDRMAP_MAX);
    else
        snprintf(err, len, "out of memory");
out:
    ps_addrmap_destroy(&r.map);
    free(heap_mem);
    free(pool_mem);
    free(pool);
    return rc;
}

void ps_result_free(ps_result_t *res)
{
    free(res->samples);
    res->samples = NULL;
    res->n_samples = res->cap_samples = 0;
}
