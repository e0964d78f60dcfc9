/*
 * tp_bench - instruction counts (under valgrind callgrind) and ns medians for
 * tierpool beside glibc malloc, jemalloc and mimalloc. Not a test.
 *
 * Built twice from this file: tp_bench_st (tierpool_st, no locking) and
 * tp_bench_ts (tierpool, host spinlock; -DBENCH_TS=1, runs only tierpool).
 *
 *   tp_bench_X cg      run under callgrind --collect-atstart=no; every
 *                      measured region is bracketed by CALLGRIND_TOGGLE_COLLECT
 *                      and followed by CALLGRIND_DUMP_STATS_AT("<label> n=<count>")
 *   tp_bench_X direct  run under callgrind --collect-atstart=no
 *                      --toggle-collect=tp_alloc --toggle-collect=tp_free:
 *                      only the library functions are counted
 *   tp_bench_X time    ns medians over 15 repetitions (prints "label ns")
 *   tp_bench_X worstops  per-op dumps over 2000 mixed-workload ops
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <valgrind/callgrind.h>

#include "tierpool.h"
#include "tp_track.h"

#ifndef BENCH_TS
#define BENCH_TS 0
#endif
#define TP_NAME (BENCH_TS ? "tierpool-ts" : "tierpool-st")

#define NOINLINE __attribute__((noinline))

typedef void *(*alloc_fn)(size_t);
typedef void (*free_fn)(void *);
typedef struct {
    const char *name;
    alloc_fn a;
    free_fn f;
    void (*reset)(void); /* fresh state before a run, may be NULL */
} allocator_t;

/* ---- tierpool ---- */
static const tp_tier_t tiers[] = { { 256, 64 }, { 1024, 24 }, { 4096, 12 } };
TP_POOL_STORAGE_DEFINE(storage, TP_POOL_STORAGE_BOUND(3, 256 * 64 + 1024 * 24 + 4096 * 12, 100));
static tp_pool_t pool;
static void tp_reset(void)
{
    memset(&pool, 0, sizeof pool);
    if (tp_pool_init(&pool, tiers, 3, storage, sizeof storage) != TP_OK) {
        fprintf(stderr, "tp_pool_init failed\n");
        exit(1);
    }
}
static void *tp_a(size_t s)
{
    return tp_alloc(&pool, s);
}
static void tp_f(void *p)
{
    (void)tp_free(&pool, p);
}

/* tracked API (tp_track.h, TP_CFG_TRACKING=1 expands TP_ALLOC to these) */
static tp_track_t tracker;
static tp_track_entry_t track_table[100];
static uint32_t track_flags;
static void tk_reset(void)
{
    tp_reset();
    memset(&tracker, 0, sizeof tracker);
    if (tp_track_init(&tracker, &pool, track_table, 100, track_flags) != TP_OK) {
        fprintf(stderr, "tp_track_init failed\n");
        exit(1);
    }
}
static void *tk_a(size_t s)
{
    return tp_track_alloc(&pool, s, "bench", 1);
}
static void tk_f(void *p)
{
    (void)tp_track_free(&pool, p, "bench", 2);
}

/* ---- null allocator: the harness overhead ---- */
static _Alignas(64) uint8_t null_block[8];
static void *null_a(size_t s)
{
    (void)s;
    return null_block;
}
static void null_f(void *p)
{
    (void)p;
}

#if !BENCH_TS
/* ---- dlopen'ed jemalloc / mimalloc ---- */
static alloc_fn je_a, mi_a;
static free_fn je_f, mi_f;
static void *je_aw(size_t s)
{
    return je_a(s);
}
static void je_fw(void *p)
{
    je_f(p);
}
static void *mi_aw(size_t s)
{
    return mi_a(s);
}
static void mi_fw(void *p)
{
    mi_f(p);
}
static void *gl_a(size_t s)
{
    return malloc(s);
}
static void gl_f(void *p)
{
    free(p);
}

static void *sym(const char *lib, const char *name)
{
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        fprintf(stderr, "dlopen %s: %s\n", lib, dlerror());
        exit(1);
    }
    void *s = dlsym(h, name);
    if (s == NULL) {
        fprintf(stderr, "dlsym %s %s: %s\n", lib, name, dlerror());
        exit(1);
    }
    return s;
}
static void load_libs(void)
{
    union {
        void *p;
        alloc_fn a;
        free_fn f;
    } u;
    u.p = sym("libjemalloc.so.2", "malloc");
    je_a = u.a;
    u.p = sym("libjemalloc.so.2", "free");
    je_f = u.f;
    u.p = sym("libmimalloc.so.2", "mi_malloc");
    mi_a = u.a;
    u.p = sym("libmimalloc.so.2", "mi_free");
    mi_f = u.f;
}
#endif

