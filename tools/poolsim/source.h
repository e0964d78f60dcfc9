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

/*
 * A stream of events. next returns 1 and an event, 0 at the end, or -1 when
 * the stream failed (a malformed trace: its reader has the message). rewind
 * (NULL when the stream can be read only once) starts it over with the same
 * events: 0, or -1 when it cannot.
 */
typedef struct {
    int (*next)(void *ctx, ps_event_t *ev);
    int (*rewind)(void *ctx);
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

/*
 * A source over a trace reader, read as it streams: memory does not grow
 * with the trace. With `rewindable` the stream can be read again: a regular
 * file (or memory) is read again from its first byte; any other input
 * (standard input, a pipe) is spooled on the first pass into a compact array
 * of 12 bytes per event (24 for an event more than 4.29 s after the one
 * before it, or whose address changes in its upper 32 bits), at most
 * PS_SPOOL_MAX_EVENTS records; replays read the spool. Tasks and the dump
 * `freed` flag are not spooled (replays do not use them). Without
 * `rewindable`, rewind succeeds only before the first event was taken.
 */
#define PS_SPOOL_MAX_EVENTS ((size_t)1 << 27)

typedef struct {
    ps_reader_t *reader;
    int spool_on;           /* spooling the first pass */
    int replaying;          /* reading the spool */
    int first_done;         /* the first pass reached the end */
    uint64_t taken;         /* events handed out since the last rewind */
    uint32_t *spool;        /* 3 words per record */
    size_t words, cap;      /* in words */
    size_t pos;             /* replay position, in words */
    uint64_t enc_t, enc_hi; /* encoder: last time, current upper address word */
    uint64_t dec_t, dec_hi; /* decoder: the same */
    uint32_t dec_big;       /* decoder: size of the next large allocation */
    int failed;             /* 1: the reader failed (ps_reader_error); 2: the spool limit or memory */
    uint64_t spool_limit;   /* events to spool at most (0: PS_SPOOL_MAX_EVENTS); past it the spool is
                             dropped, reading goes on and rewind fails: for a replay that may not
                             need a second pass */
    int spool_dropped;
} ps_reader_cursor_t;

ps_source_t ps_source_reader(ps_reader_cursor_t *cursor, ps_reader_t *reader, int rewindable);

/* Why the source failed, after next returned -1 ("" otherwise). */
const char *ps_reader_cursor_error(const ps_reader_cursor_t *cursor);

/* Spool bytes in use (for tests and the report). */
size_t ps_reader_cursor_spool_bytes(const ps_reader_cursor_t *cursor);

void ps_reader_cursor_free(ps_reader_cursor_t *cursor);

#endif /* PS_SOURCE_H */
