/* diag_track_threads: tracking with the thread-safe library from 4 threads
 * (run under TSan in the sanitizer build): counters and records stay exact. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "diag_util.h"
#include "tp_track.h"

#define THREADS 4
#define ROUNDS 2000

static uint8_t storage[32768];
static tp_pool_t pool;
static tp_track_entry_t table[128];
static tp_track_t trk;
static const tp_tier_t tiers[] = { { 64, 32 }, { 256, 32 }, { 1024, 16 } };

static void *worker(void *arg)
{
    uint32_t seed = (uint32_t)(uintptr_t)arg * 2654435761u + 1u;
    void *held[8] = { 0 };
    for (int r = 0; r < ROUNDS; r++) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        const unsigned slot = seed % 8u;
        if (held[slot] != NULL) {
            (void)tp_track_free(&pool, held[slot], "worker", 0);
            held[slot] = NULL;
        } else {
            const size_t size = 1u + seed % 900u;
            uint8_t *p = tp_track_alloc(&pool, size, "worker", 0);
            if (p != NULL) {
                memset(p, 0x11, size); /* in bounds: no detection expected */
                held[slot] = p;
            }
        }
    }
    for (int i = 0; i < 8; i++) {
        if (held[i] != NULL) {
            (void)tp_track_free(&pool, held[i], "worker", 0);
        }
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    diag_fresh();
    assert_int_equal(tp_pool_init(&pool, tiers, 3, storage, sizeof storage), TP_OK);
    assert_int_equal(tp_track_init(&trk, &pool, table, 128, TP_TRACK_CANARY | TP_TRACK_POISON | TP_TRACK_CRASH_OPS),
                     TP_OK);
    pthread_t th[THREADS];
    for (uintptr_t i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_create(&th[i], NULL, worker, (void *)(i + 1u)), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
    }
    assert_int_equal(trk.allocs, trk.frees);
    assert_int_equal(trk.overflows, 0);
    assert_int_equal(trk.use_after_free, 0);
    assert_int_equal(trk.bad_frees, 0);
    tp_pool_stats_t st;
    assert_int_equal(tp_pool_get_stats(&pool, &st), TP_OK);
    assert_int_equal(st.blocks_in_use, 0);
    assert_int_equal(st.allocs, trk.allocs);
    uint32_t live;
    assert_int_equal(tp_track_live(&trk, 0, &live, NULL), TP_OK);
    assert_int_equal(live, 0);
    assert_int_equal(tp_crash_write(TP_CRASH_APP, "t", 0), TP_OK);
    tp_crash_record_t rec;
    assert_int_equal(tp_crash_peek(&rec), TP_OK);
    assert_int_equal(rec.n_ops, trk.allocs + trk.frees + trk.failed);
    tp_track_detach(&trk);
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_threads) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
