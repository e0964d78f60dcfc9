/*
 * Exactness against ESP-IDF's real allocator: every golden file of
 * tests/data/esp-idf-heap/ (multi_heap.c over espressif/tlsf, built 32-bit,
 * one line per event) is replayed through the model, and after every event
 * the region and offset of the block (or FAIL), the free bytes and the
 * largest free block must be what the real allocator printed.
 *
 * Each file is replayed with every release of its generation: the v53 files
 * with 5.3.x; the one-region v54 files with 5.4 and later; the two-region v54
 * file (made with the 5.5+ try order) with 5.5 and later. The releases from
 * 5.0.1 to 5.2.x allocate like 5.3 and differ only in how small a largest
 * block they report, so they replay the v53 files too, with that one
 * difference allowed where the file shows it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heapcaps.h"

#ifndef TP_DATA_DIR
#error "TP_DATA_DIR must name tests/data"
#endif

#define MAX_EVENTS 25000u

typedef struct {
    void *ptr[MAX_EVENTS + 1]; /* by event number; NULL for a failed allocation or a free */
    ps_caps_opts_t opts;
    uint32_t lines, allocs, fails, frees;
} replay_t;

static replay_t g_r;
static uint64_t g_mem[(1u << 20) / 8u];

static ps_idf_version_t ver(const char *text)
{
    ps_idf_version_t v;
    assert_int_equal(ps_idf_parse(text, &v), 0);
    return v;
}

/* "# regions (...): 0:161504 1:6432" */
static void parse_regions(const char *line, ps_caps_opts_t *o)
{
    const char *p = strstr(line, "): ");
    assert_non_null(p);
    p += 3;
    memset(o, 0, sizeof *o);
    unsigned idx, len;
    int used;
    while (sscanf(p, "%u:%u%n", &idx, &len, &used) == 2) {
        assert_int_equal(idx, o->n);
        o->regions[o->n].len = len;
        /* Address order as in the file; the addresses themselves do not
         * matter (the README: bases 4, 8, 16 past an 8-byte boundary gave
         * identical files). */
        o->regions[o->n].addr = 0x3FC80000u + (uint32_t)o->n * 0x40000u;
        o->n++;
        p += used;
    }
    assert_true(o->n >= 1);
}

/*
 * Replay one file with one release. old_fit: the release's tlsf_fit_size
 * reports blocks under sl_index_count bytes as 0, so a "largest" below 32
 * in the file may read 0 in the model.
 */
static void replay(const char *name, const char *release, int old_fit)
{
    char path[512];
    snprintf(path, sizeof path, "%s/esp-idf-heap/%s", TP_DATA_DIR, name);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    replay_t *r = &g_r;
    memset(r, 0, sizeof *r);
    ps_caps_t *c = NULL;
    char line[512], err[256];
    unsigned lineno = 0, event = 0;
    int have_regions = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strncmp(line, "# regions", 9)) {
            parse_regions(line, &r->opts);
            r->opts.idf = ver(release);
            size_t need = ps_caps_mem_size(&r->opts);
            assert_true(need > 0 && need <= sizeof g_mem);
            if (ps_caps_init(&c, g_mem, sizeof g_mem, &r->opts, err, sizeof err) != 0)
                fail_msg("%s: %s", name, err);
            have_regions = 1;
            continue;
        }
        if (line[0] == '#' || line[0] == '\n')
            continue;
        assert_true(have_regions);
        unsigned want_free = 0, want_largest = 0;
        const char *fl = strstr(line, "free=");
        if (!fl || sscanf(fl, "free=%u largest=%u", &want_free, &want_largest) != 2)
            fail_msg("%s:%u: unreadable line", name, lineno);
        if (!strncmp(line, "A ", 2)) {
            unsigned size, region, offset;
            event++;
            assert_true(event <= MAX_EVENTS);
            if (sscanf(line, "A %u -> %u:%u", &size, &region, &offset) == 3) {
                int got_region;
                void *p = ps_caps_alloc(c, size, &got_region);
                size_t loc_region = 0;
                uint32_t loc_off = 0;
                if (!p || ps_caps_locate(c, p, &loc_region, &loc_off) != 0 || (int)loc_region != got_region)
                    fail_msg("%s %s:%u: A %u: the model failed where ESP-IDF gave %u:%u", release, name, lineno, size,
                             region, offset);
                if (loc_region != region || loc_off != offset)
                    fail_msg("%s %s:%u: A %u: model %zu:%u, ESP-IDF %u:%u", release, name, lineno, size, loc_region,
                             loc_off, region, offset);
                r->ptr[event] = p;
                r->allocs++;
            } else if (strstr(line, "-> FAIL")) {
                if (sscanf(line, "A %u", &size) != 1)
                    fail_msg("%s:%u: unreadable line", name, lineno);
                void *p = ps_caps_alloc(c, size, NULL);
                if (p) {
                    size_t loc_region = 0;
                    uint32_t loc_off = 0;
                    (void)ps_caps_locate(c, p, &loc_region, &loc_off);
                    fail_msg("%s %s:%u: A %u: model gave %zu:%u, ESP-IDF failed", release, name, lineno, size,
                             loc_region, loc_off);
                }
                r->fails++;
            } else {
                fail_msg("%s:%u: unreadable allocation line", name, lineno);
            }
        } else if (!strncmp(line, "F ", 2)) {
            unsigned ref;
            event++;
            if (sscanf(line, "F %u", &ref) != 1 || ref == 0 || ref >= event)
                fail_msg("%s:%u: unreadable free line", name, lineno);
            if (r->ptr[ref]) {
                assert_int_equal(ps_caps_free(c, r->ptr[ref]), 0);
                r->ptr[ref] = NULL;
            }
            r->frees++;
        } else if (strncmp(line, "init ", 5) != 0) {
            fail_msg("%s:%u: unknown line", name, lineno);
        }
        ps_heap_stats_t s;
        ps_caps_stats(c, &s);
        if (s.total_free != want_free)
            fail_msg("%s %s:%u: free %u, ESP-IDF %u", release, name, lineno, s.total_free, want_free);
        int largest_ok = s.largest_free == want_largest || (old_fit && want_largest < 32u && s.largest_free == 0u);
        if (!largest_ok)
            fail_msg("%s %s:%u: largest %u, ESP-IDF %u", release, name, lineno, s.largest_free, want_largest);
        r->lines++;
        if (event % 1024u == 0)
            assert_int_equal(ps_caps_check(c), 0);
    }
    fclose(f);
    assert_int_equal(ps_caps_check(c), 0);
    /* the whole file was read: every allocation, failure and free */
    assert_true(r->lines > 2000u);
    assert_int_equal(r->lines, event + 1u);
}

