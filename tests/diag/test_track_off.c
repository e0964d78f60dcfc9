/* diag_track_off: with TP_CFG_TRACKING=0 the macros are the plain calls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "diag_util.h"
#include "tp_track.h"

#if TP_CFG_TRACKING
#error "built with TP_CFG_TRACKING=0"
#endif

#define STR_(x) #x
#define STR(x) STR_(x)

static void test_macros_expand_to_plain_calls(void **state)
{
    (void)state;
    assert_string_equal(STR(TP_ALLOC(p, n)), "tp_alloc((p), (n))");
    assert_string_equal(STR(TP_ALLOC_CRITICAL(p, n)), "tp_alloc_critical((p), (n))");
    assert_string_equal(STR(TP_ALLOC_TAG(p, n, "t")), "tp_alloc((p), (n))");
    assert_string_equal(STR(TP_FREE(p, x)), "tp_free((p), (x))");
}

static void test_no_tracking_even_with_tracker(void **state)
{
    (void)state;
    diag_fresh();
    static uint8_t storage[4096];
    static tp_track_entry_t table[16];
    tp_pool_t pool;
    const tp_tier_t tiers[] = { { 64, 16 } };
    assert_int_equal(tp_pool_init(&pool, tiers, 1, storage, sizeof storage), TP_OK);
    tp_track_t trk;
    assert_int_equal(tp_track_init(&trk, &pool, table, 16, TP_TRACK_CANARY), TP_OK);
    uint8_t *p = TP_ALLOC(&pool, 10);
    assert_non_null(p);
    assert_int_equal(trk.allocs, 0);
    assert_int_equal(table[0].size, 0);
    assert_int_equal(TP_FREE(&pool, p), TP_OK);
    tp_track_detach(&trk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_macros_expand_to_plain_calls),
        cmocka_unit_test(test_no_tracking_even_with_tracker),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