static allocator_t allocs[8];
static size_t n_allocs;
static void setup(int with_null)
{
    if (with_null)
        allocs[n_allocs++] = (allocator_t){ "null", null_a, null_f, NULL };
    allocs[n_allocs++] = (allocator_t){ TP_NAME, tp_a, tp_f, tp_reset };
#if !BENCH_TS
    load_libs();
    allocs[n_allocs++] = (allocator_t){ "glibc", gl_a, gl_f, NULL };
    allocs[n_allocs++] = (allocator_t){ "jemalloc", je_aw, je_fw, NULL };
    allocs[n_allocs++] = (allocator_t){ "mimalloc", mi_aw, mi_fw, NULL };
#endif
}

/* ---- workloads ---- */
static uint32_t rng;
static inline uint32_t xorshift32(void)
{
    uint32_t x = rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng = x;
}

#define N_PAIRS 100000u
#define N_MIXED 1000000u
#define MAX_LIVE 80u

static NOINLINE void pair_loop(const allocator_t *al, size_t size, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        void *p = al->a(size);
        __asm__ volatile("" : : "r"(p) : "memory");
        al->f(p);
    }
}

static void *live[MAX_LIVE];
static uint32_t n_live;
static uint64_t mixed_failed;

static inline size_t mixed_size(void)
{
    uint32_t r = xorshift32() % 100u;
    uint32_t v = xorshift32();
    if (r < 60u)
        return 32u + v % 225u; /* 32..256 */
    if (r < 85u)
        return 257u + v % 768u; /* 257..1024 */
    return 1025u + v % 3072u;   /* 1025..4096 */
}

/* One op of the mixed workload: live count random-walks in [0, 80]. */
static inline void mixed_op(const allocator_t *al)
{
    uint32_t r = xorshift32();
    int do_alloc = n_live == 0u || (n_live < MAX_LIVE && (r & 1u));
    if (do_alloc) {
        void *p = al->a(mixed_size());
        if (p != NULL) {
            live[n_live++] = p;
        } else {
            mixed_failed++;
        }
    } else {
        uint32_t k = xorshift32() % n_live;
        void *p = live[k];
        live[k] = live[--n_live];
        al->f(p);
    }
}

static void mixed_begin(const allocator_t *al)
{
    if (al->reset)
        al->reset();
    rng = 2463534242u;
    n_live = 0;
    mixed_failed = 0;
}
static void mixed_end(const allocator_t *al)
{
    while (n_live)
        al->f(live[--n_live]);
}

static NOINLINE void mixed_loop(const allocator_t *al, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        mixed_op(al);
}

static const size_t sizes[] = { 64, 256, 1000, 4096 };

static void dump(const char *label)
{
    CALLGRIND_DUMP_STATS_AT(label);
}

