/*
 * ps_read_sysview.c - what ESP-IDF's sysviewtrace_proc.py prints for a
 * host-based heap trace, ESP-IDF 4.0 to master. The grammar comes from the
 * tool's sources (tools/esp_app_trace/sysviewtrace_proc.py and
 * espytrace/{apptrace,sysview}.py at each release tag):
 *
 *   -p:  [SECS] HEAP: Allocated N bytes @ 0xADDR from task "NAME" on core C by: CALLERS
 *        [SECS] HEAP: Freed bytes @ 0xADDR from IRQ "NAME" on core C by: CALLERS
 *        SECS is "%.9f" of a float; the context is task or IRQ, its name may hold
 *        spaces or quotes; CALLERS is "0xA:0xB:..." without an ELF, and with
 *        -b ELF empty, followed by one addr2line line per caller and a blank line.
 *        [SECS] LOG: message     (printed without a line end of its own: a message
 *                                 may run over lines, or the next record may follow
 *                                 on the same line)
 *        [SECS] FUNC: enter|exit ...   (master)
 *   -d:  EVENT[N]: SECS - core[C].NAME(ID), plen P: [params]   (params may run on)
 *        heap events are esp_sysview_heap_trace_alloc [addr: DEC, size: DEC, callers: [...]]
 *        and esp_sysview_heap_trace_free [addr: DEC, callers: [...]]. With -d and -p the
 *        HEAP line follows its EVENT line: the event is taken once.
 *   reports (order varies by version): "Processed N events", then per stream
 *        =============== HEAP TRACE REPORT ===============
 *        Processed N heap events.
 *        every allocation still alive AGAIN, in the event shape (with its callers),
 *        "Possible wrong free operation found" + a Freed line, and
 *        Found N leaked bytes in M blocks.   or   OK - Heap errors was not found.
 *        and the LOG / FUNCTION reports in the same frame.
 *   banners and errors: Parse trace from '...'..., Stop parsing trace. (...),
 *        Process events from '...'..., Processing completed. (stdout in 4.0, "[INFO] "
 *        on stderr later), "[ERROR] ..." and a Python traceback.
 * Events are the heap events before the first report; nothing after it is one.
 */
#include <inttypes.h>
#include <stdio.h>

#include "ps_trace_internal.h"

static const char k_alloc_name[] = "esp_sysview_heap_trace_alloc";
static const char k_free_name[] = "esp_sysview_heap_trace_free";

/* "[SECS] " at the start: 1 and *ns, 0 when not there, -1 when SECS is out of range. */
static int bracket_time(ps_cur_t *k, uint64_t *ns)
{
    ps_cur_t t = *k;
    if (!ps_eat(&t, "[")) {
        return 0;
    }
    const int rc = ps_parse_seconds(&t, ns);
    if (rc < 0) { /* out of range: an error only if the line is a record */
        while (!ps_cur_end(&t) && (ps_is_digit(*t.p) || *t.p == '.')) {
            t.p++;
        }
        return ps_eat(&t, "] ") && (ps_eat(&t, "HEAP: ") || ps_eat(&t, "LOG: ") || ps_eat(&t, "FUNC: ")) ? -1 : 0;
    }
    if (rc == 0 || !ps_eat(&t, "] ")) {
        return 0;
    }
    *k = t;
    return rc;
}

/* "EVENT[N]: " at the start. */
static int event_prefix(ps_cur_t *k)
{
    ps_cur_t t = *k;
    uint64_t n;
    if (!ps_eat(&t, "EVENT[") || !ps_parse_u64(&t, &n) || !ps_eat(&t, "]: ")) {
        return 0;
    }
    *k = t;
    return 1;
}

static int report_header(const char *line, size_t len)
{
    static const char rule[] = "=============== ";
    static const char tail[] = " TRACE REPORT ===============";
    const size_t nr = sizeof rule - 1u, nt = sizeof tail - 1u;
    return len > nr + nt && memcmp(line, rule, nr) == 0 && memcmp(line + len - nt, tail, nt) == 0;
}

