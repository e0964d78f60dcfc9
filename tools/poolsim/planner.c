/* planner.c - see planner.h for the method and why it is sound. */
#include "planner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrmap.h"
#include "tiers.h"

#define ALIGN 4u
#define MAX_CANDIDATES 256u
#define COST_INF UINT64_MAX

void ps_plan_defaults(ps_plan_cfg_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->headroom_pct = 25;
    cfg->max_candidates = 64;
    cfg->max_tiers = TP_CFG_MAX_TIERS;
    memset(&cfg->heap, 0, sizeof cfg->heap);
}

static uint32_t round4(uint32_t s)
{
    return (s + ALIGN - 1u) & ~(ALIGN - 1u);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The top of s's bucket with `steps` buckets per power of two (0 = s itself). */
static uint32_t bucket_top(uint32_t s, unsigned steps)
{
    if (!steps)
        return s;
    unsigned e = 31u - (unsigned)__builtin_clz(s);
    uint32_t step = (1u << e) / steps;
    if (step < ALIGN)
        step = ALIGN;
    return (uint32_t)(((uint64_t)s + step - 1u) / step * step);
}

/* Merge sorted distinct sizes into at most max candidates; returns the count. */
static size_t coarsen(const uint32_t *sizes, size_t n, uint32_t *cand, unsigned max, unsigned *steps_used)
{
    static const unsigned ladder[] = { 0, 64, 32, 16, 8, 4, 2, 1 };
    size_t k = 0;
    for (size_t l = 0; l < sizeof ladder / sizeof ladder[0]; l++) {
        k = 0;
        for (size_t i = 0; i < n; i++) {
            /* the last size of each bucket is its candidate */
            if (i + 1u == n || bucket_top(sizes[i + 1u], ladder[l]) != bucket_top(sizes[i], ladder[l])) {
                if (k < MAX_CANDIDATES)
                    cand[k] = sizes[i];
                k++;
            }
        }
        *steps_used = ladder[l];
        if (k <= max)
            break;
    }
    return k;
}

/* Index (1-based) of the smallest candidate >= s. */
static unsigned class_of(const uint32_t *cand, size_t k, uint32_t s)
{
    size_t lo = 0, hi = k; /* first index with cand >= s */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2u;
        if (cand[mid] < s)
            lo = mid + 1u;
        else
            hi = mid;
    }
    return (unsigned)lo + 1u;
}

static uint32_t blocks_needed(uint32_t peak, uint32_t headroom_pct)
{
    uint64_t n = ((uint64_t)peak * (100u + headroom_pct) + 99u) / 100u;
    return n > 0xFFFFFFu ? 0xFFFFFFu : (uint32_t)n;
}

/* Tiers and storage for N blocks of at least `size`, split at TP_MAX_BLOCKS_PER_TIER blocks per tier. */
static unsigned split_tiers(uint32_t size, uint32_t n, tp_tier_t *out, uint64_t *cost)
{
    unsigned sub = (n + TP_MAX_BLOCKS_PER_TIER - 1u) / TP_MAX_BLOCKS_PER_TIER;
    uint64_t c = 0;
    for (unsigned s = 0; s < sub; s++) {
        tp_tier_t t = { size + s * ALIGN, s + 1u < sub ? TP_MAX_BLOCKS_PER_TIER : n - s * TP_MAX_BLOCKS_PER_TIER };
        if (out)
            out[s] = t;
        c += tp_pool_storage_size(&t, 1);
    }
    if (cost)
        *cost = c;
    return sub;
}

typedef struct {
    uint32_t *cand;
    size_t k;
    uint32_t *peak; /* (k+1) x (k+1): peak[i*(k+1)+j] for ranges (i, j] */
} peaks_t;