/* ---- callgrind mode ---- */
static void run_cg(void)
{
    char label[128];
    setup(1);
    for (size_t i = 0; i < n_allocs; i++) {
        const allocator_t *al = &allocs[i];
        for (size_t s = 0; s < 4; s++) {
            if (al->reset)
                al->reset();
            pair_loop(al, sizes[s], 1000); /* warm up: first use of a size class */
            CALLGRIND_ZERO_STATS;
            CALLGRIND_TOGGLE_COLLECT;
            pair_loop(al, sizes[s], N_PAIRS);
            CALLGRIND_TOGGLE_COLLECT;
            snprintf(label, sizeof label, "pair %s %zu n=%u", al->name, sizes[s], N_PAIRS);
            dump(label);
        }
        mixed_begin(al);
        CALLGRIND_ZERO_STATS;
        CALLGRIND_TOGGLE_COLLECT;
        mixed_loop(al, N_MIXED);
        CALLGRIND_TOGGLE_COLLECT;
        snprintf(label, sizeof label, "mixed %s failed=%llu n=%u", al->name, (unsigned long long)mixed_failed, N_MIXED);
        dump(label);
        mixed_end(al);
    }
    /* tracking: plain TP_ALLOC (tracking off) is tp_alloc, measured above;
     * the tracked API with a tracker attached, flags 0 and CANARY|POISON */
    static const uint32_t fl[2] = { 0, TP_TRACK_CANARY | TP_TRACK_POISON };
    static const char *fln[2] = { "track", "track-canary-poison" };
    for (int k = 0; k < 2; k++) {
        track_flags = fl[k];
        allocator_t tk = { fln[k], tk_a, tk_f, tk_reset };
        for (size_t s = 0; s < 4; s++) {
            tk_reset();
            pair_loop(&tk, sizes[s], 1000);
            CALLGRIND_ZERO_STATS;
            CALLGRIND_TOGGLE_COLLECT;
            pair_loop(&tk, sizes[s], N_PAIRS);
            CALLGRIND_TOGGLE_COLLECT;
            snprintf(label, sizeof label, "pair %s %zu n=%u", tk.name, sizes[s], N_PAIRS);
            dump(label);
        }
        tp_track_detach(&tracker);
    }

    /* worst single calls, K times on fresh state, plus an empty toggle pair */
    enum { K = 1000 };
    void *volatile sink;
    CALLGRIND_ZERO_STATS;
    for (int k = 0; k < K; k++) {
        tp_reset();
        CALLGRIND_TOGGLE_COLLECT;
        CALLGRIND_TOGGLE_COLLECT;
    }
    snprintf(label, sizeof label, "single empty n=%d", K);
    dump(label);
    /* (a) smallest-tier request, tiers 0 and 1 full: falls back to the last
     * tier and takes its last free block, so every conditional store runs:
     * fallback counted, the tier's free list emptied, peak raised */
    for (int k = 0; k < K; k++) {
        tp_reset();
        for (int j = 0; j < 64; j++)
            (void)tp_alloc(&pool, 256);
        for (int j = 0; j < 24; j++)
            (void)tp_alloc(&pool, 1024);
        for (int j = 0; j < 11; j++)
            (void)tp_alloc(&pool, 4096);
        CALLGRIND_TOGGLE_COLLECT;
        sink = tp_alloc(&pool, 64);
        CALLGRIND_TOGGLE_COLLECT;
        if (sink == NULL) {
            fprintf(stderr, "worst alloc failed\n");
            exit(1);
        }
    }
    snprintf(label, sizeof label, "single alloc-fallback-all %s n=%d", TP_NAME, K);
    dump(label);
    /* (a') every tier full: falls back through all and fails */
    for (int k = 0; k < K; k++) {
        tp_reset();
        for (int j = 0; j < 64; j++)
            (void)tp_alloc(&pool, 256);
        for (int j = 0; j < 24; j++)
            (void)tp_alloc(&pool, 1024);
        for (int j = 0; j < 12; j++)
            (void)tp_alloc(&pool, 4096);
        CALLGRIND_TOGGLE_COLLECT;
        sink = tp_alloc(&pool, 64);
        CALLGRIND_TOGGLE_COLLECT;
    }
    snprintf(label, sizeof label, "single alloc-all-full-fail %s n=%d", TP_NAME, K);
    dump(label);
    /* (b) free of a block of the last tier: the tier lookup walks every tier */
    for (int k = 0; k < K; k++) {
        tp_reset();
        void *p = tp_alloc(&pool, 4096);
        CALLGRIND_TOGGLE_COLLECT;
        (void)tp_free(&pool, p);
        CALLGRIND_TOGGLE_COLLECT;
    }
    snprintf(label, sizeof label, "single free-last-tier %s n=%d", TP_NAME, K);
    dump(label);
    /* plain first-tier alloc and free for reference */
    for (int k = 0; k < K; k++) {
        tp_reset();
        CALLGRIND_TOGGLE_COLLECT;
        sink = tp_alloc(&pool, 64);
        CALLGRIND_TOGGLE_COLLECT;
    }
    snprintf(label, sizeof label, "single alloc-first-tier %s n=%d", TP_NAME, K);
    dump(label);
    (void)sink;
}

/* A pool of TP_CFG_MAX_TIERS tiers (16 x (i + 1) bytes, 4 blocks each): what
 * each tier past the first adds to a pair (the tier searches are linear). */
static tp_pool_t pool_many;
TP_POOL_STORAGE_DEFINE(storage_many, TP_POOL_STORAGE_BOUND(TP_CFG_MAX_TIERS, 16 * 4 * 136, 64));
static void many_reset(void)
{
    tp_tier_t t[TP_CFG_MAX_TIERS];
    for (uint32_t i = 0; i < TP_CFG_MAX_TIERS; i++) {
        t[i] = (tp_tier_t){ 16u * (i + 1u), 4u };
    }
    memset(&pool_many, 0, sizeof pool_many);
    if (tp_pool_init(&pool_many, t, TP_CFG_MAX_TIERS, storage_many, sizeof storage_many) != TP_OK) {
        fprintf(stderr, "tp_pool_init (many tiers) failed\n");
        exit(1);
    }
}
static void *many_a(size_t s)
{
    return tp_alloc(&pool_many, s);
}
static void many_f(void *p)
{
    (void)tp_free(&pool_many, p);
}

