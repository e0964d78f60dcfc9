/* libFuzzer target: any bytes into the --boot-log reader, line by line. Regions
 * or an error, never a crash, an out-of-bounds read or a region the reader's
 * own rules forbid. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bootlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ps_bootlog_t b;
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
