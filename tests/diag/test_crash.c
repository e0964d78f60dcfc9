/* diag_crash: crash record write / read / clear, garbage and CRC handling. */
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

static void test_crc32_known(void **state)
{
    (void)state;
    assert_int_equal(tp_crc32("123456789", 9), 0xCBF43926u);
    assert_int_equal(tp_crc32("", 0), 0);
}

static void test_garbage_ignored(void **state)
{
    (void)state;
    for (uint32_t seed = 1; seed < 200; seed++) {
        tp_sys_host_persist_garbage(seed);
        assert_int_equal(tp_crash_peek(NULL), TP_ERR_NOT_FOUND);
        assert_int_equal(tp_stack_size_for("net", 4096), 4096);
    }
    /* garbage that happens to carry the magic: CRC rejects it, boot clears it */
    tp_sys_host_persist_garbage(99);
    diag_crash_record()->magic = TP_CRASH_MAGIC;
    assert_int_equal(tp_crash_peek(NULL), TP_ERR_CORRUPT);
    assert_int_equal(tp_crash_boot(NULL), TP_ERR_CORRUPT);
    assert_int_equal(tp_crash_peek(NULL), TP_ERR_NOT_FOUND);
}

static void test_write_read_clear(void **state)
{
    (void)state;
    static uint8_t storage[8192];
    tp_pool_t pool;
    const tp_tier_t tiers[] = { { 64, 8 }, { 256, 4 } };
    assert_int_equal(tp_pool_init(&pool, tiers, 2, storage, sizeof storage), TP_OK);
    assert_int_equal(tp_crash_register_pool(&pool), TP_OK);
    assert_int_equal(tp_crash_register_pool(&pool), TP_OK);
    assert_int_equal(tp_crash_register_pool(NULL), TP_ERR_INVALID_ARG);
    void *a = tp_alloc(&pool, 40);
    void *b = tp_alloc(&pool, 200);
    assert_null(tp_alloc(&pool, 1000));
    for (uint32_t i = 0; i < 20; i++) {
        tp_sys_host_set_time_us((uint64_t)i * 1024u);
        tp_crash_note_op('A', (void *)(uintptr_t)(0x1000u + i), i);
    }
    tp_sys_host_set_time_us(0x123456789ull);
    assert_int_equal(tp_crash_write(TP_CRASH_NONE, "x", 0), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_crash_write((tp_crash_reason_t)99, "x", 0), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_crash_peek(NULL), TP_ERR_NOT_FOUND);
    const char *longname = "a_task_name_that_is_much_longer_than_the_record_keeps";
    assert_int_equal(tp_crash_write(TP_CRASH_ALLOC_CORRUPT, longname, 0xdead), TP_OK);
    tp_crash_record_t rec;
    assert_int_equal(tp_crash_peek(&rec), TP_OK);
    assert_int_equal(rec.reason, TP_CRASH_ALLOC_CORRUPT);
    assert_int_equal(rec.detail, 0xdead);
    assert_int_equal(strlen(rec.task), TP_CFG_TASK_NAME_LEN - 1);
    assert_memory_equal(rec.task, longname, TP_CFG_TASK_NAME_LEN - 1);
    assert_int_equal(rec.time_us_hi, 1);
    assert_int_equal(rec.time_us_lo, 0x23456789u);
    assert_int_equal(rec.n_pools, 1);
    assert_int_equal(rec.pool[0].n_tiers, 2);
    assert_int_equal(rec.pool[0].in_use[0], 1);
    assert_int_equal(rec.pool[0].in_use[1], 1);
    assert_int_equal(rec.pool[0].failed, 0); /* oversize requests are not tier failures */
    assert_int_equal(rec.n_ops, 20);
    assert_int_equal(rec.ops[0].addr, 0x1000u + 20u - TP_CFG_CRASH_OPS);
    assert_int_equal(rec.ops[TP_CFG_CRASH_OPS - 1].addr, 0x1000u + 19u);
    assert_int_equal(rec.ops[TP_CFG_CRASH_OPS - 1].time_ms, 19);
    assert_int_equal(rec.heap_free, tp_sys_heap_free(TP_MEM_INTERNAL));

    char text[2048];
    size_t n = 0;
    assert_int_equal(tp_crash_format(&rec, text, sizeof text, &n), TP_OK);
    assert_non_null(strstr(text, "reason: alloc_corrupt (detail 57005)"));
    assert_non_null(strstr(text, "pool 0: failed 0; 64x8 used 1; 256x4 used 1;"));
    assert_non_null(strstr(text, "last 16 of 20 allocator operations"));
    char small[64];
    assert_int_equal(tp_crash_format(&rec, small, sizeof small, &n), TP_ERR_TRUNCATED);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_int_equal(tp_crash_format(NULL, small, sizeof small, NULL), TP_ERR_INVALID_ARG);

    /* any flipped bit is caught by the CRC */
    uint8_t *raw = (uint8_t *)diag_crash_record();
    for (size_t i = 4; i < sizeof(tp_crash_record_t); i += 13) {
        raw[i] ^= 0x10u;
        assert_int_equal(tp_crash_peek(NULL), TP_ERR_CORRUPT);
        raw[i] ^= 0x10u;
    }
    assert_int_equal(tp_crash_boot(&rec), TP_OK);
    assert_int_equal(tp_crash_peek(NULL), TP_ERR_NOT_FOUND);
    assert_int_equal(tp_crash_boot(&rec), TP_ERR_NOT_FOUND);
    tp_free(&pool, a);
    tp_free(&pool, b);
}

