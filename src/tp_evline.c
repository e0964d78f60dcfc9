/*
 * tp_evline.c - tierpool's plain event format, one line at a time (see
 * tp_evline.h). Decimal output uses repeated subtraction of powers of ten:
 * no 64-bit division on 32-bit targets.
 */
#include "../include/tp_evline.h"

/* ---- writing ---- */

typedef struct {
    char *p;
    char *end; /* room for text; one byte past it is kept for the NUL */
} out_t;

static int put(out_t *o, char c)
{
    if (o->p >= o->end) {
        return -1;
    }
    *o->p++ = c;
    return 0;
}

static int put_str(out_t *o, const char *s)
{
    for (; *s != '\0'; s++) {
        if (put(o, *s) != 0) {
            return -1;
        }
    }
    return 0;
}

static int put_dec(out_t *o, uint64_t v)
{
    static const uint64_t pow10[] = { 10000000000000000000ull,
                                      1000000000000000000ull,
                                      100000000000000000ull,
                                      10000000000000000ull,
                                      1000000000000000ull,
                                      100000000000000ull,
                                      10000000000000ull,
                                      1000000000000ull,
                                      100000000000ull,
                                      10000000000ull,
                                      1000000000ull,
                                      100000000ull,
                                      10000000ull,
                                      1000000ull,
                                      100000ull,
                                      10000ull,
                                      1000ull,
                                      100ull,
                                      10ull,
                                      1ull };
    const size_t n = sizeof pow10 / sizeof pow10[0];
    int started = 0;
    for (size_t i = 0; i < n; i++) {
        char digit = '0';
        while (v >= pow10[i]) {
            v -= pow10[i];
            digit++;
        }
        if (digit != '0' || started || i + 1u == n) {
            started = 1;
            if (put(o, digit) != 0) {
                return -1;
            }
        }
    }
    return 0;
}

static const char hex_digits[] = "0123456789abcdef";

static int put_hex(out_t *o, uint64_t v)
{
    int shift = 60;
    while (shift > 0 && ((v >> shift) & 0xFu) == 0u) {
        shift -= 4;
    }
    for (; shift >= 0; shift -= 4) {
        if (put(o, hex_digits[(v >> shift) & 0xFu]) != 0) {
            return -1;
        }
    }
    return 0;
}

/* A byte a bare (unquoted) task name may hold. */
static int bare_byte(unsigned char c)
{
    return c > 0x20u && c < 0x7Fu && c != '"' && c != '\\';
}

/* Bytes the escaped form of c takes inside quotes. */
static size_t escaped_len(unsigned char c)
{
    return (c == '"' || c == '\\') ? 2u : (c < 0x20u || c >= 0x7Fu) ? 4u : 1u;
}

static void put_escaped(out_t *o, unsigned char c)
{
    /* the caller checked the room: escaped_len(c) bytes */
    if (c == '"' || c == '\\') {
        *o->p++ = '\\';
        *o->p++ = (char)c;
    } else if (c < 0x20u || c >= 0x7Fu) {
        *o->p++ = '\\';
        *o->p++ = 'x';
        *o->p++ = hex_digits[c >> 4];
        *o->p++ = hex_digits[c & 0xFu];
    } else {
        *o->p++ = (char)c;
    }
}

/* " name" (bare or quoted), as much of it as fits with room for the final '\n'. */
static void put_task(out_t *o, const char *task)
{
    if (task == NULL || task[0] == '\0') {
        return;
    }
    int bare = 1;
    for (const char *s = task; *s != '\0'; s++) {
        if (!bare_byte((unsigned char)*s)) {
            bare = 0;
            break;
        }
    }
    /* room for the name's bytes: after ' ' (and the quotes), before '\n' */
    const size_t left = (size_t)(o->end - o->p);
    const size_t frame = bare ? 2u : 4u;
    if (left <= frame) {
        return;
    }
    size_t room = left - frame;
    *o->p++ = ' ';
    if (bare) {
        for (const char *s = task; *s != '\0' && room > 0u; s++, room--) {
            *o->p++ = *s;
        }
        return;
    }
    *o->p++ = '"';
    for (const char *s = task; *s != '\0'; s++) {
        const size_t need = escaped_len((unsigned char)*s);
        if (need > room) {
            break;
        }
        put_escaped(o, (unsigned char)*s);
        room -= need;
    }
    *o->p++ = '"';
}

