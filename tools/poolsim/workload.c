/*
 * workload.c - lazy, seeded event generation.
 *
 * Every future happening (the next arrival of a source, the free of a live
 * allocation) waits in a binary min-heap ordered by (time, sequence number);
 * the sequence number makes ties, and so the whole stream, deterministic.
 * Popping an item may produce several events at the same instant (a burst, a
 * pattern load that evicts the oldest pattern); those wait in a small FIFO
 * that drains before the heap is popped again.
 */
#include "workload.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_MS ((uint64_t)1000000u)
#define NS_PER_S ((uint64_t)1000000000u)
#define NS_PER_MIN (60u * NS_PER_S)
#define NS_PER_HOUR (60u * NS_PER_MIN)

/* A pending item is an arrival (kind PS_EV_ALLOC) or a free (PS_EV_FREE). */
typedef struct {
    uint64_t t;
    uint64_t seq;
    uint64_t id;
    uint32_t size;
    uint8_t kind;
    uint8_t src;
} pend_t;

struct ps_workload {
    ps_workload_cfg_t cfg;
    uint64_t rng;
    uint64_t seq;
    uint64_t next_id;
    pend_t *heap;
    size_t n, cap;
    ps_event_t *ready;       /* FIFO of events due now */
    size_t r_head, r_n, r_cap;
    uint64_t *ring;          /* pattern ring: ids of loaded patterns, oldest first */
    size_t ring_n;
    uint64_t trickled;
    uint64_t bg_live;
    int done;
};

void ps_workload_defaults(ps_workload_cfg_t *c)
{
    memset(c, 0, sizeof *c);
    c->seed = 1;
    c->duration_ns = 48ull * NS_PER_HOUR;
    c->ws_per_min = 600; /* 10 frames a second */
    c->ws_size = (ps_range_t){ 32, 4096 };
    c->ws_hold_ms = (ps_range_t){ 5, 100 };
    c->cmd_per_min = 120;
    c->cmd_size = (ps_range_t){ 8, 256 };
    c->cmd_hold_ms = (ps_range_t){ 1, 20 };
    c->pattern_per_hour = 120;
    c->pattern_size = (ps_range_t){ 1024, 1024 };
    c->pattern_ring = 8;
    c->trickle_per_hour = 30;
    c->trickle_size = (ps_range_t){ 16, 128 };
    c->trickle_cap = 8192;
    c->burst_every_min = 15;
    c->burst_frames = 8;
    c->burst_size = (ps_range_t){ 1024, 4096 };
    c->burst_hold_ms = (ps_range_t){ 100, 500 };
    c->background_bytes = 0;
    c->background_size = (ps_range_t){ 16, 2048 };
    c->background_life_s = (ps_range_t){ 10, 600 };
}

const char *ps_workload_source_name(unsigned task)
{
    static const char *const names[PS_SRC_COUNT] = { "?", "ws", "cmd", "pattern", "trickle", "burst",
                                                    "background" };
    return task < PS_SRC_COUNT ? names[task] : "?";
}

/* ---- randomness (xorshift64*: small, fast, and the same on every host) ---- */

static uint64_t rnd64(ps_workload_t *w)
{
    w->rng ^= w->rng >> 12;
    w->rng ^= w->rng << 25;
    w->rng ^= w->rng >> 27;
    return w->rng * 2685821657736338717ull;
}

static uint32_t draw(ps_workload_t *w, ps_range_t r)
{
    uint64_t span = (uint64_t)r.max - r.min + 1u;
    return r.min + (uint32_t)((rnd64(w) >> 11) % span);
}

/* Time to the next arrival of a source with mean interval `mean`: uniform in
 * [mean/2, 3*mean/2], so arrivals are irregular but the rate is as asked. */
static uint64_t jitter(ps_workload_t *w, uint64_t mean)
{
    uint64_t lo = mean / 2u;
    return lo + (mean ? (rnd64(w) >> 11) % (mean + 1u) : 0u) + 1u;
}

/* ---- the min-heap of pending items ---- */

