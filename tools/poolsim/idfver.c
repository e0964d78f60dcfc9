/* idfver.c - the ESP-IDF release table. See idfver.h for what each field means
 * and which source decides it. */
#include "idfver.h"

#include <stdio.h>
#include <string.h>

/* Every release from 5.0: the last patch of each minor line (tags v5.0 .. v6.0.2). */
static const struct {
    uint8_t major, minor, last_patch;
} lines[] = {
    { 5, 0, 9 }, { 5, 1, 7 }, { 5, 2, 7 }, { 5, 3, 5 }, { 5, 4, 4 }, { 5, 5, 5 }, { 6, 0, 2 },
};
#define N_LINES (sizeof lines / sizeof lines[0])

static ps_idf_version_t latest(void)
{
    return (ps_idf_version_t){ lines[N_LINES - 1].major, lines[N_LINES - 1].minor, lines[N_LINES - 1].last_patch };
}

static ps_idf_version_t resolve(ps_idf_version_t v)
{
    return (v.major == 0 && v.minor == 0 && v.patch == 0) ? latest() : v;
}

static uint32_t code(ps_idf_version_t v)
{
    return ((uint32_t)v.major << 16) | ((uint32_t)v.minor << 8) | v.patch;
}

#define V(a, b, c) (((uint32_t)(a) << 16) | ((uint32_t)(b) << 8) | (uint32_t)(c))

int ps_idf_cmp(ps_idf_version_t a, ps_idf_version_t b)
{
    uint32_t x = code(resolve(a)), y = code(resolve(b));
    return x < y ? -1 : x > y ? 1 : 0;
}

/* One decimal component, 0..255, no sign, no leading '+'. */
static const char *component(const char *s, uint8_t *out)
{
    unsigned v = 0;
    if (*s < '0' || *s > '9')
        return NULL;
    while (*s >= '0' && *s <= '9') {
        v = v * 10u + (unsigned)(*s - '0');
        if (v > 255u)
            return NULL;
        s++;
    }
    *out = (uint8_t)v;
    return s;
}

int ps_idf_parse(const char *text, ps_idf_version_t *out)
{
    if (!text || !out)
        return -1;
    if (!strcmp(text, "latest")) {
        *out = (ps_idf_version_t){ 0, 0, 0 };
        return 0;
    }
    const char *s = text[0] == 'v' ? text + 1 : text;
    ps_idf_version_t v = { 0, 0, 0 };
    if (!(s = component(s, &v.major)) || *s++ != '.' || !(s = component(s, &v.minor)))
        return -1;
    if (*s == '.' && !(s = component(s + 1, &v.patch)))
        return -1;
    if (*s != '\0' || (v.major == 0 && v.minor == 0 && v.patch == 0))
        return -1;
    *out = v;
    return 0;
}

int ps_idf_heap(ps_idf_version_t v, ps_idf_heap_t *out)
{
    v = resolve(v);
    int known = 0;
    for (size_t i = 0; i < N_LINES; i++)
        if (lines[i].major == v.major && lines[i].minor == v.minor && v.patch <= lines[i].last_patch)
            known = 1;
    if (!known || !out)
        return -1;
    uint32_t c = code(v);
    memset(out, 0, sizeof *out);
    out->version = v;
    /* The tlsf submodule commit each tag pins (git ls-tree <tag> components/heap/tlsf). */
    if (c == V(5, 0, 0))
        out->tlsf_commit = "ab17d67";
    else if (c <= V(5, 0, 4) || (c >= V(5, 1, 0) && c <= V(5, 1, 2)))
        out->tlsf_commit = "8c9cd05";
    else if (c < V(5, 3, 0))
        out->tlsf_commit = "d2e28f8";
    else if (c < V(5, 4, 0))
        out->tlsf_commit = "8fc595f";
    else if (c < V(5, 4, 2))
        out->tlsf_commit = "ba64d19";
    else
        out->tlsf_commit = "2867f68";
    if (c == V(5, 0, 0)) {
        /* tlsf_platform.h: TLSF_MAX_POOL_SIZE = SOC_DIRAM_DRAM_HIGH - SOC_DIRAM_DRAM_LOW
         * = 416 KiB on an ESP32-S3 without PSRAM -> FL_INDEX_MAX_PLATFORM 19;
         * tlsf_common.h: SL_INDEX_COUNT_LOG2 5. */
        out->static_fl_index_max = 19;
        out->static_sl_log2 = 5;
    }
    out->fit_size_small = c >= V(5, 3, 0);
    out->round_to_class = c >= V(5, 4, 0);
    out->order = c >= V(5, 5, 0) ? PS_ORDER_ASCENDING_LENGTH : PS_ORDER_ADDRESS;
    out->layout = c >= V(5, 2, 0) ? PS_LAYOUT_S3_V52 : PS_LAYOUT_S3_V50;
    return 0;
}

const char *ps_idf_format(ps_idf_version_t v, char *buf, size_t len)
{
    v = resolve(v);
    if (v.patch)
        snprintf(buf, len, "%u.%u.%u", v.major, v.minor, v.patch);
    else
        snprintf(buf, len, "%u.%u", v.major, v.minor);
    return buf;
}

const char *ps_idf_known(void)
{
    /* Written from the table each time: the same text on every call. */
    static char text[160];
    size_t n = 0;
    for (size_t i = 0; i < N_LINES && n < sizeof text; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s%u.%u-%u.%u.%u", i ? ", " : "", lines[i].major,
                              lines[i].minor, lines[i].major, lines[i].minor, lines[i].last_patch);
    if (n < sizeof text)
        snprintf(text + n, sizeof text - n, " (latest)");
    return text;
}
