/* heapcaps.c - several heap regions and heap_caps_malloc's choice between
 * them. See heapcaps.h for the rules and where ESP-IDF decides them. */
#include "heapcaps.h"

#include <stdio.h>
#include <string.h>

struct ps_caps {
    size_t n;
    ps_region_t desc[PS_CAPS_MAX_REGIONS]; /* address order */
    ps_heap_t *heap[PS_CAPS_MAX_REGIONS];
    size_t order[PS_CAPS_MAX_REGIONS]; /* try order: indexes into desc */
    uint32_t allocs, frees, failed;
};

/* Region types by boot-log label. The labels changed between releases: the
 * 5.0-5.1 table names D/IRAM, DRAM, STACK/DRAM, STACK/DIRAM, NON_DMA_DRAM;
 * 5.2 and later name the big internal RAM type "RAM". */
typedef enum {
    T_COMMON,
    T_DIRAM,
    T_DRAM,
    T_STACK_DRAM,
    T_STACK_DIRAM,
    T_NODMA,
    T_RTCRAM,
    T_IRAM,
    T_SPIRAM,
    T_UNKNOWN
} rtype_t;

static rtype_t type_of(const char *label)
{
    static const struct {
        const char *label;
        rtype_t type;
    } map[] = {
        { "", T_COMMON },
        { "D/IRAM", T_DIRAM },
        { "RAM", T_DIRAM },
        { "DRAM", T_DRAM },
        { "STACK/DRAM", T_STACK_DRAM },
        { "STACK/DIRAM", T_STACK_DIRAM },
        { "NON_DMA_DRAM", T_NODMA },
        { "RTCRAM", T_RTCRAM },
        { "IRAM", T_IRAM },
        { "SPIRAM", T_SPIRAM },
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(label, map[i].label))
            return map[i].type;
    return T_UNKNOWN;
}

/* Internal RAM of an ESP32 (and ESP32-S2) as the data bus sees it
 * (components/soc/esp32/include/soc/soc.h: SOC_RTC_DRAM_LOW 0x3FF80000 ..
 * SOC_DRAM_HIGH 0x40000000). No ESP32-S3 heap region lies there. */
#define ESP32_RAM_LOW 0x3FF80000u
#define ESP32_RAM_HIGH 0x40000000u

/*
 * The first priority at which heap_caps_aligned_alloc_base tries a region of
 * this type for MALLOC_CAP_DEFAULT | MALLOC_CAP_INTERNAL: the first column of
 * soc_memory_types[type].caps holding either capability, provided the three
 * columns together hold both.
 */
int ps_region_malloc_priority(const char *type, uint32_t addr, ps_idf_version_t idf)
{
    ps_idf_heap_t rel;
    if (!type || ps_idf_heap(idf, &rel) != 0)
        return -2;
    rtype_t t = type_of(type);
    if (t == T_UNKNOWN)
        return -2;
    if (t == T_COMMON)
        return 0;
    if (t == T_IRAM || t == T_SPIRAM)
        return -1; /* IRAM: no MALLOC_CAP_DEFAULT; SPIRAM: no MALLOC_CAP_INTERNAL */
    if (addr >= ESP32_RAM_LOW && addr < ESP32_RAM_HIGH) {
        /* A region of an ESP32's boot log. Its table (components/heap/port/
         * esp32/memory_layout.c) is the same in every release from 5.0: DRAM
         * has 8BIT|DEFAULT at priority 0, D/IRAM and RTCRAM have DEFAULT at
         * priority 1. (The ESP32-S2's is the same up to 5.1; from 5.2 it
         * names its RAM "RAM", at priority 0, and RTCRAM comes after it.) */
        switch (t) {
        case T_DRAM: return 0;
        case T_DIRAM: return strcmp(type, "RAM") == 0 ? 0 : 1; /* "RAM": the S2's, from 5.2 */
        case T_RTCRAM: return 1;
        default: return -2;
        }
    }
    if (rel.layout == PS_LAYOUT_S3_V50) {
        /* 5.0-5.1: DRAM, STACK/DRAM, STACK/DIRAM, NON_DMA_DRAM have 8BIT|DEFAULT
         * at priority 0; D/IRAM and RTCRAM have DEFAULT at priority 1. */
        return (t == T_DIRAM || t == T_RTCRAM) ? 1 : 0;
    }
    /* 5.2+: "RAM" (the D/IRAM levels, startup stacks included) has the common
     * caps at priority 0, DRAM at 1, RTCRAM at 2. NON_DMA_DRAM no longer exists. */
    switch (t) {
    case T_DIRAM:
    case T_STACK_DRAM:
    case T_STACK_DIRAM: return 0;
    case T_DRAM: return 1;
    case T_RTCRAM: return 2;
    default: return -2;
    }
}