/* Pass 1: the distinct rounded sizes. */
static int collect_sizes(ps_source_t src, uint32_t **sizes_out, size_t *n_out, ps_plan_t *out, char *err, size_t len)
{
    ps_addrmap_t set;
    if (ps_addrmap_init(&set))
        goto oom;
    ps_event_t ev;
    int got;
    if (src.rewind(src.ctx)) {
        ps_addrmap_destroy(&set);
        snprintf(err, len, "the event source cannot be read again");
        return -1;
    }
    while ((got = src.next(src.ctx, &ev)) > 0) {
        if (ev.kind != PS_EV_ALLOC || ev.size == 0)
            continue;
        if (ev.size > (1u << 31) - ALIGN) {
            snprintf(err, len, "a request of %u bytes is beyond what a pool tier can hold", ev.size);
            ps_addrmap_destroy(&set);
            return -1;
        }
        out->allocs++;
        if (ev.size > out->max_request)
            out->max_request = ev.size;
        uint32_t r = round4(ev.size);
        if (!ps_addrmap_find(&set, r) && !ps_addrmap_insert(&set, r)) {
            ps_addrmap_destroy(&set);
            goto oom;
        }
    }
    if (got < 0) {
        ps_addrmap_destroy(&set);
        snprintf(err, len, "the event source failed");
        return -1;
    }
    if (set.n == 0) {
        ps_addrmap_destroy(&set);
        snprintf(err, len, "the stream has no allocations to plan for");
        return -1;
    }
    uint32_t *sizes = malloc(set.n * sizeof *sizes);
    if (!sizes) {
        ps_addrmap_destroy(&set);
        goto oom;
    }
    size_t n = 0;
    for (size_t i = 0; i < set.cap; i++)
        if (set.s[i].used)
            sizes[n++] = (uint32_t)set.s[i].addr;
    ps_addrmap_destroy(&set);
    qsort(sizes, n, sizeof *sizes, cmp_u32);
    *sizes_out = sizes;
    *n_out = n;
    return 0;
oom:
    snprintf(err, len, "out of memory");
    return -1;
}

/* Pass 2: peak simultaneous live count for every range of candidates. */
static int measure_peaks(ps_source_t src, peaks_t *p, const ps_plan_cfg_t *cfg, ps_plan_t *out, char *err, size_t len)
{
    size_t k = p->k, w = k + 1u;
    uint32_t *n = calloc(w, sizeof *n);
    uint32_t *right = calloc(w, sizeof *right);
    ps_addrmap_t live;
    int rc = -1;
    if (!n || !right || ps_addrmap_init(&live)) {
        snprintf(err, len, "out of memory");
        free(n);
        free(right);
        return -1;
    }
    uint64_t live_bytes = 0, need = 0, count = 0;
    ps_event_t ev;
    int got;
    if (src.rewind(src.ctx)) {
        snprintf(err, len, "the event source cannot be read again");
        goto out;
    }
    while ((got = src.next(src.ctx, &ev)) > 0) {
        ps_slot_t *s = ps_addrmap_find(&live, ev.addr);
        if (ev.kind != PS_EV_ALLOC || s) {
            /* a free, or an alloc reusing a live address (its free was lost) */
            if (!s) {
                out->unknown_frees++;
                continue;
            }
            n[s->tag]--;
            live_bytes -= s->size;
            need -= ps_heap_footprint_for(&cfg->heap, s->size);
            count--;
            ps_addrmap_delete(&live, s);
            if (ev.kind != PS_EV_ALLOC)
                continue;
        }
        if (ev.size == 0)
            continue;
        unsigned c = class_of(p->cand, k, round4(ev.size));
        if (!(s = ps_addrmap_insert(&live, ev.addr))) {
            snprintf(err, len, "out of memory");
            goto out;
        }
        s->size = ev.size;
        s->tag = c;
        n[c]++;
        live_bytes += ev.size;
        need += ps_heap_footprint_for(&cfg->heap, ev.size);
        count++;
        if (live_bytes > out->peak_live_bytes)
            out->peak_live_bytes = live_bytes;
        if (need > out->peak_heap_need)
            out->peak_heap_need = need;
        if (count > out->peak_live_count)
            out->peak_live_count = count;
        /* Only ranges containing c can have grown: (i, j] with i < c <= j. */
        right[c] = 0;
        for (size_t j = c + 1u; j <= k; j++)
            right[j] = right[j - 1u] + n[j];
        uint32_t left = 0;
        for (size_t i = c; i-- > 0;) {
            left += n[i + 1u];
            uint32_t *row = &p->peak[i * w];
            for (size_t j = c; j <= k; j++) {
                uint32_t v = left + right[j];
                if (v > row[j])
                    row[j] = v;
            }
        }
    }
    if (got < 0) {
        snprintf(err, len, "the event source failed");
        goto out;
    }
    out->end_live_count = count;
    out->end_live_bytes = live_bytes;
    rc = 0;
out:
    free(n);
    free(right);
    ps_addrmap_destroy(&live);
    return rc;
}

