/*
 * The --boot-log reader on the real boot logs and heap summaries of
 * tests/data/esp-idf/, on variants of them made here (CRLF, colours,
 * timestamps, log lines in between, several boots), and on malformed lines.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bootlog.h"

#ifndef TP_DATA_DIR
#error "TP_DATA_DIR must name tests/data"
#endif

static ps_bootlog_t g_b;

static const char *data(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/esp-idf/%s", TP_DATA_DIR, name);
    return path;
}

static void expect_region(size_t i, uint32_t addr, uint32_t len, const char *type)
{
    assert_true(i < g_b.regions.n);
    assert_int_equal(g_b.regions.region[i].addr, addr);
    assert_int_equal(g_b.regions.region[i].len, len);
    assert_string_equal(g_b.regions.region[i].type, type);
}

/* Feed a text held in memory, line by line; the return of the first failing feed, else of end. */
static int feed_text(const char *text, char *err, size_t err_len)
{
    ps_bootlog_init(&g_b);
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (ps_bootlog_feed(&g_b, p, n, err, err_len) != 0)
            return -1;
        p += n + (nl ? 1u : 0u);
    }
    return ps_bootlog_end(&g_b, err, err_len);
}

/* Read a file into memory (the tests' own variants are made from it). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* Write text to a temporary file; the caller unlinks it. */
static const char *tmp_file(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/tp-bootlog-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_esp32s3_debug_log(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(ps_bootlog_read_file(&g_b, data("boot-esp32s3-debug-heap_init.txt"), err, sizeof err), 0);
    assert_int_equal(g_b.kind, PS_BOOTLOG_HEAP_INIT);
    assert_int_equal(g_b.regions.n, 4);
    expect_region(0, 0x3FC97B20u, 0x484E0u, "D/IRAM");
    expect_region(1, 0x3FCE0000u, 0xEE34u, "STACK/DRAM");
    expect_region(2, 0x3FCF0000u, 0x8000u, "DRAM");
    expect_region(3, 0x600FE000u, 0x2000u, "RTCRAM");
    assert_int_equal(g_b.regions.line[0], 1);
    assert_int_equal(g_b.regions.line[3], 6);
    assert_int_equal(g_b.boots, 1);
    assert_int_equal(g_b.lines, 10);
    assert_int_equal(g_b.skipped, 6);
    /* poolsim's default heap is this boot log's regions */
    ps_region_t def[PS_CAPS_MAX_REGIONS];
    size_t n = ps_caps_default_regions(def);
    assert_int_equal(n, g_b.regions.n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(def[i].addr, g_b.regions.region[i].addr);
        assert_int_equal(def[i].len, g_b.regions.region[i].len);
        assert_string_equal(def[i].type, g_b.regions.region[i].type);
    }
}

static void test_esp32s3_v44_log(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(ps_bootlog_read_file(&g_b, data("boot-esp32s3-v4.4.txt"), err, sizeof err), 0);
    assert_int_equal(g_b.regions.n, 3);
    expect_region(0, 0x3FC92810u, 0x4D7F0u, "D/IRAM");
    expect_region(1, 0x3FCE0000u, 0xEE34u, "STACK/DRAM");
    expect_region(2, 0x3FCF0000u, 0x8000u, "DRAM");
    assert_int_equal(g_b.regions.line[0], 47);
    assert_int_equal(g_b.boots, 1);
}

static void test_esp32_doc_log(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(ps_bootlog_read_file(&g_b, data("boot-esp32-doc.txt"), err, sizeof err), 0);
    assert_int_equal(g_b.regions.n, 5);
    expect_region(0, 0x3FFAE6E0u, 0x1920u, "DRAM");
    expect_region(3, 0x3FFE4350u, 0x1BCB0u, "D/IRAM");
    expect_region(4, 0x4008944Cu, 0x16BB4u, "IRAM");
}

static void test_heap_info(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(ps_bootlog_read_file(&g_b, data("heap-info-esp32-psram.txt"), err, sizeof err), 0);
    assert_int_equal(g_b.kind, PS_BOOTLOG_HEAP_INFO);
    assert_int_equal(g_b.regions.n, 9);
    expect_region(0, 0x3FFB2730u, 15448u, "");
    expect_region(1, 0x3FFCA5DCu, 32767u, "");
    /* PSRAM by its address: no type is printed */
    expect_region(2, 0x3F804AD4u, 4175147u, "SPIRAM");
    expect_region(3, 0x3FFAFF10u, 240u, "");
    expect_region(8, 0x3FFE4350u, 113840u, "");
    assert_int_equal(g_b.summaries, 1);
    /* "MALLOC_CAP_8BIT:" is the only line outside the summary */
    assert_int_equal(g_b.skipped, 1);
}

/* The same boot log as a serial monitor captures it. */
static void test_monitor_variants(void **state)
{
    (void)state;
    char err[256];
    static const char *const variants[] = {
        /* CRLF, and CR CR LF */
        "I (559) heap_init: At 3FC97B20 len 000484E0 (289 KiB): D/IRAM\r\n"
        "I (566) heap_init: At 3FCE0000 len 0000EE34 (59 KiB): STACK/DRAM\r\r\n",
        /* ANSI colours around each line */
        "\x1b[0;32mI (559) heap_init: At 3FC97B20 len 000484E0 (289 KiB): D/IRAM\x1b[0m\n"
        "\x1b[0;32mI (566) heap_init: At 3FCE0000 len 0000EE34 (59 KiB): STACK/DRAM\x1b[0m\n",
        /* idf.py monitor --timestamps, and ESPHome's [HH:MM:SS] */
        "2024-05-01 10:11:12.345 I (559) heap_init: At 3FC97B20 len 000484E0 (289 KiB): D/IRAM\n"
        "[10:11:12] I (566) heap_init: At 3FCE0000 len 0000EE34 (59 KiB): STACK/DRAM  \n",
        /* other lines in between, a debug heap_init line, a lower-case address */
        "--- idf_monitor on /dev/ttyUSB0 115200 ---\n"
        "I (263) heap_init: Initializing. RAM available for dynamic allocation:\n"
        "I (559) heap_init: At 3fc97b20 len 000484E0 (289 KiB): D/IRAM\n"
        "I (560) cpu_start: Pro cpu up.\n"
        "D (573) heap_init: New heap initialised at 0x3fce0000\n"
        "I (566) heap_init: At 3FCE0000 len 0000EE34 (59 KiB): STACK/DRAM\n",
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        if (feed_text(variants[i], err, sizeof err) != 0)
            fail_msg("variant %zu: %s", i, err);
        assert_int_equal(g_b.regions.n, 2);
        expect_region(0, 0x3FC97B20u, 0x484E0u, "D/IRAM");
        expect_region(1, 0x3FCE0000u, 0xEE34u, "STACK/DRAM");
    }
    /* the real file with CRLF line ends, through the file reader */
    const char *orig = slurp(data("boot-esp32s3-v4.4.txt"));
    static char crlf[1 << 17];
    size_t n = 0;
    for (const char *p = orig; *p && n + 2 < sizeof crlf; p++) {
        if (*p == '\n')
            crlf[n++] = '\r';
        crlf[n++] = *p;
    }
    crlf[n] = '\0';
    const char *path = tmp_file(crlf);
    int rc = ps_bootlog_read_file(&g_b, path, err, sizeof err);
    unlink(path);
    assert_int_equal(rc, 0);
    assert_int_equal(g_b.regions.n, 3);
    expect_region(0, 0x3FC92810u, 0x4D7F0u, "D/IRAM");
}

static void test_several_boots_keep_the_last(void **state)
{
    (void)state;
    char err[256];
    const char *two = "I (1) heap_init: Initializing. RAM available for dynamic allocation:\n"
                      "I (2) heap_init: At 3FC90000 len 00040000 (256 KiB): D/IRAM\n"
                      "I (3) heap_init: At 3FCF0000 len 00008000 (32 KiB): DRAM\n"
                      "ets Jun  8 2016 00:22:57\n"
                      "I (1) heap_init: Initializing. RAM available for dynamic allocation:\n"
                      "I (2) heap_init: At 3FC97B20 len 000484E0 (289 KiB): D/IRAM\n";
    assert_int_equal(feed_text(two, err, sizeof err), 0);
    assert_int_equal(g_b.boots, 2);
    assert_int_equal(g_b.regions.n, 1);
    expect_region(0, 0x3FC97B20u, 0x484E0u, "D/IRAM");
    /* a capture that starts after the "Initializing" line of the second boot */
    const char *cut = "I (2) heap_init: At 3FC90000 len 00040000 (256 KiB): D/IRAM\n"
                      "I (3) heap_init: At 3FCF0000 len 00008000 (32 KiB): DRAM\n"
                      "I (2) heap_init: At 3FC90000 len 00041000 (260 KiB): D/IRAM\n";
    assert_int_equal(feed_text(cut, err, sizeof err), 0);
    assert_int_equal(g_b.boots, 2);
    assert_int_equal(g_b.regions.n, 1);
    expect_region(0, 0x3FC90000u, 0x41000u, "D/IRAM");
    /* a boot log and a heap summary: the boot log carries types, it wins */
    const char *both = "Heap summary for capabilities 0x00000004:\n"
                       "  At 0x3ffb2730 len 15448 free 0 allocated 15080 min_free 0\n"
                       "    largest_free_block 0 alloc_blocks 20 free_blocks 1 total_blocks 21\n"
                       "  Totals:\n"
                       "    free 0 allocated 15080 min_free 0 largest_free_block 0\n"
                       "I (2) heap_init: At 3FC90000 len 00040000 (256 KiB): D/IRAM\n";
    assert_int_equal(feed_text(both, err, sizeof err), 0);
    assert_int_equal(g_b.kind, PS_BOOTLOG_HEAP_INIT);
    assert_int_equal(g_b.regions.n, 1);
    assert_int_equal(g_b.summaries, 1);
    assert_int_equal(g_b.skipped, 0);
    /* an empty summary after a full one does not erase it */
    const char *summaries = "Heap summary for capabilities 0x00000004:\n"
                            "  At 0x3ffb2730 len 15448 free 0 allocated 15080 min_free 0\n"
                            "Heap summary for capabilities 0x00000800:\n"
                            "  Totals:\n";
    assert_int_equal(feed_text(summaries, err, sizeof err), 0);
    assert_int_equal(g_b.kind, PS_BOOTLOG_HEAP_INFO);
    assert_int_equal(g_b.regions.n, 1);
}

static void test_malformed(void **state)
{
    (void)state;
    char err[256];
    static const struct {
        const char *text, *says;
    } bad[] = {
        { "I (1) heap_init: At 3FC9ZZ00 len 00040000 (256 KiB): D/IRAM\n", "line 1:" },
        { "x\nI (1) heap_init: At 3FC90000 len 00040000 (255 KiB): D/IRAM\n", "line 2: len 0x40000 is 256 KiB" },
        { "I (1) heap_init: At 3FC90000 len 00040000 (256 KiB): \n", "line 1:" },
        { "I (1) heap_init: At 3FC90000 len 00040000 (256 KiB): D/IRAM extra\n", "line 1:" },
        { "I (1) heap_init: At 3FC90000 len 00040000 (256 KiB): A_TYPE_FAR_TOO_LONG\n", "line 1:" },
        { "I (1) heap_init: At 3FC90000 len 0 (0 KiB): DRAM\n", "line 1:" },
        { "I (1) heap_init: At 3FC900001 len 00040000 (256 KiB): DRAM\n", "line 1:" },
        { "I (1) heap_init: At 3FC90000 len 00040000 (99999999999 KiB): DRAM\n", "line 1:" },
        { "Heap summary for capabilities 0x00000004:\n  At 0x3ffb2730 len x free 0\n", "line 2:" },
        { "Heap summary for capabilities 0x00000004:\n  At 0x3ffb2730 len 0 free 0 allocated 0 min_free 0\n",
          "line 2:" },
        { "I (1) cpu_start: nothing here\n", "no heap region" },
        { "", "no heap region" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(feed_text(bad[i].text, err, sizeof err), -1);
        if (!strstr(err, bad[i].says))
            fail_msg("case %zu: '%s' lacks '%s'", i, err, bad[i].says);
    }
    /* more regions than a list holds */
    static char many[PS_BOOTLOG_MAX_REGIONS * 80 + 200];
    size_t n = 0;
    for (unsigned i = 0; i <= PS_BOOTLOG_MAX_REGIONS; i++)
        n += (size_t)snprintf(many + n, sizeof many - n, "I (1) heap_init: At %08X len 00001000 (4 KiB): DRAM\n",
                              0x3FC00000u + i * 0x1000u);
    assert_int_equal(feed_text(many, err, sizeof err), -1);
    assert_non_null(strstr(err, "more than"));
    /* a heap summary line outside a summary is just a line */
    assert_int_equal(feed_text("  At 0x3ffb2730 len x\n", err, sizeof err), -1);
    assert_non_null(strstr(err, "no heap region"));
    /* the file reader names the file and line */
    const char *path = tmp_file("ok\nI (1) heap_init: At 3FC90000 len 00040000 (25 KiB): D/IRAM\n");
    assert_int_equal(ps_bootlog_read_file(&g_b, path, err, sizeof err), -1);
    char want[128];
    snprintf(want, sizeof want, "%s:2: len", path);
    unlink(path);
    if (!strstr(err, want))
        fail_msg("'%s' lacks '%s'", err, want);
    assert_int_equal(ps_bootlog_read_file(&g_b, "/nonexistent/boot.txt", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/boot.txt"));
}

static void test_overlong_and_binary_lines(void **state)
{
    (void)state;
    char err[256];
    static char text[8192];
    size_t n = 0;
    for (; n < 3000; n++)
        text[n] = 'x';
    n += (size_t)snprintf(text + n, sizeof text - n, "I (1) heap_init: At 3FC90000 len 00040000 (256 KiB): D/IRAM\n");
    n += (size_t)snprintf(text + n, sizeof text - n, "I (2) heap_init: At 3FCF0000 len 00008000 (32 KiB): DRAM\n");
    /* in memory: the whole first line is one overlong line, skipped */
    assert_int_equal(feed_text(text, err, sizeof err), 0);
    assert_int_equal(g_b.overlong, 1);
    assert_int_equal(g_b.regions.n, 1);
    /* through the file reader: the same */
    const char *path = tmp_file(text);
    int rc = ps_bootlog_read_file(&g_b, path, err, sizeof err);
    unlink(path);
    assert_int_equal(rc, 0);
    assert_int_equal(g_b.overlong, 1);
    assert_int_equal(g_b.lines, 2);
    assert_int_equal(g_b.regions.n, 1);
    expect_region(0, 0x3FCF0000u, 0x8000u, "DRAM");
    /* NUL bytes and a control byte in the type */
    static const char nul[] = "I (2) heap_init: At 3FCF0000 len 00008000 (32 KiB): DR\0AM";
    ps_bootlog_init(&g_b);
    assert_int_equal(ps_bootlog_feed(&g_b, nul, sizeof nul - 1u, err, sizeof err), 0);
    assert_int_equal(ps_bootlog_end(&g_b, err, sizeof err), 0);
    expect_region(0, 0x3FCF0000u, 0x8000u, "DRAM");
    assert_int_equal(feed_text("I (2) heap_init: At 3FCF0000 len 00008000 (32 KiB): DR\x01M\n", err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_esp32s3_debug_log), cmocka_unit_test(test_esp32s3_v44_log),
        cmocka_unit_test(test_esp32_doc_log),     cmocka_unit_test(test_heap_info),
        cmocka_unit_test(test_monitor_variants),  cmocka_unit_test(test_several_boots_keep_the_last),
        cmocka_unit_test(test_malformed),         cmocka_unit_test(test_overlong_and_binary_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
