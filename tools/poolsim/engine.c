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
    return size <= 256u ? PS_BUCKET_256 : size <= 1024u ? PS_BUCKET_1K : size <= 4096u ? PS_BUCKET_4K
                                                                                        : PS_BUCKET_HUGE;
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
    ps_heap_t *heap;
    tp_pool_t *pool;
    ps_addrmap_t map;
    uint64_t live_bytes, heap_need;
    uint32_t live;
    /* interval state */
    uint64_t next_sample;
    uint64_t interval;
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
    ps_heap_stats(r->heap, &hs);
    tp_pool_stats_t ps;
    tp_pool_get_stats(r->pool, &ps);
    ps_sample_t *s = &res->samples[res->n_samples++];
    s->t_ns = t;
    s->heap_free = hs.total_free;
    s->heap_largest = hs.largest_free;
    s->heap_min_largest = r->heap_min_largest < hs.largest_free ? r->heap_min_largest : hs.largest_free;
    s->heap_frag_pct = ps_heap_fragmentation_pct(&hs);
    s->heap_failed = (uint32_t)(res->heap_failed - r->heap_failed_mark);
    s->heap_failed_total = res->heap_failed;
    s->pool_free = (uint32_t)(ps.bytes_total - ps.bytes_in_use);
    s->pool_largest = ps.largest_allocatable;
    s->pool_min_largest = r->pool_min_largest < ps.largest_allocatable ? r->pool_min_largest
                                                                       : ps.largest_allocatable;
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

static void track_largest(run_t *r, uint64_t t)
{
    ps_heap_stats_t hs;
    ps_heap_stats(r->heap, &hs);
    uint32_t pl = (uint32_t)tp_pool_largest_allocatable(r->pool);
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

static void release(run_t *r, ps_slot_t *s)
{
    if (s->heap_ptr)
        ps_heap_free(r->heap, s->heap_ptr);
    if (s->pool_ptr)
        tp_free(r->pool, s->pool_ptr);
    r->live--;
    r->live_bytes -= s->size;
    r->heap_need -= ps_heap_footprint(r->heap, s->size);
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
    void *hp = ps_heap_alloc(r->heap, ev->size);
    void *pp = tp_alloc(r->pool, ev->size);
    unsigned b = ps_size_bucket(ev->size);
    if (!hp) {
        if (res->heap_failed++ == 0)
            res->heap_first_fail_ns = ev->t_ns;
        res->heap_failed_by[b]++;
    }
    if (!pp) {
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
    r->live++;
    r->live_bytes += ev->size;
    r->heap_need += ps_heap_footprint(r->heap, ev->size);
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

int ps_engine_run(const ps_engine_cfg_t *cfg, ps_source_t src, ps_result_t *res, char *err, size_t len)
{
    memset(res, 0, sizeof *res);
    res->heap_first_fail_ns = res->pool_first_fail_ns = PS_NEVER;
    run_t r;
    memset(&r, 0, sizeof r);
    r.cfg = cfg;
    r.res = res;
    r.interval = cfg->interval_ns ? cfg->interval_ns : NS_PER_HOUR;

    size_t heap_bytes = ps_heap_mem_size(&cfg->heap);
    void *heap_mem = malloc(heap_bytes);
    size_t storage = tp_pool_storage_size(cfg->tiers, cfg->n_tiers);
    size_t storage_alloc = (storage + TP_CFG_STORAGE_ALIGN - 1u) & ~(size_t)(TP_CFG_STORAGE_ALIGN - 1u);
    void *pool_mem = storage ? aligned_alloc(TP_CFG_STORAGE_ALIGN, storage_alloc) : NULL;
    tp_pool_t *pool = calloc(1, sizeof *pool);
    int rc = -1;
    if (!heap_mem || !pool || ps_addrmap_init(&r.map) || (storage && !pool_mem)) {
        snprintf(err, len, "out of memory");
        goto out;
    }
    if (ps_heap_init(&r.heap, heap_mem, heap_bytes, &cfg->heap) != 0) {
        snprintf(err, len, "heap arena of %zu bytes is not within %u..%u", cfg->heap.arena_size,
                 PS_HEAP_MIN_ARENA, PS_HEAP_MAX_ARENA);
        goto out;
    }
    if (!storage || tp_pool_init(pool, cfg->tiers, cfg->n_tiers, pool_mem, storage) != TP_OK) {
        snprintf(err, len, "the pool configuration is invalid");
        goto out;
    }
    r.pool = pool;
    {
        ps_heap_stats_t hs;
        ps_heap_stats(r.heap, &hs);
        res->heap_arena = (uint32_t)(cfg->heap.arena_size ? cfg->heap.arena_size : PS_HEAP_DEFAULT_ARENA);
        res->heap_min_free = hs.total_free;
        res->heap_min_largest = hs.largest_free;
        r.heap_min_largest = hs.largest_free;
        res->pool_min_largest = r.pool_min_largest = (uint32_t)tp_pool_largest_allocatable(pool);
        res->pool_bytes_total = ps_tiers_block_bytes(cfg->tiers, cfg->n_tiers);
        res->pool_storage = storage;
    }
    if (add_sample(&r, 0))
        goto oom;
    r.next_sample = r.interval;

    ps_event_t ev;
    uint64_t last_t = 0;
    if (src.rewind)
        src.rewind(src.ctx);
    while (src.next(src.ctx, &ev)) {
        if (ev.t_ns < last_t) {
            res->out_of_order++;
            ev.t_ns = last_t;
        }
        last_t = ev.t_ns;
        /* Sample every boundary this event passes, with the state before it
         * (an event exactly at a boundary belongs to the interval it ends). */
        while (ev.t_ns > r.next_sample && (!cfg->end_ns || r.next_sample <= cfg->end_ns)) {
            if (add_sample(&r, r.next_sample))
                goto oom;
            r.next_sample += r.interval;
        }
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
    res->end_ns = cfg->end_ns ? cfg->end_ns : last_t;
    while (r.next_sample <= res->end_ns) {
        if (add_sample(&r, r.next_sample))
            goto oom;
        r.next_sample += r.interval;
    }
    /* A last, partial interval. */
    if (res->samples[res->n_samples - 1].t_ns < res->end_ns && add_sample(&r, res->end_ns))
        goto oom;
    ps_heap_stats(r.heap, &res->heap_end);
    tp_pool_get_stats(pool, &res->pool_end);
    rc = 0;
    goto out;
oom:
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
