/* source.c - see source.h. */
#include "source.h"

#include <stdlib.h>
#include <string.h>

static int trace_next(void *ctx, ps_event_t *ev)
{
    ps_trace_cursor_t *c = ctx;
    if (c->i >= c->trace->n)
        return 0;
    *ev = c->trace->ev[c->i++];
    return 1;
}

static int trace_rewind(void *ctx)
{
    ((ps_trace_cursor_t *)ctx)->i = 0;
    return 0;
}

ps_source_t ps_source_trace(ps_trace_cursor_t *cursor, const ps_trace_t *trace)
{
    cursor->trace = trace;
    cursor->i = 0;
    return (ps_source_t){ trace_next, trace_rewind, cursor };
}

static int array_next(void *ctx, ps_event_t *ev)
{
    ps_array_cursor_t *c = ctx;
    if (c->i >= c->n)
        return 0;
    *ev = c->ev[c->i++];
    return 1;
}

static int array_rewind(void *ctx)
{
    ((ps_array_cursor_t *)ctx)->i = 0;
    return 0;
}

ps_source_t ps_source_array(ps_array_cursor_t *cursor, const ps_event_t *ev, size_t n)
{
    cursor->ev = ev;
    cursor->n = n;
    cursor->i = 0;
    return (ps_source_t){ array_next, array_rewind, cursor };
}

static int tee_next(void *ctx, ps_event_t *ev)
{
    ps_tee_cursor_t *t = ctx;
    const int got = t->inner.next(t->inner.ctx, ev);
    if (got <= 0)
        return got;
    if (ps_plain_write_event(t->out, ev, t->task_name ? t->task_name(ev->task) : NULL))
        t->write_error = 1;
    return 1;
}

ps_source_t ps_source_tee(ps_tee_cursor_t *cursor, ps_source_t inner, FILE *out,
                          const char *(*task_name)(unsigned task))
{
    cursor->inner = inner;
    cursor->out = out;
    cursor->task_name = task_name;
    cursor->write_error = 0;
    return (ps_source_t){ tee_next, NULL, cursor };
}

static int workload_next(void *ctx, ps_event_t *ev)
{
    return ps_workload_next(ctx, ev);
}

static int workload_rewind(void *ctx)
{
    ps_workload_rewind(ctx);
    return 0;
}

ps_source_t ps_source_workload(ps_workload_t *w)
{
    return (ps_source_t){ workload_next, workload_rewind, w };
}

static int filter_next(void *ctx, ps_event_t *ev)
{
    ps_filter_cursor_t *f = ctx;
    int got;
    while ((got = f->inner.next(f->inner.ctx, ev)) > 0)
        if (!(ev->task < 64u && ((f->skip_tasks >> ev->task) & 1u)))
            return 1;
    return got;
}

static int filter_rewind(void *ctx)
{
    ps_filter_cursor_t *f = ctx;
    return f->inner.rewind ? f->inner.rewind(f->inner.ctx) : 0;
}

ps_source_t ps_source_filter(ps_filter_cursor_t *cursor, ps_source_t inner, uint64_t skip_tasks)
{
    cursor->inner = inner;
    cursor->skip_tasks = skip_tasks;
    return (ps_source_t){ filter_next, inner.rewind ? filter_rewind : NULL, cursor };
}

/* ---- a trace reader, with a spool for inputs that cannot be re-read ---- */

/* Spool records: three 32-bit words. An ordinary one is
 *   { ns since the previous event, address bits 0..31, W }
 * with W = 0x80000000 for a free, or the allocation's size (0..0x7FFFFFFF).
 * Escape records (W at 0xFFFFFFF0 and above) prefix the next record:
 *   ESC_TIME { time bits 32..63, time bits 0..31 }: its time is absolute;
 *   ESC_ADDR { address bits 32..63, - }: the upper address word from now on;
 *   ESC_SIZE { size, - }: it is an allocation of that size (>= 2^31). */
#define W_FREE 0x80000000u
#define ESC_TIME 0xFFFFFFFFu
#define ESC_ADDR 0xFFFFFFFEu
#define ESC_SIZE 0xFFFFFFFDu

static int spool_put(ps_reader_cursor_t *c, uint32_t a, uint32_t b, uint32_t w)
{
    if (c->words + 3u > c->cap) {
        if (c->cap / 3u >= PS_SPOOL_MAX_EVENTS) {
            return -1;
        }
        size_t cap = c->cap ? c->cap * 2u : 3u * 4096u;
        if (cap / 3u > PS_SPOOL_MAX_EVENTS)
            cap = 3u * PS_SPOOL_MAX_EVENTS;
        uint32_t *grown = realloc(c->spool, cap * sizeof *grown);
        if (!grown)
            return -1;
        c->spool = grown;
        c->cap = cap;
    }
    c->spool[c->words++] = a;
    c->spool[c->words++] = b;
    c->spool[c->words++] = w;
    return 0;
}

