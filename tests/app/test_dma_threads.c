/*
 * test_dma_threads.c - one DMA buffer set shared by two task threads and an
 * "interrupt" thread (the host has no interrupts; the host port's critical
 * section is the same one the ISR-safe calls take on a target). Every owner
 * stamps the whole buffer with its mark and checks it before releasing: a
 * buffer handed to two owners at once (the race the seed's in_use flag had:
 * test, then set, outside any critical section) would be caught. Runs clean
 * under ThreadSanitizer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "tierpool.h"
#include "tp_dma.h"
#include "tp_test_util.h"

#define THREADS 3
#define ROUNDS 20000
#define SIZE 256

TP_DMA_STORAGE_DEFINE(storage, 4, SIZE, 1);
static tp_dma_set_t set;

typedef struct {
    uint32_t id;
    uint32_t ok, exhausted, corrupt, release_errors;
} worker_t;

static void *worker(void *arg)
{
    worker_t *w = arg;
    const uint8_t mark = (uint8_t)(0x40u + w->id);
    uint32_t rng = 0x12345u * (w->id + 1u);
    for (uint32_t r = 0; r < ROUNDS; r++) {
        tp_dma_buf_t b;
        if (tp_dma_acquire(&set, &b) != TP_OK) {
            w->exhausted++;
            sched_yield();
            continue;
        }
        memset(b.tx, mark, SIZE);
        memset(b.rx, mark, SIZE);
        if (tp_test_rand(&rng) % 8u == 0u) {
            sched_yield(); /* hold it across a reschedule now and then */
        }
        for (uint32_t i = 0; i < SIZE; i++) {
            if (b.tx[i] != mark || b.rx[i] != mark) {
                w->corrupt++;
                break;
            }
        }
        if (tp_dma_release(&set, b.tx) != TP_OK) {
            w->release_errors++;
        }
        w->ok++;
    }
    return NULL;
}

static void test_shared_by_tasks_and_isr(void **state)
{
    (void)state;
    assert_int_equal(tp_dma_init(&set, storage, sizeof storage, 4, SIZE, 1), TP_OK);
    pthread_t th[THREADS];
    worker_t w[THREADS];
    for (uint32_t i = 0; i < THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].id = i;
        assert_int_equal(pthread_create(&th[i], NULL, worker, &w[i]), 0);
    }
    uint32_t ok = 0, exhausted = 0;
    for (uint32_t i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(w[i].corrupt, 0);
        assert_int_equal(w[i].release_errors, 0);
        ok += w[i].ok;
        exhausted += w[i].exhausted;
    }
    tp_dma_stats_t st;
    assert_int_equal(tp_dma_stats(&set, &st), TP_OK);
    assert_int_equal(st.in_use, 0);
    assert_int_equal(st.acquired, ok);
    assert_int_equal(st.released, ok);
    assert_int_equal(st.exhausted, exhausted);
    assert_int_equal(st.foreign + st.interior + st.double_release, 0);
    assert_true(st.peak_in_use <= 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_by_tasks_and_isr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
