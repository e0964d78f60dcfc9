/*
 * ps_trace.c - the reader's core: lines in, monitor decorations out, format
 * detection, task names, the event queue, and the whole-trace helpers. The
 * formats themselves are in ps_read_plain.c, ps_read_sysview.c and
 * ps_read_dump.c.
 */
#include "ps_trace.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ps_trace_internal.h"
#include "tp_evline.h"

/* ---- numbers ---- */

int ps_parse_u64(ps_cur_t *k, uint64_t *out)
{
    const uint64_t limit = UINT64_MAX / 10u, last = UINT64_MAX % 10u;
    uint64_t v = 0;
    const char *start = k->p;
    while (!ps_cur_end(k) && ps_is_digit(*k->p)) {
        const uint64_t digit = (uint64_t)(*k->p - '0');
        if (v > limit || (v == limit && digit > last)) {
            return 0;
        }
        v = v * 10u + digit;
        k->p++;
    }
    *out = v;
    return k->p != start;
}

static int hex_value(char c)
{
    return (c >= '0' && c <= '9')   ? c - '0'
           : (c >= 'a' && c <= 'f') ? c - 'a' + 10
           : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                    : -1;
}

int ps_parse_hex(ps_cur_t *k, uint64_t *out)
{
    (void)(ps_eat(k, "0x") || ps_eat(k, "0X"));
    uint64_t v = 0;
    int digits = 0;
    while (!ps_cur_end(k) && hex_value(*k->p) >= 0) {
        if (++digits > 16) {
            return 0;
        }
        v = (v << 4) | (uint64_t)hex_value(*k->p);
        k->p++;
    }
    *out = v;
    return digits > 0;
}

int ps_parse_seconds(ps_cur_t *k, uint64_t *ns)
{
    uint64_t secs;
    if (!ps_parse_u64(k, &secs)) {
        return !ps_cur_end(k) && ps_is_digit(*k->p) ? -1 : 0; /* digits, but too many */
    }
    uint64_t frac = 0;
    if (ps_eat(k, ".")) {
        int digits = 0;
        while (!ps_cur_end(k) && ps_is_digit(*k->p)) {
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
    if (secs > UINT64_MAX / 1000000000u || secs * 1000000000u > UINT64_MAX - frac) {
        return -1;
    }
    *ns = secs * 1000000000u + frac;
    return 1;
}

int ps_parse_callers(ps_cur_t *k)
{
    ps_skip_spaces(k);
    while (!ps_cur_end(k)) {
        uint64_t pc;
        if (!ps_parse_hex(k, &pc)) {
            return 0;
        }
        if (!ps_eat(k, ":")) {
            break;
        }
    }
    ps_skip_spaces(k);
    return ps_cur_end(k);
}

/* ---- the reader ---- */

void ps__emit(ps_reader_t *r, const ps_event_t *ev)
{
    /* the formats emit at most two events per line and the queue is drained
     * after every line, so it never overflows */
    r->ready[(r->ready_head + r->ready_n) % PS_READY_MAX] = *ev;
    r->ready_n++;
    r->info.events++;
}

int ps__fail(ps_reader_t *r, const char *message)
{
    if (!r->failed) {
        snprintf(r->err.file, sizeof r->err.file, "%s", r->name);
        r->err.line = r->in.line;
        snprintf(r->err.message, sizeof r->err.message, "%s", message);
    }
    r->failed = 1;
    return -1;
}

static uint32_t name_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    }
    return h;
}

static int same_name(const ps_reader_t *r, unsigned idx, const char *s, size_t len)
{
    return r->task_lens[idx] == len && memcmp(r->tasks[idx], s, len) == 0;
}

uint16_t ps__task(ps_reader_t *r, const char *name, size_t len)
{
    const char *nul = memchr(name, '\0', len);
    if (nul != NULL) {
        len = (size_t)(nul - name); /* names are C strings, as FreeRTOS keeps them */
    }
    if (len == 0u) {
        return 0;
    }
    if (len >= PS_TASK_NAME_MAX) {
        len = PS_TASK_NAME_MAX - 1u;
    }
    if (r->last_task != 0u && same_name(r, r->last_task, name, len)) {
        return (uint16_t)r->last_task;
    }
    const unsigned mask = 2u * PS_MAX_TASKS - 1u;
    for (unsigned i = name_hash(name, len) & mask;; i = (i + 1u) & mask) {
        const unsigned idx = r->slots[i];
        if (idx == 0u) {
            if (r->n_tasks >= PS_MAX_TASKS) {
                r->info.unnamed_tasks++;
                return 0;
            }
            memcpy(r->tasks[r->n_tasks], name, len);
            r->tasks[r->n_tasks][len] = '\0';
            r->task_lens[r->n_tasks] = (uint16_t)len;
            r->slots[i] = (uint16_t)r->n_tasks;
            r->last_task = r->n_tasks;
            return (uint16_t)r->n_tasks++;
        }
        if (same_name(r, idx, name, len)) {
            r->last_task = idx;
            return (uint16_t)idx;
        }
    }
}

