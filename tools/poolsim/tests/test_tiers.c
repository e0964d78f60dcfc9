/* The --tiers notation: what parses, what is refused and why. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tiers.h"

static void test_parse_default(void **state)
{
    (void)state;
    tp_tier_t t[TP_CFG_MAX_TIERS];
    size_t n = 0;
    char err[256], back[200];
    const char *seed = "256x64,1024x24,4096x12";
    assert_int_equal(ps_tiers_parse(seed, t, &n, err, sizeof err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(t[0].block_size, 256);
    assert_int_equal(t[0].block_count, 64);
    assert_int_equal(t[2].block_size, 4096);
    assert_int_equal(t[2].block_count, 12);
    ps_tiers_format(t, n, back, sizeof back);
    assert_string_equal(back, seed);
    assert_int_equal(ps_tiers_block_bytes(t, n), 64 * 256 + 24 * 1024 + 12 * 4096);
    assert_int_equal(ps_tiers_parse("12X1", t, &n, err, sizeof err), 0);
    assert_int_equal(n, 1);
}

/* poolsim's default is the library's default pool (TP_CFG_DEFAULT_TIERS), and
 * its help text shows the same tiers. */
static void test_default_is_the_librarys(void **state)
{
    (void)state;
    tp_tier_t t[TP_CFG_MAX_TIERS], back[TP_CFG_MAX_TIERS];
    const size_t n = ps_tiers_default(t);
    assert_int_equal(tp_tiers_check(t, n, NULL), TP_OK);
    tp_pool_t *pool = tp_default_pool();
    assert_int_equal(memory_pools_init(), TP_OK);
    assert_int_equal(tp_pool_tier_count(pool), n);
    for (uint32_t i = 0; i < n; i++) {
        tp_tier_usage_t u;
        assert_int_equal(tp_pool_tier_usage(pool, i, &u), TP_OK);
        assert_int_equal(t[i].block_size, u.block_size);
        assert_int_equal(t[i].block_count, u.block_count);
    }
    /* " 256x64 1024x24 4096x12" with commas is a --tiers list of the same tiers */
    char text[200], err[256];
    snprintf(text, sizeof text, "%s", &PS_DEFAULT_TIERS_TEXT[1]);
    for (char *c = text; *c; c++)
        *c = *c == ' ' ? ',' : *c;
    size_t m = 0;
    assert_int_equal(ps_tiers_parse(text, back, &m, err, sizeof err), 0);
    assert_int_equal(m, n);
    assert_memory_equal(back, t, n * sizeof t[0]);
}

/* fragment NULL: the text must parse (a limit case next to refused ones). */
static void expect_error(const char *text, const char *fragment)
{
    tp_tier_t t[TP_CFG_MAX_TIERS];
    size_t n = 99;
    char err[256] = "";
    if (fragment == NULL) {
        assert_int_equal(ps_tiers_parse(text, t, &n, err, sizeof err), 0);
        return;
    }
    assert_int_equal(ps_tiers_parse(text, t, &n, err, sizeof err), -1);
    assert_int_equal(n, 99); /* untouched */
    if (!strstr(err, fragment))
        fail_msg("'%s': message '%s' lacks '%s'", text, err, fragment);
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_error("", "empty");
    expect_error("256", "not SIZExCOUNT");
    expect_error("256x", "not SIZExCOUNT");
    expect_error("x64", "not SIZExCOUNT");
    expect_error("256x64,", "not SIZExCOUNT");
    expect_error("256x64;1024x2", "unexpected ';'");
    expect_error("-256x64", "not SIZExCOUNT");
    expect_error("256x0", "count 0 is not within 1..65534");
    expect_error("256x65535", "not within 1..65534");
    expect_error("0x5", "block size 0");
    expect_error("1024x2,256x4", "strictly increase");
    expect_error("256x2,256x4", "strictly increase");
    expect_error("99999999999x1", "with 99999999999x1 the blocks (alignment included) reach 2^31 bytes");
    expect_error("999999999999x1", "not SIZExCOUNT");
    expect_error("2147483648x2", "reach 2^31 bytes or more");
    expect_error("2147483647x1", NULL);                             /* the largest pool the library accepts */
    expect_error("65x1,2147483520x1", "tier 2: with 2147483520x1"); /* alignment padding counts */
    expect_error("256x99999999999", "count 99999999999 is not within 1..65534");
    expect_error("4x1,8x1,12x1,16x1,20x1,24x1,28x1,32x1,36x1,40x1,44x1,48x1,52x1,56x1,60x1,64x1,68x1",
                 "more than 16 tiers");
}

static void test_header(void **state)
{
    (void)state;
    tp_tier_t t[2] = { { 64, 10 }, { 512, 3 } };
    char buf[4096];
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(ps_tiers_write_header(f, t, 2, "test"), 0);
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "#define TP_CFG_DEFAULT_TIERS(X)"));
    assert_non_null(strstr(buf, "X(64, 10)"));
    assert_non_null(strstr(buf, "X(512, 3)"));
    assert_non_null(strstr(buf, "static const tp_tier_t poolsim_tiers"));
    assert_non_null(strstr(buf, "--tiers 64x10,512x3"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_default),
        cmocka_unit_test(test_default_is_the_librarys),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
