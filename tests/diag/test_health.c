/* diag_health: the health monitor on the host heap model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "diag_util.h"
#include "tp_health.h"

static int setup(void **state)
{
    (void)state;
    diag_fresh();
    return 0;
}

typedef struct {
    int n;
    tp_health_metric_t m[32];
    tp_health_state_t to[32];
} changes_t;

static void on_change(tp_health_metric_t m, tp_health_state_t from, tp_health_state_t to, uint32_t v, void *user)
{
    (void)from;
    (void)v;
    changes_t *c = user;
    if (c->n < 32) {
        c->m[c->n] = m;
        c->to[c->n] = to;
        c->n++;
    }
}

static void poll_at(tp_health_t *h, uint64_t t)
{
    tp_sys_host_set_time_us(t);
    assert_int_equal(tp_health_poll(h), TP_OK);
}

static void test_defaults_and_invalid(void **state)
{
    (void)state;
    tp_health_config_t c;
    tp_health_default_config(&c);
    assert_int_equal(c.frag_warn_pct, 70);
    assert_int_equal(c.frag_crit_pct, 85);
    assert_int_equal(c.free_warn_bytes, 50 * 1024);
    assert_int_equal(c.free_crit_bytes, 20 * 1024);
    assert_int_equal(c.pool_warn_pct, 80);
    assert_int_equal(c.block_warn_bytes, 16 * 1024);
    tp_health_t h;
    memset(&h, 0xAB, sizeof h);
    tp_health_t copy = h;
    c.frag_warn_pct = 90; /* above crit */
    assert_int_equal(tp_health_init(&h, &c), TP_ERR_INVALID_ARG);
    assert_memory_equal(&h, &copy, sizeof h);
    assert_int_equal(tp_health_init(NULL, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_health_poll(&h), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_health_init(&h, NULL), TP_OK);
    assert_int_equal(tp_health_add_pool(&h, NULL, "x"), TP_ERR_INVALID_ARG);
    tp_health_policy_t p = { 0 };
    p.flags = TP_POLICY_FRAG_SAVE; /* no callback */
    assert_int_equal(tp_health_set_policy(&h, &p), TP_ERR_INVALID_ARG);
    p.flags = TP_POLICY_POOL_SHED;
    p.shed_reserve_pct = 0;
    assert_int_equal(tp_health_set_policy(&h, &p), TP_ERR_INVALID_ARG);
    assert_string_equal(tp_health_state_str(TP_HEALTH_CRITICAL), "critical");
    assert_string_equal(tp_health_metric_str(TP_METRIC_MAX_BLOCK), "max_block");
}

static void test_fresh_heap_ok(void **state)
{
    (void)state;
    tp_health_t h;
    assert_int_equal(tp_health_init(&h, NULL), TP_OK);
    poll_at(&h, 0);
    assert_int_equal(tp_health_overall(&h), TP_HEALTH_OK);
    assert_int_equal(h.snap.heap_free, 164u * 1024u);
    assert_int_equal(h.snap.heap_max_block, 164u * 1024u);
    assert_int_equal(h.snap.heap_frag_pct, 0);
    /* a heap whose largest block is 97 % of the free bytes: 3 % */
    test_heap_set(100u * 1024u, 97u * 1024u);
    poll_at(&h, 2000000);
    assert_int_equal(h.snap.heap_frag_pct, 3);
    assert_int_equal(tp_health_overall(&h), TP_HEALTH_OK);
}