static ps_reader_t *reader_new(const char *name)
{
    ps_reader_t *r = calloc(1, sizeof *r);
    if (r == NULL) {
        return NULL;
    }
    r->tasks = calloc(PS_MAX_TASKS, sizeof *r->tasks);
    if (r->tasks == NULL) {
        free(r);
        return NULL;
    }
    r->n_tasks = 1;
    snprintf(r->name, sizeof r->name, "%s", name != NULL ? name : "(trace)");
    return r;
}

ps_reader_t *ps_reader_open(const char *path, ps_trace_error_t *err)
{
    ps_reader_t *r = reader_new(path);
    char msg[200];
    if (r != NULL && ps_lines_open_file(&r->in, path, PS_LINE_MAX, msg, sizeof msg) == 0) {
        return r;
    }
    if (err != NULL) {
        memset(err, 0, sizeof *err);
        snprintf(err->file, sizeof err->file, "%s", path);
        snprintf(err->message, sizeof err->message, "%s", r != NULL ? msg : "out of memory");
    }
    ps_reader_close(r);
    return NULL;
}

ps_reader_t *ps_reader_open_mem(const char *name, const void *buf, size_t len)
{
    ps_reader_t *r = reader_new(name);
    if (r != NULL && ps_lines_open_mem(&r->in, buf, len, PS_LINE_MAX) != 0) {
        ps_reader_close(r);
        return NULL;
    }
    return r;
}

void ps_reader_close(ps_reader_t *r)
{
    if (r != NULL) {
        ps_lines_close(&r->in);
        free(r->tasks);
        free(r);
    }
}

/* ---- cleaning: what a serial monitor adds to a line ---- */

/* Remove ANSI escape sequences in place: CSI (ESC [ params final-byte) and
 * two-byte ESC sequences. Returns the new length. */
static size_t strip_ansi(char *s, size_t len)
{
    size_t out = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] != '\x1b') {
            s[out++] = s[i++];
            continue;
        }
        i++;
        if (i < len && s[i] == '[') {
            i++;
            while (i < len && (unsigned char)s[i] >= 0x20u && (unsigned char)s[i] <= 0x3Fu) {
                i++; /* parameter and intermediate bytes */
            }
            if (i < len) {
                i++; /* the final byte */
            }
        } else if (i < len) {
            i++;
        }
    }
    return out;
}

static int digits_at(const char *s, size_t len, size_t at, size_t n)
{
    if (at + n > len) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!ps_is_digit(s[at + i])) {
            return 0;
        }
    }
    return 1;
}

/* Length of a timestamp prefix at the start of s (0 if none):
 * "YYYY-MM-DD HH:MM:SS[.fff] " (idf.py monitor --timestamps) or
 * "[HH:MM:SS[.fff]]" with an optional space (ESPHome's logger). */
static size_t stamp_prefix(const char *s, size_t len)
{
    size_t i;
    if (digits_at(s, len, 0, 4) && len > 19 && s[4] == '-' && digits_at(s, len, 5, 2) && s[7] == '-' &&
        digits_at(s, len, 8, 2) && s[10] == ' ' && digits_at(s, len, 11, 2) && s[13] == ':' &&
        digits_at(s, len, 14, 2) && s[16] == ':' && digits_at(s, len, 17, 2)) {
        i = 19;
        if (i < len && s[i] == '.') {
            i++;
            while (i < len && ps_is_digit(s[i])) {
                i++;
            }
        }
        return i < len && s[i] == ' ' ? i + 1u : i == len ? i : 0u;
    }
    if (len > 9 && s[0] == '[' && digits_at(s, len, 1, 2) && s[3] == ':' && digits_at(s, len, 4, 2) && s[6] == ':' &&
        digits_at(s, len, 7, 2)) {
        i = 9;
        if (i < len && s[i] == '.') {
            i++;
            while (i < len && ps_is_digit(s[i])) {
                i++;
            }
        }
        if (i < len && s[i] == ']') {
            i++;
            return i < len && s[i] == ' ' ? i + 1u : i;
        }
    }
    return 0;
}

