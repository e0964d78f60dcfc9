/*
 * poolsim - will this firmware's memory last? Command-line front end.
 *
 *   poolsim run     synthetic workload (default: the seed's device, 48 h)
 *   poolsim replay  a trace file
 *   poolsim plan    the cheapest pool tiers for a trace or a synthetic run
 *   poolsim sweep   the synthetic workload at rising background heap use
 *
 * Exit codes: 0 done, 1 input error (unreadable or malformed trace, an output
 * file that cannot be written), 2 usage error (unknown option, bad value).
 */
#define _POSIX_C_SOURCE 200809L /* fileno, isatty */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootlog.h"
#include "engine.h"
#include "heapcaps.h"
#include "planner.h"
#include "ps_trace.h"
#include "report.h"
#include "spread.h"
#include "sweep.h"
#include "tiers.h"
#include "workload.h"

#define NS_PER_MIN ((uint64_t)60000000000u)
#define NS_PER_HOUR (60u * NS_PER_MIN)
#define EXIT_INPUT 1
#define EXIT_USAGE 2
#define SPREAD_AUTO UINT32_MAX

/* ---- everything a command line can set ---- */

typedef struct {
    const char *cmd;
    ps_workload_cfg_t wl;
    uint32_t hours;
    ps_engine_cfg_t eng;
    uint32_t interval_min;
    uint32_t arena; /* 0: not given */
    const char *idf_text;
    const char *regions_text;
    const char *boot_log;
    char left_out[256]; /* regions of the boot log malloc() does not use */
    const char *poison_name;
    const char *tiers_text;
    const char *csv;
    const char *plot;
    int progress;
    int quiet;
    uint32_t spread; /* perturbed runs; SPREAD_AUTO until given */
    ps_spread_cfg_t spread_cfg;
    const char *trace;
    const char *emit;
    /* plan */
    ps_plan_cfg_t plan;
    const char *header;
    int heap_search;
    /* sweep */
    ps_range_t levels;
    uint32_t level_step;
} opts_t;

typedef enum { OPT_U32, OPT_U64, OPT_RANGE, OPT_STR, OPT_FLAG } opt_type_t;

/* Which commands take an option. */
enum {
    C_RUN = 1,
    C_REPLAY = 2,
    C_PLAN = 4,
    C_SWEEP = 8,
    C_SIM = C_RUN | C_PLAN | C_SWEEP,
    C_ENGINE = C_RUN | C_REPLAY | C_SWEEP,
    C_ALL = 15
};

typedef struct {
    const char *name;
    opt_type_t type;
    size_t offset;
    uint64_t min, max;
    unsigned cmds;
    const char *arg;
    const char *help;
} opt_def_t;