int ps__sysview_starts(const char *line, size_t len)
{
    ps_cur_t k = { line, line + len };
    uint64_t ns;
    const int t = bracket_time(&k, &ns);
    if (t < 0) {
        return 1; /* a record whose time is out of range: the format's reader says so */
    }
    if (t > 0) {
        return ps_eat(&k, "HEAP: ") || ps_eat(&k, "LOG: ") || ps_eat(&k, "FUNC: ");
    }
    k.p = line;
    if (event_prefix(&k) || report_header(line, len)) {
        return 1;
    }
    return ps_eat(&k, "Parse trace from '") || ps_eat(&k, "Process events from '") ||
           ps_eat(&k, "[INFO] Parse trace from '") || ps_eat(&k, "[INFO] Process events from '");
}

static int same_event(const ps_event_t *a, const ps_event_t *b)
{
    return a->t_ns == b->t_ns && a->addr == b->addr && a->kind == b->kind && a->size == b->size;
}

/* A record line other than a HEAP line repeating the pending EVENT: the
 * pending event was the only print of it (-d without -p). */
static void resolve_pending(ps_reader_t *r)
{
    ps_sysview_state_t *sv = &r->sv;
    if (sv->pending) {
        sv->pending = 0;
        sv->source = SV_SOURCE_EVENT_LINES;
        r->info.sysview_from_dump_events = 1;
        ps__emit(r, &sv->pending_ev);
        sv->last_ev = sv->pending_ev;
        sv->have_last = 1;
    }
}

static void take_heap_line(ps_reader_t *r, const ps_event_t *ev)
{
    ps_sysview_state_t *sv = &r->sv;
    if (sv->pending && same_event(&sv->pending_ev, ev)) {
        sv->pending = 0;
        sv->source = SV_SOURCE_HEAP_LINES; /* -d and -p: the HEAP lines carry the task names */
        ps__emit(r, ev);
        return;
    }
    resolve_pending(r);
    if (sv->source == SV_SOURCE_EVENT_LINES && sv->have_last && same_event(&sv->last_ev, ev)) {
        return;
    }
    if (sv->source == SV_SOURCE_UNDECIDED) {
        sv->source = SV_SOURCE_HEAP_LINES;
    }
    ps__emit(r, ev);
}

static void take_event_line(ps_reader_t *r, const ps_event_t *ev)
{
    ps_sysview_state_t *sv = &r->sv;
    switch (sv->source) {
    case SV_SOURCE_HEAP_LINES: return; /* its HEAP line follows */
    case SV_SOURCE_EVENT_LINES:
        ps__emit(r, ev);
        sv->last_ev = *ev;
        sv->have_last = 1;
        return;
    default:
        resolve_pending(r);
        if (sv->source == SV_SOURCE_EVENT_LINES) {
            take_event_line(r, ev);
            return;
        }
        sv->pending = 1;
        sv->pending_ev = *ev;
    }
}

/* The last occurrence of needle in [from, end), or NULL. */
static const char *last_of(const char *from, const char *end, const char *needle, size_t n)
{
    for (const char *p = end - n; p >= from && end - from >= (ptrdiff_t)n; p--) {
        if (memcmp(p, needle, n) == 0) {
            return p;
        }
    }
    return NULL;
}

/* After "[SECS] HEAP: ". */
static int heap_line(ps_reader_t *r, ps_cur_t *k, uint64_t ns)
{
    ps_sysview_state_t *sv = &r->sv;
    ps_event_t ev = { ns, 0, 0, PS_EV_ALLOC, 0, 0 };
    if (ps_eat(k, "Allocated ")) {
        uint64_t size;
        if (!ps_parse_u64(k, &size) || size > UINT32_MAX || !ps_eat(k, " bytes @ ") || !ps_parse_hex(k, &ev.addr)) {
            return ps__fail(r, "expected 'Allocated N bytes @ 0xADDR' (N at most 4294967295)");
        }
        ev.size = (uint32_t)size;
    } else if (ps_eat(k, "Freed bytes @ ")) {
        ev.kind = PS_EV_FREE;
        if (!ps_parse_hex(k, &ev.addr)) {
            return ps__fail(r, "expected 'Freed bytes @ 0xADDR'");
        }
    } else {
        return ps__fail(r, "expected 'Allocated' or 'Freed' after 'HEAP: '");
    }
    if (!ps_eat(k, " from task \"") && !ps_eat(k, " from IRQ \"")) {
        return ps__fail(r, "expected ' from task \"NAME\"' or ' from IRQ \"NAME\"'");
    }
    /* the name may hold quotes: it ends at the last '" on core ' */
    static const char on_core[] = "\" on core ";
    const char *q = last_of(k->p, k->end, on_core, sizeof on_core - 1u);
    if (q == NULL) {
        return ps__fail(r, "expected '\" on core N by:' after the task name (line cut short?)");
    }
    const char *name = k->p;
    k->p = q + sizeof on_core - 1u;
    uint64_t core;
    if (!ps_parse_u64(k, &core) || !ps_eat(k, " by:")) {
        return ps__fail(r, "expected ' on core N by:'");
    }
    ps_cur_t rest = *k;
    ps_skip_spaces(&rest);
    const int no_callers = ps_cur_end(&rest);
    if (!ps_parse_callers(k)) {
        return ps__fail(r, "expected the callers after 'by:' as 0xADDR:0xADDR:...");
    }
    sv->mode = no_callers ? SV_CALLERS : SV_NORMAL; /* -b: addr2line lines follow until a blank line */
    if (sv->in_report) {
        if (sv->in_heap_report && ev.kind == PS_EV_ALLOC) {
            r->info.report_listed++;
            r->info.report_listed_bytes += ev.size;
        }
        r->info.trace_lines++;
        return 0;
    }
    ev.task = ps__task(r, name, (size_t)(q - name));
    take_heap_line(r, &ev);
    return 0;
}

