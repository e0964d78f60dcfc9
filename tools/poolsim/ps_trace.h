/*
 * ps_trace.h - allocation traces for poolsim: the event type, and a
 * streaming reader for the three input formats (ps_format_t).
 *
 *   PS_FMT_SYSVIEW  what ESP-IDF's sysviewtrace_proc.py prints for a host-based
 *     (SystemView / app_trace) heap trace, ESP-IDF 4.0 to master, with any of
 *     -p, -b, -d, -v: "[secs] HEAP: Allocated N bytes @ 0xADDR from task "T"
 *     on core C by: ..." and "[secs] HEAP: Freed bytes @ ...", callers on the
 *     line or one per line (-b), LOG/FUNC records, EVENT[n] lines (-d), the
 *     tool's banners and its closing reports. The HEAP TRACE REPORT's figures
 *     are kept (ps_trace_info_t); the allocations it lists again are not events.
 *   PS_FMT_DUMP     heap_trace_dump() of ESP-IDF up to 5.0, 5.1-5.4 and 5.5+,
 *     with or without IDF Monitor's decoded caller lines. It has no free times:
 *     each record is returned as an allocation, its `freed` flag set when the
 *     record says so, in record order (t_ns = the record's index).
 *   PS_FMT_PLAIN    tierpool's own event format, revisions 1 and 2 (tp_evline.h).
 *
 * Lines a serial monitor adds (ESP_LOG lines, ANSI colours, `idf.py monitor
 * --timestamps` and ESPHome timestamp prefixes, CR and CR CR line ends, the
 * tools' banners) are skipped and counted. A line that starts like a record
 * of the detected format and does not parse is an error naming file:line.
 *
 * The reader holds one line (at most PS_LINE_MAX bytes are looked at), a
 * chunk of the input and the task-name table: memory does not grow with the
 * trace. Host tool code.
 */
#ifndef PS_TRACE_H
#define PS_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum { PS_FMT_UNKNOWN = 0, PS_FMT_SYSVIEW, PS_FMT_DUMP, PS_FMT_PLAIN } ps_format_t;

typedef enum { PS_EV_ALLOC = 0, PS_EV_FREE = 1 } ps_ev_kind_t;

typedef struct {
    uint64_t t_ns; /* time since trace start, ns; for PS_FMT_DUMP the record's index */
    uint64_t addr; /* block address (or id) as written in the trace */
    uint32_t size; /* bytes requested; 0 for frees */
    uint8_t kind;  /* ps_ev_kind_t */
    uint8_t freed; /* PS_FMT_DUMP only: the record says the block was freed */
    uint16_t task; /* index of the task name (ps_reader_task), 0 = unknown */
} ps_event_t;

/* Limits (docs/poolsim.md, "Limits"). */
#define PS_MAX_TASKS 256     /* distinct task names kept; later ones read as unknown (counted) */
#define PS_TASK_NAME_MAX 256 /* bytes per name with its NUL: any FreeRTOS name (configMAX_TASK_NAME_LEN <= 256) */
#define PS_LINE_MAX 65536    /* bytes of a line looked at; a longer record line is an error */

/* Error detail: which file and line, and what was wrong. */
typedef struct {
    char file[256];
    uint64_t line; /* 1-based; 0 when not about a line */
    char message[200];
} ps_trace_error_t;