static void test_version_mismatch(void **state)
{
    (void)state;
    assert_int_equal(tp_crash_write(TP_CRASH_APP, "t", 1), TP_OK);
    diag_crash_record()->version = 2;
    assert_int_equal(tp_crash_peek(NULL), TP_ERR_CORRUPT);
}

static void test_reboot_writes_then_reboots(void **state)
{
    (void)state;
    assert_int_equal(tp_crash_reboot(TP_CRASH_REBOOT_EXHAUSTION, NULL, 100), TP_OK);
    assert_int_equal(diag_reboots_seen, 1);
    tp_crash_record_t rec;
    assert_int_equal(tp_crash_peek(&rec), TP_OK);
    assert_string_equal(rec.task, "");
    assert_string_equal(tp_crash_reason_str(rec.reason), "reboot_exhaustion");
}

static void test_persist_file_restart(void **state)
{
    (void)state;
    const char *path = diag_tmp("diag_crash_file.bin");
    remove(path);
    assert_int_equal(tp_sys_host_set_persist_path(path), TP_OK); /* power-on: garbage */
    assert_int_equal(tp_crash_boot(NULL), TP_ERR_NOT_FOUND);
    assert_int_equal(tp_crash_write(TP_CRASH_PANIC, "main", 5), TP_OK);
    /* "restart": a new process would load the file; simulate by reloading */
    tp_sys_host_persist_garbage(5);
    assert_int_equal(tp_sys_host_set_persist_path(path), TP_OK);
    tp_crash_record_t rec;
    assert_int_equal(tp_crash_boot(&rec), TP_OK);
    assert_int_equal(rec.reason, TP_CRASH_PANIC);
    assert_string_equal(rec.task, "main");
    assert_int_equal(tp_sys_host_set_persist_path(path), TP_OK);
    assert_int_equal(tp_crash_boot(NULL), TP_ERR_NOT_FOUND); /* cleared in the file too */
    /* an unwritable path: the record stays in memory, TP_ERR_IO reported */
    assert_int_equal(tp_sys_host_set_persist_path("/nonexistent-dir/x/y.bin"), TP_OK);
    assert_int_equal(tp_crash_write(TP_CRASH_APP, "a", 0), TP_ERR_IO);
    assert_int_equal(tp_crash_peek(NULL), TP_OK);
    remove(path);
}

/* The port's fault hooks (tp_sys_host_raise_fault plays them) write records
 * only once tp_crash_boot has installed the crash record's handler. */
static void test_fault_hooks(void **state)
{
    (void)state;
    tp_sys_host_set_task(3, "net");
    assert_int_equal(tp_stack_register("net", 4096), TP_OK);
    tp_sys_host_raise_fault(TP_FAULT_PANIC, 1);
    assert_int_equal(tp_crash_peek(NULL), TP_ERR_NOT_FOUND); /* not armed yet */
    assert_int_equal(tp_crash_boot(NULL), TP_ERR_NOT_FOUND);
    /* a stack overflow, then the panic its abort causes: the overflow is kept */
    tp_sys_host_raise_fault(TP_FAULT_STACK_OVERFLOW, 0);
    tp_sys_host_raise_fault(TP_FAULT_PANIC, 29);
    tp_crash_record_t rec;
    assert_int_equal(tp_crash_peek(&rec), TP_OK);
    assert_int_equal(rec.reason, TP_CRASH_STACK_OVERFLOW);
    assert_int_equal(rec.detail, 4096);
    assert_string_equal(rec.task, "net");
    /* next boot: the record is reported and the stack enlarged */
    tp_sys_host_reset_controls();
    assert_int_equal(tp_crash_boot(&rec), TP_OK);
    assert_int_equal(rec.reason, TP_CRASH_STACK_OVERFLOW);
    assert_int_equal(tp_stack_size_for("net", 4096), 5120);
    /* a panic alone: a TP_CRASH_PANIC record with the port's cause */
    tp_sys_host_set_task(4, "ui");
    tp_sys_host_raise_fault(TP_FAULT_PANIC, 29);
    assert_int_equal(tp_crash_peek(&rec), TP_OK);
    assert_int_equal(rec.reason, TP_CRASH_PANIC);
    assert_int_equal(rec.detail, 29);
    assert_string_equal(rec.task, "ui");
    /* a new boot without tp_crash_boot: hooks not armed */
    tp_sys_host_reset_controls();
    assert_int_equal(tp_crash_clear(), TP_OK);
    tp_sys_host_raise_fault(TP_FAULT_STACK_OVERFLOW, 0);
    assert_int_equal(tp_crash_peek(NULL), TP_ERR_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_crc32_known, setup),
        cmocka_unit_test_setup(test_garbage_ignored, setup),
        cmocka_unit_test_setup(test_write_read_clear, setup),
        cmocka_unit_test_setup(test_version_mismatch, setup),
        cmocka_unit_test_setup(test_reboot_writes_then_reboots, setup),
        cmocka_unit_test_setup(test_persist_file_restart, setup),
        cmocka_unit_test_setup(test_fault_hooks, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
