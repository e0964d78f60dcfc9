/* tiers.c - the --tiers notation and the planner's C header. */
#include "tiers.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

size_t ps_tiers_default(tp_tier_t tiers[TP_CFG_MAX_TIERS])
{
#define PS_TIER_(size, count) { (size), (count) },
    static const tp_tier_t library[] = { TP_CFG_DEFAULT_TIERS(PS_TIER_) };
#undef PS_TIER_
    memcpy(tiers, library, sizeof library);
    return sizeof library / sizeof library[0];
}

/* The message, then what the notation accepts, with the library's limits. -1. */
static int refuse(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(err, len, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < len)
        snprintf(err + n, len - (size_t)n,
                 "; expected SIZExCOUNT[,SIZExCOUNT...], e.g. 256x64,1024x24,4096x12: decimal sizes > 0 in "
                 "increasing order, counts 1..%u, at most %u tiers",
                 TP_MAX_BLOCKS_PER_TIER, (unsigned)TP_CFG_MAX_TIERS);
    return -1;
}

/* A decimal number of at most 11 digits; *end past it. */
static int number(const char *s, const char **end, uint64_t *out)
{
    uint64_t v = 0;
    const char *p = s;
    while (isdigit((unsigned char)*p) && p - s < 11) {
        v = v * 10u + (uint64_t)(*p - '0');
        p++;
    }
    if (p == s || isdigit((unsigned char)*p))
        return -1;
    *end = p;
    *out = v;
    return 0;
}

/*
 * The syntax is checked here; what a valid configuration is, the library
 * decides (tp_tiers_check, the one validation, also behind tp_pool_init).
 * A number too big for tp_tier_t's 32 bits is clamped, which the library
 * then refuses by the same rule as any other value too big.
 */
int ps_tiers_parse(const char *text, tp_tier_t *tiers, size_t *n_tiers, char *err, size_t len)
{
    tp_tier_t parsed[TP_CFG_MAX_TIERS + 1];
    uint64_t asked[TP_CFG_MAX_TIERS + 1][2]; /* the sizes and counts as written */
    size_t n = 0;
    const char *p = text;
    if (!text || !*text) {
        return refuse(err, len, "empty tier list");
    }
    for (;;) {
        uint64_t size, count;
        const char *start = p;
        if (number(p, &p, &size) || (*p != 'x' && *p != 'X') || number(p + 1, &p, &count)) {
            size_t span = strcspn(start, ",");
            return refuse(err, len, "'%.*s' is not SIZExCOUNT", (int)(span > 40 ? 40 : span), start);
        }
        if (n == TP_CFG_MAX_TIERS + 1) /* one more than allowed is enough to refuse */
            break;
        asked[n][0] = size;
        asked[n][1] = count;
        parsed[n].block_size = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
        parsed[n].block_count = count > UINT32_MAX ? UINT32_MAX : (uint32_t)count;
        n++;
        if (*p == '\0')
            break;
        if (*p != ',') {
            return refuse(err, len, "unexpected '%c' after tier %zu", *p, n);
        }
        p++;
    }
    tp_tiers_fault_t f;
    if (tp_tiers_check(parsed, n, &f) != TP_OK) {
        const size_t i = f.tier;
        switch (f.rule) {
        case TP_TIERS_TOO_MANY: refuse(err, len, "more than %d tiers", TP_CFG_MAX_TIERS); break;
        case TP_TIERS_SIZE_ZERO:
            snprintf(err, len, "tier %zu: block size 0 is not within 1..%u", i + 1, TP_MAX_BLOCK_BYTES);
            break;
        case TP_TIERS_COUNT_RANGE:
            snprintf(err, len,
                     "tier %zu: count %" PRIu64 " is not within 1..%u (split a tier into "
                     "two of adjacent sizes for more)",
                     i + 1, asked[i][1], TP_MAX_BLOCKS_PER_TIER);
            break;
        case TP_TIERS_NOT_INCREASING:
            snprintf(err, len,
                     "tier %zu: block size %" PRIu64 " is not above the previous tier's %u; "
                     "sizes must strictly increase",
                     i + 1, asked[i][0], parsed[i - 1].block_size);
            break;
        case TP_TIERS_TOO_LARGE:
            snprintf(err, len,
                     "tier %zu: with %" PRIu64 "x%" PRIu64 " the blocks (alignment "
                     "included) reach 2^31 bytes or more; the library's limit is %u",
                     i + 1, asked[i][0], asked[i][1], TP_MAX_BLOCK_BYTES);
            break;
        default: refuse(err, len, "%s", tp_tiers_rule_text(f.rule)); break;
        }
        return -1;
    }
    memcpy(tiers, parsed, n * sizeof parsed[0]);
    *n_tiers = n;
    return 0;
}

void ps_tiers_format(const tp_tier_t *tiers, size_t n, char *buf, size_t len)
{
    size_t at = 0;
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < n && at < len; i++) {
        int w = snprintf(buf + at, len - at, "%s%ux%u", i ? "," : "", tiers[i].block_size, tiers[i].block_count);
        if (w < 0)
            break;
        at += (size_t)w;
    }
}

uint64_t ps_tiers_block_bytes(const tp_tier_t *tiers, size_t n)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (uint64_t)tiers[i].block_size * tiers[i].block_count;
    return sum;
}

int ps_tiers_write_header(FILE *f, const tp_tier_t *tiers, size_t n, const char *comment)
{
    char text[TP_CFG_MAX_TIERS * 24];
    ps_tiers_format(tiers, n, text, sizeof text);
    fprintf(f, "/* Generated by poolsim plan. %s\n", comment ? comment : "");
    fprintf(f, " * --tiers %s\n", text);
    fprintf(f,
            " * Storage: %zu bytes (tp_pool_storage_size). Use it with -DTP_USER_CONFIG and a\n"
            " * tp_user_config.h that includes this file, or include it before tierpool.h. */\n",
            tp_pool_storage_size(tiers, n));
    /* Generated text: a project's formatter must not rewrite it, or the file
     * would no longer be what poolsim gives (plans are compared verbatim). */
    fprintf(f, "/* clang-format off */\n#ifndef POOLSIM_TIERS_H\n#define POOLSIM_TIERS_H\n\n");
    fprintf(f, "#ifndef TP_CFG_DEFAULT_TIERS\n#define TP_CFG_DEFAULT_TIERS(X)");
    for (size_t i = 0; i < n; i++)
        fprintf(f, " \\\n    X(%u, %u)", tiers[i].block_size, tiers[i].block_count);
    fprintf(f, "\n#endif\n\n#define POOLSIM_TIER_COUNT %zu\n", n);
    fprintf(f, "#define POOLSIM_STORAGE_BYTES %zuu\n\n#endif /* POOLSIM_TIERS_H */\n\n",
            tp_pool_storage_size(tiers, n));
    /* The array needs tp_tier_t: it appears once this file is included after tierpool.h. */
    fprintf(f, "#if defined(TIERPOOL_H) && !defined(POOLSIM_TIERS_ARRAY)\n#define POOLSIM_TIERS_ARRAY\n");
    fprintf(f, "static const tp_tier_t poolsim_tiers[POOLSIM_TIER_COUNT] = {\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "    { %uu, %uu },\n", tiers[i].block_size, tiers[i].block_count);
    fprintf(f, "};\n#endif\n/* clang-format on */\n");
    return ferror(f) ? -1 : 0;
}
