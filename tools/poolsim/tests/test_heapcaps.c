/*
 * Several regions: which region heap_caps_malloc tries first in each release,
 * the figures over all regions, and the configurations refused.
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

static uint64_t g_mem[(1200u * 1024u) / 8u];

static ps_idf_version_t ver(const char *text)
{
    ps_idf_version_t v;
    assert_int_equal(ps_idf_parse(text, &v), 0);
    return v;
}

static void add(ps_caps_opts_t *o, uint32_t addr, uint32_t len, const char *type)
{
    ps_region_t *r = &o->regions[o->n++];
    r->addr = addr;
    r->len = len;
    snprintf(r->type, sizeof r->type, "%s", type);
}

/* The ESP32-S3 boot log of tests/data/esp-idf/boot-esp32s3-debug-heap_init.txt. */
static void s3_layout(ps_caps_opts_t *o, const char *release)
{
    memset(o, 0, sizeof *o);
    add(o, 0x3FC97B20u, 0x484E0u, "D/IRAM");
    add(o, 0x3FCE0000u, 0xEE34u, "STACK/DRAM");
    add(o, 0x3FCF0000u, 0x8000u, "DRAM");
    add(o, 0x600FE000u, 0x2000u, "RTCRAM");
    o->idf = ver(release);
}

static ps_caps_t *make(const ps_caps_opts_t *o)
{
    ps_caps_t *c = NULL;
    char err[256];
    assert_true(ps_caps_mem_size(o) > 0 && ps_caps_mem_size(o) <= sizeof g_mem);
    if (ps_caps_init(&c, g_mem, sizeof g_mem, o, err, sizeof err) != 0)
        fail_msg("%s", err);
    return c;
}

static void expect_order(const char *release, const size_t *want)
{
    ps_caps_opts_t o;
    s3_layout(&o, release);
    ps_caps_t *c = make(&o);
    size_t order[PS_CAPS_MAX_REGIONS];
    assert_int_equal(ps_caps_try_order(c, order), 4);
    for (size_t k = 0; k < 4; k++)
        if (order[k] != want[k])
            fail_msg("%s: region tried %zu-th is %zu, not %zu", release, k, order[k], want[k]);
    /* and malloc really lands there: a first small allocation goes to order[0] */
    int region;
    assert_non_null(ps_caps_alloc(c, 64, &region));
    assert_int_equal(region, (int)want[0]);
}

static void test_try_order_by_release(void **state)
{
    (void)state;
    /* 5.0-5.1: DRAM types at priority 0 (STACK/DRAM, DRAM), D/IRAM and RTCRAM at 1 */
    static const size_t v50[] = { 1, 2, 0, 3 };
    expect_order("5.0", v50);
    expect_order("5.1.7", v50);
    /* 5.2-5.4: "RAM" (D/IRAM and the startup stacks) first, in address order; DRAM; RTCRAM */
    static const size_t v52[] = { 0, 1, 2, 3 };
    expect_order("5.2", v52);
    expect_order("5.3", v52);
    expect_order("5.4.4", v52);
    /* 5.5+: within a priority the shorter region first */
    static const size_t v55[] = { 1, 0, 2, 3 };
    expect_order("5.5", v55);
    expect_order("latest", v55);
}

/* An ESP32's boot log, tests/data/esp-idf/boot-esp32-doc.txt (IRAM left out):
 * its table puts DRAM before D/IRAM in every release, where the ESP32-S3's
 * puts "RAM" (D/IRAM) first from 5.2. */
static void test_esp32_regions(void **state)
{
    (void)state;
    static const char *const releases[] = { "5.0", "5.1", "5.3", "5.4.4", "5.5", "latest" };
    for (size_t i = 0; i < sizeof releases / sizeof releases[0]; i++) {
        ps_caps_opts_t o;
        memset(&o, 0, sizeof o);
        add(&o, 0x3FFAE6E0u, 0x1920u, "DRAM");
        add(&o, 0x3FFB2EC8u, 0x2D138u, "DRAM");
        add(&o, 0x3FFE0440u, 0x3AE0u, "D/IRAM");
        add(&o, 0x3FFE4350u, 0x1BCB0u, "D/IRAM");
        o.idf = ver(releases[i]);
        ps_caps_t *c = make(&o);
        size_t order[PS_CAPS_MAX_REGIONS];
        assert_int_equal(ps_caps_try_order(c, order), 4);
        if (order[0] > 1 || order[1] > 1)
            fail_msg("%s: the ESP32's D/IRAM region %zu is tried before its DRAM", releases[i],
                     order[0] > 1 ? order[0] : order[1]);
        int region;
        assert_non_null(ps_caps_alloc(c, 64, &region));
        assert_true(region == 0 || region == 1);
    }
    ps_idf_version_t v53 = ver("5.3");
    assert_int_equal(ps_region_malloc_priority("DRAM", 0x3FFB2EC8u, v53), 0);
    assert_int_equal(ps_region_malloc_priority("D/IRAM", 0x3FFE4350u, v53), 1);
    assert_int_equal(ps_region_malloc_priority("RTCRAM", 0x3FF80000u, v53), 1);
    assert_int_equal(ps_region_malloc_priority("RAM", 0x3FFB8000u, v53), 0); /* an ESP32-S2 from 5.2 */
    assert_int_equal(ps_region_malloc_priority("STACK/DRAM", 0x3FFB8000u, v53), -2);
    assert_int_equal(ps_region_malloc_priority("IRAM", 0x3FFE0000u, v53), -1);
}