static void test_ok_warning_critical_and_hysteresis(void **state)
{
    (void)state;
    tp_health_t h;
    changes_t ch = { 0 };
    assert_int_equal(tp_health_init(&h, NULL), TP_OK);
    assert_int_equal(tp_health_on_change(&h, on_change, &ch), TP_OK);
    poll_at(&h, 0);
    /* 84 KiB free, largest 24 KiB: 100 - 28 = 72 % -> warning */
    test_heap_set(84u * 1024u, 24u * 1024u);
    poll_at(&h, 2000000);
    assert_int_equal(h.state[TP_METRIC_FRAGMENTATION], TP_HEALTH_WARNING);
    assert_int_equal(h.snap.heap_frag_pct, 72);
    /* 68 KiB free, largest 8 KiB: 89 % -> critical; max block below 16 KiB -> warning */
    test_heap_set(68u * 1024u, 8u * 1024u);
    poll_at(&h, 4000000);
    assert_int_equal(h.state[TP_METRIC_FRAGMENTATION], TP_HEALTH_CRITICAL);
    assert_int_equal(h.state[TP_METRIC_MAX_BLOCK], TP_HEALTH_WARNING);
    assert_int_equal(tp_health_overall(&h), TP_HEALTH_CRITICAL);
    /* 73 KiB free, largest 13 KiB: 83 %, below crit 85 but within the 5-point
     * margin -> stays critical */
    test_heap_set(73u * 1024u, 13u * 1024u);
    poll_at(&h, 6000000);
    assert_int_equal(h.snap.heap_frag_pct, 83);
    assert_int_equal(h.state[TP_METRIC_FRAGMENTATION], TP_HEALTH_CRITICAL);
    /* 72 %: back to warning, not ok (warn 70) */
    test_heap_set(84u * 1024u, 24u * 1024u);
    poll_at(&h, 8000000);
    assert_int_equal(h.state[TP_METRIC_FRAGMENTATION], TP_HEALTH_WARNING);
    /* a fresh heap: straight to ok */
    test_heap_reset(TEST_HEAP_DEFAULT_BYTES);
    poll_at(&h, 10000000);
    assert_int_equal(tp_health_overall(&h), TP_HEALTH_OK);
    /* transitions of fragmentation in order: warning, critical, warning, ok */
    tp_health_state_t seen[8];
    int k = 0;
    for (int i = 0; i < ch.n; i++) {
        if (ch.m[i] == TP_METRIC_FRAGMENTATION && k < 8) {
            seen[k++] = ch.to[i];
        }
    }
    assert_int_equal(k, 4);
    assert_int_equal(seen[0], TP_HEALTH_WARNING);
    assert_int_equal(seen[1], TP_HEALTH_CRITICAL);
    assert_int_equal(seen[2], TP_HEALTH_WARNING);
    assert_int_equal(seen[3], TP_HEALTH_OK);
}

static void test_hysteresis_percent_edge(void **state)
{
    (void)state;
    /* Hysteresis on a byte metric: free heap warning below 50 KiB, margin 4 KiB. */
    tp_health_config_t c;
    tp_health_default_config(&c);
    tp_health_t h;
    assert_int_equal(tp_health_init(&h, &c), TP_OK);
    poll_at(&h, 0);
    /* an allocation leaves 48 KiB free */
    void *big = tp_sys_heap_alloc(TP_MEM_INTERNAL, 116u * 1024u);
    assert_non_null(big);
    poll_at(&h, 2000000);
    assert_int_equal(h.snap.heap_free, 48u * 1024u);
    assert_int_equal(h.state[TP_METRIC_HEAP_FREE], TP_HEALTH_WARNING);
    /* 51 KiB is above 50 but within the 4 KiB margin */
    tp_sys_heap_release(big);
    big = tp_sys_heap_alloc(TP_MEM_INTERNAL, 113u * 1024u);
    assert_non_null(big);
    poll_at(&h, 4000000);
    assert_int_equal(h.state[TP_METRIC_HEAP_FREE], TP_HEALTH_WARNING);
    /* 54 KiB: exactly the margin -> ok */
    tp_sys_heap_release(big);
    big = tp_sys_heap_alloc(TP_MEM_INTERNAL, 110u * 1024u);
    assert_non_null(big);
    poll_at(&h, 6000000);
    assert_int_equal(h.state[TP_METRIC_HEAP_FREE], TP_HEALTH_OK);
    assert_int_equal(h.snap.heap_min_free, 48u * 1024u);
    tp_sys_heap_release(big);
}

static void test_rate_limit_and_isr(void **state)
{
    (void)state;
    tp_health_t h;
    assert_int_equal(tp_health_init(&h, NULL), TP_OK);
    poll_at(&h, 0);
    assert_int_equal(h.largest_queries, 1);
    poll_at(&h, 500000); /* within 1 s: cheap query only */
    assert_int_equal(h.largest_queries, 1);
    poll_at(&h, 1000000);
    assert_int_equal(h.largest_queries, 2);
    tp_sys_host_set_in_isr(1);
    assert_int_equal(tp_health_poll(&h), TP_ERR_DEFERRED);
    assert_int_equal(tp_health_baseline(&h), TP_ERR_DEFERRED);
    tp_sys_host_set_in_isr(0);
    assert_int_equal(h.largest_queries, 2);
    /* between full queries the cached largest block never exceeds free bytes */
    void *p = tp_sys_heap_alloc(TP_MEM_INTERNAL, 150u * 1024u);
    assert_non_null(p);
    poll_at(&h, 1100000);
    assert_int_equal(h.largest_queries, 2);
    assert_int_equal(h.snap.heap_free, 14u * 1024u);
    assert_int_equal(h.snap.heap_max_block, 14u * 1024u);
    tp_sys_heap_release(p);
}

