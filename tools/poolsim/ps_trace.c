/*
 * ps_trace.c - parsers for the three trace formats of ps_trace.h.
 *
 * Each parser walks the buffer one line at a time with a small cursor that
 * never reads past the line's end, so any input (the fuzzer's included) is
 * either a trace or an error naming its line. Numbers are parsed with integer
 * arithmetic only: "12.345678901" seconds become nanoseconds exactly.
 */
#include "ps_trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *p;   /* next character */
    const char *end; /* one past the line's last character (no '\n') */
} cursor_t;

typedef struct {
    const char *name;
    size_t line;
    ps_trace_t *out;
    ps_trace_error_t *err;
} ctx_t;

static int fail(ctx_t *c, const char *message)
{
    if (c->err != NULL) {
        snprintf(c->err->file, sizeof c->err->file, "%s", c->name);
        c->err->line = c->line;
        snprintf(c->err->message, sizeof c->err->message, "%s", message);
    }
    return -1;
}

static int at_end(const cursor_t *k)
{
    return k->p >= k->end;
}

static int peek(const cursor_t *k)
{
    return at_end(k) ? -1 : (unsigned char)*k->p;
}

/* Consume the literal s; 1 when it was there. */
static int eat(cursor_t *k, const char *s)
{
    const size_t n = strlen(s);
    if ((size_t)(k->end - k->p) < n || memcmp(k->p, s, n) != 0) {
        return 0;
    }
    k->p += n;
    return 1;
}

static void skip_spaces(cursor_t *k)
{
    while (!at_end(k) && (*k->p == ' ' || *k->p == '\t')) {
        k->p++;
    }
}

static int parse_u64(cursor_t *k, uint64_t *out)
{
    uint64_t v = 0;
    const char *start = k->p;
    while (!at_end(k) && *k->p >= '0' && *k->p <= '9') {
        const uint64_t digit = (uint64_t)(*k->p - '0');
        if (v > (UINT64_MAX - digit) / 10u) {
            return 0;
        }
        v = v * 10u + digit;
        k->p++;
    }
    *out = v;
    return k->p != start;
}

static int hex_value(int ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return -1;
}

/* Hexadecimal, with or without 0x, at most 16 digits. */
static int parse_hex(cursor_t *k, uint64_t *out)
{
    (void)(eat(k, "0x") || eat(k, "0X"));
    uint64_t v = 0;
    int digits = 0;
    while (!at_end(k) && hex_value(*k->p) >= 0) {
        if (++digits > 16) {
            return 0;
        }
        v = (v << 4) | (uint64_t)hex_value(*k->p);
        k->p++;
    }
    *out = v;
    return digits > 0;
}

static int parse_size(cursor_t *k, uint32_t *out)
{
    uint64_t v;
    if (!parse_u64(k, &v) || v > UINT32_MAX) {
        return 0;
    }
    *out = (uint32_t)v;
    return 1;
}

/* "seconds.fraction" to nanoseconds, exactly (at most 9 fraction digits kept). */
static int parse_seconds(cursor_t *k, uint64_t *ns)
{
    uint64_t secs;
    if (!parse_u64(k, &secs) || secs > UINT64_MAX / 1000000000u) {
        return 0;
    }
    uint64_t frac = 0;
    if (eat(k, ".")) {
        int digits = 0;
        while (!at_end(k) && *k->p >= '0' && *k->p <= '9') {
            if (digits < 9) {
                frac = frac * 10u + (uint64_t)(*k->p - '0');
            }
            digits++;
            k->p++;
        }
        if (digits == 0) {
            return 0;
        }
        for (; digits < 9; digits++) {
            frac *= 10u;
        }
    }
    *ns = secs * 1000000000u + frac;
    return 1;
}

/* A task name: interned, tasks[0] = "" for unknown, overflow maps to 0. */
static uint16_t intern_task(ps_trace_t *t, const char *name, size_t len)
{
    if (len == 0u) {
        return 0;
    }
    if (len >= PS_TASK_NAME_MAX) {
        len = PS_TASK_NAME_MAX - 1u;
    }
    for (size_t i = 1; i < t->n_tasks; i++) {
        if (strlen(t->tasks[i]) == len && memcmp(t->tasks[i], name, len) == 0) {
            return (uint16_t)i;
        }
    }
    if (t->n_tasks >= PS_MAX_TASKS) {
        return 0;
    }
    memcpy(t->tasks[t->n_tasks], name, len);
    t->tasks[t->n_tasks][len] = '\0';
    return (uint16_t)t->n_tasks++;
}