size_t ps_caps_default_regions(ps_region_t *regions)
{
    static const ps_region_t s3[] = {
        { 0x000484E0u, 0x3FC97B20u, "D/IRAM" },
        { 0x0000EE34u, 0x3FCE0000u, "STACK/DRAM" },
        { 0x00008000u, 0x3FCF0000u, "DRAM" },
        { 0x00002000u, 0x600FE000u, "RTCRAM" },
    };
    memcpy(regions, s3, sizeof s3);
    return sizeof s3 / sizeof s3[0];
}

/* The labels a region may carry, for messages (type_of has the table). */
static const char k_types[] = "D/IRAM, RAM, DRAM, STACK/DRAM, STACK/DIRAM, NON_DMA_DRAM up to 5.1, RTCRAM; "
                              "IRAM and SPIRAM are left out";

int ps_regions_parse(const char *text, ps_region_t *regions, size_t *n, char *err, size_t err_len)
{
    static const char accepted[] = "expected LEN[:TYPE][,LEN[:TYPE]...], e.g. 296160:D/IRAM,60980:STACK/DRAM or "
                                   "167936 (LEN in bytes, decimal or 0x-hex)";
    *n = 0;
    const char *p = text;
    if (!p || !*p) {
        snprintf(err, err_len, "an empty list; %s", accepted);
        return -1;
    }
    for (;;) {
        if (*n == PS_CAPS_MAX_REGIONS) {
            snprintf(err, err_len, "more than %u regions", PS_CAPS_MAX_REGIONS);
            return -1;
        }
        ps_region_t *r = &regions[*n];
        memset(r, 0, sizeof *r);
        uint64_t v = 0;
        int digits = 0, hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
        if (hex)
            p += 2;
        for (;; p++, digits++) {
            int d = *p >= '0' && *p <= '9'          ? *p - '0'
                    : hex && *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
                    : hex && *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
                                                    : -1;
            if (d < 0)
                break;
            v = v * (hex ? 16u : 10u) + (uint64_t)d;
            if (v > PS_HEAP_MAX_ARENA) {
                snprintf(err, err_len, "region %zu is longer than %u bytes", *n, PS_HEAP_MAX_ARENA);
                return -1;
            }
        }
        if (!digits || v == 0) {
            snprintf(err, err_len, "region %zu: no length; %s", *n, accepted);
            return -1;
        }
        r->len = (uint32_t)v;
        if (*p == ':') {
            size_t t = strcspn(++p, ",");
            if (t == 0 || t >= sizeof r->type) {
                snprintf(err, err_len, "region %zu: a type of 1..%u characters after ':'; %s", *n,
                         PS_REGION_TYPE_LEN - 1u, accepted);
                return -1;
            }
            memcpy(r->type, p, t);
            r->type[t] = '\0';
            p += t;
        }
        (*n)++;
        if (*p == '\0')
            return 0;
        if (*p++ != ',') {
            snprintf(err, err_len, "unexpected '%c' after region %zu; %s", p[-1], *n - 1u, accepted);
            return -1;
        }
    }
}

