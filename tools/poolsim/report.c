/* report.c - table, verdicts, CSV, gnuplot, dump analysis, plan. */
#define _POSIX_C_SOURCE 200809L /* popen, access */
#include "report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tiers.h"

#define NS_PER_S ((uint64_t)1000000000u)
#define NS_PER_MIN (60u * NS_PER_S)
#define NS_PER_HOUR (60u * NS_PER_MIN)

const char *ps_fmt_time(uint64_t t, char *buf, size_t len)
{
    /* integer tenths: no floating point in the report either */
    if (t >= NS_PER_HOUR)
        snprintf(buf, len, "%" PRIu64 ".%" PRIu64 " h", t / NS_PER_HOUR, (t % NS_PER_HOUR) * 10u / NS_PER_HOUR);
    else if (t >= NS_PER_MIN)
        snprintf(buf, len, "%" PRIu64 ".%" PRIu64 " min", t / NS_PER_MIN, (t % NS_PER_MIN) * 10u / NS_PER_MIN);
    else
        snprintf(buf, len, "%" PRIu64 ".%03" PRIu64 " s", t / NS_PER_S, (t % NS_PER_S) / 1000000u);
    return buf;
}

static void pool_label(const ps_engine_cfg_t *cfg, char *buf, size_t len)
{
    ps_tiers_format(cfg->tiers, cfg->n_tiers, buf, len);
}

void ps_report_table(FILE *f, const ps_result_t *res, const ps_engine_cfg_t *cfg)
{
    char tiers[400], tb[32];
    pool_label(cfg, tiers, sizeof tiers);
    char rel[16], heading[64];
    snprintf(heading, sizeof heading, "heap (ESP-IDF %s model, %zu region%s)", ps_idf_format(res->idf, rel, sizeof rel),
             res->n_regions, res->n_regions == 1 ? "" : "s");
    fprintf(f, "%10s | %-55s | pools %s\n", "", heading, tiers);
    fprintf(f, "%10s | %10s %9s %9s %5s %8s %8s | %10s %8s %8s %8s\n", "time", "total free", "largest", "min larg.",
            "frag", "failed", "live", "free bytes", "largest", "min larg.", "failed");
    for (size_t i = 0; i < res->n_samples; i++) {
        const ps_sample_t *s = &res->samples[i];
        fprintf(f, "%10s | %10u %9u %9u %4u%% %8u %8u | %10u %8u %9u %8u\n", ps_fmt_time(s->t_ns, tb, sizeof tb),
                s->heap_free, s->heap_largest, s->heap_min_largest, s->heap_frag_pct, s->heap_failed, s->live_allocs,
                s->pool_free, s->pool_largest, s->pool_min_largest, s->pool_failed);
    }
    fprintf(f, "(failed = allocations that got NULL during the interval; min larg. = the smallest largest-"
               "allocatable block seen during it; live = allocations alive in the stream)\n");
}

static void failures_by_size(FILE *f, const uint64_t *by)
{
    const char *sep = " (";
    for (unsigned b = 0; b < PS_BUCKETS; b++)
        if (by[b]) {
            fprintf(f, "%s%s B: %" PRIu64, sep, ps_bucket_name(b), by[b]);
            sep = ", ";
        }
    if (sep[0] == ',')
        fprintf(f, ")");
}

/* The largest block at the first and last full interval: a falling trend is
 * what "fragments to death" would look like even before anything fails. */
static void trend(FILE *f, const ps_result_t *res, int heap)
{
    if (res->n_samples < 3)
        return;
    const ps_sample_t *a = &res->samples[1], *b = &res->samples[res->n_samples - 1];
    char ta[32], tb[32];
    fprintf(f, "; worst largest block in the first interval %u B, in the last %u B (%s / %s)",
            heap ? a->heap_min_largest : a->pool_min_largest, heap ? b->heap_min_largest : b->pool_min_largest,
            ps_fmt_time(a->t_ns, ta, sizeof ta), ps_fmt_time(b->t_ns, tb, sizeof tb));
}

