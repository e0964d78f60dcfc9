/*
 * source.h - where an event stream comes from: a generator, a parsed trace,
 * an array (tests), or any of these copied to a plain-format file on the way.
 * The engine and the planner read events through ps_source_t only.
 */
#ifndef PS_SOURCE_H
#define PS_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ps_trace.h"
#include "workload.h"

/* A stream of events. next returns 1 and an event, or 0 at the end; rewind (NULL
 * when the stream can be read only once) starts it over with the same events. */
typedef struct {
    int (*next)(void *ctx, ps_event_t *ev); /* 1 = an event, 0 = no more */
    void (*rewind)(void *ctx);
    void *ctx;
} ps_source_t;

/* A source over a parsed trace's events (file order). */
typedef struct {
    const ps_trace_t *trace;
    size_t i;
} ps_trace_cursor_t;
ps_source_t ps_source_trace(ps_trace_cursor_t *cursor, const ps_trace_t *trace);

/* A source over an array of events (tests). */
typedef struct {
    const ps_event_t *ev;
    size_t n, i;
} ps_array_cursor_t;
ps_source_t ps_source_array(ps_array_cursor_t *cursor, const ps_event_t *ev, size_t n);

/*
 * A source that passes inner's events on and writes each one to out in
 * tierpool's plain format (ps_plain_write_event), naming tasks by task_name.
 * No rewind: the copy is written once. write_error is set after a failed write.
 */
typedef struct {
    ps_source_t inner;
    FILE *out;
    const char *(*task_name)(unsigned task);
    int write_error;
} ps_tee_cursor_t;
ps_source_t ps_source_tee(ps_tee_cursor_t *cursor, ps_source_t inner, FILE *out,
                          const char *(*task_name)(unsigned task));

/* A source that passes on inner's events except those of the tasks whose bit
 * is set in skip_tasks (task ids below 64); rewindable when inner is. */
typedef struct {
    ps_source_t inner;
    uint64_t skip_tasks;
} ps_filter_cursor_t;
ps_source_t ps_source_filter(ps_filter_cursor_t *cursor, ps_source_t inner, uint64_t skip_tasks);

/* A source over a synthetic workload (rewindable). */
ps_source_t ps_source_workload(ps_workload_t *w);

#endif /* PS_SOURCE_H */
