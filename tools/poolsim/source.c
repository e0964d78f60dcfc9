/* source.c - see source.h. */
#include "source.h"

static int trace_next(void *ctx, ps_event_t *ev)
{
    ps_trace_cursor_t *c = ctx;
    if (c->i >= c->trace->n)
        return 0;
    *ev = c->trace->ev[c->i++];
    return 1;
}

static void trace_rewind(void *ctx)
{
    ((ps_trace_cursor_t *)ctx)->i = 0;
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

static void array_rewind(void *ctx)
{
    ((ps_array_cursor_t *)ctx)->i = 0;
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
    if (!t->inner.next(t->inner.ctx, ev))
        return 0;
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

static void workload_rewind(void *ctx)
{
    ps_workload_rewind(ctx);
}

ps_source_t ps_source_workload(ps_workload_t *w)
{
    return (ps_source_t){ workload_next, workload_rewind, w };
}

static int filter_next(void *ctx, ps_event_t *ev)
{
    ps_filter_cursor_t *f = ctx;
    while (f->inner.next(f->inner.ctx, ev))
        if (!(ev->task < 64u && ((f->skip_tasks >> ev->task) & 1u)))
            return 1;
    return 0;
}

static void filter_rewind(void *ctx)
{
    ps_filter_cursor_t *f = ctx;
    if (f->inner.rewind)
        f->inner.rewind(f->inner.ctx);
}

ps_source_t ps_source_filter(ps_filter_cursor_t *cursor, ps_source_t inner, uint64_t skip_tasks)
{
    cursor->inner = inner;
    cursor->skip_tasks = skip_tasks;
    return (ps_source_t){ filter_next, inner.rewind ? filter_rewind : NULL, cursor };
}
