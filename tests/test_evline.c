/*
 * tp_evline: the plain event format's one definition. Every byte string a
 * task name can be round-trips (seeded random names against the name given);
 * revision 1 lines still parse; a name that does not fit is cut, never
 * mid-escape; malformed lines are refused with a reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tp_evline.h"

static size_t fmt(char *buf, size_t size, char kind, uint64_t t, uint64_t addr, uint32_t bytes, const char *task)
{
    tp_evline_t ev = { kind, t, addr, bytes, task, 0 };
    return tp_evline_format(buf, size, &ev);
}

/* Parse a formatted line (without its '\n') back. */
static int parse_back(const char *line, size_t len, unsigned version, tp_evline_t *ev, char *name, size_t name_size)
{
    assert_true(len > 0 && line[len - 1] == '\n');
    const char *why = NULL;
    int rc = tp_evline_parse(line, len - 1, version, ev, name, name_size, &why);
    if (rc != TP_EVLINE_EVENT) {
        fail_msg("'%s' did not parse: %s", line, why);
    }
    return rc;
}

static void test_plain_lines(void **state)
{
    (void)state;
    char buf[TP_EVLINE_SIZE(31)];
    assert_int_equal(fmt(buf, sizeof buf, 'A', 1000, 0x3fc80000, 1500, "net"), 27);
    assert_string_equal(buf, "A 1000 0x3fc80000 1500 net\n");
    fmt(buf, sizeof buf, 'F', 0, 0, 0, NULL);
    assert_string_equal(buf, "F 0 0x0\n");
    fmt(buf, sizeof buf, 'F', UINT64_MAX, UINT64_MAX, 0, "");
    assert_string_equal(buf, "F 18446744073709551615 0xffffffffffffffff\n");
    fmt(buf, sizeof buf, 'A', 5, 0x10, UINT32_MAX, "Tmr Svc");
    assert_string_equal(buf, "A 5 0x10 4294967295 \"Tmr Svc\"\n");
    fmt(buf, sizeof buf, 'A', 5, 0x10, 1, "a\"b\\c\n\x01\xff");
    assert_string_equal(buf, "A 5 0x10 1 \"a\\\"b\\\\c\\x0a\\x01\\xff\"\n");
    assert_int_equal(fmt(buf, sizeof buf, 'X', 5, 0x10, 1, "x"), 0);
    assert_string_equal(buf, "");
    assert_string_equal(TP_EVLINE_HEADER, "tpev 2\n");
    assert_int_equal(strlen(TP_EVLINE_HEADER), TP_EVLINE_HEADER_LEN);
}

/* Every byte value, in names of every length up to 31: formatted, parsed back, equal. */
static void test_names_round_trip(void **state)
{
    (void)state;
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    char name[32], got[64], line[TP_EVLINE_SIZE(31)];
    for (int round = 0; round < 20000; round++) {
        size_t len = (size_t)(round % 32);
        for (size_t i = 0; i < len; i++) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            name[i] = (char)(1u + (unsigned)(seed % 255u)); /* any byte but NUL */
        }
        name[len] = '\0';
        if (round < 256 && len > 0) {
            name[0] = (char)(round == 0 ? 1 : round); /* each byte value at least once */
        }
        const uint64_t t = seed >> 3, addr = seed * 31u;
        const uint32_t size = (uint32_t)(seed >> 40);
        const char kind = (round & 1) ? 'A' : 'F';
        size_t n = fmt(line, sizeof line, kind, t, addr, size, name);
        assert_true(n > 0 && n < sizeof line);
        assert_int_equal(strlen(line), n);
        assert_non_null(memchr(line, '\n', n));
        assert_ptr_equal(strchr(line, '\n'), line + n - 1); /* one line, whatever the name */
        tp_evline_t ev;
        parse_back(line, n, 2, &ev, got, sizeof got);
        assert_int_equal(ev.kind, kind);
        assert_int_equal(ev.time_us, t);
        assert_int_equal(ev.addr, addr);
        assert_int_equal(ev.size, kind == 'A' ? size : 0);
        assert_int_equal(ev.task_len, strlen(name));
        assert_memory_equal(ev.task, name, ev.task_len);
    }
}

