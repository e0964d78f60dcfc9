/* diag_sys_host: the host port's injected system heap (tp_sys_host_set_heap). */
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

static void test_no_heap(void **state)
{
    (void)state;
    assert_int_equal(tp_sys_host_set_heap(NULL), TP_OK);
    tp_heap_info_t info;
    assert_int_equal(tp_sys_heap_info(TP_MEM_INTERNAL, &info), TP_ERR_UNSUPPORTED);
    assert_int_equal(tp_sys_heap_info(TP_MEM_DMA, &info), TP_ERR_UNSUPPORTED);
    assert_int_equal(tp_sys_heap_info(TP_MEM_INTERNAL, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_sys_heap_free(TP_MEM_INTERNAL), 0);
    assert_null(tp_sys_heap_alloc(TP_MEM_INTERNAL, 16));
    tp_sys_heap_release(NULL); /* no heap, no pointer: nothing happens */
}

static void test_injected_heap(void **state)
{
    (void)state;
    tp_heap_info_t info;
    assert_int_equal(tp_sys_heap_info(TP_MEM_INTERNAL, &info), TP_OK);
    assert_int_equal(info.total_free, TEST_HEAP_DEFAULT_BYTES);
    assert_int_equal(info.total_size, TEST_HEAP_DEFAULT_BYTES);
    void *p = tp_sys_heap_alloc(TP_MEM_DMA, 1000); /* DMA: the same internal heap */
    assert_non_null(p);
    assert_int_equal(tp_sys_heap_free(TP_MEM_INTERNAL), TEST_HEAP_DEFAULT_BYTES - 1000u);
    assert_int_equal(tp_sys_heap_info(TP_MEM_DMA, &info), TP_OK);
    assert_int_equal(info.largest_free, TEST_HEAP_DEFAULT_BYTES - 1000u);
    assert_int_equal(info.min_free_ever, TEST_HEAP_DEFAULT_BYTES - 1000u);
    tp_sys_heap_release(p);
    assert_int_equal(test_heap.live, 0);
    assert_int_equal(tp_sys_heap_free(TP_MEM_INTERNAL), TEST_HEAP_DEFAULT_BYTES);
    /* no PSRAM on the host */
    assert_int_equal(tp_sys_heap_info(TP_MEM_SPIRAM, &info), TP_ERR_UNSUPPORTED);
    assert_int_equal(tp_sys_heap_free(TP_MEM_SPIRAM), 0);
    assert_null(tp_sys_heap_alloc(TP_MEM_SPIRAM, 16));
}

static void test_incomplete_heap_refused(void **state)
{
    (void)state;
    tp_sys_host_heap_t ops = { test_heap_alloc, test_heap_release, NULL, NULL };
    assert_int_equal(tp_sys_host_set_heap(&ops), TP_ERR_INVALID_ARG);
    ops.info = test_heap_info;
    ops.alloc = NULL;
    assert_int_equal(tp_sys_host_set_heap(&ops), TP_ERR_INVALID_ARG);
    ops.alloc = test_heap_alloc;
    ops.release = NULL;
    assert_int_equal(tp_sys_host_set_heap(&ops), TP_ERR_INVALID_ARG);
    /* the heap installed before is still there */
    assert_int_equal(tp_sys_heap_free(TP_MEM_INTERNAL), TEST_HEAP_DEFAULT_BYTES);
    void *p = tp_sys_heap_alloc(TP_MEM_INTERNAL, 64);
    assert_non_null(p);
    tp_sys_heap_release(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_no_heap, setup),
        cmocka_unit_test_setup(test_injected_heap, setup),
        cmocka_unit_test_setup(test_incomplete_heap_refused, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
