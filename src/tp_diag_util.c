/*
 * tp_diag_util.c - helpers shared by the diagnostics modules (see tp_diag_util.h).
 */
#include "tp_diag_util.h"

#include <stdarg.h>
#include <stdio.h>

#include "../include/tp_config.h"
#include "../include/tp_sys.h"

int tp__copy_str(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    if (size == 0u) {
        return 1;
    }
    if (src == NULL) {
        dst[0] = '\0';
        return 0;
    }
    for (; i + 1u < size && src[i] != '\0'; i++) {
        dst[i] = src[i];
    }
    dst[i] = '\0';
    return src[i] != '\0';
}

void tp__out_init(tp__out_t *o, char *buf, size_t size)
{
    o->buf = buf;
    o->size = size;
    o->len = 0;
    o->truncated = 0;
    if (size > 0u) {
        buf[0] = '\0';
    }
}

void tp__out_printf(tp__out_t *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (o->truncated || o->size == 0u) {
        o->truncated = 1;
    } else {
        const size_t room = o->size - o->len;
        /* ap is initialised above; the analyzer loses track of it. */
        const int n = vsnprintf(o->buf + o->len, room, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
        if (n < 0 || (size_t)n >= room) {
            o->truncated = 1;
            o->len = o->size - 1u; /* vsnprintf terminated the cut text */
        } else {
            o->len += (size_t)n;
        }
    }
    va_end(ap);
    TP_CFG_ASSERT(o->size == 0u || o->len < o->size); /* room for the NUL, always */
}

uint32_t tp__crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = (const uint8_t *)data;
    uint32_t c = ~crc;
    for (size_t i = 0; i < len; i++) {
        c ^= p[i];
        for (int b = 0; b < 8; b++) {
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
        }
    }
    return ~c;
}

void *tp__persist_area(size_t offset, size_t size)
{
    size_t region_size = 0;
    uint8_t *region = (uint8_t *)tp_sys_persist_region(&region_size);
    if (region == NULL || region_size < offset || region_size - offset < size ||
        ((uintptr_t)(region + offset) & 3u) != 0u) {
        return NULL;
    }
    return region + offset;
}