void ps_report_heap(FILE *f, const ps_result_t *res, const ps_engine_cfg_t *cfg)
{
    char rel[16];
    ps_idf_heap_t r;
    const char *tlsf = ps_idf_heap(res->idf, &r) == 0 ? r.tlsf_commit : "?";
    const int poisoned = cfg->heap.poison != PS_POISON_NONE;
    fprintf(f, "heap: ESP-IDF %s (tlsf %s)%s%s%s, %zu region%s, %" PRIu64 " B, %u B free when fresh; malloc() tries ",
            ps_idf_format(res->idf, rel, sizeof rel), tlsf, poisoned ? ", " : "",
            poisoned ? ps_poison_name(cfg->heap.poison) : "", poisoned ? " poisoning" : "", res->n_regions,
            res->n_regions == 1 ? "" : "s", res->heap_len_total, res->heap_initial_free);
    for (size_t k = 0; k < res->n_regions; k++) {
        const ps_region_t *g = &res->regions[res->try_order[k]];
        fprintf(f, "%s%u B%s%s", k ? ", " : "", g->len, g->type[0] ? " " : "", g->type);
    }
    fprintf(f, "\n");
}

/* The spread's line under the heap verdict. */
static void spread_line(FILE *f, const ps_spread_t *s, const ps_spread_cfg_t *c)
{
    char a[32], b[32], m[32];
    fprintf(f,
            "  spread over %u runs (this one and %u with the longest region -%u..+%u B, a start-up block of "
            "0..%u B",
            s->runs, s->runs - 1u, c->region_delta_max, c->region_delta_max, c->startup_max);
    if (c->seeds)
        fprintf(f, ", seeds %" PRIu64 "..%" PRIu64, c->seed + 1u, c->seed + s->runs - 1u);
    fprintf(f, "): ");
    if (!s->runs_failing) {
        fprintf(f, "no failure in any run\n");
        return;
    }
    fprintf(f, "heap failures %" PRIu64 "..%" PRIu64 " (median %" PRIu64 "), %u of %u runs fail", s->failed_min,
            s->failed_max, s->failed_median, s->runs_failing, s->runs);
    fprintf(f, "; first failure %s..%s (median %s)", ps_fmt_time(s->first_min, a, sizeof a),
            ps_fmt_time(s->first_max, b, sizeof b), ps_fmt_time(s->first_median, m, sizeof m));
    if (s->sensitive)
        fprintf(f, "; SENSITIVE: a few hundred bytes change the outcome, so the figures above are one draw "
                   "from this range\n");
    else
        fprintf(f, "; stable across the runs\n");
}