static void test_equal_lengths_higher_address_first(void **state)
{
    (void)state;
    ps_caps_opts_t o;
    memset(&o, 0, sizeof o);
    add(&o, 0x1000u, 8192u, "");
    add(&o, 0x9000u, 4096u, "");
    add(&o, 0x5000u, 8192u, "");
    o.idf = ver("5.5");
    ps_caps_t *c = make(&o);
    size_t order[PS_CAPS_MAX_REGIONS];
    assert_int_equal(ps_caps_try_order(c, order), 3);
    /* address order: 0x1000 (0), 0x5000 (1), 0x9000 (2); by length, ties to the higher address */
    assert_int_equal(order[0], 2);
    assert_int_equal(order[1], 1);
    assert_int_equal(order[2], 0);
    assert_int_equal(ps_caps_region_desc(c, 1)->addr, 0x5000u);
    o.idf = ver("5.4");
    c = make(&o);
    assert_int_equal(ps_caps_try_order(c, order), 3);
    assert_int_equal(order[0], 0);
    assert_int_equal(order[1], 1);
    assert_int_equal(order[2], 2);
}

static void test_priorities(void **state)
{
    (void)state;
    ps_idf_version_t v50 = ver("5.0"), v53 = ver("5.3");
    assert_int_equal(ps_region_malloc_priority("DRAM", 0, v50), 0);
    assert_int_equal(ps_region_malloc_priority("D/IRAM", 0, v50), 1);
    assert_int_equal(ps_region_malloc_priority("RTCRAM", 0, v50), 1);
    assert_int_equal(ps_region_malloc_priority("NON_DMA_DRAM", 0, v50), 0);
    assert_int_equal(ps_region_malloc_priority("RAM", 0, v53), 0);
    assert_int_equal(ps_region_malloc_priority("D/IRAM", 0, v53), 0);
    assert_int_equal(ps_region_malloc_priority("DRAM", 0, v53), 1);
    assert_int_equal(ps_region_malloc_priority("RTCRAM", 0, v53), 2);
    assert_int_equal(ps_region_malloc_priority("", 0, v53), 0);
    assert_int_equal(ps_region_malloc_priority("IRAM", 0, v53), -1);
    assert_int_equal(ps_region_malloc_priority("SPIRAM", 0, v50), -1);
    assert_int_equal(ps_region_malloc_priority("SPM", 0, v53), -2);
    assert_int_equal(ps_region_malloc_priority("NON_DMA_DRAM", 0, v53), -2);
    assert_int_equal(ps_region_malloc_priority("DRAM", 0, ver("4.4")), -2);
    assert_int_equal(ps_region_malloc_priority(NULL, 0, v53), -2);
}