#define O(field) offsetof(opts_t, field)
static const opt_def_t options[] = {
    { "--hours", OPT_U32, O(hours), 1, 24u * 365u, C_SIM, "H", "simulated hours (default 48)" },
    { "--seed", OPT_U64, O(wl.seed), 0, UINT64_MAX, C_SIM, "N", "workload seed (default 1)" },
    { "--ws-per-min", OPT_U32, O(wl.ws_per_min), 0, 600000, C_SIM, "N", "WebSocket frames per minute (600)" },
    { "--ws-size", OPT_RANGE, O(wl.ws_size), 1, 1u << 24, C_SIM, "MIN:MAX", "frame size, bytes (32:4096)" },
    { "--ws-hold-ms", OPT_RANGE, O(wl.ws_hold_ms), 0, 86400000, C_SIM, "MIN:MAX", "frame lifetime (5:100)" },
    { "--cmd-per-min", OPT_U32, O(wl.cmd_per_min), 0, 600000, C_SIM, "N", "commands per minute (120)" },
    { "--cmd-size", OPT_RANGE, O(wl.cmd_size), 1, 1u << 24, C_SIM, "MIN:MAX", "command size (8:256)" },
    { "--cmd-hold-ms", OPT_RANGE, O(wl.cmd_hold_ms), 0, 86400000, C_SIM, "MIN:MAX", "command lifetime (1:20)" },
    { "--pattern-per-hour", OPT_U32, O(wl.pattern_per_hour), 0, 3600000, C_SIM, "N", "pattern loads per hour (120)" },
    { "--pattern-size", OPT_RANGE, O(wl.pattern_size), 1, 1u << 24, C_SIM, "MIN:MAX", "pattern size (1024)" },
    { "--pattern-ring", OPT_U32, O(wl.pattern_ring), 1, 1024, C_SIM, "N", "patterns kept in memory (8)" },
    { "--trickle-per-hour", OPT_U32, O(wl.trickle_per_hour), 0, 3600000, C_SIM, "N",
      "long-lived (never freed) allocations per hour (30)" },
    { "--trickle-size", OPT_RANGE, O(wl.trickle_size), 1, 1u << 24, C_SIM, "MIN:MAX", "their size (16:128)" },
    { "--trickle-cap", OPT_U32, O(wl.trickle_cap), 0, UINT32_MAX, C_SIM, "BYTES",
      "stop the trickle at this many bytes, 0 = never (8192)" },
    { "--burst-every-min", OPT_U32, O(wl.burst_every_min), 0, 100000, C_SIM, "N",
      "a burst every N minutes, 0 = off (15)" },
    { "--burst-frames", OPT_U32, O(wl.burst_frames), 0, 4096, C_SIM, "N", "frames per burst (8)" },
    { "--burst-size", OPT_RANGE, O(wl.burst_size), 1, 1u << 24, C_SIM, "MIN:MAX", "burst frame size (1024:4096)" },
    { "--burst-hold-ms", OPT_RANGE, O(wl.burst_hold_ms), 0, 86400000, C_SIM, "MIN:MAX",
      "burst frame lifetime (100:500)" },
    { "--background", OPT_U32, O(wl.background_bytes), 0, 1u << 30, C_SIM, "BYTES",
      "background live set kept allocated, churning (0)" },
    { "--bg-size", OPT_RANGE, O(wl.background_size), 1, 1u << 24, C_SIM, "MIN:MAX",
      "background object size (16:2048)" },
    { "--bg-life-s", OPT_RANGE, O(wl.background_life_s), 1, 604800, C_SIM, "MIN:MAX",
      "background object lifetime, s (10:600)" },
    { "--net", OPT_U32, O(wl.net), 0, 1, C_SIM, "0|1",
      "the Wi-Fi + TLS WebSocket client's own allocations, 1 = on (1)" },
    { "--net-reconnects-per-hour", OPT_U32, O(wl.net_reconnects_per_hour), 0, 3600, C_SIM, "N",
      "TLS reconnects per hour, each re-allocating the record buffers (1)" },
    { "--net-broadcast-per-min", OPT_U32, O(wl.net_broadcast_per_min), 0, 60000, C_SIM, "N",
      "broadcast frames received per minute (120)" },
    { "--net-handshake-ms", OPT_U32, O(wl.net_handshake_ms), 1, 60000, C_SIM, "MS", "TLS handshake duration (1000)" },
    { "--idf-version", OPT_STR, O(idf_text), 0, 0, C_ALL, "V",
      "the ESP-IDF release whose heap is modelled, 5.0 .. 6.0.2 (latest)" },
    { "--boot-log", OPT_STR, O(boot_log), 0, 0, C_ENGINE | C_PLAN, "FILE",
      "heap regions from a boot log (heap_init lines) or heap_caps_print_heap_info() output" },
    { "--heap-regions", OPT_STR, O(regions_text), 0, 0, C_ENGINE | C_PLAN, "LIST",
      "heap regions LEN[:TYPE],... as the boot log gives them (default: an ESP32-S3's, docs/poolsim.md)" },
    { "--arena", OPT_U32, O(arena), PS_HEAP_MIN_ARENA, PS_HEAP_MAX_ARENA, C_ENGINE | C_PLAN, "BYTES",
      "one heap region of this length instead (167936 = the seed's 164 KiB)" },
    { "--poison", OPT_STR, O(poison_name), 0, 0, C_ENGINE | C_PLAN, "MODE",
      "heap poisoning: none, light or comprehensive (none)" },
    { "--tiers", OPT_STR, O(tiers_text), 0, 0, C_ENGINE, "LIST",
      "pool tiers SIZExCOUNT,... (default, the library's default pool:" PS_DEFAULT_TIERS_TEXT ")" },
    { "--interval-min", OPT_U32, O(interval_min), 1, 525600, C_RUN | C_REPLAY, "N",
      "table/CSV row every N simulated minutes (run: 60; replay: 1/24 of the trace)" },
    { "--csv", OPT_STR, O(csv), 0, 0, C_ENGINE, "FILE", "CSV output (default poolsim.csv; - = stdout)" },
    { "--plot", OPT_STR, O(plot), 0, 0, C_RUN | C_REPLAY, "FILE", "PNG plot via gnuplot (default: none)" },
    { "--progress", OPT_FLAG, O(progress), 0, 0, C_ENGINE, NULL, "progress on stderr even when it is not a tty" },
    { "--emit-trace", OPT_STR, O(emit), 0, 0, C_RUN, "FILE",
      "also write the generated events in tierpool's plain trace format" },
    { "--quiet", OPT_FLAG, O(quiet), 0, 0, C_RUN | C_REPLAY, NULL, "no table, only the verdicts" },
    { "--spread", OPT_U32, O(spread), 0, PS_SPREAD_MAX, C_RUN | C_REPLAY, "N",
      "replay over N perturbed heaps for the range of outcomes, 0 = off (default 8 up to 5 million events)" },
    { "--headroom", OPT_U32, O(plan.headroom_pct), 0, 1000, C_PLAN, "PCT", "blocks above the peak, percent (25)" },
    { "--candidates", OPT_U32, O(plan.max_candidates), 2, 256, C_PLAN, "N", "block sizes considered (64)" },
    { "--max-tiers", OPT_U32, O(plan.max_tiers), 1, TP_CFG_MAX_TIERS, C_PLAN, "N", "tiers at most (16)" },
    { "--header", OPT_STR, O(header), 0, 0, C_PLAN, "FILE", "write the plan as a C header" },
    { "--heap-search", OPT_FLAG, O(heap_search), 0, 0, C_PLAN, NULL,
      "also find the smallest heap arena that serves the stream with no failure (replays it ~10 times)" },
    { "--levels", OPT_RANGE, O(levels), 0, 1u << 30, C_SWEEP, "FROM:TO",
      "background bytes to sweep (default 0 to 3/4 of the heap's regions, in 16 steps)" },
    { "--step", OPT_U32, O(level_step), 1, 1u << 30, C_SWEEP, "BYTES",
      "sweep step (default: 1/16 of the levels' span)" },
};
#undef O

static const char *const commands[] = { "run", "replay", "plan", "sweep" };
static const char *const summaries[] = {
    "simulate a synthetic workload (default: the seed's device for 48 h)",
    "replay a trace file (ESP-IDF SystemView log, heap_trace_dump, tierpool plain)",
    "plan the cheapest pool tiers for a trace, or for a synthetic run without TRACE",
    "run the synthetic workload at rising background heap use; where does the heap fail?",
};

static unsigned cmd_bit(const char *cmd)
{
    for (unsigned i = 0; i < 4; i++)
        if (!strcmp(cmd, commands[i]))
            return 1u << i;
    return 0;
}