static int push(ctx_t *c, const ps_event_t *ev)
{
    ps_trace_t *t = c->out;
    if (t->n == t->cap) {
        const size_t cap = t->cap ? t->cap * 2u : 1024u;
        ps_event_t *grown = realloc(t->ev, cap * sizeof *grown);
        if (grown == NULL) {
            return fail(c, "out of memory");
        }
        t->ev = grown;
        t->cap = cap;
    }
    t->ev[t->n++] = *ev;
    return 0;
}

/* ---- plain: tpev 1 / A t addr size [task] / F t addr [task] ---- */

static int parse_plain_line(ctx_t *c, cursor_t *k, int *have_header)
{
    if (!*have_header) {
        if (eat(k, "tpev") && (skip_spaces(k), eat(k, "1")) && (skip_spaces(k), at_end(k))) {
            *have_header = 1;
            return 0;
        }
        return fail(c, "expected the header \"tpev 1\"");
    }
    ps_event_t ev = {0};
    const int kind = peek(k);
    if (kind != 'A' && kind != 'F') {
        return fail(c, "expected an event: 'A <time_us> <addr> <size> [task]' or 'F <time_us> <addr> [task]'");
    }
    k->p++;
    uint64_t time_us;
    skip_spaces(k);
    if (!parse_u64(k, &time_us) || time_us > UINT64_MAX / 1000u) {
        return fail(c, "bad time (microseconds expected)");
    }
    ev.t_ns = time_us * 1000u;
    skip_spaces(k);
    if (!parse_hex(k, &ev.addr)) {
        return fail(c, "bad address (hexadecimal, at most 64 bits)");
    }
    if (kind == 'A') {
        ev.kind = PS_EV_ALLOC;
        skip_spaces(k);
        if (!parse_size(k, &ev.size)) {
            return fail(c, "bad size (decimal, at most 4294967295)");
        }
    } else {
        ev.kind = PS_EV_FREE;
    }
    const char *sep = k->p;
    skip_spaces(k);
    if (!at_end(k)) {
        if (k->p == sep) {
            return fail(c, "unexpected characters after the event");
        }
        const char *name = k->p;
        while (!at_end(k) && *k->p != ' ' && *k->p != '\t') {
            k->p++;
        }
        ev.task = intern_task(c->out, name, (size_t)(k->p - name));
        skip_spaces(k);
        if (!at_end(k)) {
            return fail(c, "unexpected characters after the task name");
        }
    }
    return push(c, &ev);
}

/* ---- SystemView host log ---- */

/* `from task "NAME" on core C by:` */
static int parse_sysview_tail(ctx_t *c, cursor_t *k, ps_event_t *ev)
{
    if (!eat(k, " from task \"")) {
        return fail(c, "expected ' from task \"NAME\"'");
    }
    const char *name = k->p;
    while (!at_end(k) && *k->p != '"') {
        k->p++;
    }
    if (at_end(k)) {
        return fail(c, "task name not terminated (line cut short?)");
    }
    ev->task = intern_task(c->out, name, (size_t)(k->p - name));
    k->p++;
    uint64_t core;
    if (!eat(k, " on core ") || !parse_u64(k, &core) || !eat(k, " by:")) {
        return fail(c, "expected ' on core N by:'");
    }
    skip_spaces(k);
    return at_end(k) ? 0 : fail(c, "unexpected characters after 'by:'");
}