static void test_truncation(void **state)
{
    (void)state;
    char line[TP_EVLINE_SIZE(3)];
    /* four bytes that each need an escape: only three fit, and the line stays valid */
    size_t n = fmt(line, sizeof line, 'A', UINT64_MAX, UINT64_MAX, UINT32_MAX, "\x01\x02\x03\x04");
    assert_true(n > 0);
    tp_evline_t ev;
    char got[8];
    parse_back(line, n, 2, &ev, got, sizeof got);
    assert_int_equal(ev.task_len, 3);
    assert_memory_equal(got, "\x01\x02\x03", 3);
    /* a buffer that cannot hold the fixed fields: nothing */
    char tiny[20];
    assert_int_equal(fmt(tiny, sizeof tiny, 'A', UINT64_MAX, 1, 1, NULL), 0);
    assert_string_equal(tiny, "");
    /* TP_EVLINE_SIZE(0) always holds an event without its name */
    char small[TP_EVLINE_SIZE(0)];
    n = fmt(small, sizeof small, 'A', UINT64_MAX, UINT64_MAX, UINT32_MAX, "name");
    assert_true(n >= strlen("A 18446744073709551615 0xffffffffffffffff 4294967295\n"));
    parse_back(small, n, 2, &ev, got, sizeof got);
    assert_true(ev.task_len < 4);
    assert_memory_equal(got, "name", ev.task_len); /* a prefix, or nothing */
    /* a long name into a short name buffer: cut, the line still checked to its end */
    n = fmt(line, sizeof line, 'F', 1, 2, 0, "abc");
    parse_back(line, n, 2, &ev, got, 2);
    assert_int_equal(ev.task_len, 2);
    const char *why;
    assert_int_equal(tp_evline_parse("F 1 2 \"abcdef", 13, 2, &ev, got, 2, &why), TP_EVLINE_MALFORMED);

    /* Every buffer size from too small to roomy, a bare and a quoted name: the
     * line stays inside the buffer (the guard bytes after it untouched), ends
     * with its '\n', and carries a prefix of the name. */
    const char *const names[] = { "abcdef", "a \"b\" c" };
    for (size_t k = 0; k < 2; k++) {
        for (size_t size = 1; size <= 40; size++) {
            char buf[48];
            memset(buf, 0x55, sizeof buf);
            n = fmt(buf, size, 'F', 1, 2, 0, names[k]);
            for (size_t i = size; i < sizeof buf; i++) {
                assert_int_equal((unsigned char)buf[i], 0x55);
            }
            assert_int_equal(n, strlen(buf));
            if (n == 0) {
                continue;
            }
            assert_true(n < size);
            assert_int_equal(buf[n - 1], '\n');
            parse_back(buf, n, 2, &ev, got, sizeof got);
            assert_memory_equal(got, names[k], ev.task_len);
        }
    }
}

static void expect_malformed(const char *line, unsigned version, const char *fragment)
{
    tp_evline_t ev;
    char name[16];
    const char *why = NULL;
    assert_int_equal(tp_evline_parse(line, strlen(line), version, &ev, name, sizeof name, &why), TP_EVLINE_MALFORMED);
    if (strstr(why, fragment) == NULL) {
        fail_msg("'%s': reason \"%s\" lacks \"%s\"", line, why, fragment);
    }
}

