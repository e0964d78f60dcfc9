/*
 * bootlog.h - a device's heap regions, read from what it prints:
 *
 *   - the boot log's heap_init lines (heap_caps_init.c, every release from
 *     4.0 to master prints them at INFO level):
 *       I (270) heap_init: Initializing. RAM available for dynamic allocation:
 *       I (277) heap_init: At 3FC92810 len 0004D7F0 (309 KiB): D/IRAM
 *     LEN is what heap_caps_init hands to multi_heap_register, TYPE the
 *     region's memory type (its malloc() priority, heapcaps.h);
 *   - a heap_caps_print_heap_info() output (heap_caps.c):
 *       Heap summary for capabilities 0x00000004:
 *         At 0x3ffb2730 len 15448 free 0 allocated 15080 min_free 0
 *     It prints no types: its regions get the type "" (one type for all),
 *     except those at an ESP32's or ESP32-S3's external-RAM addresses
 *     (0x3F800000-0x3FBFFFFF, 0x3C000000-0x3DFFFFFF), which are "SPIRAM".
 *
 * Whatever a serial monitor adds around them is skipped and counted: ESP_LOG
 * prefixes, ANSI colours, timestamps, other log lines, "\r\n" and "\r\r\n".
 * A line that starts like a region line and does not parse is an error naming
 * its line. A capture holding several boots (or summaries) gives the regions
 * of the last one; boot-log regions win over heap_caps_print_heap_info ones,
 * since only they carry types.
 *
 * Bounded: lines are read through a fixed buffer (a longer line is skipped as
 * a whole), at most PS_BOOTLOG_MAX_REGIONS regions per boot. No allocation.
 */
#ifndef PS_BOOTLOG_H
#define PS_BOOTLOG_H

#include <stddef.h>
#include <stdint.h>

#include "heapcaps.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PS_BOOTLOG_MAX_REGIONS 32u
/* Longest line considered; longer ones are skipped (no region line comes close). */
#define PS_BOOTLOG_LINE_MAX 1024u

typedef enum { PS_BOOTLOG_NONE, PS_BOOTLOG_HEAP_INIT, PS_BOOTLOG_HEAP_INFO } ps_bootlog_kind_t;

typedef struct {
    ps_region_t region[PS_BOOTLOG_MAX_REGIONS];
    uint32_t line[PS_BOOTLOG_MAX_REGIONS]; /* where each region was read (1-based) */
    size_t n;
} ps_bootlog_list_t;

typedef struct {
    /* the result, after ps_bootlog_end */
    ps_bootlog_kind_t kind;
    ps_bootlog_list_t regions;
    uint32_t boots;     /* boot-log region lists seen (the last one is kept) */
    uint32_t summaries; /* heap_caps_print_heap_info outputs seen */
    uint32_t lines;     /* lines read */
    uint32_t skipped;   /* lines that were neither region lines nor their headers */
    uint32_t overlong;  /* of those, lines longer than PS_BOOTLOG_LINE_MAX */
    /* reader state */
    ps_bootlog_list_t boot, info;
    int boot_fresh, info_fresh; /* the next region starts a new list */
    int in_summary;             /* inside a heap_caps_print_heap_info output */
} ps_bootlog_t;

void ps_bootlog_init(ps_bootlog_t *b);

/* One line, without its '\n' (a trailing '\r' is fine). 0, or -1 with
 * "line N: ..." in err for a malformed region line or too many regions. */
int ps_bootlog_feed(ps_bootlog_t *b, const char *line, size_t len, char *err, size_t err_len);

/* Choose the regions (see above). 0, or -1 when no region line was read. */
int ps_bootlog_end(ps_bootlog_t *b, char *err, size_t err_len);

/* A whole file (init, feed, end); errors are prefixed with the path. */
int ps_bootlog_read_file(ps_bootlog_t *b, const char *path, char *err, size_t err_len);

#ifdef __cplusplus
}
#endif

#endif /* PS_BOOTLOG_H */