int ps_caps_malloc_regions(const ps_region_t *in, size_t n, ps_idf_version_t idf, ps_region_t *out, size_t *n_out,
                           char *left_out, size_t left_len, char *err, size_t err_len)
{
    char v[16];
    size_t used = 0, left = 0;
    ps_idf_format(idf, v, sizeof v);
    if (left_len)
        left_out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int prio = ps_region_malloc_priority(in[i].type, in[i].addr, idf);
        if (prio == -2) {
            snprintf(err, err_len, "region %zu (%u B): type '%s' is not one of ESP-IDF %s's ESP32-S3 region types (%s)",
                     i, in[i].len, in[i].type, v, k_types);
            return -1;
        }
        if (prio == -1) {
            size_t k = strlen(left_out);
            if (k < left_len)
                snprintf(left_out + k, left_len - k, "%s%u B %s", left++ ? ", " : "", in[i].len, in[i].type);
            continue;
        }
        if (used == PS_CAPS_MAX_REGIONS) {
            snprintf(err, err_len, "more than %u regions malloc() can use", PS_CAPS_MAX_REGIONS);
            return -1;
        }
        out[used++] = in[i];
    }
    if (!used) {
        snprintf(err, err_len, "no region malloc() can use (IRAM and SPIRAM regions do not serve it)");
        return -1;
    }
    *n_out = used;
    return 0;
}

static size_t align8(size_t n)
{
    return (n + 7u) & ~(size_t)7u;
}

static void region_opts(const ps_caps_opts_t *o, size_t i, ps_heap_opts_t *h)
{
    memset(h, 0, sizeof *h);
    h->arena_size = o->regions[i].len;
    h->poison = o->poison;
    h->idf = o->idf;
}

/* Indexes of opts->regions in address order (stable: equal or absent addresses keep their order). */
static void by_address(const ps_caps_opts_t *o, size_t idx[PS_CAPS_MAX_REGIONS])
{
    for (size_t i = 0; i < o->n; i++) {
        size_t j = i;
        while (j > 0 && o->regions[idx[j - 1]].addr > o->regions[i].addr) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = i;
    }
}

int ps_caps_validate(const ps_caps_opts_t *o, char *err, size_t len)
{
    char v[16];
    if (!o || o->n == 0 || o->n > PS_CAPS_MAX_REGIONS) {
        snprintf(err, len, "between 1 and %u heap regions are needed", PS_CAPS_MAX_REGIONS);
        return -1;
    }
    ps_idf_heap_t rel;
    if (ps_idf_heap(o->idf, &rel) != 0) {
        snprintf(err, len, "unknown ESP-IDF release; known: %s", ps_idf_known());
        return -1;
    }
    ps_idf_format(o->idf, v, sizeof v);
    size_t with_addr = 0;
    for (size_t i = 0; i < o->n; i++) {
        const ps_region_t *r = &o->regions[i];
        ps_heap_opts_t ho;
        ps_heap_geom_t g;
        region_opts(o, i, &ho);
        if (memchr(r->type, '\0', sizeof r->type) == NULL) {
            snprintf(err, len, "region %zu: its type label is not terminated", i);
            return -1;
        }
        if (r->len == 0 || ps_heap_geometry(&ho, &g) != 0) {
            snprintf(err, len,
                     "region %zu: ESP-IDF %s cannot make a heap of a %u B region (too small for "
                     "its heap_t, TLSF control structure and one block, or above %u B; 5.0 takes pools up to "
                     "512 KiB)",
                     i, v, r->len, PS_HEAP_MAX_ARENA);
            return -1;
        }
        int prio = ps_region_malloc_priority(r->type, r->addr, o->idf);
        if (prio == -1) {
            snprintf(err, len, "region %zu: malloc() never uses %s regions (leave them out)", i, r->type);
            return -1;
        }
        if (prio < 0) {
            snprintf(err, len, "region %zu: type '%s' is not one of ESP-IDF %s's ESP32-S3 region types (%s)", i,
                     r->type, v, k_types);
            return -1;
        }
        if (r->addr)
            with_addr++;
        for (size_t j = 0; j < i; j++)
            if (r->addr && o->regions[j].addr == r->addr) {
                snprintf(err, len, "regions %zu and %zu start at the same address 0x%08X", j, i, r->addr);
                return -1;
            }
    }
    if (with_addr != 0 && with_addr != o->n) {
        snprintf(err, len, "either every region has an address or none has");
        return -1;
    }
    return 0;
}