void ps_report_verdicts(FILE *f, const ps_result_t *res, const ps_engine_cfg_t *cfg, const ps_spread_t *spread,
                        const ps_spread_cfg_t *spread_cfg)
{
    char t1[32], t2[32], tiers[400];
    pool_label(cfg, tiers, sizeof tiers);
    fprintf(f,
            "\nstream: %" PRIu64 " allocations, %" PRIu64 " frees over %s; peak %" PRIu64
            " live allocations, peak %" PRIu64 " B requested at once (heap footprint %" PRIu64
            " B), largest request %u B\n",
            res->allocs, res->frees, ps_fmt_time(res->end_ns, t1, sizeof t1), res->peak_live_count,
            res->peak_live_bytes, res->peak_heap_need, res->max_request);
    if (res->unknown_frees || res->reused_addrs || res->zero_allocs || res->out_of_order)
        fprintf(f,
                "stream oddities: %" PRIu64 " frees of addresses never allocated in the stream (ignored), "
                "%" PRIu64 " allocations at a still-live address (the old block freed first), %" PRIu64
                " zero-size requests (ignored), %" PRIu64 " events out of time order\n",
                res->unknown_frees, res->reused_addrs, res->zero_allocs, res->out_of_order);

    char rel[16];
    fprintf(f, "verdict heap (ESP-IDF %s, %" PRIu64 " B in %zu region%s): ", ps_idf_format(res->idf, rel, sizeof rel),
            res->heap_len_total, res->n_regions, res->n_regions == 1 ? "" : "s");
    if (res->heap_failed) {
        fprintf(f, "FAILS: %" PRIu64 " of %" PRIu64 " allocations failed, the first at %s", res->heap_failed,
                res->allocs, ps_fmt_time(res->heap_first_fail_ns, t1, sizeof t1));
        failures_by_size(f, res->heap_failed_by);
    } else {
        fprintf(f, "HOLDS: 0 of %" PRIu64 " allocations failed", res->allocs);
    }
    fprintf(f,
            "; largest free block never below %u B (at %s), free never below %u B, fragmentation at the "
            "end %u %%",
            res->heap_min_largest, ps_fmt_time(res->heap_min_largest_ns, t2, sizeof t2), res->heap_min_free,
            ps_heap_fragmentation_pct(&res->heap_end));
    trend(f, res, 1);
    fprintf(f, "\n");
    if (spread && spread_cfg)
        spread_line(f, spread, spread_cfg);
    if (res->n_regions > 1) {
        fprintf(f, "  allocations served by region (in the order malloc() tries them):");
        for (size_t k = 0; k < res->n_regions; k++) {
            size_t i = res->try_order[k];
            fprintf(f, " %u B%s%s: %" PRIu64 "%s", res->regions[i].len, res->regions[i].type[0] ? " " : "",
                    res->regions[i].type, res->region_allocs[i], k + 1 < res->n_regions ? ";" : "\n");
        }
    }

    fprintf(f, "verdict pools (%s, %zu B of storage): ", tiers, res->pool_storage);
    if (res->pool_failed) {
        fprintf(f, "FAILS: %" PRIu64 " of %" PRIu64 " allocations failed, the first at %s", res->pool_failed,
                res->pool_allocs, ps_fmt_time(res->pool_first_fail_ns, t1, sizeof t1));
        failures_by_size(f, res->pool_failed_by);
        if (res->pool_end.oversize_requests)
            fprintf(f, "; %u requests were larger than the largest tier", res->pool_end.oversize_requests);
    } else {
        fprintf(f, "HOLDS: 0 of %" PRIu64 " allocations failed", res->pool_allocs);
    }
    if (res->pool_allocs < res->allocs)
        fprintf(f, " (the application's; the network stack's %" PRIu64 " stay on the heap)",
                res->allocs - res->pool_allocs);
    fprintf(f, "; largest allocatable never below %u B (at %s); %u requests served by a larger tier\n",
            res->pool_min_largest, ps_fmt_time(res->pool_min_largest_ns, t2, sizeof t2), res->pool_end.fallbacks);
}

int ps_report_csv(FILE *f, const ps_result_t *res)
{
    fprintf(f, "t_s,hours,heap_total_free,heap_largest,heap_min_largest,heap_frag_pct,heap_failed,"
               "heap_failed_total,pool_free,pool_largest,pool_min_largest,pool_failed,pool_failed_total,"
               "live_allocs,live_bytes");
    /* then free and largest of each region, in address order */
    for (size_t i = 0; i < res->n_regions; i++)
        fprintf(f, ",r%zu_free,r%zu_largest", i, i);
    fprintf(f, "\n");
    for (size_t i = 0; i < res->n_samples; i++) {
        const ps_sample_t *s = &res->samples[i];
        fprintf(f,
                "%" PRIu64 ".%03" PRIu64 ",%" PRIu64 ".%04" PRIu64 ",%u,%u,%u,%u,%u,%" PRIu64 ",%u,%u,%u,%u,%" PRIu64
                ",%u,%" PRIu64,
                s->t_ns / NS_PER_S, (s->t_ns % NS_PER_S) / 1000000u, s->t_ns / NS_PER_HOUR,
                (s->t_ns % NS_PER_HOUR) * 10000u / NS_PER_HOUR, s->heap_free, s->heap_largest, s->heap_min_largest,
                s->heap_frag_pct, s->heap_failed, s->heap_failed_total, s->pool_free, s->pool_largest,
                s->pool_min_largest, s->pool_failed, s->pool_failed_total, s->live_allocs, s->live_bytes);
        for (size_t r = 0; r < res->n_regions; r++)
            fprintf(f, ",%u,%u", s->region_free[r], s->region_largest[r]);
        fprintf(f, "\n");
    }
    return ferror(f) ? -1 : 0;
}

static int on_path(const char *prog)
{
    const char *path = getenv("PATH");
    char buf[4096];
    while (path && *path) {
        size_t n = strcspn(path, ":");
        if (n > 0 && n + strlen(prog) + 2u < sizeof buf) {
            snprintf(buf, sizeof buf, "%.*s/%s", (int)n, path, prog);
            if (access(buf, X_OK) == 0)
                return 1;
        }
        path += n;
        if (*path == ':')
            path++;
    }
    return 0;
}

