/*
 * ps_trace_internal.h - what the format readers (ps_read_*.c) share with the
 * reader's core (ps_trace.c). Not for other modules.
 *
 * A format reader gets one cleaned line at a time (no line end, no ANSI
 * escapes, no timestamp prefix) and either returns events through
 * ps__emit, counts the line (trace_lines / skipped), or fails with ps__fail.
 */
#ifndef PS_TRACE_INTERNAL_H
#define PS_TRACE_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "ps_lines.h"
#include "ps_trace.h"

/* ---- a cursor over one line: never reads past its end ---- */

typedef struct {
    const char *p;   /* next character */
    const char *end; /* one past the line's last character */
} ps_cur_t;

static inline int ps_cur_end(const ps_cur_t *k)
{
    return k->p >= k->end;
}

/* Consume the literal s; 1 when it was there (nothing consumed otherwise). */
static inline int ps_eat(ps_cur_t *k, const char *s)
{
    const size_t n = strlen(s);
    if ((size_t)(k->end - k->p) < n || memcmp(k->p, s, n) != 0) {
        return 0;
    }
    k->p += n;
    return 1;
}

static inline int ps_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline void ps_skip_spaces(ps_cur_t *k)
{
    while (!ps_cur_end(k) && (*k->p == ' ' || *k->p == '\t')) {
        k->p++;
    }
}

/* A decimal number (no sign), at most UINT64_MAX. */
int ps_parse_u64(ps_cur_t *k, uint64_t *out);

/* Hexadecimal with an optional 0x, at most 16 digits. */
int ps_parse_hex(ps_cur_t *k, uint64_t *out);

/* "seconds[.fraction]" to nanoseconds, exactly (fraction digits past 9 are
 * dropped). 0 when malformed; -1 when the value is at or beyond 2^64 ns. */
int ps_parse_seconds(ps_cur_t *k, uint64_t *ns);

/* A colon-separated list of hexadecimal caller addresses (may be empty, may
 * end in ':'). 1 when the rest of the line is exactly that. */
int ps_parse_callers(ps_cur_t *k);

/* ---- the reader ---- */

/* Per-format state; one of them is in use. */
typedef struct {
    unsigned version;
} ps_plain_state_t;

typedef enum { SV_NORMAL, SV_CALLERS, SV_CONTINUED } ps_sv_mode_t;
typedef enum { SV_SOURCE_UNDECIDED, SV_SOURCE_HEAP_LINES, SV_SOURCE_EVENT_LINES } ps_sv_source_t;

typedef struct {
    ps_sv_mode_t mode;
    int in_report;         /* a report header was read: no more events */
    int in_heap_report;    /* the last report header was the HEAP one */
    ps_sv_source_t source; /* where events come from: -p's HEAP lines or -d's EVENT lines */
    int pending;           /* an EVENT heap event waiting to see whether a HEAP line repeats it */
    ps_event_t pending_ev;
    int have_last; /* the last event taken from an EVENT line, for -d -p duplicates */
    ps_event_t last_ev;
    uint64_t report_events_line; /* the line of "Processed N heap events." */
} ps_sysview_state_t;

typedef struct {
    int in_summary;
    int pending; /* a record waiting for a possible "freed by" line */
    ps_event_t pending_ev;
    uint64_t index; /* records of the current dump */
} ps_dump_state_t;

#define PS_READY_MAX 4u

struct ps_reader {
    char name[256];
    ps_lines_t in;
    ps_trace_info_t info;
    ps_trace_error_t err;
    int failed;
    int done;
    ps_event_t ready[PS_READY_MAX];
    unsigned ready_head, ready_n;
    /* task names: tasks[0] = "", then PS_MAX_TASKS - 1 names; slots: an open hash of indices */
    char (*tasks)[PS_TASK_NAME_MAX];
    uint16_t task_lens[PS_MAX_TASKS];
    unsigned n_tasks;
    uint16_t slots[2u * PS_MAX_TASKS];
    unsigned last_task;
    ps_plain_state_t plain;
    ps_sysview_state_t sv;
    ps_dump_state_t dump;
};

/* Queue an event for ps_reader_next. */
void ps__emit(ps_reader_t *r, const ps_event_t *ev);

/* Fail with a message about the current line. Returns -1. */
int ps__fail(ps_reader_t *r, const char *message);

/* The index of a task name (0 for none or when the table is full). */
uint16_t ps__task(ps_reader_t *r, const char *name, size_t len);

/* Format detection: 1 when the line starts a trace of that format. */
int ps__sysview_starts(const char *line, size_t len);
int ps__dump_starts(const char *line, size_t len);

/* One cleaned line of a format (len may be 0 for a blank line). 0, or -1 after ps__fail. */
int ps__plain_line(ps_reader_t *r, const char *line, size_t len);
int ps__sysview_line(ps_reader_t *r, const char *line, size_t len);
int ps__dump_line(ps_reader_t *r, const char *line, size_t len);

/* The end of the input: emit what is still held back. */
void ps__sysview_finish(ps_reader_t *r);
void ps__dump_finish(ps_reader_t *r);

#endif /* PS_TRACE_INTERNAL_H */