size_t tp_evline_format(char *buf, size_t size, const tp_evline_t *ev)
{
    if (buf == NULL || size == 0u || ev == NULL || (ev->kind != 'A' && ev->kind != 'F')) {
        if (buf != NULL && size > 0u) {
            buf[0] = '\0';
        }
        return 0;
    }
    out_t o = { buf, buf + size - 1u };
    /* the fixed fields must fit with the '\n' after them */
    const int bad = put(&o, ev->kind) || put(&o, ' ') || put_dec(&o, ev->time_us) || put_str(&o, " 0x") ||
                    put_hex(&o, ev->addr) || (ev->kind == 'A' && (put(&o, ' ') || put_dec(&o, ev->size))) ||
                    o.p >= o.end;
    if (bad) {
        buf[0] = '\0';
        return 0;
    }
    put_task(&o, ev->task);
    *o.p++ = '\n';
    *o.p = '\0';
    return (size_t)(o.p - buf);
}

/* ---- reading ---- */

typedef struct {
    const char *p;
    const char *end;
} in_t;

static int at_end(const in_t *k)
{
    return k->p >= k->end;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static void skip_spaces(in_t *k)
{
    while (!at_end(k) && is_space(*k->p)) {
        k->p++;
    }
}

/* Decimal, at most UINT64_MAX. Up to 19 digits cannot overflow; only a 20th
 * is checked, with constants (no division at run time). */
static int get_dec(in_t *k, uint64_t *out)
{
    const uint64_t limit = UINT64_MAX / 10u, last = UINT64_MAX % 10u;
    uint64_t v = 0;
    const char *p = k->p, *const start = p;
    const char *const stop = k->end - p > 19 ? p + 19 : k->end;
    while (p < stop && (unsigned char)(*p - '0') < 10u) {
        v = v * 10u + (uint64_t)(*p++ - '0');
    }
    if (p == stop && p < k->end && (unsigned char)(*p - '0') < 10u) { /* a 20th digit */
        const uint64_t d = (uint64_t)(*p - '0');
        if (v > limit || (v == limit && d > last) || (p + 1 < k->end && (unsigned char)(p[1] - '0') < 10u)) {
            return 0;
        }
        v = v * 10u + d;
        p++;
    }
    k->p = p;
    *out = v;
    return p != start;
}

/* 0..15 for a hexadecimal digit, 16 for anything else. */
static const uint8_t hex_table[256] = {
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 0,  1,  2,  3,  4,  5,  6,  7,  8,  9,
    16, 16, 16, 16, 16, 16, 16, 10, 11, 12, 13, 14, 15, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 10, 11, 12, 13, 14, 15, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16
};

static int hex_value(char c)
{
    const uint8_t v = hex_table[(unsigned char)c];
    return v < 16u ? (int)v : -1;
}

static int get_hex(in_t *k, uint64_t *out)
{
    if (k->end - k->p >= 2 && k->p[0] == '0' && (k->p[1] == 'x' || k->p[1] == 'X')) {
        k->p += 2;
    }
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

unsigned tp_evline_header_version(const char *line, size_t len)
{
    in_t k = { line, line + len };
    skip_spaces(&k);
    if (k.end - k.p < 4 || k.p[0] != 't' || k.p[1] != 'p' || k.p[2] != 'e' || k.p[3] != 'v') {
        return 0;
    }
    k.p += 4;
    const char *after = k.p;
    skip_spaces(&k);
    uint64_t v;
    if (k.p == after || !get_dec(&k, &v) || v == 0u || v > 0xFFFFu) {
        return 0;
    }
    skip_spaces(&k);
    return at_end(&k) ? (unsigned)v : 0u;
}

/* Append one decoded byte, counting it even when the buffer is full. */
static void name_byte(tp_evline_t *ev, char *buf, size_t size, size_t *n, char c)
{
    if (*n < size) {
        buf[*n] = c;
        ev->task_len = *n + 1u;
    }
    (*n)++;
}

static int parse_quoted(in_t *k, tp_evline_t *ev, char *buf, size_t size, const char **why)
{
    size_t n = 0;
    k->p++; /* the opening quote */
    for (;;) {
        if (at_end(k)) {
            *why = "task name: closing '\"' missing";
            return -1;
        }
        const char c = *k->p++;
        if (c == '"') {
            return 0;
        }
        if (c != '\\') {
            if ((unsigned char)c < 0x20u) {
                *why = "task name: a control character must be written as \\xHH";
                return -1;
            }
            name_byte(ev, buf, size, &n, c);
            continue;
        }
        if (at_end(k)) {
            *why = "task name: '\\' at the end of the line";
            return -1;
        }
        const char e = *k->p++;
        if (e == '"' || e == '\\') {
            name_byte(ev, buf, size, &n, e);
        } else if (e == 'x' && k->end - k->p >= 2 && hex_value(k->p[0]) >= 0 && hex_value(k->p[1]) >= 0) {
            name_byte(ev, buf, size, &n, (char)(hex_value(k->p[0]) * 16 + hex_value(k->p[1])));
            k->p += 2;
        } else {
            *why = "task name: unknown escape (\\\" \\\\ and \\xHH are accepted)";
            return -1;
        }
    }
}

int tp_evline_parse(const char *line, size_t len, unsigned version, tp_evline_t *ev, char *name_buf, size_t name_size,
                    const char **why)
{
    const char *unused_why; /* on the caller's stack: the parser stays reentrant */
    if (why == NULL) {
        why = &unused_why;
    }
    *why = "";
    if (line == NULL || ev == NULL || len == 0u || (line[0] != 'A' && line[0] != 'F') ||
        (len > 1u && !is_space(line[1]))) {
        return TP_EVLINE_OTHER;
    }
    if (name_buf == NULL) {
        name_size = 0;
    }
    in_t k = { line + 1, line + len };
    ev->kind = line[0];
    ev->size = 0;
    ev->task = name_buf;
    ev->task_len = 0;
    skip_spaces(&k);
    if (!get_dec(&k, &ev->time_us)) {
        *why = "bad time (decimal microseconds, at most 18446744073709551615)";
        return TP_EVLINE_MALFORMED;
    }
    skip_spaces(&k);
    if (!get_hex(&k, &ev->addr)) {
        *why = "bad address (hexadecimal, at most 16 digits)";
        return TP_EVLINE_MALFORMED;
    }
    if (ev->kind == 'A') {
        uint64_t size;
        skip_spaces(&k);
        if (!get_dec(&k, &size) || size > UINT32_MAX) {
            *why = "bad size (decimal, at most 4294967295)";
            return TP_EVLINE_MALFORMED;
        }
        ev->size = (uint32_t)size;
    }
    const char *sep = k.p;
    skip_spaces(&k);
    if (at_end(&k)) {
        return TP_EVLINE_EVENT;
    }
    if (k.p == sep) {
        *why = "unexpected characters after the event";
        return TP_EVLINE_MALFORMED;
    }
    if (version >= 2u && *k.p == '"') {
        if (parse_quoted(&k, ev, name_buf, name_size, why) != 0) {
            return TP_EVLINE_MALFORMED;
        }
    } else {
        const char *name = k.p;
        while (!at_end(&k) && !is_space(*k.p)) {
            if (version >= 2u && !bare_byte((unsigned char)*k.p)) {
                *why = "task name: a name with spaces, quotes or other bytes must be quoted";
                return TP_EVLINE_MALFORMED;
            }
            k.p++;
        }
        const size_t n = (size_t)(k.p - name);
        ev->task_len = n < name_size ? n : name_size;
        for (size_t i = 0; i < ev->task_len; i++) {
            name_buf[i] = name[i];
        }
    }
    skip_spaces(&k);
    if (!at_end(&k)) {
        *why = "unexpected characters after the task name";
        return TP_EVLINE_MALFORMED;
    }
    return TP_EVLINE_EVENT;
}