/* The counts of each file's header (README.md, "Files"). */
static void expect_counts(uint32_t allocs, uint32_t fails, uint32_t frees)
{
    assert_int_equal(g_r.allocs + g_r.fails, allocs);
    assert_int_equal(g_r.fails, fails);
    assert_int_equal(g_r.frees, frees);
}

static void test_device_1h(void **state)
{
    (void)state;
    static const char *const v53[] = { "5.3", "5.3.5" };
    static const char *const v54[] = { "5.4", "5.4.1", "5.4.4", "5.5", "6.0", "latest" };
    for (size_t i = 0; i < 2; i++) {
        replay("device_1h_v53.golden", v53[i], 0);
        expect_counts(1068, 0, 1030);
    }
    for (size_t i = 0; i < sizeof v54 / sizeof v54[0]; i++) {
        replay("device_1h_v54.golden", v54[i], 0);
        expect_counts(1068, 0, 1030);
    }
}

static void test_stress_32k(void **state)
{
    (void)state;
    static const char *const v54[] = { "5.4", "5.4.4", "5.5.5", "latest" };
    replay("stress_32k_v53.golden", "5.3", 0);
    expect_counts(10034, 1514, 9966);
    for (size_t i = 0; i < sizeof v54 / sizeof v54[0]; i++) {
        replay("stress_32k_v54.golden", v54[i], 0);
        expect_counts(10034, 1534, 9966);
    }
}

static void test_stress_two_regions(void **state)
{
    (void)state;
    /* 5.3 tries the regions in address order, 5.5+ the smaller first */
    replay("stress_2reg_v53.golden", "5.3", 0);
    expect_counts(10137, 1512, 9863);
    replay("stress_2reg_v53.golden", "5.3.5", 0);
    static const char *const v55[] = { "5.5", "5.5.5", "6.0", "latest" };
    for (size_t i = 0; i < sizeof v55 / sizeof v55[0]; i++) {
        replay("stress_2reg_v54.golden", v55[i], 0);
        expect_counts(10137, 1522, 9863);
    }
}

/* 5.0.1-5.2.x: 5.3's allocator with the older tlsf_fit_size. */
static void test_older_releases_allocate_like_5_3(void **state)
{
    (void)state;
    static const char *const old[] = { "5.0.1", "5.1", "5.1.7", "5.2", "5.2.7" };
    for (size_t i = 0; i < sizeof old / sizeof old[0]; i++) {
        replay("stress_32k_v53.golden", old[i], 1);
        replay("stress_2reg_v53.golden", old[i], 1);
        replay("device_1h_v53.golden", old[i], 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_device_1h),
        cmocka_unit_test(test_stress_32k),
        cmocka_unit_test(test_stress_two_regions),
        cmocka_unit_test(test_older_releases_allocate_like_5_3),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