static void test_parse(void **state)
{
    (void)state;
    tp_evline_t ev;
    char name[16];
    const char *why;
    /* revision 1: a bare word, any bytes but spaces */
    const char *v1 = "A\t10  3fc80000 100 n\"e\\t";
    assert_int_equal(tp_evline_parse(v1, strlen(v1), 1, &ev, name, sizeof name, &why), TP_EVLINE_EVENT);
    assert_int_equal(ev.time_us, 10);
    assert_int_equal(ev.addr, 0x3fc80000u);
    assert_int_equal(ev.task_len, 5);
    assert_memory_equal(ev.task, "n\"e\\t", 5);
    /* revision 2 refuses that bare word: it must be quoted */
    expect_malformed(v1, 2, "must be quoted");
    /* no task */
    assert_int_equal(tp_evline_parse("F 1 0X1F", 8, 2, &ev, name, sizeof name, &why), TP_EVLINE_EVENT);
    assert_int_equal(ev.addr, 0x1f);
    assert_int_equal(ev.task_len, 0);
    /* not event lines */
    assert_int_equal(tp_evline_parse("", 0, 2, &ev, name, sizeof name, &why), TP_EVLINE_OTHER);
    assert_int_equal(tp_evline_parse("# A 1 2 3", 9, 2, &ev, name, sizeof name, &why), TP_EVLINE_OTHER);
    assert_int_equal(tp_evline_parse("Allocating", 10, 2, &ev, name, sizeof name, &why), TP_EVLINE_OTHER);
    assert_int_equal(tp_evline_parse("I (12) x: y", 11, 2, &ev, name, sizeof name, &why), TP_EVLINE_OTHER);
    /* event-like but wrong */
    expect_malformed("A", 2, "bad time");
    expect_malformed("A 1", 2, "bad address");
    expect_malformed("A 1 zz 3", 2, "bad address");
    expect_malformed("A 1 0x10", 2, "bad size");
    expect_malformed("A 1 0x10 4294967296", 2, "bad size");
    expect_malformed("A 18446744073709551616 0x10 1", 2, "bad time");
    expect_malformed("F 1 0x12345678901234567", 2, "bad address");
    expect_malformed("F 1 0x10x", 2, "unexpected characters after the event");
    expect_malformed("F 1 0x10 \"a", 2, "closing");
    expect_malformed("F 1 0x10 \"a\\q\"", 2, "unknown escape");
    expect_malformed("F 1 0x10 \"a\\x4\"", 2, "unknown escape");
    expect_malformed("F 1 0x10 \"a\\", 2, "end of the line");
    expect_malformed("F 1 0x10 \"a\" b", 2, "after the task name");
    expect_malformed("F 1 0x10 a b", 1, "after the task name");
    const char ctl[] = "F 1 0x10 \"a\x01\"";
    expect_malformed(ctl, 2, "control character");
}

static void test_header(void **state)
{
    (void)state;
    assert_int_equal(tp_evline_header_version("tpev 1", 6), 1);
    assert_int_equal(tp_evline_header_version(" tpev\t2 ", 8), 2);
    assert_int_equal(tp_evline_header_version("tpev 3", 6), 3);
    assert_int_equal(tp_evline_header_version("tpev", 4), 0);
    assert_int_equal(tp_evline_header_version("tpev1", 5), 0);
    assert_int_equal(tp_evline_header_version("tpev 0", 6), 0);
    assert_int_equal(tp_evline_header_version("tpev 2 x", 8), 0);
    assert_int_equal(tp_evline_header_version("tpevs 2", 7), 0);
    /* a number too large to be a revision is no header, not its low bits */
    assert_int_equal(tp_evline_header_version("tpev 65535", 10), 65535);
    assert_int_equal(tp_evline_header_version("tpev 65536", 10), 0);
    assert_int_equal(tp_evline_header_version("tpev 4294967297", 15), 0);
    assert_int_equal(tp_evline_header_version(TP_EVLINE_HEADER, TP_EVLINE_HEADER_LEN - 1), TP_EVLINE_VERSION);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_lines), cmocka_unit_test(test_names_round_trip), cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_parse),       cmocka_unit_test(test_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