static int parse_sysview_line(ctx_t *c, cursor_t *k)
{
    const int first = peek(k);
    if (first == ' ' || first == '\t' || eat(k, "0x")) {
        return 0; /* a caller line of the previous event */
    }
    if (eat(k, "Found ")) {
        return 0; /* "Found N leaked bytes in M blocks." summary */
    }
    ps_event_t ev = {0};
    if (!eat(k, "[") || !parse_seconds(k, &ev.t_ns) || !eat(k, "]") || !eat(k, " HEAP: ")) {
        return fail(c, "expected '[seconds] HEAP: ...'");
    }
    if (eat(k, "Allocated ")) {
        ev.kind = PS_EV_ALLOC;
        if (!parse_size(k, &ev.size) || !eat(k, " bytes @ ") || !parse_hex(k, &ev.addr)) {
            return fail(c, "expected 'Allocated N bytes @ 0xADDR'");
        }
    } else if (eat(k, "Freed bytes @ ")) {
        ev.kind = PS_EV_FREE;
        if (!parse_hex(k, &ev.addr)) {
            return fail(c, "expected 'Freed bytes @ 0xADDR'");
        }
    } else {
        return fail(c, "expected 'Allocated' or 'Freed' after 'HEAP:'");
    }
    if (parse_sysview_tail(c, k, &ev) != 0) {
        return -1;
    }
    return push(c, &ev);
}

/* ---- heap_trace_dump() ---- */

static int parse_dump_line(ctx_t *c, cursor_t *k, int *in_summary)
{
    ps_trace_t *t = c->out;
    skip_spaces(k);
    if (at_end(k)) {
        return 0;
    }
    if (eat(k, "====== Heap Trace Summary")) {
        *in_summary = 1;
        return 0;
    }
    if (eat(k, "======")) {
        return 0; /* the header, or the closing rule */
    }
    if (*in_summary) {
        uint64_t v;
        if (eat(k, "total allocations: ")) {
            if (!parse_u64(k, &v)) {
                return fail(c, "bad number after 'total allocations:'");
            }
            t->dump_total_allocations = v;
        } else if (eat(k, "total frees: ")) {
            if (!parse_u64(k, &v)) {
                return fail(c, "bad number after 'total frees:'");
            }
            t->dump_total_frees = v;
        } else if (eat(k, "(NB: Internal Buffer has overflowed")) {
            t->dump_overflowed = 1;
        }
        return 0; /* Mode:, bytes alive, records:, hashmap:, other NB lines */
    }
    if (eat(k, "freed by ")) {
        if (t->n == 0u) {
            return fail(c, "'freed by' before any record");
        }
        t->ev[t->n - 1u].freed = 1;
        return 0;
    }
    if (eat(k, "(NB:")) {
        return 0;
    }
    ps_event_t ev = {0};
    ev.kind = PS_EV_ALLOC;
    ev.t_ns = t->n;
    if (!parse_size(k, &ev.size) || !eat(k, " bytes (@ ") || !parse_hex(k, &ev.addr) ||
        !eat(k, ",")) {
        return fail(c, "expected 'N bytes (@ 0xADDR, ...) allocated ...'");
    }
    skip_spaces(k);
    if (!(eat(k, "Internal") || eat(k, "PSRAM")) || !eat(k, ") allocated CPU ")) {
        return fail(c, "expected 'Internal) allocated CPU' or 'PSRAM) allocated CPU'");
    }
    uint64_t cpu, ccount;
    if (!parse_u64(k, &cpu) || !eat(k, " ccount ") || !parse_hex(k, &ccount)) {
        return fail(c, "expected 'CPU N ccount 0xNNNNNNNN'");
    }
    if (eat(k, " caller ")) {
        uint64_t pc;
        do {
            if (!parse_hex(k, &pc)) {
                return fail(c, "bad caller address");
            }
        } while (eat(k, ":"));
    }
    if (eat(k, " freed")) {
        ev.freed = 1;
    }
    skip_spaces(k);
    if (!at_end(k)) {
        return fail(c, "unexpected characters at the end of the record");
    }
    return push(c, &ev);
}

/* ---- driver ---- */

static ps_format_t detect(const char *line, size_t len)
{
    cursor_t k = {line, line + len};
    if (eat(&k, "tpev")) {
        return PS_FMT_PLAIN;
    }
    if (eat(&k, "====== Heap Trace")) {
        return PS_FMT_DUMP;
    }
    if (eat(&k, "[")) {
        return PS_FMT_SYSVIEW;
    }
    return PS_FMT_UNKNOWN;
}