/* gnuplot string literal: single quotes, a quote doubled. */
static void gp_quote(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

int ps_report_plot(const char *png, const char *csv, const char *title, FILE *note)
{
    if (!on_path("gnuplot")) {
        fprintf(note, "note: gnuplot is not on PATH, no plot written (the CSV %s has the data)\n", csv);
        return 1;
    }
    FILE *g = popen("gnuplot >/dev/null", "w");
    if (!g)
        return -1;
    fprintf(g, "set terminal pngcairo size 1100,600\nset output ");
    gp_quote(g, png);
    fprintf(g, "\nset datafile separator ','\nset title ");
    gp_quote(g, title);
    fprintf(g, " noenhanced\nset xlabel 'simulated hours'\nset ylabel 'bytes'\nset y2label 'failed allocations "
               "(cumulative)'\nset ytics nomirror\nset y2tics\nset yrange [0:*]\nset y2range [0:*]\n"
               "set key outside bottom center horizontal\nset grid\n");
    fprintf(g, "plot ");
    gp_quote(g, csv);
    fprintf(g, " using 2:5 with lines lw 2 title 'heap: worst largest free block', '' using 2:3 with lines "
               "title 'heap: total free', '' using 2:11 with lines lw 2 title 'pools: worst largest allocatable', "
               "'' using 2:8 axes x1y2 with steps lw 2 title 'heap: failures', '' using 2:13 axes x1y2 with "
               "steps dt 2 lw 2 title 'pools: failures'\n");
    int st = pclose(g);
    struct stat sb;
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || stat(png, &sb) != 0 || sb.st_size == 0)
        return -1;
    return 0;
}

void ps_report_input(FILE *f, const ps_trace_info_t *in)
{
    fprintf(f,
            "input: %" PRIu64 " lines: %" PRIu64 " %s, %" PRIu64 " other lines of the trace, %" PRIu64
            " skipped (not part of the trace: serial monitor or ESP_LOG output, banners, decoded addresses), "
            "%" PRIu64 " blank\n",
            in->lines, in->events, in->format == PS_FMT_DUMP ? "dump records" : "heap events", in->trace_lines,
            in->skipped, in->blank);
    if (in->ansi_lines || in->stamped_lines || in->cr_lines || in->long_lines || in->unnamed_tasks)
        fprintf(f,
                "input: removed ANSI escapes from %" PRIu64 " lines, timestamp prefixes from %" PRIu64
                " lines, CR line ends from %" PRIu64 " lines; %" PRIu64 " lines longer than %u bytes skipped; "
                "%" PRIu64 " events of tasks beyond the %u names kept read as unnamed\n",
                in->ansi_lines, in->stamped_lines, in->cr_lines, in->long_lines, (unsigned)PS_LINE_MAX,
                in->unnamed_tasks, (unsigned)PS_MAX_TASKS);
}

static const char *agree(int ok)
{
    return ok ? "agree" : "DISAGREE";
}

