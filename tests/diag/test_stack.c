/* diag_stack: watermark warnings and stacks enlarged after an overflow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "diag_util.h"

static int setup(void **state)
{
    (void)state;
    diag_fresh();
    return 0;
}

static int warned;
static uint32_t warned_pct;
static void warn_cb(const char *name, uint32_t used, uint32_t size, uint32_t pct, void *user)
{
    (void)name;
    (void)used;
    (void)size;
    (void)user;
    warned++;
    warned_pct = pct;
}

static void test_register_errors(void **state)
{
    (void)state;
    assert_int_equal(tp_stack_register(NULL, 100), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_stack_register("", 100), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_stack_register("x", 0), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_stack_register("a_name_longer_than_the_limit_of_24", 100), TP_ERR_INVALID_ARG);
    char name[8];
    for (int i = 0; i < TP_CFG_STACK_TASKS; i++) {
        snprintf(name, sizeof name, "t%d", i);
        assert_int_equal(tp_stack_register(name, 1000), TP_OK);
    }
    assert_int_equal(tp_stack_register("one_more", 1000), TP_ERR_NO_MEM);
    assert_int_equal(tp_stack_register("t0", 2000), TP_OK); /* update */
    assert_int_equal(tp_stack_registered_size("t0"), 2000);
    assert_int_equal(tp_stack_registered_size("nope"), 0);
    assert_int_equal(tp_stack_registered_size(NULL), 0);
    assert_int_equal(tp_stack_unregister("nope"), TP_ERR_NOT_FOUND);
    assert_int_equal(tp_stack_unregister(NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_stack_unregister("t3"), TP_OK);
    assert_int_equal(tp_stack_register("one_more", 1000), TP_OK);
    tp_stack_policy_t p = { 0, 25, 4096 };
    assert_int_equal(tp_stack_set_policy(&p), TP_ERR_INVALID_ARG);
    p.warn_pct = 75;
    p.cap_bytes = 10;
    assert_int_equal(tp_stack_set_policy(&p), TP_ERR_INVALID_ARG);
}

static void test_watermark_check(void **state)
{
    (void)state;
    assert_int_equal(tp_stack_register("net", 4000), TP_OK);
    assert_int_equal(tp_stack_register("led", 2000), TP_OK);
    assert_int_equal(tp_stack_register("ghost", 2000), TP_OK); /* unknown to the port: skipped */
    tp_sys_host_set_stack_unused("net", 1000);                 /* 75 %: not above */
    tp_sys_host_set_stack_unused("led", 400);                  /* 80 % */
    warned = 0;
    assert_int_equal(tp_stack_check(warn_cb, NULL), 1);
    assert_int_equal(warned, 1);
    assert_int_equal(warned_pct, 80);
    assert_non_null(strstr(diag_log, "stack: task \"led\" uses 1600 of 2000 bytes (80%)"));
    tp_sys_host_set_stack_unused("net", 960); /* 76 % */
    assert_int_equal(tp_stack_check(NULL, NULL), 2);
    tp_sys_host_set_in_isr(1);
    assert_int_equal(tp_stack_check(NULL, NULL), TP_ERR_DEFERRED);
}

static void test_overflow_grows_stack(void **state)
{
    (void)state;
    assert_int_equal(tp_stack_size_for("net", 4096), 4096);
    assert_int_equal(tp_stack_register("net", 4096), TP_OK);
    assert_int_equal(tp_crash_stack_overflow("net"), TP_OK);
    assert_int_equal(tp_crash_stack_overflow(NULL), TP_ERR_INVALID_ARG);
    /* a task the guard does not know: detail 0 */
    assert_int_equal(tp_crash_stack_overflow("stranger"), TP_OK);
    tp_crash_record_t unknown;
    assert_int_equal(tp_crash_peek(&unknown), TP_OK);
    assert_int_equal(unknown.detail, 0);
    assert_int_equal(tp_crash_stack_overflow("net"), TP_OK);
    /* next boot */
    tp_crash_record_t rec;
    assert_int_equal(tp_crash_boot(&rec), TP_OK);
    assert_int_equal(rec.reason, TP_CRASH_STACK_OVERFLOW);
    assert_int_equal(rec.detail, 4096);
    assert_int_equal(tp_stack_size_for("net", 4096), 5120);
    assert_int_equal(tp_stack_size_for("net", 8192), 8192); /* never below the default */
    assert_int_equal(tp_stack_size_for("other", 3000), 3000);
    assert_int_equal(tp_stack_size_for(NULL, 3000), 3000);
    /* survives later boots without a record */
    assert_int_equal(tp_crash_boot(NULL), TP_ERR_NOT_FOUND);
    assert_int_equal(tp_stack_size_for("net", 4096), 5120);
    /* repeated overflows grow up to the cap */
    for (int i = 0; i < 20; i++) {
        assert_int_equal(tp_stack_register("net", tp_stack_size_for("net", 4096)), TP_OK);
        assert_int_equal(tp_crash_stack_overflow("net"), TP_OK);
        assert_int_equal(tp_crash_boot(NULL), TP_OK);
    }
    assert_int_equal(tp_stack_size_for("net", 4096), 32 * 1024);
    /* table eviction: more overflowing tasks than entries */
    char name[8];
    for (int i = 0; i < TP_CFG_STACK_PERSIST; i++) {
        snprintf(name, sizeof name, "e%d", i);
        assert_int_equal(tp_stack_note_overflow(name, 1000), TP_OK);
    }
    assert_int_equal(tp_stack_size_for("net", 4096), 4096); /* evicted */
    assert_int_equal(tp_stack_size_for("e0", 100), 1250);
    /* a corrupted table is ignored */
    diag_stack_table()->entry[0].size ^= 1u;
    assert_int_equal(tp_stack_size_for("e0", 100), 100);
    assert_int_equal(tp_stack_forget_all(), TP_OK);
    assert_int_equal(tp_stack_size_for("e1", 100), 100);
    assert_int_equal(tp_stack_note_overflow(NULL, 1), TP_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_register_errors, setup),
        cmocka_unit_test_setup(test_watermark_check, setup),
        cmocka_unit_test_setup(test_overflow_grows_stack, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