/* After "EVENT[N]: ". */
static int event_line(ps_reader_t *r, ps_cur_t *k)
{
    uint64_t ns, core, id, plen;
    const int t = ps_parse_seconds(k, &ns);
    if (t < 0) {
        return ps__fail(r, "timestamp at or beyond 2^64 ns");
    }
    if (t == 0 || !ps_eat(k, " - core[") || !ps_parse_u64(k, &core) || !ps_eat(k, "].")) {
        return ps__fail(r, "expected 'EVENT[N]: SECS - core[C].NAME(ID), plen P: [...]'");
    }
    r->sv.mode = SV_CONTINUED; /* a parameter (a log message) may run on */
    r->info.trace_lines++;
    const int is_alloc = ps_eat(k, k_alloc_name);
    const int is_free = !is_alloc && ps_eat(k, k_free_name);
    if (!is_alloc && !is_free) {
        resolve_pending(r);
        return 0;
    }
    ps_event_t ev = { ns, 0, 0, is_alloc ? PS_EV_ALLOC : PS_EV_FREE, 0, 0 };
    uint64_t size = 0;
    if (!ps_eat(k, "(") || !ps_parse_u64(k, &id) || !ps_eat(k, "), plen ") || !ps_parse_u64(k, &plen) ||
        !ps_eat(k, ": [addr: ") || !ps_parse_u64(k, &ev.addr) ||
        (is_alloc && (!ps_eat(k, ", size: ") || !ps_parse_u64(k, &size) || size > UINT32_MAX)) ||
        !ps_eat(k, ", callers: [")) {
        return ps__fail(r, "a heap EVENT line that does not read as '(ID), plen P: [addr: A, size: S, "
                           "callers: [...]]'");
    }
    while (!ps_cur_end(k) && (ps_is_digit(*k->p) || *k->p == ',' || *k->p == ' ')) {
        k->p++;
    }
    if (!ps_eat(k, "]]") || !ps_cur_end(k)) {
        return ps__fail(r, "a heap EVENT line whose callers list does not end in ']]'");
    }
    r->sv.mode = SV_NORMAL;
    if (r->sv.in_report) {
        return 0;
    }
    ev.size = (uint32_t)size;
    take_event_line(r, &ev);
    return 0;
}

/* Where another record starts inside a LOG line (a message printed without
 * its own line end), or NULL. */
static const char *glued_record(const char *from, const char *end)
{
    for (const char *p = from; p < end; p++) {
        if (*p != '[' && *p != 'E' && *p != '=') {
            continue;
        }
        ps_cur_t k = { p, end };
        uint64_t ns;
        if (bracket_time(&k, &ns) != 0) {
            if (ps_eat(&k, "HEAP: ") || ps_eat(&k, "LOG: ") || ps_eat(&k, "FUNC: ")) {
                return p;
            }
            continue;
        }
        if (event_prefix(&k) || report_header(p, (size_t)(end - p))) {
            return p;
        }
    }
    return NULL;
}

static int parse_count(ps_cur_t *k, const char *before, uint64_t *n, const char *after)
{
    ps_cur_t t = *k;
    if (ps_eat(&t, before) && ps_parse_u64(&t, n) && ps_eat(&t, after) && ps_cur_end(&t)) {
        *k = t;
        return 1;
    }
    return 0;
}