int ps_report_sysview_check(FILE *f, const ps_trace_info_t *in, uint64_t end_live_count, uint64_t end_live_bytes)
{
    int bad = 0;
    if (in->format != PS_FMT_SYSVIEW)
        return 0;
    if (in->sysview_from_dump_events)
        fprintf(f, "trace: the events were read from the EVENT lines of sysviewtrace_proc.py -d (no -p)\n");
    if (in->tool_error[0]) {
        fprintf(f, "trace: WARNING: sysviewtrace_proc.py reported an error; its output may end early: %s\n",
                in->tool_error);
        /* The tool stops at an allocation of a block it holds as live: the free
         * before it is missing, most often because a dual-core capture was
         * given with one core's file only. */
        if (strstr(in->tool_error, "Duplicate alloc") != NULL)
            fprintf(f, "trace: a free is missing before that allocation, and the tool stopped there: on a "
                       "dual-core chip give sysviewtrace_proc.py every core's file (heap_log0.svdat "
                       "heap_log1.svdat)\n");
    }
    if (!in->report_seen && !in->report_events_seen && !in->report_leaks_seen) {
        fprintf(f, "trace: no HEAP TRACE REPORT in the input: nothing to check the replay against\n");
        return 0;
    }
    if (in->report_events_seen) {
        const int ok = in->report_events == in->events;
        bad += !ok;
        fprintf(f,
                "trace: its report says \"Processed %" PRIu64 " heap events.\", %" PRIu64 " were read before "
                "it: %s\n",
                in->report_events, in->events, agree(ok));
    }
    if (in->report_leaks_seen) {
        const int ok = in->report_leaked_blocks == end_live_count && in->report_leaked_bytes == end_live_bytes;
        bad += !ok;
        fprintf(f,
                "trace: its report says %" PRIu64 " leaked bytes in %" PRIu64 " blocks, the replay ends with %" PRIu64
                " blocks of %" PRIu64 " bytes alive: %s\n",
                in->report_leaked_bytes, in->report_leaked_blocks, end_live_count, end_live_bytes, agree(ok));
        if (in->report_listed || in->report_leaked_blocks) {
            const int ok2 =
                in->report_listed == in->report_leaked_blocks && in->report_listed_bytes == in->report_leaked_bytes;
            bad += !ok2;
            fprintf(f,
                    "trace: the report lists %" PRIu64 " allocations (%" PRIu64 " bytes) again; they are its "
                    "summary, not replayed: %s with its Found line\n",
                    in->report_listed, in->report_listed_bytes, agree(ok2));
        }
    }
    if (in->report_wrong_frees)
        fprintf(f, "trace: the report found %" PRIu64 " possible wrong frees (a free inside a live block)\n",
                in->report_wrong_frees);
    if (bad)
        fprintf(f,
                "trace: WARNING: %d of the trace's own figures disagree with what was read: the input may be "
                "cut short, edited, or from a tool version that prints differently; the figures above cover "
                "what was read\n",
                bad);
    return bad;
}

void ps_report_dump_csv_head(FILE *f)
{
    fputs("dump,record,size,address,state\n", f);
}

void ps_report_dump_csv_row(FILE *f, unsigned dump, const ps_event_t *record)
{
    fprintf(f, "%u,%" PRIu64 ",%u,0x%08" PRIx64 ",%s\n", dump, record->t_ns, record->size, record->addr,
            record->freed ? "freed" : "alive");
}

