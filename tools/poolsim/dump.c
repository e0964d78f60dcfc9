/* dump.c - see dump.h. */
#include "dump.h"

#include <string.h>

void ps_dump_stats_init(ps_dump_stats_t *s)
{
    memset(s, 0, sizeof *s);
}

unsigned ps_dump_bucket(uint32_t size)
{
    unsigned b = 0;
    while (b < 32u && (size >> b) != 0u)
        b++;
    return b; /* size < 2^b */
}

static int larger(const ps_event_t *a, const ps_event_t *b)
{
    return a->size != b->size ? a->size > b->size : a->t_ns < b->t_ns;
}

void ps_dump_stats_add(ps_dump_stats_t *s, const ps_event_t *ev)
{
    if (ev->kind != PS_EV_ALLOC)
        return;
    if (ev->t_ns == 0 && s->records > 0) {
        const unsigned restarts = s->restarts + 1u;
        ps_dump_stats_init(s);
        s->restarts = restarts;
    }
    const unsigned b = ps_dump_bucket(ev->size);
    s->records++;
    s->bytes += ev->size;
    s->hist[b]++;
    if (ev->freed) {
        s->freed++;
        return;
    }
    s->alive++;
    s->alive_bytes += ev->size;
    s->alive_hist[b]++;
    /* keep the PS_DUMP_TOP largest, sorted */
    unsigned i = s->n_top < PS_DUMP_TOP ? s->n_top++ : PS_DUMP_TOP;
    if (i == PS_DUMP_TOP) {
        if (!larger(ev, &s->top[PS_DUMP_TOP - 1u]))
            return;
        i = PS_DUMP_TOP - 1u;
    }
    while (i > 0u && larger(ev, &s->top[i - 1u])) {
        s->top[i] = s->top[i - 1u];
        i--;
    }
    s->top[i] = *ev;
}