/* ---- direct mode: --toggle-collect=tp_alloc/tp_free, library only ---- */
static void run_direct(void)
{
    char label[128];
    allocator_t many = { TP_NAME, many_a, many_f, many_reset };
    for (uint32_t tier = 0; tier < TP_CFG_MAX_TIERS; tier += TP_CFG_MAX_TIERS - 1u) {
        many_reset();
        const size_t size = 16u * (tier + 1u);
        pair_loop(&many, size, 1000);
        CALLGRIND_ZERO_STATS;
        pair_loop(&many, size, N_PAIRS);
        snprintf(label, sizeof label, "directmany %s tier%u n=%u", many.name, (unsigned)tier, N_PAIRS);
        dump(label);
    }
    allocator_t al = { TP_NAME, tp_a, tp_f, tp_reset };
    for (size_t s = 0; s < 4; s++) {
        tp_reset();
        pair_loop(&al, sizes[s], 1000);
        CALLGRIND_ZERO_STATS;
        pair_loop(&al, sizes[s], N_PAIRS);
        snprintf(label, sizeof label, "direct %s %zu n=%u", al.name, sizes[s], N_PAIRS);
        dump(label);
    }
    mixed_begin(&al);
    CALLGRIND_ZERO_STATS;
    mixed_loop(&al, N_MIXED);
    snprintf(label, sizeof label, "directmixed %s failed=%llu n=%u", al.name, (unsigned long long)mixed_failed,
             N_MIXED);
    dump(label);
    mixed_end(&al);
}

/* ---- worstops: each of 2000 mixed ops measured on its own (after 10000 warm-up ops) ---- */
static void run_worstops(void)
{
    char label[128];
    setup(1);
    for (size_t i = 0; i < n_allocs; i++) {
        const allocator_t *al = &allocs[i];
        mixed_begin(al);
        mixed_loop(al, 10000);
        for (int k = 0; k < 2000; k++) {
            /* decide the op outside the measured region: peek the rng */
            uint32_t save = rng;
            uint32_t r = xorshift32();
            rng = save;
            int is_alloc = n_live == 0u || (n_live < MAX_LIVE && (r & 1u));
            CALLGRIND_ZERO_STATS;
            CALLGRIND_TOGGLE_COLLECT;
            mixed_op(al);
            CALLGRIND_TOGGLE_COLLECT;
            snprintf(label, sizeof label, "op %s %s", al->name, is_alloc ? "alloc" : "free");
            dump(label);
        }
        mixed_end(al);
    }
}

/* ---- time mode ---- */
static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}
static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
#define REPS 15
static void run_time(void)
{
    double v[REPS];
    setup(1);
    for (size_t i = 0; i < n_allocs; i++) {
        const allocator_t *al = &allocs[i];
        for (size_t s = 0; s < 4; s++) {
            if (al->reset)
                al->reset();
            pair_loop(al, sizes[s], 10000);
            for (int r = 0; r < REPS; r++) {
                double t0 = now_ns();
                pair_loop(al, sizes[s], N_PAIRS);
                v[r] = (now_ns() - t0) / N_PAIRS;
            }
            qsort(v, REPS, sizeof v[0], cmpd);
            printf("time pair %s %zu %.2f\n", al->name, sizes[s], v[REPS / 2]);
        }
        for (int r = 0; r < REPS; r++) {
            mixed_begin(al);
            double t0 = now_ns();
            mixed_loop(al, N_MIXED);
            v[r] = (now_ns() - t0) / N_MIXED;
            mixed_end(al);
        }
        qsort(v, REPS, sizeof v[0], cmpd);
        printf("time mixed %s %.2f\n", al->name, v[REPS / 2]);
    }
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "time";
    if (!strcmp(mode, "cg"))
        run_cg();
    else if (!strcmp(mode, "direct"))
        run_direct();
    else if (!strcmp(mode, "worstops"))
        run_worstops();
    else if (!strcmp(mode, "time"))
        run_time();
    else {
        fprintf(stderr, "usage: %s cg|direct|worstops|time\n", argv[0]);
        return 2;
    }
    return 0;
}