int ps_report_dump(FILE *f, const char *name, const ps_trace_info_t *in, const ps_dump_stats_t *s)
{
    int bad = 0;
    fprintf(f, "%s: a heap_trace_dump (ESP-IDF %s) with %" PRIu64 " records.\n", name,
            in->dump_generation == 1   ? "up to 5.0"
            : in->dump_generation == 2 ? "5.1 or later"
                                       : "of unknown version",
            s->records);
    if (in->dumps > 1)
        fprintf(f, "The input holds %u dumps: the figures are the last one's.\n", in->dumps);
    fprintf(f, "This format records no free times, so poolsim cannot replay it in time: no fragmentation "
               "history, no per-hour table, no pool comparison. What it can tell:\n");
    fprintf(f,
            "  records: %" PRIu64 " (%" PRIu64 " bytes requested), %" PRIu64 " freed, %" PRIu64
            " still alive holding %" PRIu64 " bytes\n",
            s->records, s->bytes, s->freed, s->alive, s->alive_bytes);
    if (in->dump_header_seen) {
        const int ok = in->dump_header_records == s->records;
        bad += !ok;
        fprintf(f,
                "  the dump's header announces %" PRIu64 " records (capacity %" PRIu64 "), %" PRIu64 " were read: "
                "%s\n",
                in->dump_header_records, in->dump_capacity, s->records, agree(ok));
    }
    if (in->dump_alive_seen) {
        const int ok = in->dump_alive_count == s->alive && in->dump_alive_bytes == s->alive_bytes &&
                       (in->dump_leaks_mode || in->dump_alive_of == s->records);
        bad += !ok;
        if (in->dump_leaks_mode)
            fprintf(f,
                    "  the dump's summary: %" PRIu64 " bytes 'leaked' in %" PRIu64 " allocations; read: %" PRIu64
                    " bytes in %" PRIu64 ": %s\n",
                    in->dump_alive_bytes, in->dump_alive_count, s->alive_bytes, s->alive, agree(ok));
        else
            fprintf(f,
                    "  the dump's summary: %" PRIu64 " bytes alive in %" PRIu64 " of %" PRIu64 " allocations; read: "
                    "%" PRIu64 " bytes in %" PRIu64 " of %" PRIu64 ": %s\n",
                    in->dump_alive_bytes, in->dump_alive_count, in->dump_alive_of, s->alive_bytes, s->alive, s->records,
                    agree(ok));
    }
    if (in->dump_totals_seen)
        fprintf(f, "  trace summary: %" PRIu64 " allocations, %" PRIu64 " frees in total while tracing\n",
                in->dump_total_allocations, in->dump_total_frees);
    if (in->dump_overflowed)
        fprintf(f, "  the trace buffer overflowed: records are incomplete\n");
    if (in->dump_duplicates)
        fprintf(f, "  entries were traced while dumping: the dump may hold duplicates\n");
    if (in->dump_corrupt) {
        bad++;
        fprintf(f, "  the dump says its record list is corrupt: records are missing\n");
    }
    if (bad)
        fprintf(f,
                "  WARNING: %d of the dump's own figures disagree with what was read (a capture cut short, "
                "lines lost on the serial line, or records filtered by heap_trace_dump_caps)\n",
                bad);
    fprintf(f, "  sizes (all records / still alive):\n");
    for (unsigned b = 0; b < PS_DUMP_BUCKETS; b++)
        if (s->hist[b])
            fprintf(f, "    %10u..%-10u %8" PRIu64 " %8" PRIu64 "\n", b ? 1u << (b - 1u) : 0u,
                    b ? (uint32_t)((1ull << b) - 1u) : 0u, s->hist[b], s->alive_hist[b]);
    if (s->alive) {
        fprintf(f, "  leak candidates (never freed in the trace), largest first:\n");
        for (unsigned i = 0; i < s->n_top; i++)
            fprintf(f, "    %8u bytes @ 0x%08" PRIx64 " (record %" PRIu64 ")\n", s->top[i].size, s->top[i].addr,
                    s->top[i].t_ns);
        if (s->alive > s->n_top)
            fprintf(f, "    ... and %" PRIu64 " more\n", s->alive - s->n_top);
    }
    fprintf(f, "  for a replay, record with host-based tracing (sysviewtrace_proc.py -p) or tierpool's plain "
               "event format: docs/poolsim.md, \"Record a trace on your device\".\n");
    return bad;
}

void ps_report_plan(FILE *f, const ps_plan_t *p, const ps_plan_cfg_t *cfg, uint32_t heap_arena)
{
    char tiers[400];
    ps_tiers_format(p->tiers, p->n_tiers, tiers, sizeof tiers);
    fprintf(f, "plan for %" PRIu64 " allocations (largest request %u B), headroom %u %%:\n", p->allocs, p->max_request,
            cfg->headroom_pct);
    fprintf(f, "  %-6s %10s %8s %12s %10s  %s\n", "tier", "block size", "count", "block bytes", "peak live",
            "serves requests of");
    uint32_t lo = 1;
    for (size_t i = 0; i < p->n_tiers; i++) {
        fprintf(f, "  %-6zu %10u %8u %12" PRIu64, i, p->tiers[i].block_size, p->tiers[i].block_count,
                (uint64_t)p->tiers[i].block_size * p->tiers[i].block_count);
        if (p->range_peak[i]) {
            fprintf(f, " %10u  %u..%u B\n", p->range_peak[i], lo, p->tiers[i].block_size);
            lo = p->tiers[i].block_size + 1u;
        } else {
            fprintf(f, " %10s  (more blocks for the tier above: split at %u per tier)\n", "", TP_MAX_BLOCKS_PER_TIER);
        }
    }
    fprintf(f, "  --tiers %s\n", tiers);
    fprintf(f,
            "  pool RAM: %zu B of storage (tp_pool_storage_size: %" PRIu64 " B of blocks, the rest "
            "2-byte links and alignment) + %zu B for the tp_pool_t on this host\n",
            p->storage, p->block_bytes, sizeof(tp_pool_t));
    char rel[16];
    fprintf(f,
            "  heap model peak need: %" PRIu64 " B (the live requests' footprints at their peak: "
            "4-byte header, the block as ESP-IDF %s rounds it%s in the first region malloc() tries, "
            "of %u B; %" PRIu64 " B requested, %" PRIu64
            " blocks); the heap needs more than this in practice (fragmentation, each region's heap_t and "
            "TLSF control structure)\n",
            p->peak_heap_need, ps_idf_format(cfg->heap.idf, rel, sizeof rel),
            cfg->heap.poison != PS_POISON_NONE ? ", poisoning" : "", heap_arena, p->peak_live_bytes,
            p->peak_live_count);
    fprintf(f, "  candidates: %u block sizes (%s)\n", p->n_candidates,
            p->sizes_per_octave ? "request sizes merged into geometric buckets" : "every distinct request size");
    if (p->unknown_frees)
        fprintf(f, "  %" PRIu64 " frees of addresses never allocated in the stream were ignored\n", p->unknown_frees);
    if (p->verify_failures)
        fprintf(f, "  WARNING: replaying the plan still fails %" PRIu64 " allocations\n", p->verify_failures);
    else
        fprintf(f, "  replay of the stream through this plan: 0 failed allocations%s\n",
                p->bump_rounds ? " (after raising split tiers' counts)" : "");
}

