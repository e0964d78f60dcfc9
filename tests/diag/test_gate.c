/* diag_gate: readiness gate deferral, backoff, probe, give-up, static variant. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "diag_util.h"
#include "tp_gate.h"

static int setup(void **state)
{
    (void)state;
    diag_fresh();
    return 0;
}

static tp_gate_cfg_t cfg768(void)
{
    tp_gate_cfg_t c;
    memset(&c, 0, sizeof c);
    c.name = "dsc_keybus";
    c.min_free = 50000;
    c.probe_size = 768; /* the seed's failing allocation */
    c.kind = TP_MEM_INTERNAL;
    c.backoff_initial_us = 100000;
    c.backoff_max_us = 800000;
    return c;
}

static void test_invalid(void **state)
{
    (void)state;
    tp_gate_t g;
    tp_gate_cfg_t c = cfg768();
    c.backoff_initial_us = 0;
    assert_int_equal(tp_gate_init(&g, &c), TP_ERR_INVALID_ARG);
    c = cfg768();
    c.backoff_max_us = 10;
    assert_int_equal(tp_gate_init(&g, &c), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_gate_init(NULL, &c), TP_ERR_INVALID_ARG);
    memset(&g, 0, sizeof g);
    assert_int_equal(tp_gate_check(&g), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_gate_reason(NULL), TP_GATE_NOT_CHECKED);
}

static void test_ready_at_once(void **state)
{
    (void)state;
    tp_gate_t g;
    tp_gate_cfg_t c = cfg768();
    assert_int_equal(tp_gate_init(&g, &c), TP_OK);
    assert_int_equal(tp_gate_check(&g), TP_OK);
    assert_int_equal(tp_gate_reason(&g), TP_GATE_READY);
    assert_int_equal(test_heap.live, 0); /* the probe was freed */
    assert_int_equal(test_heap.allocs, 1);
}

static void test_low_heap_backoff(void **state)
{
    (void)state;
    void *hog = tp_sys_heap_alloc(TP_MEM_INTERNAL, 130u * 1024u); /* 34 KiB left */
    assert_non_null(hog);
    tp_gate_t g;
    tp_gate_cfg_t c = cfg768();
    assert_int_equal(tp_gate_init(&g, &c), TP_OK);
    assert_int_equal(tp_gate_check(&g), TP_ERR_DEFERRED);
    assert_int_equal(tp_gate_reason(&g), TP_GATE_LOW_HEAP);
    assert_int_equal(tp_gate_next_retry_us(&g), 100000);
    assert_non_null(strstr(diag_log, "gate dsc_keybus: deferred (low_heap)"));
    /* before the retry time: no attempt */
    tp_sys_host_set_time_us(50000);
    assert_int_equal(tp_gate_check(&g), TP_ERR_DEFERRED);
    assert_int_equal(tp_gate_reason(&g), TP_GATE_BACKOFF);
    assert_int_equal(g.attempts, 1);
    /* doubling backoff: 100k, 200k, 400k, 800k, 800k */
    uint64_t expect[] = { 100000 + 200000, 300000 + 400000, 700000 + 800000, 1500000 + 800000 };
    uint64_t t = 100000;
    for (int i = 0; i < 4; i++) {
        tp_sys_host_set_time_us(t);
        assert_int_equal(tp_gate_check(&g), TP_ERR_DEFERRED);
        assert_int_equal(tp_gate_next_retry_us(&g), expect[i]);
        t = expect[i];
    }
    /* memory comes back */
    tp_sys_heap_release(hog);
    tp_sys_host_set_time_us(t);
    assert_int_equal(tp_gate_check(&g), TP_OK);
    assert_int_equal(tp_gate_check(&g), TP_OK);
    assert_int_equal(g.attempts, 6);
}

static void test_probe_failure_fragmented(void **state)
{
    (void)state;
    /* plenty free (60 KiB) but no hole of 768 bytes: the largest is 300 bytes */
    test_heap_set(60u * 1024u, 300u);
    assert_true(tp_sys_heap_free(TP_MEM_INTERNAL) >= 50000u);
    tp_gate_t g;
    tp_gate_cfg_t c = cfg768();
    c.max_attempts = 2;
    assert_int_equal(tp_gate_init(&g, &c), TP_OK);
    assert_int_equal(tp_gate_check(&g), TP_ERR_DEFERRED);
    assert_int_equal(tp_gate_reason(&g), TP_GATE_PROBE_FAILED);
    tp_sys_host_advance_us(100000);
    assert_int_equal(tp_gate_check(&g), TP_ERR_NO_MEM);
    assert_int_equal(tp_gate_reason(&g), TP_GATE_GAVE_UP);
    assert_int_equal(tp_gate_check(&g), TP_ERR_NO_MEM);
    assert_string_equal(tp_gate_reason_str(TP_GATE_PROBE_FAILED), "probe_failed");
}

static void test_isr_and_static(void **state)
{
    (void)state;
    tp_gate_t g;
    tp_gate_cfg_t c = cfg768();
    c.quiet = 1;
    assert_int_equal(tp_gate_init(&g, &c), TP_OK);
    tp_sys_host_set_in_isr(1);
    assert_int_equal(tp_gate_check(&g), TP_ERR_DEFERRED);
    assert_int_equal(tp_gate_reason(&g), TP_GATE_IN_ISR);
    assert_int_equal(g.attempts, 0);
    tp_sys_host_set_in_isr(0);
    assert_int_equal(tp_gate_check_static(10000, TP_MEM_INTERNAL), TP_OK);
    assert_int_equal(tp_gate_check_static(10000000, TP_MEM_INTERNAL), TP_ERR_DEFERRED);
    assert_int_equal(tp_gate_check_static(1, TP_MEM_SPIRAM), TP_ERR_DEFERRED);
    assert_int_equal(diag_log_len, 0); /* quiet and static: no logging */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_invalid, setup),
        cmocka_unit_test_setup(test_ready_at_once, setup),
        cmocka_unit_test_setup(test_low_heap_backoff, setup),
        cmocka_unit_test_setup(test_probe_failure_fragmented, setup),
        cmocka_unit_test_setup(test_isr_and_static, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
