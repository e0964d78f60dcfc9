/* bootlog.c - heap regions from a boot log or heap_caps_print_heap_info(); see bootlog.h. */
#include "bootlog.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define BOOT_MARK "heap_init: At "
#define INIT_MARK "heap_init: Initializing."
#define SUMMARY_MARK "Heap summary for capabilities 0x"

void ps_bootlog_init(ps_bootlog_t *b)
{
    memset(b, 0, sizeof *b);
    b->boot_fresh = b->info_fresh = 1;
}

/* The line without ANSI escape sequences, '\r' and NUL bytes, trailing blanks trimmed. */
static size_t clean(const char *in, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 1 < cap; i++) {
        unsigned char ch = (unsigned char)in[i];
        if (ch == 0x1B) {
            /* CSI: ESC [ parameters final-byte; any other escape: ESC and one byte */
            if (i + 1 < len && in[i + 1] == '[') {
                i += 2;
                while (i < len && !((unsigned char)in[i] >= 0x40 && (unsigned char)in[i] <= 0x7E))
                    i++;
            } else {
                i++;
            }
            continue;
        }
        if (ch == '\r' || ch == '\0')
            continue;
        out[n++] = (char)ch;
    }
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
        n--;
    out[n] = '\0';
    return n;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* 1..8 hex digits. */
static const char *hex32(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    int n = 0;
    while (hexval(*s) >= 0) {
        if (++n > 8)
            return NULL;
        v = (v << 4) | (uint32_t)hexval(*s++);
    }
    if (n == 0)
        return NULL;
    *out = v;
    return s;
}

/* 1..10 decimal digits, at most UINT32_MAX. */
static const char *dec32(const char *s, uint32_t *out)
{
    uint64_t v = 0;
    int n = 0;
    while (*s >= '0' && *s <= '9') {
        v = v * 10u + (uint64_t)(*s++ - '0');
        if (++n > 10 || v > UINT32_MAX)
            return NULL;
    }
    if (n == 0)
        return NULL;
    *out = (uint32_t)v;
    return s;
}

static const char *lit(const char *s, const char *word)
{
    size_t n = strlen(word);
    return s && !strncmp(s, word, n) ? s + n : NULL;
}

/* Add a region to list, starting the list over when *fresh is set (a new
 * boot or summary began) or when the address is already in it (a boot whose
 * "Initializing" line was not captured). */
static int add(ps_bootlog_list_t *list, int *fresh, uint32_t *count, const ps_region_t *r, uint32_t lineno, char *err,
               size_t err_len)
{
    for (size_t i = 0; i < list->n && !*fresh; i++)
        if (list->region[i].addr == r->addr)
            *fresh = 1;
    if (*fresh) {
        list->n = 0;
        *fresh = 0;
        (*count)++;
    }
    if (list->n == PS_BOOTLOG_MAX_REGIONS) {
        snprintf(err, err_len, "line %u: more than %u regions in one list", lineno, PS_BOOTLOG_MAX_REGIONS);
        return -1;
    }
    list->region[list->n] = *r;
    list->line[list->n] = lineno;
    list->n++;
    return 0;
}

/* "At ADDR len LEN (N KiB): TYPE", after "heap_init: At ". */
static int boot_region(ps_bootlog_t *b, const char *s, uint32_t lineno, char *err, size_t err_len)
{
    ps_region_t r;
    uint32_t kib = 0;
    memset(&r, 0, sizeof r);
    const char *p = hex32(s, &r.addr);
    p = p ? lit(p, " len ") : NULL;
    p = p ? hex32(p, &r.len) : NULL;
    p = p ? lit(p, " (") : NULL;
    p = p ? dec32(p, &kib) : NULL;
    p = p ? lit(p, " KiB): ") : NULL;
    size_t tlen = p ? strlen(p) : 0;
    if (!p || tlen == 0 || tlen >= sizeof r.type || strpbrk(p, " \t") != NULL) {
        snprintf(err, err_len, "line %u: a heap_init region line, but not 'At ADDR len LEN (N KiB): TYPE'", lineno);
        return -1;
    }
    for (const char *t = p; *t; t++)
        if ((unsigned char)*t < 0x21 || (unsigned char)*t > 0x7E) {
            snprintf(err, err_len, "line %u: the region type holds a byte that is not printable ASCII", lineno);
            return -1;
        }
    if (r.len == 0 || kib != r.len / 1024u) {
        snprintf(err, err_len, "line %u: len 0x%X is %u KiB, not the %u KiB the line says", lineno, r.len,
                 r.len / 1024u, kib);
        return -1;
    }
    memcpy(r.type, p, tlen + 1u);
    return add(&b->boot, &b->boot_fresh, &b->boots, &r, lineno, err, err_len);
}

/* ESP32: 0x3F800000-0x3FBFFFFF; ESP32-S3: 0x3C000000-0x3DFFFFFF (SOC_EXTRAM_DATA_LOW/HIGH). */
static int external_ram(uint32_t addr)
{
    return (addr >= 0x3F800000u && addr < 0x3FC00000u) || (addr >= 0x3C000000u && addr < 0x3E000000u);
}

