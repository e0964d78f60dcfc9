/*
 * tp_diag_util.h - helpers shared by the diagnostics modules (tp_stack,
 * tp_crash, tp_health, tp_track). Not a public header.
 *
 * The bottom of the diagnostics: these helpers call nothing of tierpool's but
 * tp_sys.h, and every diagnostics module may use them (docs/architecture.md).
 */
#ifndef TP_DIAG_UTIL_H
#define TP_DIAG_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Copy at most size-1 bytes of src (NULL = "") and terminate; returns 1 if src was cut. */
int tp__copy_str(char *dst, size_t size, const char *src);

/* A bounded text writer: appends with vsnprintf, remembers truncation. */
typedef struct {
    char *buf;
    size_t size;
    size_t len;    /* characters in buf, without the NUL */
    int truncated; /* 1 once something did not fit (later appends are dropped) */
} tp__out_t;
void tp__out_init(tp__out_t *o, char *buf, size_t size);
void tp__out_printf(tp__out_t *o, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/*
 * CRC-32 (IEEE 802.3, reflected, as zlib's crc32) of len bytes, continuing
 * from crc: start with 0; tp__crc32(tp__crc32(0, a, na), b, nb) is the CRC of
 * a followed by b. Bitwise: small, no table.
 */
uint32_t tp__crc32(uint32_t crc, const void *data, size_t len);

/*
 * The bytes [offset, offset + size) of the port's persistent region
 * (tp_sys_persist_region), or NULL when the port has no region, it is too
 * small for them, or they would not be 4-byte aligned. Layout of the region
 * (each module owns its part): the stack guard's table at offset 0, the crash
 * record behind it.
 */
void *tp__persist_area(size_t offset, size_t size);

#endif /* TP_DIAG_UTIL_H */