static int before(const pend_t *a, const pend_t *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void push(ps_workload_t *w, uint64_t t, uint8_t kind, uint8_t src, uint64_t id, uint32_t size)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2u : 256u;
        pend_t *p = realloc(w->heap, cap * sizeof *p);
        if (!p) {
            fprintf(stderr, "poolsim: out of memory\n");
            exit(1);
        }
        w->heap = p;
        w->cap = cap;
    }
    pend_t item = { t, w->seq++, id, size, kind, src };
    size_t i = w->n++;
    while (i > 0) {
        size_t parent = (i - 1u) / 2u;
        if (!before(&item, &w->heap[parent]))
            break;
        w->heap[i] = w->heap[parent];
        i = parent;
    }
    w->heap[i] = item;
}

static pend_t pop(ps_workload_t *w)
{
    pend_t top = w->heap[0];
    pend_t last = w->heap[--w->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2u * i + 1u;
        if (c >= w->n)
            break;
        if (c + 1u < w->n && before(&w->heap[c + 1u], &w->heap[c]))
            c++;
        if (!before(&w->heap[c], &last))
            break;
        w->heap[i] = w->heap[c];
        i = c;
    }
    if (w->n > 0)
        w->heap[i] = last;
    return top;
}

/* ---- the FIFO of events due now ---- */

static void emit(ps_workload_t *w, uint64_t t, uint8_t kind, uint8_t src, uint64_t id, uint32_t size)
{
    if (w->r_n == w->r_cap) {
        size_t cap = w->r_cap ? w->r_cap * 2u : 64u;
        ps_event_t *p = malloc(cap * sizeof *p);
        if (!p) {
            fprintf(stderr, "poolsim: out of memory\n");
            exit(1);
        }
        for (size_t i = 0; i < w->r_n; i++)
            p[i] = w->ready[(w->r_head + i) % w->r_cap];
        free(w->ready);
        w->ready = p;
        w->r_cap = cap;
        w->r_head = 0;
    }
    ps_event_t *e = &w->ready[(w->r_head + w->r_n) % w->r_cap];
    memset(e, 0, sizeof *e);
    e->t_ns = t;
    e->addr = id;
    e->size = kind == PS_EV_ALLOC ? size : 0u;
    e->kind = kind;
    e->task = src;
    w->r_n++;
}

/* ---- sources ---- */

static uint64_t mean_interval(const ps_workload_t *w, unsigned src)
{
    const ps_workload_cfg_t *c = &w->cfg;
    switch (src) {
    case PS_SRC_WS: return c->ws_per_min ? NS_PER_MIN / c->ws_per_min : 0;
    case PS_SRC_CMD: return c->cmd_per_min ? NS_PER_MIN / c->cmd_per_min : 0;
    case PS_SRC_PATTERN: return c->pattern_per_hour ? NS_PER_HOUR / c->pattern_per_hour : 0;
    case PS_SRC_TRICKLE: return c->trickle_per_hour ? NS_PER_HOUR / c->trickle_per_hour : 0;
    case PS_SRC_BURST: return c->burst_every_min ? (uint64_t)c->burst_every_min * NS_PER_MIN : 0;
    default: return 0;
    }
}

/* Allocate one short-lived block now and schedule its free. */
static void alloc_held(ps_workload_t *w, uint64_t t, uint8_t src, ps_range_t size, ps_range_t hold_ms)
{
    uint64_t id = w->next_id++;
    uint32_t n = draw(w, size);
    emit(w, t, PS_EV_ALLOC, src, id, n);
    push(w, t + (uint64_t)draw(w, hold_ms) * NS_PER_MS, PS_EV_FREE, src, id, n);
}

static void background_fill(ps_workload_t *w, uint64_t t)
{
    const ps_workload_cfg_t *c = &w->cfg;
    while (w->bg_live < c->background_bytes) {
        uint64_t id = w->next_id++;
        uint32_t n = draw(w, c->background_size);
        emit(w, t, PS_EV_ALLOC, PS_SRC_BACKGROUND, id, n);
        w->bg_live += n;
        push(w, t + (uint64_t)draw(w, c->background_life_s) * NS_PER_S, PS_EV_FREE, PS_SRC_BACKGROUND, id, n);
    }
}