static int spool_event(ps_reader_cursor_t *c, const ps_event_t *ev)
{
    uint32_t delta = 0;
    if (ev->t_ns < c->enc_t || ev->t_ns - c->enc_t > UINT32_MAX) {
        if (spool_put(c, (uint32_t)(ev->t_ns >> 32), (uint32_t)ev->t_ns, ESC_TIME))
            return -1;
    } else {
        delta = (uint32_t)(ev->t_ns - c->enc_t);
    }
    c->enc_t = ev->t_ns;
    if ((ev->addr >> 32) != c->enc_hi) {
        c->enc_hi = ev->addr >> 32;
        if (spool_put(c, (uint32_t)c->enc_hi, 0, ESC_ADDR))
            return -1;
    }
    uint32_t w = W_FREE;
    if (ev->kind == PS_EV_ALLOC) {
        w = ev->size;
        if (ev->size >= W_FREE) {
            if (spool_put(c, ev->size, 0, ESC_SIZE))
                return -1;
            w = 0;
        }
    }
    return spool_put(c, delta, (uint32_t)ev->addr, w);
}

static int spool_next(ps_reader_cursor_t *c, ps_event_t *ev)
{
    int absolute = 0, big = 0;
    while (c->pos < c->words) {
        const uint32_t a = c->spool[c->pos], b = c->spool[c->pos + 1u], w = c->spool[c->pos + 2u];
        c->pos += 3u;
        if (w == ESC_TIME) {
            c->dec_t = (uint64_t)a << 32 | b;
            absolute = 1;
        } else if (w == ESC_ADDR) {
            c->dec_hi = a;
        } else if (w == ESC_SIZE) {
            c->dec_big = a;
            big = 1;
        } else {
            memset(ev, 0, sizeof *ev);
            if (!absolute)
                c->dec_t += a;
            ev->t_ns = c->dec_t;
            ev->addr = c->dec_hi << 32 | b;
            ev->kind = w == W_FREE ? PS_EV_FREE : PS_EV_ALLOC;
            ev->size = w == W_FREE ? 0 : big ? c->dec_big : w;
            return 1;
        }
    }
    return 0;
}

static int reader_next(void *ctx, ps_event_t *ev)
{
    ps_reader_cursor_t *c = ctx;
    if (c->failed)
        return -1;
    if (c->replaying) {
        const int got = spool_next(c, ev);
        c->taken += (uint64_t)got;
        return got;
    }
    const int got = ps_reader_next(c->reader, ev);
    if (got < 0) {
        c->failed = 1;
        return -1;
    }
    if (got == 0) {
        c->first_done = 1;
        return 0;
    }
    if (c->spool_on && c->spool_limit && c->taken >= c->spool_limit) {
        c->spool_on = 0; /* more than a second pass was to keep: no second pass */
        c->spool_dropped = 1;
        free(c->spool);
        c->spool = NULL;
        c->words = c->cap = 0;
    }
    if (c->spool_on && spool_event(c, ev)) {
        c->failed = 2;
        return -1;
    }
    c->taken++;
    return 1;
}

static int reader_rewind(void *ctx)
{
    ps_reader_cursor_t *c = ctx;
    if (c->failed)
        return -1;
    if (c->taken == 0 && !c->replaying)
        return 0; /* nothing taken yet: already at the start */
    if (c->spool_dropped)
        return -1;
    if (!c->spool_on) {
        if (!ps_reader_can_rewind(c->reader) || ps_reader_rewind(c->reader))
            return -1;
        c->taken = 0;
        return 0;
    }
    ps_event_t ev;
    while (!c->replaying && !c->first_done) { /* the rest of the first pass goes to the spool */
        if (reader_next(c, &ev) < 0)
            return -1;
    }
    c->replaying = 1;
    c->pos = 0;
    c->dec_t = c->dec_hi = 0;
    c->taken = 0;
    return 0;
}

ps_source_t ps_source_reader(ps_reader_cursor_t *c, ps_reader_t *reader, int rewindable)
{
    memset(c, 0, sizeof *c);
    c->reader = reader;
    c->spool_on = rewindable && !ps_reader_can_rewind(reader);
    return (ps_source_t){ reader_next, reader_rewind, c };
}

const char *ps_reader_cursor_error(const ps_reader_cursor_t *c)
{
    if (c->failed == 2)
        return c->cap / 3u >= PS_SPOOL_MAX_EVENTS ? "the input is too long to keep for replaying (more than "
                                                    "134217728 events from a pipe or standard input: give a file)"
                                                  : "out of memory for the spool";
    return c->failed ? ps_reader_error(c->reader)->message : "";
}

size_t ps_reader_cursor_spool_bytes(const ps_reader_cursor_t *c)
{
    return c->words * sizeof(uint32_t);
}

void ps_reader_cursor_free(ps_reader_cursor_t *c)
{
    free(c->spool);
    c->spool = NULL;
    c->words = c->cap = 0;
}