/* The report lines and the lines around records. */
static int other_line(ps_reader_t *r, const char *line, size_t len)
{
    ps_sysview_state_t *sv = &r->sv;
    ps_trace_info_t *in = &r->info;
    ps_cur_t k = { line, line + len };
    uint64_t a, b;
    if (report_header(line, len)) {
        resolve_pending(r);
        sv->in_report = 1;
        sv->in_heap_report = strstr(line, "=============== HEAP TRACE REPORT") == line;
        in->report_seen |= sv->in_heap_report;
        sv->mode = SV_NORMAL;
        in->trace_lines++;
        return 0;
    }
    if (parse_count(&k, "Processed ", &a, " heap events.")) {
        in->report_events_seen = 1;
        in->report_events = a;
        sv->report_events_line = r->in.line;
    } else if (ps_eat(&k, "Found ") && ps_parse_u64(&k, &a) && ps_eat(&k, " leaked bytes in ") &&
               ps_parse_u64(&k, &b) && ps_eat(&k, " blocks.")) {
        in->report_leaks_seen = 1;
        in->report_leaked_bytes = a;
        in->report_leaked_blocks = b;
    } else if (k.p = line, ps_eat(&k, "OK - Heap errors was not found.")) {
        in->report_leaks_seen = 1;
        in->report_leaked_bytes = in->report_leaked_blocks = 0;
    } else if (k.p = line, ps_eat(&k, "Possible wrong free operation found")) {
        in->report_wrong_frees++;
    } else if (k.p = line, parse_count(&k, "Processed ", &a, " events") ||
                               parse_count(&k, "Processed ", &a, " log messages.") ||
                               parse_count(&k, "Processed ", &a, " function trace events.")) {
        /* the other reports' counts */
    } else if (sv->mode == SV_CALLERS || sv->mode == SV_CONTINUED) {
        /* an addr2line line of the last event, or the rest of a record */
    } else if (sv->in_report && strstr(line, " enter=") != NULL && strstr(line, " exit=") != NULL) {
        /* a row of the FUNCTION TRACE REPORT */
    } else {
        k.p = line;
        if (ps_eat(&k, "[ERROR] ") && in->tool_error[0] == '\0') {
            snprintf(in->tool_error, sizeof in->tool_error, "%.*s", (int)(len < 190u ? len : 190u), line);
        }
        in->skipped++;
        return 0;
    }
    in->trace_lines++;
    return 0;
}

int ps__sysview_line(ps_reader_t *r, const char *line, size_t len)
{
    ps_sysview_state_t *sv = &r->sv;
    for (;;) {
        if (len == 0u) {
            sv->mode = SV_NORMAL; /* a blank line ends callers and continuations */
            return 0;
        }
        ps_cur_t k = { line, line + len };
        uint64_t ns;
        const int t = bracket_time(&k, &ns);
        if (t < 0) {
            return ps__fail(r, "timestamp at or beyond 2^64 ns");
        }
        if (t > 0 && ps_eat(&k, "HEAP: ")) {
            return heap_line(r, &k, ns);
        }
        if (t > 0 && (ps_eat(&k, "LOG: ") || ps_eat(&k, "FUNC: "))) {
            resolve_pending(r);
            r->info.trace_lines++;
            sv->mode = SV_CONTINUED;
            const char *next = glued_record(k.p, k.end);
            if (next == NULL) {
                return 0;
            }
            len -= (size_t)(next - line); /* the rest of the line is a record of its own */
            line = next;
            continue;
        }
        k.p = line;
        if (event_prefix(&k)) {
            return event_line(r, &k);
        }
        return other_line(r, line, len);
    }
}

void ps__sysview_finish(ps_reader_t *r)
{
    resolve_pending(r);
    const ps_trace_info_t *in = &r->info;
    if (in->events == 0u && in->report_events_seen && in->report_events > 0u) {
        /* Without -p (or -d) the tool prints its report only: the allocations
         * it lists are the ones still alive at the end, not a stream. */
        char msg[200];
        snprintf(msg, sizeof msg,
                 "the HEAP TRACE REPORT counts %" PRIu64 " heap events but none is printed before it: "
                 "sysviewtrace_proc.py prints them only with -p; run it again with -p",
                 in->report_events);
        (void)ps__fail(r, msg);
        r->err.line = r->sv.report_events_line;
    }
}
