/*
 * dump.h - what a heap_trace_dump() can tell without free times, gathered as
 * its records stream by: counts, bytes, a size histogram, and the largest
 * records still alive (leak candidates). Fixed memory whatever the dump's size.
 */
#ifndef PS_DUMP_H
#define PS_DUMP_H

#include <stdint.h>

#include "ps_trace.h"

#define PS_DUMP_TOP 10
#define PS_DUMP_BUCKETS 33 /* bucket b holds sizes below 2^b (b = 0: size 0) */

typedef struct {
    uint64_t records, freed, alive, bytes, alive_bytes;
    uint64_t hist[PS_DUMP_BUCKETS], alive_hist[PS_DUMP_BUCKETS];
    ps_event_t top[PS_DUMP_TOP]; /* alive records, largest first (ties: earlier first) */
    unsigned n_top;
    unsigned restarts; /* records numbered from 0 again: a new dump replaced the figures */
} ps_dump_stats_t;

void ps_dump_stats_init(ps_dump_stats_t *s);

/* Add one record (an event of a PS_FMT_DUMP reader). A record with index 0
 * (t_ns == 0) after others starts a new dump: the figures restart. */
void ps_dump_stats_add(ps_dump_stats_t *s, const ps_event_t *ev);

/* The histogram bucket of a size. */
unsigned ps_dump_bucket(uint32_t size);

#endif /* PS_DUMP_H */