static void arrival(ps_workload_t *w, const pend_t *p)
{
    const ps_workload_cfg_t *c = &w->cfg;
    uint64_t t = p->t;
    int again = 1;
    switch (p->src) {
    case PS_SRC_WS:
        alloc_held(w, t, PS_SRC_WS, c->ws_size, c->ws_hold_ms);
        break;
    case PS_SRC_CMD:
        alloc_held(w, t, PS_SRC_CMD, c->cmd_size, c->cmd_hold_ms);
        break;
    case PS_SRC_PATTERN: {
        /* The seed's pattern ring: evict the oldest before loading a new one. */
        if (w->ring_n == c->pattern_ring) {
            emit(w, t, PS_EV_FREE, PS_SRC_PATTERN, w->ring[0], 0);
            memmove(w->ring, w->ring + 1, (w->ring_n - 1u) * sizeof *w->ring);
            w->ring_n--;
        }
        uint64_t id = w->next_id++;
        emit(w, t, PS_EV_ALLOC, PS_SRC_PATTERN, id, draw(w, c->pattern_size));
        w->ring[w->ring_n++] = id;
        break;
    }
    case PS_SRC_TRICKLE: {
        uint32_t n = draw(w, c->trickle_size);
        if (c->trickle_cap && w->trickled + n > c->trickle_cap) {
            again = 0; /* the cap is reached: this source is done */
            break;
        }
        w->trickled += n;
        emit(w, t, PS_EV_ALLOC, PS_SRC_TRICKLE, w->next_id++, n);
        break;
    }
    case PS_SRC_BURST:
        for (uint32_t i = 0; i < c->burst_frames; i++)
            alloc_held(w, t, PS_SRC_BURST, c->burst_size, c->burst_hold_ms);
        break;
    case PS_SRC_BACKGROUND:
        background_fill(w, t);
        again = 0; /* refilled on every background free instead */
        break;
    default:
        again = 0;
        break;
    }
    if (again)
        push(w, t + jitter(w, mean_interval(w, p->src)), PS_EV_ALLOC, p->src, 0, 0);
}

/* ---- public ---- */

static int check_range(ps_range_t r, uint32_t lo, uint32_t hi, const char *what, char *err, size_t len)
{
    if (r.min < lo || r.max > hi || r.min > r.max) {
        snprintf(err, len, "%s: %u:%u is not a range within %u..%u", what, r.min, r.max, lo, hi);
        return -1;
    }
    return 0;
}

ps_workload_t *ps_workload_new(const ps_workload_cfg_t *c, char *err, size_t len)
{
    const uint32_t max_size = 1u << 24, max_ms = 24u * 3600u * 1000u;
    if (check_range(c->ws_size, 1, max_size, "WebSocket frame size", err, len) ||
        check_range(c->ws_hold_ms, 0, max_ms, "WebSocket hold time (ms)", err, len) ||
        check_range(c->cmd_size, 1, max_size, "command size", err, len) ||
        check_range(c->cmd_hold_ms, 0, max_ms, "command hold time (ms)", err, len) ||
        check_range(c->pattern_size, 1, max_size, "pattern size", err, len) ||
        check_range(c->trickle_size, 1, max_size, "trickle size", err, len) ||
        check_range(c->burst_size, 1, max_size, "burst frame size", err, len) ||
        check_range(c->burst_hold_ms, 0, max_ms, "burst hold time (ms)", err, len) ||
        check_range(c->background_size, 1, max_size, "background object size", err, len) ||
        check_range(c->background_life_s, 1, 7u * 24u * 3600u, "background lifetime (s)", err, len))
        return NULL;
    if (c->pattern_per_hour && (c->pattern_ring < 1 || c->pattern_ring > 1024)) {
        snprintf(err, len, "pattern ring: %u is not within 1..1024", c->pattern_ring);
        return NULL;
    }
    if (c->burst_frames > 4096) {
        snprintf(err, len, "burst frames: %u is not within 0..4096", c->burst_frames);
        return NULL;
    }
    if (c->duration_ns == 0) {
        snprintf(err, len, "the duration must be above 0");
        return NULL;
    }
    ps_workload_t *w = calloc(1, sizeof *w);
    if (!w || !(w->ring = calloc(c->pattern_ring ? c->pattern_ring : 1u, sizeof *w->ring))) {
        free(w);
        snprintf(err, len, "out of memory");
        return NULL;
    }
    w->cfg = *c;
    ps_workload_rewind(w);
    return w;
}

