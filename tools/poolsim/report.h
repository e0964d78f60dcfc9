/* report.h - what poolsim prints and writes: table, verdicts, CSV, plot. */
#ifndef PS_REPORT_H
#define PS_REPORT_H

#include <stdio.h>

#include "engine.h"
#include "planner.h"
#include "ps_trace.h"

/* The side-by-side table, one row per sample. */
void ps_report_table(FILE *f, const ps_result_t *res, const ps_engine_cfg_t *cfg);

/* One verdict line per allocator, plus the stream's own counts. */
void ps_report_verdicts(FILE *f, const ps_result_t *res, const ps_engine_cfg_t *cfg);

/* CSV, one row per sample. 0 or -1 (errno set). */
int ps_report_csv(const char *path, const ps_result_t *res);

/*
 * PNG of the largest free block and the cumulative failures over time, drawn
 * by gnuplot from the CSV. 0 when drawn, 1 when gnuplot is not on PATH (a note
 * is printed to note_out), -1 when gnuplot failed.
 */
int ps_report_plot(const char *png_path, const char *csv_path, const char *title, FILE *note_out);

/* What a trace without free times (heap_trace_dump) can tell. */
void ps_report_dump(FILE *f, const char *name, const ps_trace_t *trace);

/* The planner's result. */
void ps_report_plan(FILE *f, const ps_plan_t *plan, const ps_plan_cfg_t *cfg, uint32_t heap_arena);

/* "12.5 h" / "37 min" / "12 s" style, into buf. */
const char *ps_fmt_time(uint64_t t_ns, char *buf, size_t len);

#endif /* PS_REPORT_H */
