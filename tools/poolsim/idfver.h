/*
 * idfver.h - ESP-IDF releases 5.0 to the latest, and what each one's heap
 * does differently. One table, read from ESP-IDF's own sources at each tag
 * (components/heap and the espressif/tlsf commit the tag pins); the heap model
 * and the region layer ask it, nobody else decides by version number.
 *
 * What changes between releases, and where it is decided:
 *   - the TLSF control structure: v5.0 (tlsf ab17d67) has a fixed one,
 *     FL_INDEX_MAX 19 and 32 second-level classes on an ESP32-S3 without
 *     PSRAM (components/heap/tlsf_platform.h), 1736 B in every region; 5.0.1
 *     and later (tlsf 8c9cd05+) size it from the region (control_construct);
 *   - the largest free block ESP-IDF reports: before 5.3 a block under
 *     sl_index_count bytes reports 0 (tlsf_fit_size, fixed by tlsf 32701a1);
 *   - the size-class rounding of a request: 5.4 and later (tlsf 81d3779);
 *   - the order in which heap_caps_malloc tries regions of one priority:
 *     address order up to 5.4.x, ascending length from 5.5
 *     (heap_caps_init.c, sorted_add_to_registered_heaps);
 *   - the region types' priorities for malloc(): the ESP32-S3 memory layout
 *     table of 5.0-5.1 (DRAM types first, D/IRAM second) and of 5.2 and later
 *     (one "RAM" type first, DRAM second, RTC RAM last).
 */
#ifndef PS_IDFVER_H
#define PS_IDFVER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A release; all zero = the latest known release. */
typedef struct {
    uint8_t major, minor, patch;
} ps_idf_version_t;

typedef enum {
    PS_ORDER_ADDRESS,         /* heaps linked in address order (5.4.x and older) */
    PS_ORDER_ASCENDING_LENGTH /* smallest heap first; equal lengths: higher address first (5.5+) */
} ps_region_order_t;

typedef enum {
    PS_LAYOUT_S3_V50, /* esp32s3 memory_layout.c of 5.0.x-5.1.x: DRAM, STACK/DRAM, D/IRAM, ... */
    PS_LAYOUT_S3_V52  /* esp32s3 memory_layout.c of 5.2 and later: RAM, DRAM, IRAM, SPIRAM, RTCRAM */
} ps_layout_t;

/* What a release's heap does, as the model needs it. */
typedef struct {
    ps_idf_version_t version;    /* resolved: never all zero */
    const char *tlsf_commit;     /* the espressif/tlsf commit the release pins (short hash) */
    uint8_t static_fl_index_max; /* 0: control structure sized from the region; else v5.0's fixed FL_INDEX_MAX */
    uint8_t static_sl_log2;      /* with static_fl_index_max: the fixed SL_INDEX_COUNT_LOG2 */
    uint8_t round_to_class;      /* 1: a request becomes a block of its whole size class (5.4+) */
    uint8_t fit_size_small;      /* 1: tlsf_fit_size reports small blocks as they are (5.3+); 0: blocks
                                   under sl_index_count bytes report 0 */
    ps_region_order_t order;
    ps_layout_t layout;
} ps_idf_heap_t;

/* "5.3", "5.3.2", "v5.4.1", "latest". 0, or -1 for anything else (only the
 * syntax; ps_idf_heap says whether the release exists). */
int ps_idf_parse(const char *text, ps_idf_version_t *out);

/* The heap behaviour of a release (all-zero = the latest). 0, or -1 when the
 * release is not one this table knows (before 5.0, or a patch release that
 * did not exist when the table was written). */
int ps_idf_heap(ps_idf_version_t v, ps_idf_heap_t *out);

/* "5.4.2" (patch 0 prints as "5.4"); the latest is resolved first. */
const char *ps_idf_format(ps_idf_version_t v, char *buf, size_t len);

/* The releases accepted, for error messages: "5.0-5.0.9, 5.1-5.1.7, ...". */
const char *ps_idf_known(void);

/* -1, 0, 1 like strcmp, after resolving "latest". */
int ps_idf_cmp(ps_idf_version_t a, ps_idf_version_t b);

#ifdef __cplusplus
}
#endif

#endif /* PS_IDFVER_H */