int ps_trace_parse(const char *name, const char *buf, size_t len, ps_trace_t *out,
                   ps_trace_error_t *err)
{
    if (out == NULL || (buf == NULL && len > 0u)) {
        return -1;
    }
    memset(out, 0, sizeof *out);
    out->n_tasks = 1; /* tasks[0] = "" */
    ctx_t c = {name != NULL ? name : "(trace)", 0, out, err};
    int have_header = 0, in_summary = 0;
    const char *p = buf, *const end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl != NULL ? nl : end;
        c.line++;
        if (memchr(p, '\0', (size_t)(eol - p)) != NULL) {
            fail(&c, "NUL byte in the line");
            goto failed;
        }
        size_t n = (size_t)(eol - p);
        if (n > 0u && p[n - 1u] == '\r') {
            n--;
        }
        cursor_t k = {p, p + n};
        p = nl != NULL ? nl + 1 : end;
        const int blank = n == 0u;
        if (out->format == PS_FMT_UNKNOWN) {
            if (blank || k.p[0] == '#') {
                continue;
            }
            out->format = detect(k.p, n);
            if (out->format == PS_FMT_UNKNOWN) {
                fail(&c, "unknown trace format (expected tierpool 'tpev 1', an ESP-IDF host "
                         "heap log '[secs] HEAP: ...' or a heap_trace_dump)");
                goto failed;
            }
        }
        int rc = 0;
        switch (out->format) {
        case PS_FMT_PLAIN:
            if (!blank && k.p[0] != '#') {
                rc = parse_plain_line(&c, &k, &have_header);
            }
            break;
        case PS_FMT_SYSVIEW:
            rc = blank ? 0 : parse_sysview_line(&c, &k);
            break;
        default:
            rc = parse_dump_line(&c, &k, &in_summary);
            break;
        }
        if (rc != 0) {
            goto failed;
        }
    }
    if (out->format == PS_FMT_UNKNOWN) {
        c.line = 0;
        fail(&c, "empty trace");
        goto failed;
    }
    out->has_free_times = out->format != PS_FMT_DUMP;
    return 0;

failed:
    ps_trace_free(out);
    return -1;
}

int ps_trace_load(const char *path, ps_trace_t *out, ps_trace_error_t *err)
{
    ctx_t c = {path, 0, out, err};
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) {
        char msg[160];
        snprintf(msg, sizeof msg, "cannot open: %s", strerror(errno));
        return fail(&c, msg);
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2u : 65536u;
            char *grown = realloc(buf, cap);
            if (grown == NULL) {
                free(buf);
                if (f != stdin) {
                    fclose(f);
                }
                return fail(&c, "out of memory");
            }
            buf = grown;
        }
        const size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0u) {
            break;
        }
    }
    const int read_error = ferror(f);
    if (f != stdin) {
        fclose(f);
    }
    if (read_error) {
        free(buf);
        return fail(&c, "read error");
    }
    const int rc = ps_trace_parse(path, buf, len, out, err);
    free(buf);
    return rc;
}

void ps_trace_free(ps_trace_t *trace)
{
    if (trace != NULL) {
        free(trace->ev);
        trace->ev = NULL;
        trace->n = 0;
        trace->cap = 0;
    }
}

const char *ps_format_name(ps_format_t format)
{
    switch (format) {
    case PS_FMT_SYSVIEW: return "sysview";
    case PS_FMT_DUMP: return "dump";
    case PS_FMT_PLAIN: return "plain";
    default: return "unknown";
    }
}

uint64_t ps_trace_span_ns(const ps_trace_t *trace)
{
    uint64_t span = 0;
    for (size_t i = 0; i < trace->n; i++) {
        if (trace->ev[i].t_ns > span) {
            span = trace->ev[i].t_ns;
        }
    }
    return span;
}

int ps_plain_write_header(FILE *f, const char *comment)
{
    fputs("tpev 1\n", f);
    if (comment != NULL) {
        fprintf(f, "# %s\n", comment);
    }
    return ferror(f) ? -1 : 0;
}

int ps_plain_write_event(FILE *f, const ps_event_t *ev, const char *task)
{
    const char *sep = task != NULL && task[0] != '\0' ? " " : "";
    if (task == NULL) {
        task = "";
    }
    if (ev->kind == PS_EV_ALLOC) {
        fprintf(f, "A %" PRIu64 " 0x%" PRIx64 " %" PRIu32 "%s%s\n", ev->t_ns / 1000u, ev->addr, ev->size, sep,
                task);
    } else {
        fprintf(f, "F %" PRIu64 " 0x%" PRIx64 "%s%s\n", ev->t_ns / 1000u, ev->addr, sep, task);
    }
    return ferror(f) ? -1 : 0;
}