size_t ps_caps_mem_size(const ps_caps_opts_t *opts)
{
    char err[8];
    if (ps_caps_validate(opts, err, sizeof err) != 0)
        return 0;
    size_t total = align8(sizeof(ps_caps_t));
    for (size_t i = 0; i < opts->n; i++) {
        ps_heap_opts_t ho;
        region_opts(opts, i, &ho);
        total += align8(ps_heap_mem_size(&ho));
    }
    return total;
}

size_t ps_caps_order(const ps_caps_opts_t *opts, size_t order[PS_CAPS_MAX_REGIONS])
{
    char err[8];
    if (ps_caps_validate(opts, err, sizeof err) != 0)
        return 0;
    size_t addr_order[PS_CAPS_MAX_REGIONS] = { 0 };
    by_address(opts, addr_order);
    /* heap_caps_init's list: address order, or (5.5+) each heap, visited in
     * address order, inserted before the first listed heap at least as long
     * (sorted_add_to_registered_heaps). Indexes are address-order positions. */
    ps_idf_heap_t rel;
    (void)ps_idf_heap(opts->idf, &rel);
    size_t list[PS_CAPS_MAX_REGIONS], n_list = 0;
    for (size_t k = 0; k < opts->n; k++) {
        size_t at = n_list;
        if (rel.order == PS_ORDER_ASCENDING_LENGTH)
            for (size_t j = 0; j < n_list; j++)
                if (opts->regions[addr_order[list[j]]].len >= opts->regions[addr_order[k]].len) {
                    at = j;
                    break;
                }
        memmove(&list[at + 1], &list[at], (n_list - at) * sizeof list[0]);
        list[at] = k;
        n_list++;
    }
    /* Then by priority, keeping the list order within one. */
    size_t n_order = 0;
    for (int prio = 0; prio < 3; prio++)
        for (size_t j = 0; j < n_list; j++)
            if (ps_region_malloc_priority(opts->regions[addr_order[list[j]]].type,
                                          opts->regions[addr_order[list[j]]].addr, opts->idf) == prio)
                order[n_order++] = list[j];
    return n_order;
}

const ps_region_t *ps_caps_first_tried(const ps_caps_opts_t *opts)
{
    size_t order[PS_CAPS_MAX_REGIONS], addr_order[PS_CAPS_MAX_REGIONS] = { 0 };
    if (ps_caps_order(opts, order) == 0)
        return NULL;
    by_address(opts, addr_order);
    return &opts->regions[addr_order[order[0]]];
}

int ps_caps_init(ps_caps_t **out, void *mem, size_t mem_size, const ps_caps_opts_t *opts, char *err, size_t err_len)
{
    if (!out || ps_caps_validate(opts, err, err_len) != 0)
        return -1;
    if (!mem || ((uintptr_t)mem % 8u) != 0 || mem_size < ps_caps_mem_size(opts)) {
        snprintf(err, err_len, "the memory given to the heap regions is missing, misaligned or too small");
        return -1;
    }
    ps_caps_t *c = mem;
    memset(c, 0, sizeof *c);
    size_t addr_order[PS_CAPS_MAX_REGIONS] = { 0 };
    by_address(opts, addr_order);
    uint8_t *p = (uint8_t *)mem + align8(sizeof *c);
    c->n = opts->n;
    for (size_t k = 0; k < c->n; k++) {
        size_t i = addr_order[k];
        ps_heap_opts_t ho;
        region_opts(opts, i, &ho);
        size_t need = ps_heap_mem_size(&ho);
        c->desc[k] = opts->regions[i];
        if (ps_heap_init(&c->heap[k], p, need, &ho) != 0) {
            snprintf(err, err_len, "region %zu could not be built", i);
            return -1;
        }
        p += align8(need);
    }

    (void)ps_caps_order(opts, c->order);
    *out = c;
    return 0;
}