static void usage_top(FILE *f)
{
    fprintf(f, "usage: poolsim COMMAND [options]\n       poolsim COMMAND --help\n\ncommands:\n");
    for (unsigned i = 0; i < 4; i++)
        fprintf(f, "  %-7s %s\n", commands[i], summaries[i]);
    fprintf(f, "\nExit codes: 0 done, 1 input error (bad trace, unwritable output), 2 usage error.\n"
               "Docs: docs/poolsim.md. Sizes and counts are decimal integers.\n");
}

static void usage_cmd(FILE *f, const char *cmd)
{
    unsigned bit = cmd_bit(cmd);
    const char *arg = bit == C_REPLAY ? " TRACE" : bit == C_PLAN ? " [TRACE]" : "";
    fprintf(f, "usage: poolsim %s%s [options]\n  %s\n\noptions:\n", cmd, arg, summaries[__builtin_ctz(bit)]);
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        if (!(options[i].cmds & bit))
            continue;
        char left[48];
        snprintf(left, sizeof left, "%s%s%s", options[i].name, options[i].arg ? " " : "",
                 options[i].arg ? options[i].arg : "");
        fprintf(f, "  %-28s %s\n", left, options[i].help);
    }
    fprintf(f, "  %-28s %s\n", "--help", "this text");
    if (bit == C_REPLAY || bit == C_PLAN)
        fprintf(f, "\nTRACE: a file, or - for standard input; the format is detected from the content.\n");
}

/* ---- values ---- */

static int parse_u64(const char *s, uint64_t *out)
{
    if (!s || *s < '0' || *s > '9') /* strtoull would skip spaces and take a sign */
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

static int bad_value(const char *cmd, const opt_def_t *o, const char *val)
{
    if (o->type == OPT_RANGE)
        fprintf(stderr,
                "poolsim %s: %s: '%s' is not accepted; expected MIN:MAX or one number, integers in "
                "%" PRIu64 "..%" PRIu64 " with MIN <= MAX\n",
                cmd, o->name, val, o->min, o->max);
    else
        fprintf(stderr, "poolsim %s: %s: '%s' is not accepted; expected an integer in %" PRIu64 "..%" PRIu64 "\n", cmd,
                o->name, val, o->min, o->max);
    return -1;
}

static int set_option(opts_t *op, const opt_def_t *o, const char *val)
{
    void *field = (char *)op + o->offset;
    uint64_t v;
    switch (o->type) {
    case OPT_FLAG: *(int *)field = 1; return 0;
    case OPT_STR:
        if (!*val) {
            fprintf(stderr, "poolsim %s: %s needs a non-empty value\n", op->cmd, o->name);
            return -1;
        }
        *(const char **)field = val;
        return 0;
    case OPT_U32:
    case OPT_U64:
        if (parse_u64(val, &v) || v < o->min || v > o->max)
            return bad_value(op->cmd, o, val);
        if (o->type == OPT_U32)
            *(uint32_t *)field = (uint32_t)v;
        else
            *(uint64_t *)field = v;
        return 0;
    case OPT_RANGE: {
        char buf[64];
        uint64_t lo, hi;
        if (strlen(val) >= sizeof buf)
            return bad_value(op->cmd, o, val);
        strcpy(buf, val);
        char *colon = strchr(buf, ':');
        if (colon)
            *colon = '\0';
        if (parse_u64(buf, &lo) || (colon ? parse_u64(colon + 1, &hi) : (hi = lo, 0)) || lo > hi || lo < o->min ||
            hi > o->max)
            return bad_value(op->cmd, o, val);
        ((ps_range_t *)field)->min = (uint32_t)lo;
        ((ps_range_t *)field)->max = (uint32_t)hi;
        return 0;
    }
    }
    return -1;
}

/* Parse argv after the command. Returns 0, 1 for --help, or -1 (message printed). */
static int parse_args(opts_t *op, int argc, char **argv)
{
    unsigned bit = cmd_bit(op->cmd);
    int positional = 0;
    const char *workload_opt = NULL; /* the first option of the synthetic workload given */
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h"))
            return 1;
        if (a[0] != '-' || !strcmp(a, "-")) {
            if ((bit & (C_REPLAY | C_PLAN)) && positional == 0) {
                op->trace = a;
                positional++;
                continue;
            }
            fprintf(stderr, "poolsim %s: unexpected argument '%s' (see poolsim %s --help)\n", op->cmd, a, op->cmd);
            return -1;
        }
        size_t nlen = strcspn(a, "=");
        const opt_def_t *o = NULL;
        for (size_t k = 0; k < sizeof options / sizeof options[0]; k++)
            if (strlen(options[k].name) == nlen && !strncmp(options[k].name, a, nlen))
                o = &options[k];
        if (!o || !(o->cmds & bit)) {
            fprintf(stderr, "poolsim %s: unknown option '%.*s' (see poolsim %s --help)\n", op->cmd, (int)nlen, a,
                    op->cmd);
            return -1;
        }
        const char *val = NULL;
        if (a[nlen] == '=')
            val = a + nlen + 1;
        else if (o->type != OPT_FLAG) {
            if (i + 1 >= argc) {
                fprintf(stderr, "poolsim %s: %s needs a value (%s)\n", op->cmd, o->name, o->arg);
                return -1;
            }
            val = argv[++i];
        }
        if (o->type == OPT_FLAG && val) {
            fprintf(stderr, "poolsim %s: %s takes no value\n", op->cmd, o->name);
            return -1;
        }
        if (set_option(op, o, val))
            return -1;
        if (o->cmds == C_SIM && !workload_opt)
            workload_opt = o->name;
    }
    if (bit == C_REPLAY && !op->trace) {
        fprintf(stderr, "poolsim replay: missing TRACE (a file, or - for standard input)\n");
        return -1;
    }
    if (bit == C_PLAN && op->trace && workload_opt) {
        fprintf(stderr,
                "poolsim plan: %s sets the synthetic workload, which a plan for TRACE does not use "
                "(leave TRACE out to plan for the workload)\n",
                workload_opt);
        return -1;
    }
    return 0;
}

