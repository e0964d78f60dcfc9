/* libFuzzer target: any bytes into the --boot-log reader, line by line, and
 * into the other heap notations a user types (--heap-regions, --idf-version).
 * Regions or an error, never a crash, an out-of-bounds read or a region the
 * reader's own rules forbid. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bootlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* --heap-regions and --idf-version on the input as one string. */
static void notations(const uint8_t *data, size_t size)
{
    char text[256];
    size_t n = size < sizeof text - 1u ? size : sizeof text - 1u;
    memcpy(text, data, n);
    text[n] = '\0';
    ps_region_t r[PS_CAPS_MAX_REGIONS];
    size_t count = 0;
    char err[256];
    if (ps_regions_parse(text, r, &count, err, sizeof err) == 0) {
        if (count == 0 || count > PS_CAPS_MAX_REGIONS)
            __builtin_trap();
        for (size_t i = 0; i < count; i++)
            if (r[i].len == 0 || r[i].len > PS_HEAP_MAX_ARENA || memchr(r[i].type, '\0', sizeof r[i].type) == NULL)
                __builtin_trap();
    }
    ps_idf_version_t v;
    ps_idf_heap_t rel;
    if (ps_idf_parse(text, &v) == 0 && ps_idf_heap(v, &rel) == 0 && rel.version.major < 5)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ps_bootlog_t b;
    notations(data, size);
    char err[256];
    ps_bootlog_init(&b);
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (ps_bootlog_feed(&b, p, n, err, sizeof err) != 0)
            return 0;
        p += n + (nl ? 1u : 0u);
    }
    if (ps_bootlog_end(&b, err, sizeof err) != 0)
        return 0;
    if (b.regions.n == 0 || b.regions.n > PS_BOOTLOG_MAX_REGIONS)
        __builtin_trap();
    for (size_t i = 0; i < b.regions.n; i++) {
        const ps_region_t *r = &b.regions.region[i];
        if (r->len == 0 || memchr(r->type, '\0', sizeof r->type) == NULL || b.regions.line[i] == 0 ||
            b.regions.line[i] > b.lines)
            __builtin_trap();
        for (const char *t = r->type; *t; t++)
            if ((unsigned char)*t < 0x21 || (unsigned char)*t > 0x7E)
                __builtin_trap();
    }
    return 0;
}