void ps_report_heap_search(FILE *f, const ps_heap_search_t *hs, const ps_plan_t *plan)
{
    switch (hs->status) {
    case PS_HEAP_SEARCH_NONE:
        fprintf(f, "  heap search: no single heap region up to %" PRIu64 " B serves the stream without failure\n",
                hs->arena_fail);
        break;
    case PS_HEAP_SEARCH_AT_PEAK:
        fprintf(f,
                "  heap search: a single heap region of %" PRIu64 " B (the smallest whose fresh free counter "
                "holds the peak need) already serves the stream with no failure, against %zu B of pool storage\n",
                hs->arena_ok, plan->storage);
        break;
    case PS_HEAP_SEARCH_FOUND:
        fprintf(f,
                "  heap search: the heap model serves the stream with no failure in a single heap region of %" PRIu64
                " B (%" PRIu64 " B fails; found by bisection in 256 B steps), against %zu B of pool storage\n",
                hs->arena_ok, hs->arena_fail, plan->storage);
        break;
    }
}

void ps_report_sweep_head(FILE *f, const ps_sweep_cfg_t *cfg, const char *desc)
{
    fprintf(f, "poolsim sweep: background live set from %u to %u B in steps of %u B over workload %s", cfg->levels.min,
            cfg->levels.max, cfg->step, desc);
    fprintf(f, "%12s | %8s %12s %10s %9s | %8s %12s\n", "background", "heap", "first heap", "worst", "min free", "pool",
            "first pool");
    fprintf(f, "%12s | %8s %12s %10s %9s | %8s %12s\n", "bytes", "failed", "failure", "largest", "", "failed",
            "failure");
}

void ps_report_sweep_row(FILE *f, const ps_sweep_row_t *r)
{
    char t1[32], t2[32];
    fprintf(f, "%12" PRIu64 " | %8" PRIu64 " %12s %10u %9u | %8" PRIu64 " %12s\n", r->level, r->heap_failed,
            r->heap_failed ? ps_fmt_time(r->heap_first_fail_ns, t1, sizeof t1) : "-", r->heap_min_largest,
            r->heap_min_free, r->pool_failed, r->pool_failed ? ps_fmt_time(r->pool_first_fail_ns, t2, sizeof t2) : "-");
}

void ps_report_sweep_tail(FILE *f, const char *csv_name)
{
    fprintf(f,
            "(the pool column is the same pool config under the same stream; the background objects "
            "compete for its tiers too)\nCSV written to %s\n",
            csv_name);
}

void ps_report_sweep_csv_head(FILE *f)
{
    fprintf(f, "background_bytes,allocs,heap_failed,heap_first_fail_s,heap_min_largest,heap_min_free,"
               "pool_failed,pool_first_fail_s\n");
}

void ps_report_sweep_csv_row(FILE *f, const ps_sweep_row_t *r)
{
    fprintf(f, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%u,%u,%" PRIu64 ",%" PRIu64 "\n", r->level, r->allocs,
            r->heap_failed, r->heap_failed ? r->heap_first_fail_ns / NS_PER_S : 0, r->heap_min_largest,
            r->heap_min_free, r->pool_failed, r->pool_failed ? r->pool_first_fail_ns / NS_PER_S : 0);
}
