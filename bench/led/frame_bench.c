/*
 * frame_bench.c - the cost of the frame intake per message (bench/led/run.sh).
 *
 *   led_frame_bench cg     callgrind: each case's loop bracketed by
 *                          CALLGRIND_TOGGLE_COLLECT, then CALLGRIND_DUMP_STATS_AT
 *                          ("<case> n=<messages>"); run under
 *                          valgrind --tool=callgrind --collect-atstart=no
 *   led_frame_bench time   ns per message, median of 15 runs of N messages
 *
 * A case is one message of SIZE bytes arriving in PIECES pieces, assembled
 * and then released, as the server does for every message:
 *   pool-announced  tp_frame_feed with the rest of the frame announced (as
 *                   libwebsockets reports it): one block of the right size;
 *   pool-unknown    pieces of a fragmented message, total unknown: the block
 *                   moves to a larger one as the message grows;
 *   malloc          the same pieces appended to a realloc'ed buffer (the
 *                   server's --frames-malloc baseline), then free.
 * The pool is the LED controller's planned pool (examples/led-controller/app/led_tiers.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <valgrind/callgrind.h>

#include "tierpool.h"
#include "tp_frame.h"

#include "led_tiers.h"

#define N 20000
#define REPS 15

TP_POOL_STORAGE_DEFINE(storage, POOLSIM_STORAGE_BYTES);
static tp_pool_t pool;
static uint8_t src[4096];
static volatile uint8_t sink;

typedef enum { POOL_ANNOUNCED, POOL_UNKNOWN, MALLOC } kind_t;
static const char *kind_name[] = { "pool-announced", "pool-unknown", "malloc" };

static void one_message(tp_frame_t *f, kind_t kind, size_t size, size_t pieces)
{
    const size_t step = (size + pieces - 1) / pieces;
    if (kind == MALLOC) {
        uint8_t *buf = NULL;
        size_t have = 0;
        for (size_t at = 0; at < size; at += step) {
            const size_t n = size - at < step ? size - at : step;
            uint8_t *grown = realloc(buf, have + n);
            if (grown == NULL) {
                abort();
            }
            buf = grown;
            memcpy(buf + have, src + at, n);
            have += n;
        }
        sink = buf[have - 1];
        free(buf);
        return;
    }
    for (size_t at = 0; at < size; at += step) {
        const size_t n = size - at < step ? size - at : step;
        const size_t more = kind == POOL_ANNOUNCED ? size - at - n : 0u;
        const tp_frame_status_t st = tp_frame_feed(f, TP_FRAME_BINARY, src + at, n, more, at == 0, at + n == size);
        if (st != TP_FRAME_MORE && st != TP_FRAME_COMPLETE) {
            abort();
        }
    }
    sink = tp_frame_data(f)[size - 1];
    tp_frame_reset(f);
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    const int cg = argc > 1 && strcmp(argv[1], "cg") == 0;
    if (tp_pool_init(&pool, poolsim_tiers, POOLSIM_TIER_COUNT, storage, sizeof storage) != TP_OK) {
        return 1;
    }
    tp_frame_t f;
    if (tp_frame_init(&f, &pool, 4096) != TP_OK) {
        return 1;
    }
    memset(src, 'x', sizeof src);
    const size_t sizes[] = { 64, 1000, 4000 };
    const size_t pieces[] = { 1, 4 };
    for (int k = 0; k < 3; k++) {
        for (size_t s = 0; s < 3; s++) {
            for (size_t p = 0; p < 2; p++) {
                if (k == POOL_UNKNOWN && pieces[p] == 1) {
                    continue; /* one piece: the same as announced */
                }
                char label[96];
                snprintf(label, sizeof label, "%s %zu %zu n=%d", kind_name[k], sizes[s], pieces[p], N);
                for (int w = 0; w < 1000; w++) {
                    one_message(&f, (kind_t)k, sizes[s], pieces[p]);
                }
                if (cg) {
                    CALLGRIND_ZERO_STATS;
                    CALLGRIND_TOGGLE_COLLECT;
                    for (int i = 0; i < N; i++) {
                        one_message(&f, (kind_t)k, sizes[s], pieces[p]);
                    }
                    CALLGRIND_TOGGLE_COLLECT;
                    CALLGRIND_DUMP_STATS_AT(label);
                } else {
                    double t[REPS];
                    for (int r = 0; r < REPS; r++) {
                        const double t0 = now_ns();
                        for (int i = 0; i < N; i++) {
                            one_message(&f, (kind_t)k, sizes[s], pieces[p]);
                        }
                        t[r] = (now_ns() - t0) / N;
                    }
                    qsort(t, REPS, sizeof t[0], cmp);
                    printf("%s %zu %zu %.1f\n", kind_name[k], sizes[s], pieces[p], t[REPS / 2]);
                }
            }
        }
    }
    return 0;
}
