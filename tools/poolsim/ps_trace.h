/*
 * ps_trace.h - allocation event streams for poolsim, and the parsers that read
 * them from trace files. Three input formats (ps_format_t):
 *
 *   PS_FMT_SYSVIEW  ESP-IDF host-based heap trace log, lines like
 *     [0.002258425] HEAP: Allocated 2 bytes @ 0x3ffaffe0 from task "alloc" on core 0 by:
 *     [0.002563725] HEAP: Freed bytes @ 0x3ffaffe0 from task "free" on core 0 by:
 *     each followed by caller lines (skipped).
 *   PS_FMT_DUMP     ESP-IDF heap_trace_dump() output (standalone tracing). It has
 *     no free times: records carry `freed` instead, and are analysed, not replayed
 *     in time.
 *   PS_FMT_PLAIN    tierpool's own event format (docs/event-format.md):
 *     tpev 1
 *     A <time_us> <addr-hex> <size> [task]
 *     F <time_us> <addr-hex> [task]
 *     lines starting with '#' and empty lines are ignored.
 *
 * Host tool code: this module may allocate (it grows the event array).
 */
#ifndef PS_TRACE_H
#define PS_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum { PS_FMT_UNKNOWN = 0, PS_FMT_SYSVIEW, PS_FMT_DUMP, PS_FMT_PLAIN } ps_format_t;

typedef enum { PS_EV_ALLOC = 0, PS_EV_FREE = 1 } ps_ev_kind_t;

typedef struct {
    uint64_t t_ns;     /* time since trace start, ns; for PS_FMT_DUMP the record order */
    uint64_t addr;     /* block address (or id) as written in the trace */
    uint32_t size;     /* bytes requested; 0 for frees */
    uint8_t kind;      /* ps_ev_kind_t */
    uint8_t freed;     /* PS_FMT_DUMP only: the record says the block was freed */
    uint16_t task;     /* index into ps_trace_t.tasks, 0 = unknown */
} ps_event_t;

#define PS_MAX_TASKS 64
#define PS_TASK_NAME_MAX 32

typedef struct {
    ps_format_t format;
    int has_free_times;      /* 0 for PS_FMT_DUMP */
    ps_event_t *ev;          /* events in file order */
    size_t n;
    size_t cap;
    size_t n_tasks;          /* tasks[0] is "" (unknown) */
    char tasks[PS_MAX_TASKS][PS_TASK_NAME_MAX];
    /* PS_FMT_DUMP summary lines, when present (0 otherwise) */
    uint64_t dump_total_allocations;
    uint64_t dump_total_frees;
    int dump_overflowed;     /* "(NB: Internal Buffer has overflowed ...)" seen */
} ps_trace_t;

/* Error detail: which file and line, and what was wrong. */
typedef struct {
    char file[256];
    size_t line;             /* 1-based; 0 when not about a line */
    char message[160];
} ps_trace_error_t;

/*
 * Parse a whole buffer (name is used in error messages). The format is detected
 * from the content. Returns 0 and fills *out, or -1 and fills *err; on error
 * *out is left empty (no partial trace) and needs no ps_trace_free.
 * A line cut short (a truncated record) is an error, as is any line of the
 * detected format that does not parse; a complete last line without a final
 * newline is accepted.
 */
int ps_trace_parse(const char *name, const char *buf, size_t len, ps_trace_t *out,
                   ps_trace_error_t *err);

/* Read and parse a file ("-" = standard input). Same contract as ps_trace_parse. */
int ps_trace_load(const char *path, ps_trace_t *out, ps_trace_error_t *err);

void ps_trace_free(ps_trace_t *trace);

/* The latest event time of the trace (0 when it has no events). */
uint64_t ps_trace_span_ns(const ps_trace_t *trace);

/*
 * Writers of tierpool's plain format: the header line "tpev 1" (and a comment
 * line when comment is not NULL), and one event line (task NULL or "" for
 * none; time written in microseconds). 0, or -1 after a write error.
 */
int ps_plain_write_header(FILE *f, const char *comment);
int ps_plain_write_event(FILE *f, const ps_event_t *ev, const char *task);

/* Name of a format ("sysview", "dump", "plain"). */
const char *ps_format_name(ps_format_t format);

#endif /* PS_TRACE_H */
