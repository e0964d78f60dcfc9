/* report.h - what poolsim prints and writes: table, verdicts, CSV, plot. */
#ifndef PS_REPORT_H
#define PS_REPORT_H

#include <stdio.h>

#include "engine.h"
#include "planner.h"
#include "dump.h"
#include "spread.h"
#include "ps_trace.h"
#include "sweep.h"

/* The side-by-side table, one row per sample. */
void ps_report_table(FILE *f, const ps_result_t *res, const ps_engine_cfg_t *cfg);

/* The heap as modelled: release, regions, the order malloc() tries them. */
void ps_report_heap(FILE *f, const ps_result_t *res, const ps_engine_cfg_t *cfg);

/* One verdict line per allocator, plus the stream's own counts; with a spread
 * (NULL: none), its range under the heap's verdict. */
void ps_report_verdicts(FILE *f, const ps_result_t *res, const ps_engine_cfg_t *cfg, const ps_spread_t *spread,
                        const ps_spread_cfg_t *spread_cfg);

/* CSV, one row per sample, to f. 0, or -1 when f is in error (the caller's
 * fclose/fflush says whether it all reached the file). */
int ps_report_csv(FILE *f, const ps_result_t *res);

/*
 * PNG of the largest free block and the cumulative failures over time, drawn
 * by gnuplot from the CSV file. 0 when drawn, 1 when gnuplot is not on PATH (a
 * note is printed to note_out), -1 when gnuplot failed or left no PNG.
 * gnuplot's standard output goes to /dev/null: when it cannot open the PNG it
 * would write the image there.
 */
int ps_report_plot(const char *png_path, const char *csv_path, const char *title, FILE *note_out);

/* What a reader read: lines, events, what was skipped, decorations removed. */
void ps_report_input(FILE *f, const ps_trace_info_t *in);

/* A sysviewtrace_proc.py output's own report against what was read and
 * replayed (or planned for): end_live_count allocations of end_live_bytes
 * bytes alive in the stream at its end. Returns the number of figures that
 * disagree (each is printed). */
int ps_report_sysview_check(FILE *f, const ps_trace_info_t *in, uint64_t end_live_count, uint64_t end_live_bytes);

/* What a heap_trace_dump (no free times) can tell, with the dump's own
 * header and summary compared. Returns the number of figures that disagree. */
int ps_report_dump(FILE *f, const char *name, const ps_trace_info_t *in, const ps_dump_stats_t *s);

/* A heap_trace_dump as CSV, one row per record in the dump's order:
 * dump (1 for the first dump of the input), record (0-based, as the dump
 * numbers them), size, address, state ("freed" or "alive"). There is no time
 * column: a dump records no times. */
void ps_report_dump_csv_head(FILE *f);
void ps_report_dump_csv_row(FILE *f, unsigned dump, const ps_event_t *record);

/* The planner's result. */
void ps_report_plan(FILE *f, const ps_plan_t *plan, const ps_plan_cfg_t *cfg, uint32_t heap_arena);

/* The heap search's answer, next to the plan's pool storage. */
void ps_report_heap_search(FILE *f, const ps_heap_search_t *hs, const ps_plan_t *plan);

/* The sweep's table: a header (the levels and the workload described by desc), one
 * row per level, and the closing note naming where the CSV went. */
void ps_report_sweep_head(FILE *f, const ps_sweep_cfg_t *cfg, const char *desc);
void ps_report_sweep_row(FILE *f, const ps_sweep_row_t *row);
void ps_report_sweep_tail(FILE *f, const char *csv_name);

/* The sweep's CSV: the column names, then one line per level. */
void ps_report_sweep_csv_head(FILE *f);
void ps_report_sweep_csv_row(FILE *f, const ps_sweep_row_t *row);

/* "12.5 h" / "37 min" / "12 s" style, into buf. */
const char *ps_fmt_time(uint64_t t_ns, char *buf, size_t len);

#endif /* PS_REPORT_H */
