/*
 * test_pool_threads.c - several threads hammer one thread-safe pool (host
 * port). Each thread writes its own pattern into every block it holds and
 * checks it before freeing: a block handed to two threads at once would be
 * caught. Run under ThreadSanitizer in CI, which also checks the locking.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "tierpool.h"
#include "tp_test_util.h"

#define THREADS 4
#define HELD 16
#define ROUNDS 20000

static const tp_tier_t tiers[] = { { 64, 40 }, { 256, 24 }, { 1024, 16 } };
static _Alignas(64) uint8_t storage[64 * 1024];
static tp_pool_t pool;

typedef struct {
    uint32_t id;
    uint64_t ok, failed, corrupt, free_errors;
} worker_t;

static void *worker(void *arg)
{
    worker_t *w = arg;
    uint8_t *held[HELD] = { 0 };
    uint32_t size[HELD] = { 0 };
    uint32_t rng = 0x9E3779B9u * (w->id + 1u);
    const uint8_t mark = (uint8_t)(0x40u + w->id);
    for (uint32_t r = 0; r < ROUNDS; r++) {
        const uint32_t slot = tp_test_rand(&rng) % HELD;
        if (held[slot] != NULL) {
            for (uint32_t b = 0; b < size[slot]; b++) {
                if (held[slot][b] != mark) {
                    w->corrupt++;
                    break;
                }
            }
            if (tp_free(&pool, held[slot]) != TP_OK) {
                w->free_errors++;
            }
            held[slot] = NULL;
        } else {
            const uint32_t roll = tp_test_rand(&rng) % 10u;
            const uint32_t n = roll < 6 ? tp_test_range(&rng, 1, 64)
                                        : (roll < 9 ? tp_test_range(&rng, 65, 256) : tp_test_range(&rng, 257, 1024));
            uint8_t *p = tp_alloc(&pool, n);
            if (p == NULL) {
                w->failed++;
                continue;
            }
            w->ok++;
            memset(p, mark, n);
            held[slot] = p;
            size[slot] = n;
        }
    }
    for (uint32_t s = 0; s < HELD; s++) {
        if (held[s] != NULL && tp_free(&pool, held[s]) != TP_OK) {
            w->free_errors++;
        }
    }
    return NULL;
}

static void test_threads_share_one_pool(void **state)
{
    (void)state;
    assert_int_equal(tp_pool_init(&pool, tiers, 3, storage, sizeof storage), TP_OK);
    pthread_t thread[THREADS];
    worker_t w[THREADS];
    memset(w, 0, sizeof w);
    for (uint32_t i = 0; i < THREADS; i++) {
        w[i].id = i;
        assert_int_equal(pthread_create(&thread[i], NULL, worker, &w[i]), 0);
    }
    uint64_t ok = 0, failed = 0;
    for (uint32_t i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(thread[i], NULL), 0);
        assert_int_equal(w[i].corrupt, 0);
        assert_int_equal(w[i].free_errors, 0);
        ok += w[i].ok;
        failed += w[i].failed;
    }
    tp_pool_stats_t s;
    assert_int_equal(tp_pool_get_stats(&pool, &s), TP_OK);
    assert_int_equal(s.blocks_in_use, 0);
    assert_int_equal(s.allocs, ok);
    assert_int_equal(s.frees, ok);
    assert_int_equal(s.failed, failed);
    assert_true(s.tier[0].peak_in_use <= 40);
    /* 80 blocks shared by up to 64 held requests: most succeed. */
    assert_true(ok > failed);
}

/* tp_alloc and tp_free called while another thread holds the pool's lock
 * take their waiting path (alloc_contended, free_contended): they must not
 * finish before the lock is released, and must then do their work. */
static atomic_int contended_done;
static void *contended_alloc(void *arg)
{
    void **out = arg;
    *out = tp_alloc(&pool, 100);
    atomic_store(&contended_done, 1);
    return NULL;
}
static void *free_while_locked(void *arg)
{
    void **block = arg;
    const tp_err_t err = tp_free(&pool, *block);
    *block = err == TP_OK ? NULL : *block;
    atomic_store(&contended_done, 1);
    return NULL;
}

static void test_calls_wait_for_a_held_lock(void **state)
{
    (void)state;
    assert_int_equal(tp_pool_init(&pool, tiers, 3, storage, sizeof storage), TP_OK);
    void *got = NULL;
    pthread_t th;

    atomic_store(&contended_done, 0);
    tp_irqstate_t irq = tp_pool_lock(&pool);
    assert_int_equal(pthread_create(&th, NULL, contended_alloc, &got), 0);
    for (int i = 0; i < 200; i++) {
        sched_yield(); /* give it every chance to get through: it must not */
    }
    assert_int_equal(atomic_load(&contended_done), 0);
    tp_pool_unlock(&pool, irq);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(atomic_load(&contended_done), 1);
    assert_non_null(got);
    assert_int_equal(tp_block_size(&pool, got), 256);

    atomic_store(&contended_done, 0);
    irq = tp_pool_lock(&pool);
    assert_int_equal(pthread_create(&th, NULL, free_while_locked, &got), 0);
    for (int i = 0; i < 200; i++) {
        sched_yield();
    }
    assert_int_equal(atomic_load(&contended_done), 0);
    tp_pool_unlock(&pool, irq);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_null(got); /* freed, TP_OK */
    assert_int_equal(tp_pool_check(&pool, NULL), TP_OK);
    tp_pool_stats_t s;
    assert_int_equal(tp_pool_get_stats(&pool, &s), TP_OK);
    assert_int_equal(s.blocks_in_use, 0);
    assert_int_equal(s.allocs, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_share_one_pool),
        cmocka_unit_test(test_calls_wait_for_a_held_lock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