/* Clean a line in place; returns its start and sets *len. */
static char *clean(ps_reader_t *r, char *s, size_t *len)
{
    size_t n = *len;
    if (n > 0u && s[n - 1u] == '\r') {
        while (n > 0u && s[n - 1u] == '\r') {
            n--;
        }
        r->info.cr_lines++;
    }
    if (memchr(s, '\x1b', n) != NULL) {
        n = strip_ansi(s, n);
        r->info.ansi_lines++;
    }
    const size_t p = stamp_prefix(s, n);
    if (p > 0u) {
        r->info.stamped_lines++;
        s += p;
        n -= p;
    }
    *len = n;
    return s;
}

/* ---- the loop ---- */

/* Which format a line starts. A plain header of a revision this poolsim does
 * not read still says "plain": ps__plain_line, which reads the line next,
 * refuses it. */
static void detect(ps_reader_t *r, const char *line, size_t len)
{
    if (tp_evline_header_version(line, len) > 0u) {
        r->info.format = PS_FMT_PLAIN;
    } else if (ps__sysview_starts(line, len)) {
        r->info.format = PS_FMT_SYSVIEW;
    } else if (ps__dump_starts(line, len)) {
        r->info.format = PS_FMT_DUMP;
    }
}

static int is_record_start(ps_format_t f, const char *line, size_t len)
{
    ps_cur_t k = { line, line + len };
    switch (f) {
    case PS_FMT_PLAIN:
        return len > 0u && (line[0] == 'A' || line[0] == 'F') && (len == 1u || line[1] == ' ' || line[1] == '\t');
    case PS_FMT_SYSVIEW: {
        uint64_t ns;
        return (ps_eat(&k, "[") && ps_parse_seconds(&k, &ns) != 0 && ps_eat(&k, "] HEAP: ")) ||
               (k.p = line, ps_eat(&k, "EVENT["));
    }
    case PS_FMT_DUMP: return ps__dump_starts(line, len) && !ps_eat(&k, "=");
    default: return 0;
    }
}

/* Read one line and feed it to the format. 1 = a line was handled, 0 = the end, -1 = error. */
static int step(ps_reader_t *r)
{
    char *line;
    size_t len;
    int cut;
    char msg[200];
    const int got = ps_lines_next(&r->in, &line, &len, &cut, msg, sizeof msg);
    if (got < 0) {
        return ps__fail(r, msg);
    }
    if (got == 0) {
        return 0;
    }
    r->info.lines++;
    line = clean(r, line, &len);
    if (cut) {
        r->info.long_lines++;
        if (is_record_start(r->info.format, line, len)) {
            snprintf(msg, sizeof msg, "a record line longer than %u bytes", (unsigned)PS_LINE_MAX);
            return ps__fail(r, msg);
        }
        r->info.skipped++;
        return 1;
    }
    if (len == 0u) {
        r->info.blank++;
    }
    if (r->info.format == PS_FMT_UNKNOWN) {
        if (len == 0u) {
            return 1;
        }
        if (line[0] == '#') {
            r->info.trace_lines++; /* a comment of the plain format, before its header */
            return 1;
        }
        detect(r, line, len);
        if (r->info.format == PS_FMT_UNKNOWN) {
            r->info.skipped++;
            return 1;
        }
    }
    int rc;
    switch (r->info.format) {
    case PS_FMT_PLAIN: rc = ps__plain_line(r, line, len); break;
    case PS_FMT_SYSVIEW: rc = ps__sysview_line(r, line, len); break;
    default: rc = ps__dump_line(r, line, len); break;
    }
    return rc < 0 ? -1 : 1;
}

/* Read until an event is queued, the input ends, or an error. */
static int fill(ps_reader_t *r)
{
    while (r->ready_n == 0u && !r->done && !r->failed) {
        const int rc = step(r);
        if (rc < 0) {
            return -1;
        }
        if (rc == 0) {
            r->done = 1;
            if (r->info.format == PS_FMT_SYSVIEW) {
                ps__sysview_finish(r);
            } else if (r->info.format == PS_FMT_DUMP) {
                ps__dump_finish(r);
            } else if (r->info.format == PS_FMT_UNKNOWN) {
                char msg[200];
                r->in.line = 0;
                snprintf(msg, sizeof msg,
                         "no trace found in %" PRIu64 " lines: expected tierpool's 'tpev' header, the output of "
                         "ESP-IDF's sysviewtrace_proc.py ('[secs] HEAP: ...') or a heap_trace_dump()",
                         r->info.lines);
                return ps__fail(r, msg);
            }
        }
    }
    return r->failed ? -1 : 0;
}