void ps_workload_rewind(ps_workload_t *w)
{
    w->rng = w->cfg.seed * 0x9E3779B97F4A7C15ull ^ 0xD1B54A32D192ED03ull;
    if (w->rng == 0)
        w->rng = 1;
    w->seq = 0;
    w->next_id = 1;
    w->n = 0;
    w->r_head = w->r_n = 0;
    w->ring_n = 0;
    w->trickled = 0;
    w->bg_live = 0;
    w->done = 0;
    for (uint8_t src = PS_SRC_WS; src <= PS_SRC_BURST; src++) {
        uint64_t mean = mean_interval(w, src);
        if (mean)
            push(w, jitter(w, mean), PS_EV_ALLOC, src, 0, 0);
    }
    if (w->cfg.background_bytes)
        push(w, 0, PS_EV_ALLOC, PS_SRC_BACKGROUND, 0, 0);
}

int ps_workload_next(ps_workload_t *w, ps_event_t *ev)
{
    while (w->r_n == 0) {
        if (w->done || w->n == 0 || w->heap[0].t > w->cfg.duration_ns) {
            w->done = 1;
            return 0;
        }
        pend_t p = pop(w);
        if (p.kind == PS_EV_FREE) {
            emit(w, p.t, PS_EV_FREE, p.src, p.id, 0);
            if (p.src == PS_SRC_BACKGROUND) {
                w->bg_live -= p.size;
                background_fill(w, p.t);
            }
        } else {
            arrival(w, &p);
        }
    }
    *ev = w->ready[w->r_head];
    w->r_head = (w->r_head + 1u) % w->r_cap;
    w->r_n--;
    return 1;
}

void ps_workload_free(ps_workload_t *w)
{
    if (!w)
        return;
    free(w->heap);
    free(w->ready);
    free(w->ring);
    free(w);
}

__attribute__((format(printf, 4, 5)))
static size_t put(char *buf, size_t len, size_t at, const char *fmt, ...)
{
    if (at >= len)
        return at;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + at, len - at, fmt, ap);
    va_end(ap);
    return n < 0 ? at : at + (size_t)n;
}

void ps_workload_describe(const ps_workload_cfg_t *c, char *buf, size_t len)
{
    size_t at = 0;
    if (len)
        buf[0] = '\0';
    at = put(buf, len, at, "seed %llu, %llu simulated hours%s\n", (unsigned long long)c->seed,
             (unsigned long long)(c->duration_ns / NS_PER_HOUR),
             c->duration_ns % NS_PER_HOUR ? " (plus a fraction)" : "");
    if (c->ws_per_min)
        at = put(buf, len, at, "  WebSocket frames: %u/min, %u..%u B, held %u..%u ms\n", c->ws_per_min,
                 c->ws_size.min, c->ws_size.max, c->ws_hold_ms.min, c->ws_hold_ms.max);
    if (c->cmd_per_min)
        at = put(buf, len, at, "  commands: %u/min, %u..%u B, held %u..%u ms\n", c->cmd_per_min,
                 c->cmd_size.min, c->cmd_size.max, c->cmd_hold_ms.min, c->cmd_hold_ms.max);
    if (c->pattern_per_hour)
        at = put(buf, len, at, "  pattern loads: %u/h, %u..%u B, last %u kept\n", c->pattern_per_hour,
                 c->pattern_size.min, c->pattern_size.max, c->pattern_ring);
    if (c->trickle_per_hour)
        at = put(buf, len, at, "  long-lived trickle: %u/h, %u..%u B, never freed, cap %u B\n",
                 c->trickle_per_hour, c->trickle_size.min, c->trickle_size.max, c->trickle_cap);
    if (c->burst_every_min && c->burst_frames)
        at = put(buf, len, at, "  bursts: every %u min, %u frames of %u..%u B held %u..%u ms\n",
                 c->burst_every_min, c->burst_frames, c->burst_size.min, c->burst_size.max,
                 c->burst_hold_ms.min, c->burst_hold_ms.max);
    if (c->background_bytes)
        at = put(buf, len, at, "  background live set: %u B of %u..%u B objects living %u..%u s\n",
                 c->background_bytes, c->background_size.min, c->background_size.max,
                 c->background_life_s.min, c->background_life_s.max);
    (void)at;
}