/* Step 3: least storage over partitions of the candidates into <= T ranges. */
static int choose(const peaks_t *p, const ps_plan_cfg_t *cfg, ps_plan_t *out, char *err, size_t len)
{
    size_t k = p->k, w = k + 1u;
    unsigned T = cfg->max_tiers;
    uint64_t *f = malloc((T + 1u) * w * sizeof *f);
    uint32_t *from = malloc((T + 1u) * w * sizeof *from);
    if (!f || !from) {
        free(f);
        free(from);
        snprintf(err, len, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < (T + 1u) * w; i++)
        f[i] = COST_INF;
    f[0] = 0;
    for (size_t j = 1; j <= k; j++)
        for (size_t i = 0; i < j; i++) {
            uint64_t cost;
            uint32_t blocks = blocks_needed(p->peak[i * w + j], cfg->headroom_pct);
            unsigned sub = split_tiers(p->cand[j - 1u], blocks, NULL, &cost);
            for (unsigned t = sub; t <= T; t++) {
                uint64_t prev = f[(t - sub) * w + i];
                if (prev != COST_INF && prev + cost < f[t * w + j]) {
                    f[t * w + j] = prev + cost;
                    from[t * w + j] = (uint32_t)i;
                }
            }
        }
    unsigned best_t = 0;
    for (unsigned t = 1; t <= T; t++)
        if (f[t * w + k] != COST_INF && (best_t == 0 || f[t * w + k] < f[best_t * w + k]))
            best_t = t;
    if (best_t == 0) {
        free(f);
        free(from);
        snprintf(err, len,
                 "no configuration of at most %u tiers serves this stream "
                 "(a size needs more than %u blocks)",
                 T, T * TP_MAX_BLOCKS_PER_TIER);
        return -1;
    }
    /* Walk the choices back from the largest candidate, then lay the tiers out in order. */
    size_t ends[TP_CFG_MAX_TIERS + 1], starts[TP_CFG_MAX_TIERS + 1], nr = 0;
    size_t j = k;
    unsigned t = best_t;
    while (j > 0) {
        size_t i = from[t * w + j];
        uint32_t blocks = blocks_needed(p->peak[i * w + j], cfg->headroom_pct);
        unsigned sub = split_tiers(p->cand[j - 1u], blocks, NULL, NULL);
        starts[nr] = i;
        ends[nr++] = j;
        t -= sub;
        j = i;
    }
    out->n_tiers = 0;
    while (nr-- > 0) {
        size_t i = starts[nr], jj = ends[nr];
        uint32_t blocks = blocks_needed(p->peak[i * w + jj], cfg->headroom_pct);
        out->range_peak[out->n_tiers] = p->peak[i * w + jj];
        out->n_tiers += split_tiers(p->cand[jj - 1u], blocks, &out->tiers[out->n_tiers], NULL);
    }
    /* Split tiers may have run into the next tier's size: keep sizes increasing. */
    for (size_t x = 1; x < out->n_tiers; x++)
        if (out->tiers[x].block_size <= out->tiers[x - 1u].block_size)
            out->tiers[x].block_size = out->tiers[x - 1u].block_size + ALIGN;
    free(f);
    free(from);
    return 0;
}

/* Step 4: replay the plan; raise the counts of tiers that failed. */
static int verify(ps_source_t src, ps_plan_t *out, char *err, size_t len)
{
    for (unsigned round = 0; round < 32u; round++) {
        ps_engine_cfg_t ec;
        memset(&ec, 0, sizeof ec);
        memcpy(ec.tiers, out->tiers, sizeof ec.tiers);
        ec.n_tiers = out->n_tiers;
        ec.interval_ns = UINT64_MAX / 2u; /* no samples needed */
        ps_result_t res;
        if (ps_engine_run(&ec, src, &res, err, len)) {
            ps_result_free(&res);
            return -1;
        }
        out->verify_failures = res.pool_failed;
        out->bump_rounds = round;
        int bumped = 0;
        for (size_t x = 0; x < out->n_tiers && res.pool_failed; x++) {
            if (!res.pool_end.tier[x].failed)
                continue;
            /* a full tier at the cap: the next (fallback) tier takes the growth */
            size_t y = x;
            while (y < out->n_tiers && out->tiers[y].block_count >= TP_MAX_BLOCKS_PER_TIER)
                y++;
            if (y == out->n_tiers)
                continue;
            uint32_t grow = out->tiers[y].block_count / 8u + 1u;
            uint32_t c = out->tiers[y].block_count + grow;
            out->tiers[y].block_count = c > TP_MAX_BLOCKS_PER_TIER ? TP_MAX_BLOCKS_PER_TIER : c;
            bumped = 1;
        }
        ps_result_free(&res);
        if (!out->verify_failures || !bumped)
            return 0;
    }
    return 0;
}

int ps_plan(ps_source_t src, const ps_plan_cfg_t *cfg_in, ps_plan_t *out, char *err, size_t len)
{
    ps_plan_cfg_t cfg = *cfg_in;
    if (cfg.max_tiers == 0 || cfg.max_tiers > TP_CFG_MAX_TIERS)
        cfg.max_tiers = TP_CFG_MAX_TIERS;
    if (cfg.max_candidates == 0 || cfg.max_candidates > MAX_CANDIDATES)
        cfg.max_candidates = MAX_CANDIDATES;
    memset(out, 0, sizeof *out);
    if (!src.rewind) {
        snprintf(err, len, "the planner needs a stream it can read more than once");
        return -1;
    }
    uint32_t *sizes = NULL;
    size_t n_sizes = 0;
    if (collect_sizes(src, &sizes, &n_sizes, out, err, len))
        return -1;
    uint32_t cand[MAX_CANDIDATES];
    peaks_t p = { cand, coarsen(sizes, n_sizes, cand, cfg.max_candidates, &out->sizes_per_octave), NULL };
    free(sizes);
    if (p.k > cfg.max_candidates) {
        snprintf(err, len, "could not reduce the sizes to %u candidates", cfg.max_candidates);
        return -1;
    }
    out->n_candidates = (unsigned)p.k;
    p.peak = calloc((p.k + 1u) * (p.k + 1u), sizeof *p.peak);
    if (!p.peak) {
        snprintf(err, len, "out of memory");
        return -1;
    }
    int rc = measure_peaks(src, &p, &cfg, out, err, len);
    if (!rc)
        rc = choose(&p, &cfg, out, err, len);
    free(p.peak);
    if (!rc)
        rc = verify(src, out, err, len);
    if (!rc) {
        out->storage = tp_pool_storage_size(out->tiers, out->n_tiers);
        out->block_bytes = ps_tiers_block_bytes(out->tiers, out->n_tiers);
    }
    return rc;
}

/* Heap failures when the stream runs on an arena of `arena` bytes (or -1 on error). */
static int64_t heap_failures(ps_source_t src, const ps_plan_t *plan, const ps_heap_opts_t *heap, uint64_t arena)
{
    ps_engine_cfg_t ec;
    memset(&ec, 0, sizeof ec);
    ec.heap = *heap;
    ec.heap.arena_size = (size_t)arena;
    memcpy(ec.tiers, plan->tiers, sizeof ec.tiers);
    ec.n_tiers = plan->n_tiers;
    ec.interval_ns = UINT64_MAX / 2u;
    ps_result_t res;
    char err[256];
    int rc = ps_engine_run(&ec, src, &res, err, sizeof err);
    int64_t failed = rc ? -1 : (int64_t)res.heap_failed;
    ps_result_free(&res);
    return failed;
}

void ps_plan_heap_search(ps_source_t src, const ps_plan_t *plan, const ps_heap_opts_t *heap, ps_heap_search_t *out)
{
    /* below this not even the fresh free counter holds the peak need */
    uint64_t lo = ps_heap_region_for(heap, plan->peak_heap_need + 8u);
    lo = (lo + 255u) & ~(uint64_t)255u;
    uint64_t hi = lo;
    int64_t f;
    memset(out, 0, sizeof *out);
    while ((f = lo ? heap_failures(src, plan, heap, hi) : -1) != 0) {
        if (f < 0 || hi >= PS_HEAP_MAX_ARENA / 2u) {
            out->status = PS_HEAP_SEARCH_NONE;
            out->arena_fail = hi;
            return;
        }
        lo = hi;
        hi *= 2u;
    }
    if (hi == lo) {
        out->status = PS_HEAP_SEARCH_AT_PEAK;
        out->arena_ok = hi;
        return;
    }
    while (hi - lo > 256u) {
        uint64_t mid = ((lo + hi) / 2u) & ~(uint64_t)255u;
        if (mid <= lo)
            break;
        if (heap_failures(src, plan, heap, mid) == 0)
            hi = mid;
        else
            lo = mid;
    }
    out->status = PS_HEAP_SEARCH_FOUND;
    out->arena_ok = hi;
    out->arena_fail = lo;
}