/* The heap as configured must be one the release can build: checked before
 * anything runs. The planner counts footprints in the region malloc() tries
 * first (its size classes depend on the region's size). */
static int check_heap(opts_t *op)
{
    char err[256];
    ps_caps_opts_t co;
    if (ps_engine_heap(&op->eng, &co, err, sizeof err) || ps_caps_validate(&co, err, sizeof err)) {
        fprintf(stderr, "poolsim %s: %s\n", op->cmd, err);
        return -1;
    }
    op->plan.heap = op->eng.heap;
    op->plan.heap.arena_size = ps_caps_first_tried(&co)->len;
    return 0;
}

/* Where the report goes: stderr when an output takes standard output. */
static FILE *report_stream(const opts_t *op)
{
    const char *outs[3] = { op->csv, op->emit, op->header };
    for (int i = 0; i < 3; i++)
        if (outs[i] && !strcmp(outs[i], "-"))
            return stderr;
    return stdout;
}

/* Option combinations that cannot work, refused before anything runs. */
static int check_combinations(const opts_t *op)
{
    const char *outs[3] = { op->csv, op->emit, op->header };
    const char *names[3] = { "--csv", "--emit-trace", "--header" };
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (outs[i] && outs[j] && !strcmp(outs[i], outs[j])) {
                fprintf(stderr, "poolsim %s: %s and %s name the same output '%s'\n", op->cmd, names[i], names[j],
                        outs[i]);
                return -1;
            }
    if (op->plot && op->csv && !strcmp(op->csv, "-")) {
        fprintf(stderr, "poolsim %s: --plot draws from the CSV file: give --csv FILE, not -\n", op->cmd);
        return -1;
    }
    if (op->plot && (!strcmp(op->plot, "-") || (op->csv && !strcmp(op->plot, op->csv)) ||
                     (op->emit && !strcmp(op->plot, op->emit)))) {
        fprintf(stderr, "poolsim %s: --plot needs a file of its own\n", op->cmd);
        return -1;
    }
    return 0;
}

/* --boot-log FILE: an input (exit 1 when it cannot be read or holds no region). */
static int load_boot_log(opts_t *op)
{
    char err[512];
    static ps_bootlog_t b;
    if (ps_bootlog_read_file(&b, op->boot_log, err, sizeof err) ||
        ps_caps_malloc_regions(b.regions.region, b.regions.n, op->eng.heap.idf, op->eng.regions, &op->eng.n_regions,
                               op->left_out, sizeof op->left_out, err, sizeof err)) {
        fprintf(stderr, "poolsim %s: --boot-log %s\n", op->cmd, err);
        return -1;
    }
    FILE *out = report_stream(op);
    fprintf(out, "boot log %s: %zu regions (%s%s; %u lines skipped)%s%s\n", op->boot_log, b.regions.n,
            b.kind == PS_BOOTLOG_HEAP_INIT ? "heap_init lines" : "heap_caps_print_heap_info, no region types",
            (b.boots > 1 || b.summaries > 1) ? ", the last of several" : "", b.skipped,
            op->left_out[0] ? "; malloc() does not use " : "", op->left_out);
    return 0;
}

/* Values that need more than a range check. */
static int finish_args(opts_t *op)
{
    if (op->poison_name && ps_poison_parse(op->poison_name, &op->eng.heap.poison)) {
        fprintf(stderr, "poolsim %s: --poison: '%s' is not accepted; expected none, light or comprehensive\n", op->cmd,
                op->poison_name);
        return -1;
    }
    char err[256];
    if (op->idf_text) {
        ps_idf_heap_t rel;
        if (ps_idf_parse(op->idf_text, &op->eng.heap.idf) || ps_idf_heap(op->eng.heap.idf, &rel)) {
            fprintf(stderr,
                    "poolsim %s: --idf-version: '%s' is not a release this model knows; expected one of "
                    "%s, or latest\n",
                    op->cmd, op->idf_text, ps_idf_known());
            return -1;
        }
    }
    if ((op->arena != 0) + (op->regions_text != NULL) + (op->boot_log != NULL) > 1) {
        fprintf(stderr,
                "poolsim %s: --arena, --heap-regions and --boot-log each give the heap's regions; "
                "give one of them\n",
                op->cmd);
        return -1;
    }
    if (op->regions_text) {
        ps_region_t given[PS_CAPS_MAX_REGIONS];
        size_t n;
        if (ps_regions_parse(op->regions_text, given, &n, err, sizeof err) ||
            ps_caps_malloc_regions(given, n, op->eng.heap.idf, op->eng.regions, &op->eng.n_regions, op->left_out,
                                   sizeof op->left_out, err, sizeof err)) {
            fprintf(stderr, "poolsim %s: --heap-regions: %s\n", op->cmd, err);
            return -1;
        }
    } else if (!op->boot_log && !op->arena) {
        op->eng.n_regions = ps_caps_default_regions(op->eng.regions);
    }
    op->eng.heap.arena_size = op->arena;
    if (!op->tiers_text) {
        op->eng.n_tiers = ps_tiers_default(op->eng.tiers);
    } else if (ps_tiers_parse(op->tiers_text, op->eng.tiers, &op->eng.n_tiers, err, sizeof err)) {
        fprintf(stderr, "poolsim %s: --tiers: %s\n", op->cmd, err);
        return -1;
    }
    op->wl.duration_ns = (uint64_t)op->hours * NS_PER_HOUR;
    /* synthetic runs: the network stack's own allocations stay on the heap in the pool world */
    op->eng.heap_only_tasks = op->trace ? 0u : ps_workload_system_tasks();
    op->eng.interval_ns = (uint64_t)(op->interval_min ? op->interval_min : 60u) * NS_PER_MIN;
    if (check_combinations(op))
        return -1;
    return op->boot_log ? 0 : check_heap(op);
}