void *ps_caps_alloc(ps_caps_t *c, size_t size, int *region)
{
    if (region)
        *region = -1;
    if (!c || size == 0)
        return NULL;
    if (size <= PS_CAPS_HEAP_SIZE_MAX)
        for (size_t k = 0; k < c->n; k++) {
            size_t i = c->order[k];
            void *p = ps_heap_alloc(c->heap[i], size);
            if (p) {
                c->allocs++;
                if (region)
                    *region = (int)i;
                return p;
            }
        }
    c->failed++;
    return NULL;
}

static int find(const ps_caps_t *c, const void *ptr)
{
    for (size_t i = 0; i < c->n; i++)
        if (ps_heap_contains(c->heap[i], ptr))
            return (int)i;
    return -1;
}

int ps_caps_free(ps_caps_t *c, void *ptr)
{
    int i = c ? find(c, ptr) : -1;
    if (i < 0 || ps_heap_free(c->heap[i], ptr) != 0)
        return -1;
    c->frees++;
    return 0;
}

void ps_caps_stats(const ps_caps_t *c, ps_heap_stats_t *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        ps_heap_stats_t s;
        ps_heap_stats(c->heap[i], &s);
        out->total_free += s.total_free;
        out->min_free_ever += s.min_free_ever;
        if (s.largest_free > out->largest_free)
            out->largest_free = s.largest_free;
        out->used_bytes += s.used_bytes;
        out->free_blocks += s.free_blocks;
        out->used_blocks += s.used_blocks;
    }
    out->allocs = c->allocs;
    out->frees = c->frees;
    out->failed = c->failed;
}

void ps_caps_free_and_largest(const ps_caps_t *c, uint32_t *total_free, uint32_t *largest_free)
{
    uint32_t sum = 0, big = 0;
    for (size_t i = 0; i < c->n; i++) {
        uint32_t f, l;
        ps_heap_free_and_largest(c->heap[i], &f, &l);
        sum += f;
        if (l > big)
            big = l;
    }
    *total_free = sum;
    *largest_free = big;
}

size_t ps_caps_count(const ps_caps_t *c)
{
    return c ? c->n : 0;
}

const ps_heap_t *ps_caps_region(const ps_caps_t *c, size_t i)
{
    return c && i < c->n ? c->heap[i] : NULL;
}

const ps_region_t *ps_caps_region_desc(const ps_caps_t *c, size_t i)
{
    return c && i < c->n ? &c->desc[i] : NULL;
}

size_t ps_caps_try_order(const ps_caps_t *c, size_t order[PS_CAPS_MAX_REGIONS])
{
    if (!c)
        return 0;
    memcpy(order, c->order, c->n * sizeof order[0]);
    return c->n;
}

int ps_caps_locate(const ps_caps_t *c, const void *ptr, size_t *region, uint32_t *offset)
{
    int i = c ? find(c, ptr) : -1;
    if (i < 0 || ps_heap_usable_size(c->heap[i], ptr) == 0)
        return -1;
    if (region)
        *region = (size_t)i;
    if (offset)
        *offset = ps_heap_offset(c->heap[i], ptr);
    return 0;
}

uint64_t ps_caps_footprint(const ps_caps_t *c, uint64_t size, int region)
{
    if (!c)
        return 0;
    size_t i = region >= 0 && (size_t)region < c->n ? (size_t)region : c->order[0];
    return ps_heap_footprint(c->heap[i], size);
}

int ps_caps_check(const ps_caps_t *c)
{
    for (size_t i = 0; c && i < c->n; i++) {
        int rc = ps_heap_check(c->heap[i]);
        if (rc)
            return rc;
    }
    return c ? 0 : -1;
}