int ps_reader_next(ps_reader_t *r, ps_event_t *ev)
{
    if (r->failed || fill(r) != 0) {
        return -1;
    }
    if (r->ready_n == 0u) {
        return 0;
    }
    *ev = r->ready[r->ready_head];
    r->ready_head = (r->ready_head + 1u) % PS_READY_MAX;
    r->ready_n--;
    return 1;
}

ps_format_t ps_reader_format(ps_reader_t *r)
{
    while (r->info.format == PS_FMT_UNKNOWN && !r->failed && !r->done) {
        const int rc = step(r);
        if (rc == 0) {
            (void)fill(r); /* reports "no trace found" */
        }
    }
    return r->failed ? PS_FMT_UNKNOWN : r->info.format;
}

int ps_reader_can_rewind(const ps_reader_t *r)
{
    return ps_lines_can_rewind(&r->in);
}

int ps_reader_rewind(ps_reader_t *r)
{
    if (ps_lines_rewind(&r->in) != 0) {
        return -1;
    }
    memset(&r->info, 0, sizeof r->info);
    memset(&r->err, 0, sizeof r->err);
    memset(&r->plain, 0, sizeof r->plain);
    memset(&r->sv, 0, sizeof r->sv);
    memset(&r->dump, 0, sizeof r->dump);
    r->failed = r->done = 0;
    r->ready_head = r->ready_n = 0;
    return 0; /* task names stay: the same input names them in the same order */
}

const ps_trace_info_t *ps_reader_info(const ps_reader_t *r)
{
    return &r->info;
}

const ps_trace_error_t *ps_reader_error(const ps_reader_t *r)
{
    return &r->err;
}

const char *ps_reader_task(const ps_reader_t *r, unsigned task)
{
    return task < r->n_tasks ? r->tasks[task] : "";
}

/* ---- a whole trace in memory ---- */

int ps_trace_parse(const char *name, const char *buf, size_t len, ps_trace_t *out, ps_trace_error_t *err)
{
    memset(out, 0, sizeof *out);
    ps_reader_t *r = ps_reader_open_mem(name, buf, len);
    if (r == NULL) {
        if (err != NULL) {
            memset(err, 0, sizeof *err);
            snprintf(err->message, sizeof err->message, "out of memory");
        }
        return -1;
    }
    ps_event_t ev;
    int rc;
    while ((rc = ps_reader_next(r, &ev)) > 0) {
        if (out->n == out->cap) {
            const size_t cap = out->cap ? out->cap * 2u : 256u;
            ps_event_t *grown = realloc(out->ev, cap * sizeof *grown);
            if (grown == NULL) {
                rc = ps__fail(r, "out of memory");
                break;
            }
            out->ev = grown;
            out->cap = cap;
        }
        out->ev[out->n++] = ev;
    }
    if (rc == 0) {
        out->info = r->info;
        out->tasks = r->tasks;
        out->n_tasks = r->n_tasks;
        r->tasks = NULL;
    } else {
        if (err != NULL) {
            *err = r->err;
        }
        free(out->ev);
        memset(out, 0, sizeof *out);
    }
    ps_reader_close(r);
    return rc == 0 ? 0 : -1;
}

void ps_trace_free(ps_trace_t *trace)
{
    if (trace != NULL) {
        free(trace->ev);
        free(trace->tasks);
        memset(trace, 0, sizeof *trace);
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

/* ---- writing the plain format ---- */

int ps_plain_write_header(FILE *f, const char *comment)
{
    fputs(TP_EVLINE_HEADER, f);
    if (comment != NULL) {
        fprintf(f, "# %s\n", comment);
    }
    return ferror(f) ? -1 : 0;
}

int ps_plain_write_event(FILE *f, const ps_event_t *ev, const char *task)
{
    char line[TP_EVLINE_SIZE(PS_TASK_NAME_MAX)];
    const tp_evline_t e = { ev->kind == PS_EV_ALLOC ? 'A' : 'F', ev->t_ns / 1000u, ev->addr, ev->size, task, 0 };
    const size_t n = tp_evline_format(line, sizeof line, &e);
    return fwrite(line, 1, n, f) == n && !ferror(f) ? 0 : -1;
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