/* ---- progress ---- */

static void progress(void *user, uint64_t t, uint64_t end)
{
    (void)user;
    if (end)
        fprintf(stderr, "\rpoolsim: %3" PRIu64 " of %" PRIu64 " simulated hours", t / NS_PER_HOUR, end / NS_PER_HOUR);
    else
        fprintf(stderr, "\rpoolsim: %3" PRIu64 " hours into the trace", t / NS_PER_HOUR);
}

static void progress_done(const opts_t *op)
{
    if (op->eng.progress)
        fprintf(stderr, "\r%40s\r", "");
}

/* ---- outputs: opened before anything runs, checked when closed ---- */

/* A file the command writes, or standard output for "-". */
typedef struct {
    const char *path;
    FILE *f;
    int is_stdout;
} output_t;

/* Open (create or truncate) an output now, so that a path that cannot be
 * written stops the command before any simulation. 0, or -1 with a message. */
static int out_open(output_t *o, const char *cmd, const char *what, const char *path)
{
    memset(o, 0, sizeof *o);
    if (!path)
        return 0;
    o->path = path;
    if (!strcmp(path, "-")) {
        o->f = stdout;
        o->is_stdout = 1;
        return 0;
    }
    o->f = fopen(path, "w");
    if (!o->f) {
        fprintf(stderr, "poolsim %s: cannot write the %s %s: %s\n", cmd, what, path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Close an output: 0, or -1 with a message when any write to it failed. */
static int out_close(output_t *o, const char *cmd)
{
    if (!o->f)
        return 0;
    errno = 0;
    int bad = ferror(o->f);
    if (o->is_stdout)
        bad |= fflush(o->f) != 0;
    else
        bad |= fclose(o->f) != 0;
    o->f = NULL;
    if (bad) {
        fprintf(stderr, "poolsim %s: writing %s failed%s%s\n", cmd, o->is_stdout ? "standard output" : o->path,
                errno ? ": " : "", errno ? strerror(errno) : "");
        return -1;
    }
    return 0;
}

/* Give up an output after an error: closed, and the file removed (it would
 * otherwise look like a result). */
static void out_discard(output_t *o)
{
    if (o->f && !o->is_stdout) {
        fclose(o->f);
        remove(o->path);
    }
    o->f = NULL;
}

/* ---- traces ---- */

static void trace_error(const char *cmd, const ps_trace_error_t *e, const char *path)
{
    if (e->line)
        fprintf(stderr, "%s:%" PRIu64 ": %s\n", e->file[0] ? e->file : path, e->line, e->message);
    else
        fprintf(stderr, "%s: %s\n", e->file[0] ? e->file : path, e->message[0] ? e->message : "cannot read");
    fprintf(stderr, "poolsim %s: no report: the trace did not load\n", cmd);
}

/* Open a trace and read until its format is known. NULL after a message. */
static ps_reader_t *open_trace(const char *cmd, const char *path)
{
    ps_trace_error_t e;
    ps_reader_t *r = ps_reader_open(path, &e);
    if (!r) {
        trace_error(cmd, &e, path);
        return NULL;
    }
    if (ps_reader_format(r) == PS_FMT_UNKNOWN) {
        trace_error(cmd, ps_reader_error(r), path);
        ps_reader_close(r);
        return NULL;
    }
    return r;
}

/* A failed run over a trace: the trace's own message (file:line) when the
 * reader failed, else the engine's or planner's. */
static void run_error(const char *cmd, const ps_reader_cursor_t *cur, const char *path, const char *err)
{
    if (cur && cur->failed == 1)
        trace_error(cmd, ps_reader_error(cur->reader), path);
    else
        fprintf(stderr, "poolsim %s: %s\n", cmd, cur && cur->failed ? ps_reader_cursor_error(cur) : err);
}

/* ---- the spread: each perturbed run's stream comes from here ---- */

typedef struct {
    opts_t *op;
    const ps_source_t *trace; /* replay: the trace's source (rewound by each run) */
    ps_workload_t *w;         /* run: the workload of the current perturbed run */
} spread_src_t;

static int spread_source(void *user, unsigned k, ps_source_t *src, char *err, size_t len)
{
    spread_src_t *s = user;
    if (s->op->eng.progress)
        fprintf(stderr, "\rpoolsim: spread run %u of %u          ", k, s->op->spread_cfg.n);
    if (s->trace) {
        *src = *s->trace;
        return 0;
    }
    ps_workload_cfg_t wl = s->op->wl;
    wl.seed = s->op->wl.seed + k; /* synthetic runs: a new seed per run */
    s->w = ps_workload_new(&wl, err, len);
    if (!s->w)
        return -1;
    *src = ps_source_workload(s->w);
    return 0;
}

static void spread_done(void *user, unsigned k)
{
    spread_src_t *s = user;
    (void)k;
    ps_workload_free(s->w);
    s->w = NULL;
}

/* Run the spread when asked, or by default for a short stream. 0, 1 (ran), or -1 (message printed). */
static int maybe_spread(opts_t *op, const ps_result_t *res, spread_src_t *ctx, ps_spread_t *out)
{
    uint32_t n = op->spread;
    if (n == SPREAD_AUTO)
        n = res->events <= PS_SPREAD_AUTO_EVENTS ? PS_SPREAD_DEFAULT : 0u;
    if (n == 0)
        return 0;
    char err[256];
    op->spread_cfg.n = n;
    op->spread_cfg.seeds = ctx->trace == NULL;
    op->spread_cfg.seed = op->wl.seed;
    int rc = ps_spread_run(&op->spread_cfg, &op->eng, res, spread_source, spread_done, ctx, out, err, sizeof err);
    progress_done(op);
    if (rc) {
        fprintf(stderr, "poolsim %s: the spread failed: %s\n", op->cmd, err);
        return -1;
    }
    return 1;
}

/* ---- run and replay: table, verdicts, CSV, plot ---- */

static int report_run(const opts_t *op, const ps_result_t *res, FILE *rep, output_t *csv, const char *title,
                      const ps_spread_t *spread)
{
    if (!op->quiet)
        ps_report_table(rep, res, &op->eng);
    ps_report_heap(rep, res, &op->eng);
    if (op->regions_text && op->left_out[0])
        fprintf(rep, "  (malloc() does not use %s)\n", op->left_out);
    ps_report_verdicts(rep, res, &op->eng, spread, &op->spread_cfg);
    if (!spread && op->spread == SPREAD_AUTO && res->heap_failed)
        /* a failing heap is where a point misleads: near its limit the count is chaotic */
        fprintf(rep,
                "spread: off for a stream of %" PRIu64 " events (on by default up to %u): the heap's failure "
                "count and first failure above are ONE DRAW; near the heap's limit a few hundred bytes can change "
                "them several times over: --spread %u gives their range (about %u times this run's time)\n",
                res->events, PS_SPREAD_AUTO_EVENTS, PS_SPREAD_DEFAULT, PS_SPREAD_DEFAULT + 1u);
    else if (!spread && op->spread == SPREAD_AUTO)
        fprintf(rep,
                "spread: off for a stream of %" PRIu64 " events (on by default up to %u); --spread %u gives "
                "the range of outcomes\n",
                res->events, PS_SPREAD_AUTO_EVENTS, PS_SPREAD_DEFAULT);
    ps_report_csv(csv->f, res);
    if (out_close(csv, op->cmd))
        return EXIT_INPUT;
    if (!csv->is_stdout)
        fprintf(rep, "CSV written to %s\n", csv->path);
    if (op->plot) {
        int rc = ps_report_plot(op->plot, csv->path, title, rep);
        if (rc < 0) {
            fprintf(stderr, "poolsim %s: gnuplot failed to write %s\n", op->cmd, op->plot);
            remove(op->plot);
            return EXIT_INPUT;
        }
        if (rc == 0)
            fprintf(rep, "plot written to %s\n", op->plot);
        else
            remove(op->plot); /* no gnuplot: no empty PNG left behind */
    }
    return 0;
}

/* The CSV (default poolsim.csv) and the plot's file, opened before the run. */
static int open_run_outputs(const opts_t *op, output_t *csv, output_t *plot)
{
    if (out_open(csv, op->cmd, "CSV", op->csv ? op->csv : "poolsim.csv"))
        return -1;
    if (out_open(plot, op->cmd, "plot", op->plot)) {
        out_discard(csv);
        return -1;
    }
    out_discard(plot); /* writable: gnuplot writes it at the end */
    return 0;
}

static int cmd_run(opts_t *op)
{
    char err[256], desc[1024];
    FILE *rep = report_stream(op);
    output_t csv, plot, emit;
    if (open_run_outputs(op, &csv, &plot))
        return EXIT_INPUT;
    if (out_open(&emit, op->cmd, "trace", op->emit)) {
        out_discard(&csv);
        return EXIT_INPUT;
    }
    ps_workload_t *w = ps_workload_new(&op->wl, err, sizeof err);
    if (!w) {
        fprintf(stderr, "poolsim run: %s\n", err);
        out_discard(&csv);
        out_discard(&emit);
        return EXIT_USAGE;
    }
    ps_workload_describe(&op->wl, desc, sizeof desc);
    fprintf(rep, "poolsim run: workload %s", desc);
    op->eng.end_ns = op->wl.duration_ns;
    ps_source_t src = ps_source_workload(w);
    ps_tee_cursor_t tee = { src, NULL, NULL, 0 };
    if (emit.f) {
        char comment[128];
        snprintf(comment, sizeof comment, "poolsim run, seed %" PRIu64 ", %u h; times in us", op->wl.seed, op->hours);
        src = ps_source_tee(&tee, src, emit.f, ps_workload_source_name);
        tee.write_error = ps_plain_write_header(emit.f, comment) != 0;
    }
    ps_result_t res;
    int rc = ps_engine_run(&op->eng, src, &res, err, sizeof err);
    progress_done(op);
    ps_workload_free(w);
    if (rc) {
        fprintf(stderr, "poolsim run: %s\n", err);
        ps_result_free(&res);
        out_discard(&csv);
        out_discard(&emit);
        return EXIT_INPUT;
    }
    if (out_close(&emit, "run") || tee.write_error) {
        ps_result_free(&res);
        out_discard(&csv);
        return EXIT_INPUT;
    }
    static ps_spread_t spread;
    spread_src_t ctx = { op, NULL, NULL };
    int spread_rc = maybe_spread(op, &res, &ctx, &spread);
    if (spread_rc < 0) {
        ps_result_free(&res);
        out_discard(&csv);
        return EXIT_INPUT;
    }
    char title[128];
    snprintf(title, sizeof title, "poolsim run, seed %" PRIu64 ", %u h", op->wl.seed, op->hours);
    rc = report_run(op, &res, rep, &csv, title, spread_rc ? &spread : NULL);
    ps_result_free(&res);
    return rc;
}

/* A heap_trace_dump: no free times, so an analysis instead of a replay. Its
 * records can still go to --csv (one row each); there is no time series to plot. */
static int replay_dump(const opts_t *op, ps_reader_t *r)
{
    if (op->plot) {
        fprintf(stderr,
                "poolsim replay: %s is a heap_trace_dump, which has no free times: there is no "
                "time series to plot (--csv writes its records)\n",
                op->trace);
        return EXIT_USAGE;
    }
    output_t csv;
    if (out_open(&csv, op->cmd, "CSV", op->csv))
        return EXIT_INPUT;
    if (csv.f)
        ps_report_dump_csv_head(csv.f);
    ps_dump_stats_t st;
    ps_dump_stats_init(&st);
    ps_event_t ev;
    int got;
    while ((got = ps_reader_next(r, &ev)) > 0) {
        ps_dump_stats_add(&st, &ev);
        if (csv.f && ev.kind == PS_EV_ALLOC)
            ps_report_dump_csv_row(csv.f, st.restarts + 1u, &ev);
    }
    if (got < 0) {
        trace_error("replay", ps_reader_error(r), op->trace);
        out_discard(&csv);
        return EXIT_INPUT;
    }
    FILE *rep = report_stream(op);
    (void)ps_report_dump(rep, op->trace, ps_reader_info(r), &st);
    ps_report_input(rep, ps_reader_info(r));
    if (csv.f && !csv.is_stdout)
        fprintf(rep, "CSV written to %s (the dump's records)\n", op->csv);
    return out_close(&csv, op->cmd) ? EXIT_INPUT : 0;
}

static int cmd_replay(opts_t *op)
{
    FILE *rep = report_stream(op);
    ps_reader_t *r = open_trace("replay", op->trace);
    if (!r)
        return EXIT_INPUT;
    if (ps_reader_info(r)->format == PS_FMT_DUMP) {
        int rc = replay_dump(op, r);
        ps_reader_close(r);
        return rc;
    }
    output_t csv, plot;
    if (open_run_outputs(op, &csv, &plot)) {
        ps_reader_close(r);
        return EXIT_INPUT;
    }
    if (!op->interval_min) {
        /* about 24 to 48 rows whatever the trace's length (seconds to days): start
         * at 1 ms and let the engine widen the interval as the trace goes on */
        op->eng.interval_ns = 1000000u;
        op->eng.max_samples = 48;
    }
    /* The spread replays the trace: a file is read again; standard input or a
     * pipe is spooled, by default only as far as the spread would run. */
    ps_reader_cursor_t cur;
    ps_source_t src = ps_source_reader(&cur, r, op->spread != 0);
    if (op->spread == SPREAD_AUTO)
        cur.spool_limit = PS_SPREAD_AUTO_EVENTS;
    ps_result_t res;
    char err[256];
    int rc = ps_engine_run(&op->eng, src, &res, err, sizeof err);
    progress_done(op);
    static ps_spread_t spread;
    int spread_rc = 0;
    if (rc) {
        run_error("replay", &cur, op->trace, err);
    } else if (res.allocs == 0) {
        /* "HOLDS: 0 of 0 allocations failed" would be a verdict about nothing */
        fprintf(stderr, "poolsim replay: %s holds no allocation to replay (%" PRIu64 " events read)\n", op->trace,
                ps_reader_info(r)->events);
        rc = 1;
    } else {
        spread_src_t ctx = { op, &src, NULL };
        spread_rc = maybe_spread(op, &res, &ctx, &spread);
        rc = spread_rc < 0;
    }
    if (rc) {
        out_discard(&csv);
    } else {
        const ps_trace_info_t *in = ps_reader_info(r);
        fprintf(rep, "poolsim replay: %s (%s format, %" PRIu64 " events)\n", op->trace, ps_format_name(in->format),
                in->events);
        char title[300];
        snprintf(title, sizeof title, "poolsim replay %s", op->trace);
        rc = report_run(op, &res, rep, &csv, title, spread_rc ? &spread : NULL);
        ps_report_input(rep, in);
        (void)ps_report_sysview_check(rep, in, res.end_live_count, res.end_live_bytes);
    }
    ps_result_free(&res);
    ps_reader_cursor_free(&cur);
    ps_reader_close(r);
    return rc ? EXIT_INPUT : 0;
}

static int finish_plan(opts_t *op, ps_source_t src, const ps_reader_cursor_t *cur, const char *what_in)
{
    char err[256], what[400];
    ps_plan_t plan;
    FILE *rep = report_stream(op);
    output_t header;
    if (out_open(&header, "plan", "header", op->header))
        return EXIT_INPUT;
    if (ps_plan(src, &op->plan, &plan, err, sizeof err)) {
        run_error("plan", cur, op->trace, err);
        out_discard(&header);
        return EXIT_INPUT;
    }
    if (cur) { /* a trace: its event count is known once it has been read */
        const ps_trace_info_t *in = ps_reader_info(cur->reader);
        snprintf(what, sizeof what, "%s (%s format, %" PRIu64 " events)", what_in, ps_format_name(in->format),
                 in->events);
    } else {
        snprintf(what, sizeof what, "%s", what_in);
    }
    fprintf(rep, "poolsim plan: %s\n", what);
    ps_report_plan(rep, &plan, &op->plan, (uint32_t)op->plan.heap.arena_size);
    if (op->heap_search) {
        ps_heap_search_t hs;
        ps_plan_heap_search(src, &plan, &op->eng.heap, &hs);
        ps_report_heap_search(rep, &hs, &plan);
    }
    if (header.f) {
        char comment[512];
        snprintf(comment, sizeof comment, "Planned for %s, headroom %u %%.", what, op->plan.headroom_pct);
        (void)ps_tiers_write_header(header.f, plan.tiers, plan.n_tiers, comment);
        if (out_close(&header, "plan"))
            return EXIT_INPUT;
        if (!header.is_stdout)
            fprintf(rep, "header written to %s\n", op->header);
    }
    if (cur) { /* what was read, and the trace's own figures against it */
        const ps_trace_info_t *in = ps_reader_info(cur->reader);
        ps_report_input(rep, in);
        (void)ps_report_sysview_check(rep, in, plan.end_live_count, plan.end_live_bytes);
    }
    return plan.verify_failures ? EXIT_INPUT : 0;
}

static int cmd_plan(opts_t *op)
{
    char what[400];
    if (!op->trace) {
        char err[256];
        ps_workload_t *w = ps_workload_new(&op->wl, err, sizeof err);
        if (!w) {
            fprintf(stderr, "poolsim plan: %s\n", err);
            return EXIT_USAGE;
        }
        snprintf(what, sizeof what, "synthetic workload, seed %" PRIu64 ", %u h%s", op->wl.seed, op->hours,
                 op->wl.net ? " (the application's allocations; the network stack's stay on the heap)" : "");
        ps_filter_cursor_t app;
        int rc = finish_plan(op, ps_source_filter(&app, ps_source_workload(w), ps_workload_system_tasks()), NULL, what);
        ps_workload_free(w);
        return rc;
    }
    ps_reader_t *r = open_trace("plan", op->trace);
    if (!r)
        return EXIT_INPUT;
    const ps_trace_info_t *in = ps_reader_info(r);
    if (in->format == PS_FMT_DUMP) {
        fprintf(stderr,
                "poolsim plan: %s is a %s trace without free times: the peak of simultaneous "
                "allocations is unknown, so no plan can be made from it\n",
                op->trace, ps_format_name(in->format));
        ps_reader_close(r);
        return EXIT_INPUT;
    }
    ps_reader_cursor_t cur;
    snprintf(what, sizeof what, "trace %s", op->trace);
    int rc = finish_plan(op, ps_source_reader(&cur, r, 1), &cur, what);
    ps_reader_cursor_free(&cur);
    ps_reader_close(r);
    return rc;
}

/* The sweep's rows go to the table, the CSV and the progress line. */
typedef struct {
    FILE *rep, *csv;
    uint32_t last_level;
    int progress;
} sweep_out_t;

static int sweep_row(const ps_sweep_row_t *row, void *user)
{
    sweep_out_t *o = user;
    ps_report_sweep_row(o->rep, row);
    ps_report_sweep_csv_row(o->csv, row);
    if (o->progress)
        fprintf(stderr, "\rpoolsim: background %" PRIu64 " of %u B", row->level, o->last_level);
    return 0;
}

static int cmd_sweep(opts_t *op)
{
    char err[256], desc[1024];
    FILE *rep = report_stream(op);
    if (op->levels.min > op->levels.max) { /* --levels not given */
        ps_caps_opts_t heap;
        if (ps_engine_heap(&op->eng, &heap, err, sizeof err)) {
            fprintf(stderr, "poolsim sweep: %s\n", err);
            return EXIT_USAGE;
        }
        op->levels = ps_sweep_default_levels(&heap);
    }
    if (!op->level_step)
        op->level_step = ps_sweep_default_step(op->levels);
    ps_sweep_cfg_t sc = { op->wl, op->eng, op->levels, op->level_step };
    const uint64_t levels = ps_sweep_levels(&sc);
    if (levels > PS_SWEEP_MAX_LEVELS) {
        fprintf(stderr,
                "poolsim sweep: --levels %u:%u in steps of %u is %" PRIu64 " levels; at most %u "
                "(use a larger --step)\n",
                op->levels.min, op->levels.max, op->level_step, levels, (unsigned)PS_SWEEP_MAX_LEVELS);
        return EXIT_USAGE;
    }
    output_t csv;
    if (out_open(&csv, "sweep", "CSV", op->csv ? op->csv : "poolsim-sweep.csv"))
        return EXIT_INPUT;
    ps_workload_describe(&op->wl, desc, sizeof desc);
    ps_report_sweep_head(rep, &sc, desc);
    sweep_out_t o = { rep, csv.f, op->levels.max, op->eng.progress != NULL };
    ps_report_sweep_csv_head(csv.f);
    ps_sweep_status_t st = ps_sweep_run(&sc, sweep_row, &o, err, sizeof err);
    if (o.progress)
        fprintf(stderr, "\r%50s\r", "");
    if (st != PS_SWEEP_OK) {
        fprintf(stderr, "poolsim sweep: %s\n", err);
        out_discard(&csv);
        return st == PS_SWEEP_ERR_CONFIG ? EXIT_USAGE : EXIT_INPUT;
    }
    if (out_close(&csv, "sweep"))
        return EXIT_INPUT;
    ps_report_sweep_tail(rep, csv.is_stdout ? "standard output" : csv.path);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage_top(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage_top(stdout);
        return 0;
    }
    opts_t op;
    memset(&op, 0, sizeof op);
    op.cmd = argv[1];
    if (!cmd_bit(op.cmd)) {
        fprintf(stderr, "poolsim: unknown command '%s'; expected run, replay, plan or sweep\n", op.cmd);
        usage_top(stderr);
        return EXIT_USAGE;
    }
    ps_workload_defaults(&op.wl);
    op.hours = 48;
    op.interval_min = 0; /* 0 = the command's default */
    ps_plan_defaults(&op.plan);
    op.levels.min = 1; /* min > max: --levels not given (the sweep derives them from the heap) */
    op.spread = SPREAD_AUTO;
    ps_spread_defaults(&op.spread_cfg);
    int rc = parse_args(&op, argc - 2, argv + 2);
    if (rc == 1) {
        usage_cmd(stdout, op.cmd);
        return 0;
    }
    if (rc || finish_args(&op))
        return EXIT_USAGE;
    if (op.boot_log && (load_boot_log(&op) || check_heap(&op)))
        return EXIT_INPUT;
    if (op.progress || isatty(fileno(stderr)))
        op.eng.progress = progress;

    switch (cmd_bit(op.cmd)) {
    case C_RUN: rc = cmd_run(&op); break;
    case C_REPLAY: rc = cmd_replay(&op); break;
    case C_PLAN: rc = cmd_plan(&op); break;
    default: rc = cmd_sweep(&op); break;
    }
    /* A report that could not be written completely is not a success. */
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "poolsim %s: writing standard output failed%s%s\n", op.cmd, errno ? ": " : "",
                errno ? strerror(errno) : "");
        if (rc == 0)
            rc = EXIT_INPUT;
    }
    return rc;
}