/* What one pass of a reader saw. Figures a format does not have stay 0 (their *_seen flags say). */
typedef struct {
    ps_format_t format;
    unsigned plain_version; /* PS_FMT_PLAIN: 1 or 2 */
    uint64_t lines;         /* lines read */
    uint64_t events;        /* events returned (allocations and frees, or dump records) */
    uint64_t trace_lines;   /* other lines of the trace: callers, LOG/FUNC/EVENT records,
                                    report and summary lines, headers, comments */
    uint64_t skipped;       /* lines that are no part of the trace: ESP_LOG lines, banners,
                                    IDF Monitor's decoded addresses, tracebacks, other text */
    uint64_t blank;         /* empty lines */
    uint64_t ansi_lines;    /* lines from which ANSI escape sequences were removed */
    uint64_t stamped_lines; /* lines from which a timestamp prefix was removed */
    uint64_t cr_lines;      /* lines that ended in CR LF or CR CR LF */
    uint64_t long_lines;    /* lines longer than PS_LINE_MAX (skipped: not records) */
    uint64_t unnamed_tasks; /* events whose task did not fit the name table */

    /* PS_FMT_SYSVIEW: the tool's own figures */
    int sysview_from_dump_events; /* the events came from -d's EVENT lines (no -p) */
    int report_seen;              /* "=============== HEAP TRACE REPORT ===============" */
    int report_events_seen;
    uint64_t report_events; /* "Processed N heap events." */
    int report_leaks_seen;
    uint64_t report_leaked_bytes; /* "Found N leaked bytes in M blocks." ("OK - ..." = 0, 0) */
    uint64_t report_leaked_blocks;
    uint64_t report_listed; /* allocations the report lists again (not events) */
    uint64_t report_listed_bytes;
    uint64_t report_wrong_frees; /* "Possible wrong free operation found" */
    char tool_error[200];        /* the first "[ERROR] ..." line of the tool, "" when none */

    /* PS_FMT_DUMP: the dump's own figures (of the last dump when the input holds several) */
    unsigned dumps;      /* dump headers read */
    int dump_generation; /* 1: ESP-IDF up to 5.0; 2: 5.1 or later */
    int dump_header_seen;
    uint64_t dump_header_records; /* "N allocations trace" / "Heap Trace: N records" */
    uint64_t dump_capacity;       /* "(M entry buffer)" / "(M capacity)" */
    int dump_alive_seen;          /* "S bytes alive in trace (a/b allocations)" */
    int dump_leaks_mode;          /* the alive line was "S bytes 'leaked' in trace (n allocations)" */
    uint64_t dump_alive_bytes, dump_alive_count, dump_alive_of;
    int dump_totals_seen;
    uint64_t dump_total_allocations, dump_total_frees;
    int dump_overflowed; /* "(NB: ... Buffer has overflowed ...)" */
    int dump_duplicates; /* "(NB: New entries were traced while dumping ...)" */
    int dump_corrupt;    /* "Error: heap trace linked list is corrupt. ..." */
} ps_trace_info_t;

typedef struct ps_reader ps_reader_t;

/* Open a file ("-" = standard input). NULL (and *err filled) when it cannot be
 * opened or memory is short; nothing is read yet. */
ps_reader_t *ps_reader_open(const char *path, ps_trace_error_t *err);

/* A reader over len bytes at buf (not copied: keep them until the reader is
 * closed); name is used in messages. NULL when memory is short. */
ps_reader_t *ps_reader_open_mem(const char *name, const void *buf, size_t len);

void ps_reader_close(ps_reader_t *r);

/* The next event: 1, 0 at the end of the input, -1 on an error (ps_reader_error;
 * every later call returns -1 too). An input in which no trace was found is an error. */
int ps_reader_next(ps_reader_t *r, ps_event_t *ev);

/* Read on until the format is known (the events read on the way are kept for
 * ps_reader_next). PS_FMT_UNKNOWN when there is none (then ps_reader_error). */
ps_format_t ps_reader_format(ps_reader_t *r);

/* 1 when ps_reader_rewind can start the input over (a regular file or memory). */
int ps_reader_can_rewind(const ps_reader_t *r);

/* Start over from the input's first byte (counts and figures restart too).
 * 0, or -1 when the input cannot be re-read (a pipe) or the seek failed. */
int ps_reader_rewind(ps_reader_t *r);

const ps_trace_info_t *ps_reader_info(const ps_reader_t *r);
const ps_trace_error_t *ps_reader_error(const ps_reader_t *r);

/* The name of a task index of an event ("" for 0 or an unknown index). */
const char *ps_reader_task(const ps_reader_t *r, unsigned task);

/* ---- a whole trace in memory (tests, fuzzing, small inputs) ---- */

typedef struct {
    ps_trace_info_t info;
    ps_event_t *ev; /* events in file order */
    size_t n, cap;
    char (*tasks)[PS_TASK_NAME_MAX]; /* tasks[0] is "" */
    size_t n_tasks;
} ps_trace_t;

/* Read all of buf. 0 and *out filled (ps_trace_free it), or -1 and *err filled
 * (then *out is empty and needs no ps_trace_free). */
int ps_trace_parse(const char *name, const char *buf, size_t len, ps_trace_t *out, ps_trace_error_t *err);

void ps_trace_free(ps_trace_t *trace);

/* The latest event time of the trace (0 when it has no events). */
uint64_t ps_trace_span_ns(const ps_trace_t *trace);

/*
 * Writers of tierpool's plain format (revision TP_EVLINE_VERSION, through
 * tp_evline.h): the header line (and a comment line when comment is not
 * NULL), and one event line (task NULL or "" for none; time in whole
 * microseconds). 0, or -1 after a write error.
 */
int ps_plain_write_header(FILE *f, const char *comment);
int ps_plain_write_event(FILE *f, const ps_event_t *ev, const char *task);

/* Name of a format ("sysview", "dump", "plain", "unknown"). */
const char *ps_format_name(ps_format_t format);

#endif /* PS_TRACE_H */