static void test_relative_baseline(void **state)
{
    (void)state;
    tp_health_config_t c;
    tp_health_default_config(&c);
    c.frag_relative = 1;
    /* boot already at 72 % (like an ESP32's split regions) */
    test_heap_set(84u * 1024u, 24u * 1024u);
    tp_health_t h;
    assert_int_equal(tp_health_init(&h, &c), TP_OK);
    assert_int_equal(tp_health_baseline(&h), TP_OK);
    poll_at(&h, 0);
    assert_int_equal(h.state[TP_METRIC_FRAGMENTATION], TP_HEALTH_OK);
    assert_true(h.baseline.heap_frag_pct >= 70);
    assert_true(h.value[TP_METRIC_FRAGMENTATION] <= 1);
}

static void test_json(void **state)
{
    (void)state;
    static uint8_t storage[8192];
    tp_pool_t pool;
    const tp_tier_t tiers[] = { { 64, 10 }, { 256, 4 } };
    assert_int_equal(tp_pool_init(&pool, tiers, 2, storage, sizeof storage), TP_OK);
    tp_health_t h;
    assert_int_equal(tp_health_init(&h, NULL), TP_OK);
    assert_int_equal(tp_health_add_pool(&h, &pool, "ws\"frames"), TP_OK);
    poll_at(&h, 0);
    char buf[1024];
    size_t n = 0;
    assert_int_equal(tp_health_report_json(&h, buf, sizeof buf, &n), TP_OK);
    assert_int_equal(n, strlen(buf));
    assert_non_null(strstr(buf, "\"heap_free\":"));
    assert_non_null(strstr(buf, "\"heap_max_block\":"));
    assert_non_null(strstr(buf, "\"heap_min_free\":"));
    assert_non_null(strstr(buf, "\"heap_fragmentation\":"));
    assert_non_null(strstr(buf, "\"metrics\":{\"fragmentation\":{\"state\":\"ok\""));
    assert_non_null(strstr(buf, "\"name\":\"ws\\\"frames\""));
    assert_non_null(strstr(buf, "\"total_blocks\":14"));
    assert_int_equal(buf[0], '{');
    assert_int_equal(buf[n - 1], '}');
    /* every shorter buffer: TP_ERR_TRUNCATED, NUL-terminated prefix */
    for (size_t size = 1; size < n + 1; size += 7) {
        char small[1024];
        memset(small, 'x', sizeof small);
        assert_int_equal(tp_health_report_json(&h, small, size, NULL), TP_ERR_TRUNCATED);
        assert_int_equal(small[size - 1], '\0');
        assert_memory_equal(small, buf, strlen(small));
    }
    assert_int_equal(tp_health_report_json(&h, buf, n + 1, NULL), TP_OK);
    assert_int_equal(tp_health_report_json(&h, NULL, 10, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_health_report_json(&h, buf, 0, NULL), TP_ERR_INVALID_ARG);
}

static int saved, shed_on, aged_calls, alerts;
static uint64_t aged_cutoff;
static void save_cb(void *u)
{
    (void)u;
    saved++;
}
static void shed_cb(int on, void *u)
{
    (void)u;
    shed_on = on;
}
static void aged_cb(uint64_t cutoff, void *u)
{
    (void)u;
    aged_calls++;
    aged_cutoff = cutoff;
}
static void alert_cb(tp_health_metric_t m, tp_health_state_t s, void *u)
{
    (void)u;
    if (m == TP_METRIC_POOL_UTIL && s == TP_HEALTH_CRITICAL) {
        alerts++;
    }
}

static void test_frag_policy_reboot(void **state)
{
    (void)state;
    tp_sys_host_set_task(7, "monitor");
    tp_health_t h;
    assert_int_equal(tp_health_init(&h, NULL), TP_OK);
    tp_health_policy_t p = { 0 };
    p.flags = TP_POLICY_FRAG_LOG | TP_POLICY_FRAG_SAVE | TP_POLICY_FRAG_REBOOT;
    p.save_critical = save_cb;
    saved = 0;
    assert_int_equal(tp_health_set_policy(&h, &p), TP_OK);
    poll_at(&h, 0);
    test_heap_set(84u * 1024u, 24u * 1024u); /* 72 % */
    poll_at(&h, 2000000);
    assert_int_equal(diag_reboots_seen, 0); /* warning: no policy */
    test_heap_set(68u * 1024u, 8u * 1024u); /* 89 % */
    poll_at(&h, 4000000);
    assert_int_equal(saved, 1);
    assert_int_equal(diag_reboots_seen, 1);
    tp_crash_record_t rec;
    assert_int_equal(tp_crash_peek(&rec), TP_OK);
    assert_int_equal(rec.reason, TP_CRASH_REBOOT_FRAGMENTATION);
    assert_int_equal(rec.detail, h.snap.heap_frag_pct);
    assert_string_equal(rec.task, "monitor");
    assert_int_equal(rec.heap_largest, h.snap.heap_max_block);
    assert_non_null(strstr(diag_log, "CRITICAL fragmentation"));
    /* staying critical does not reboot again */
    poll_at(&h, 6000000);
    assert_int_equal(diag_reboots_seen, 1);
}

static void test_pool_exhaustion_policies(void **state)
{
    (void)state;
    static uint8_t storage[8192];
    tp_pool_t pool;
    const tp_tier_t tiers[] = { { 64, 10 } };
    assert_int_equal(tp_pool_init(&pool, tiers, 1, storage, sizeof storage), TP_OK);
    tp_health_t h;
    assert_int_equal(tp_health_init(&h, NULL), TP_OK);
    assert_int_equal(tp_health_add_pool(&h, &pool, "p"), TP_OK);
    tp_health_policy_t p = { 0 };
    p.flags = TP_POLICY_POOL_SHED | TP_POLICY_POOL_FREE_AGED | TP_POLICY_POOL_ALERT;
    p.shed_reserve_pct = 20;
    p.aged_us = 1000000;
    p.shed = shed_cb;
    p.free_aged = aged_cb;
    p.alert = alert_cb;
    shed_on = aged_calls = alerts = 0;
    assert_int_equal(tp_health_set_policy(&h, &p), TP_OK);
    poll_at(&h, 0);
    void *b[10];
    for (int i = 0; i < 8; i++) {
        b[i] = tp_alloc(&pool, 32);
    }
    poll_at(&h, 2000000);
    assert_int_equal(h.state[TP_METRIC_POOL_UTIL], TP_HEALTH_WARNING); /* 80 % */
    b[8] = tp_alloc(&pool, 32);
    b[9] = tp_alloc(&pool, 32);
    assert_null(tp_alloc(&pool, 32)); /* exhausted: counted as failed */
    poll_at(&h, 5000000);
    assert_int_equal(h.state[TP_METRIC_POOL_UTIL], TP_HEALTH_CRITICAL);
    assert_int_equal(shed_on, 1);
    assert_int_equal(aged_calls, 1);
    assert_true(aged_cutoff == 4000000u);
    assert_int_equal(alerts, 1);
    /* shedding: 2 of 10 blocks reserved; free 4 -> 6 used: plain allocs get 2, critical 4 */
    for (int i = 0; i < 4; i++) {
        assert_int_equal(tp_free(&pool, b[i]), TP_OK);
    }
    void *x1 = tp_alloc(&pool, 32), *x2 = tp_alloc(&pool, 32);
    assert_non_null(x1);
    assert_non_null(x2);
    assert_null(tp_alloc(&pool, 32));
    void *c1 = tp_alloc_critical(&pool, 32);
    assert_non_null(c1);
    /* recover: utilisation well below warn - hyst and no new failures */
    tp_free(&pool, x1);
    tp_free(&pool, x2);
    tp_free(&pool, c1);
    for (int i = 4; i < 10; i++) {
        tp_free(&pool, b[i]);
    }
    poll_at(&h, 7000000); /* the failed counter moved again (the refused plain alloc) */
    poll_at(&h, 9000000);
    assert_int_equal(h.state[TP_METRIC_POOL_UTIL], TP_HEALTH_OK);
    assert_int_equal(shed_on, 0);
    assert_int_equal(h.shedding, 0);
    for (int i = 0; i < 10; i++) {
        b[i] = tp_alloc(&pool, 32);
        assert_non_null(b[i]); /* reserve gone */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_defaults_and_invalid, setup),
        cmocka_unit_test_setup(test_fresh_heap_ok, setup),
        cmocka_unit_test_setup(test_ok_warning_critical_and_hysteresis, setup),
        cmocka_unit_test_setup(test_hysteresis_percent_edge, setup),
        cmocka_unit_test_setup(test_rate_limit_and_isr, setup),
        cmocka_unit_test_setup(test_relative_baseline, setup),
        cmocka_unit_test_setup(test_json, setup),
        cmocka_unit_test_setup(test_frag_policy_reboot, setup),
        cmocka_unit_test_setup(test_pool_exhaustion_policies, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