static void test_refused(void **state)
{
    (void)state;
    ps_caps_opts_t o;
    ps_caps_t *c = NULL;
    char err[256];
    memset(&o, 0, sizeof o);
    assert_int_equal(ps_caps_init(&c, g_mem, sizeof g_mem, &o, err, sizeof err), -1); /* no region */
    assert_int_equal(ps_caps_mem_size(&o), 0);
    for (uint32_t i = 0; i < PS_CAPS_MAX_REGIONS; i++)
        add(&o, 0, 4096, "");
    assert_int_equal(ps_caps_init(&c, g_mem, sizeof g_mem, &o, err, sizeof err), 0);
    o.n = PS_CAPS_MAX_REGIONS + 1u;
    assert_int_equal(ps_caps_init(&c, g_mem, sizeof g_mem, &o, err, sizeof err), -1);

    memset(&o, 0, sizeof o);
    add(&o, 0x1000, 4096, "IRAM");
    assert_int_equal(ps_caps_init(&c, g_mem, sizeof g_mem, &o, err, sizeof err), -1);
    assert_non_null(strstr(err, "never uses IRAM"));
    memset(&o, 0, sizeof o);
    add(&o, 0x1000, 4096, "SPM");
    assert_int_equal(ps_caps_init(&c, g_mem, sizeof g_mem, &o, err, sizeof err), -1);
    assert_non_null(strstr(err, "'SPM'"));
    memset(&o, 0, sizeof o);
    add(&o, 0x1000, 100, "");
    assert_int_equal(ps_caps_init(&c, g_mem, sizeof g_mem, &o, err, sizeof err), -1);
    assert_non_null(strstr(err, "100 B"));
    memset(&o, 0, sizeof o);
    add(&o, 0x1000, 4096, "");
    add(&o, 0, 4096, "");
    assert_int_equal(ps_caps_init(&c, g_mem, sizeof g_mem, &o, err, sizeof err), -1);
    o.regions[1].addr = 0x1000;
    assert_int_equal(ps_caps_init(&c, g_mem, sizeof g_mem, &o, err, sizeof err), -1);
    assert_non_null(strstr(err, "same address"));
    o.regions[1].addr = 0x9000;
    o.idf = ver("5.6");
    assert_int_equal(ps_caps_init(&c, g_mem, sizeof g_mem, &o, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown ESP-IDF release"));
    o.idf = ver("5.3");
    memset(o.regions[0].type, 'x', sizeof o.regions[0].type); /* unterminated */
    assert_int_equal(ps_caps_init(&c, g_mem, sizeof g_mem, &o, err, sizeof err), -1);
    o.regions[0].type[0] = '\0';
    /* too little memory, misaligned memory */
    assert_int_equal(ps_caps_init(&c, g_mem, ps_caps_mem_size(&o) - 8u, &o, err, sizeof err), -1);
    assert_int_equal(ps_caps_init(&c, (uint8_t *)g_mem + 4, sizeof g_mem - 8u, &o, err, sizeof err), -1);
    assert_int_equal(ps_caps_init(&c, g_mem, ps_caps_mem_size(&o), &o, err, sizeof err), 0);
}

static void test_sums_and_spill(void **state)
{
    (void)state;
    ps_caps_opts_t o;
    memset(&o, 0, sizeof o);
    add(&o, 0x1000u, 32768u, "");
    add(&o, 0x20000u, 6432u, "");
    o.idf = ver("5.3");
    ps_caps_t *c = make(&o);
    ps_heap_stats_t s;
    ps_caps_stats(c, &s);
    /* README: 32032 + 6052 free, largest 31744 */
    assert_int_equal(s.total_free, 32032u + 6052u);
    assert_int_equal(s.largest_free, 31744u);
    assert_int_equal(s.min_free_ever, 32032u + 6052u);
    /* fill the first region; the next request spills into the second */
    int region = -1;
    void *big = ps_caps_alloc(c, 31744u, &region);
    assert_non_null(big);
    assert_int_equal(region, 0);
    void *small = ps_caps_alloc(c, 1000u, &region);
    assert_non_null(small);
    assert_int_equal(region, 1);
    size_t r;
    uint32_t off;
    assert_int_equal(ps_caps_locate(c, small, &r, &off), 0);
    assert_int_equal(r, 1);
    assert_int_equal(off, 384u); /* 20 + 360 + 4 */
    assert_int_equal(ps_caps_footprint(c, 1000u, 1), 1004u);
    assert_int_equal(ps_caps_footprint(c, 1000u, -1), 1004u);
    /* the per-region low-water marks are summed: free the big block, then
     * take the second region down: the sum of minima is below any total seen */
    assert_int_equal(ps_caps_free(c, big), 0);
    void *b2 = ps_caps_alloc(c, 4000u, &region);
    assert_int_equal(region, 0);
    assert_int_equal(ps_caps_free(c, b2), 0);
    ps_caps_stats(c, &s);
    assert_int_equal(s.min_free_ever, (32032u - 31748u) + (6052u - 1004u));
    assert_int_equal(s.total_free, 32032u + 6052u - 1004u);
    assert_int_equal(s.allocs, 3);
    assert_int_equal(s.frees, 2);
    /* nothing fits: a failure counted once, not once per region */
    assert_null(ps_caps_alloc(c, 40000u, &region));
    assert_int_equal(region, -1);
    assert_null(ps_caps_alloc(c, 0, &region));
    ps_caps_stats(c, &s);
    assert_int_equal(s.failed, 1);
    /* frees of pointers no region gave out */
    static uint8_t outside[32];
    assert_int_equal(ps_caps_free(c, outside), -1);
    assert_int_equal(ps_caps_free(c, NULL), -1);
    assert_int_equal(ps_caps_free(c, big), -1); /* already freed */
    assert_int_equal(ps_caps_check(c), 0);
}

/* heap_caps refuses anything above HEAP_SIZE_MAX (32 MiB on an ESP32-S3) before trying a region. */
static void test_heap_size_max(void **state)
{
    (void)state;
    ps_caps_opts_t o;
    memset(&o, 0, sizeof o);
    add(&o, 0, 36u << 20, "");
    o.idf = ver("5.3");
    size_t need = ps_caps_mem_size(&o);
    void *mem = aligned_alloc(8, need);
    assert_non_null(mem);
    ps_caps_t *c = NULL;
    char err[200];
    assert_int_equal(ps_caps_init(&c, mem, need, &o, err, sizeof err), 0);
    assert_null(ps_caps_alloc(c, PS_CAPS_HEAP_SIZE_MAX + 1u, NULL));
    void *p = ps_caps_alloc(c, PS_CAPS_HEAP_SIZE_MAX, NULL);
    assert_non_null(p);
    assert_int_equal(ps_caps_free(c, p), 0);
    free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_try_order_by_release),
        cmocka_unit_test(test_esp32_regions),
        cmocka_unit_test(test_equal_lengths_higher_address_first),
        cmocka_unit_test(test_priorities),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_sums_and_spill),
        cmocka_unit_test(test_heap_size_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