/* "At 0xADDR len LEN free F allocated A min_free M" (a heap_caps_print_heap_info heap line). */
static int info_region(ps_bootlog_t *b, const char *s, uint32_t lineno, char *err, size_t err_len)
{
    ps_region_t r;
    uint32_t f, a, m;
    memset(&r, 0, sizeof r);
    const char *p = hex32(s, &r.addr);
    p = p ? lit(p, " len ") : NULL;
    p = p ? dec32(p, &r.len) : NULL;
    p = p ? lit(p, " free ") : NULL;
    p = p ? dec32(p, &f) : NULL;
    p = p ? lit(p, " allocated ") : NULL;
    p = p ? dec32(p, &a) : NULL;
    p = p ? lit(p, " min_free ") : NULL;
    p = p ? dec32(p, &m) : NULL;
    if (!p || *p != '\0' || r.len == 0) {
        snprintf(err, err_len,
                 "line %u: a heap summary line, but not 'At 0xADDR len LEN free F allocated A "
                 "min_free M'",
                 lineno);
        return -1;
    }
    if (external_ram(r.addr))
        snprintf(r.type, sizeof r.type, "SPIRAM");
    return add(&b->info, &b->info_fresh, &b->summaries, &r, lineno, err, err_len);
}

int ps_bootlog_feed(ps_bootlog_t *b, const char *line, size_t len, char *err, size_t err_len)
{
    char buf[PS_BOOTLOG_LINE_MAX + 1];
    uint32_t lineno = ++b->lines;
    if (len > PS_BOOTLOG_LINE_MAX) {
        b->skipped++;
        b->overlong++;
        return 0;
    }
    clean(line, len, buf, sizeof buf);
    const char *at;
    if (strstr(buf, INIT_MARK)) {
        b->boot_fresh = 1;
        b->in_summary = 0;
        return 0;
    }
    if ((at = strstr(buf, BOOT_MARK)) != NULL) {
        b->in_summary = 0;
        return boot_region(b, at + strlen(BOOT_MARK), lineno, err, err_len);
    }
    if (strstr(buf, SUMMARY_MARK)) {
        b->in_summary = 1;
        b->info_fresh = 1;
        return 0;
    }
    if (b->in_summary) {
        /* the heap lines, their second lines, the totals */
        const char *s = buf;
        while (*s == ' ' || *s == '\t')
            s++;
        if ((at = strstr(buf, "At 0x")) != NULL && (at == buf || at[-1] == ' ' || at[-1] == '\t' || at[-1] == ']'))
            return info_region(b, at + 5, lineno, err, err_len);
        if (strstr(buf, "largest_free_block ") || strstr(buf, "free ") == s)
            return 0;
        if (strstr(buf, "Totals:"))
            return 0;
        b->in_summary = 0;
    }
    /* Other lines (other heap_init lines included) do not end a boot's list:
     * a monitor may interleave them. A new boot shows as "Initializing" or
     * as a region address seen before. */
    b->skipped++;
    return 0;
}

int ps_bootlog_end(ps_bootlog_t *b, char *err, size_t err_len)
{
    if (b->boot.n) {
        b->kind = PS_BOOTLOG_HEAP_INIT;
        b->regions = b->boot;
        return 0;
    }
    if (b->info.n) {
        b->kind = PS_BOOTLOG_HEAP_INFO;
        b->regions = b->info;
        return 0;
    }
    snprintf(err, err_len,
             "no heap region found: expected boot-log lines 'heap_init: At ADDR len LEN (N KiB): "
             "TYPE' or a heap_caps_print_heap_info() output");
    return -1;
}

int ps_bootlog_read_file(ps_bootlog_t *b, const char *path, char *err, size_t err_len)
{
    char msg[256];
    ps_bootlog_init(b);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return -1;
    }
    /* fgets through a fixed buffer; a line that does not fit is counted as
     * overlong and its remainder is skipped */
    char buf[PS_BOOTLOG_LINE_MAX + 2];
    int rc = 0, dropping = 0;
    while (fgets(buf, sizeof buf, f)) {
        size_t n = strlen(buf);
        int whole = n > 0 && buf[n - 1] == '\n';
        if (dropping) {
            dropping = !whole;
            continue;
        }
        if (!whole && !feof(f)) {
            /* longer than the buffer: one overlong line */
            (void)ps_bootlog_feed(b, buf, PS_BOOTLOG_LINE_MAX + 1u, msg, sizeof msg);
            dropping = 1;
            continue;
        }
        if (whole)
            n--;
        if (ps_bootlog_feed(b, buf, n, msg, sizeof msg) != 0) {
            snprintf(err, err_len, "%s:%s", path, msg + 5); /* "line N: ..." -> "path:N: ..." */
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, err_len, "%s: read error", path);
        rc = -1;
    }
    fclose(f);
    if (rc == 0 && ps_bootlog_end(b, msg, sizeof msg) != 0) {
        snprintf(err, err_len, "%s: %s", path, msg);
        rc = -1;
    }
    return rc;
}
