/*
 * test_pool_model.c - long seeded random sequences of tierpool calls, each
 * checked after every step against a deliberately simple reference model:
 * one flag per block and, per tier, a plain array used as a stack of free
 * blocks (the last freed is the first reused; a new pool starts at block 0).
 * The model
 * predicts the exact block every tp_alloc returns, every error of tp_free,
 * and every statistic. Live blocks carry a byte pattern checked for damage,
 * which also proves no two live blocks overlap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tierpool.h"
#include "tp_test_util.h"

#define MAX_BLOCKS 1200

typedef struct {
    uint8_t live;
    uint8_t fill; /* pattern byte written into the block */
    uint32_t requested;
} model_block_t;

typedef struct {
    tp_tier_t tier[TP_CFG_MAX_TIERS];
    uint32_t first[TP_CFG_MAX_TIERS];
    uint32_t reserve[TP_CFG_MAX_TIERS];
    uint32_t n;
    model_block_t block[MAX_BLOCKS];
    /* expected statistics */
    uint32_t in_use[TP_CFG_MAX_TIERS], peak[TP_CFG_MAX_TIERS], failed[TP_CFG_MAX_TIERS];
    uint32_t fallbacks[TP_CFG_MAX_TIERS];
    uint64_t allocs[TP_CFG_MAX_TIERS], frees[TP_CFG_MAX_TIERS], requested[TP_CFG_MAX_TIERS];
    uint32_t zero, oversize, foreign, bad, dbl;
    uint32_t free_stack[TP_CFG_MAX_TIERS][MAX_BLOCKS]; /* pool-wide indices */
    uint32_t free_top[TP_CFG_MAX_TIERS];
} model_t;

static model_t model;
static tp_pool_t pool;
static _Alignas(64) uint8_t storage[160 * 1024];
static uint8_t *live_ptr[MAX_BLOCKS]; /* by pool-wide index */

static uint32_t model_pick(uint32_t size, int critical, uint32_t *best_out)
{
    uint32_t best = 0;
    while (model.tier[best].block_size < size) {
        best++;
    }
    *best_out = best;
    for (uint32_t t = best; t < model.n; t++) {
        const uint32_t limit = critical ? model.tier[t].block_count : model.tier[t].block_count - model.reserve[t];
        if (model.in_use[t] < limit) {
            return t;
        }
    }
    return UINT32_MAX;
}

static void check_stats(void)
{
    tp_pool_stats_t s;
    assert_int_equal(tp_pool_get_stats(&pool, &s), TP_OK);
    uint32_t largest = 0;
    for (uint32_t t = 0; t < model.n; t++) {
        assert_int_equal(s.tier[t].in_use, model.in_use[t]);
        assert_int_equal(s.tier[t].peak_in_use, model.peak[t]);
        assert_int_equal(s.tier[t].failed, model.failed[t]);
        assert_int_equal(s.tier[t].fallbacks, model.fallbacks[t]);
        assert_int_equal(s.tier[t].allocs, model.allocs[t]);
        assert_int_equal(s.tier[t].frees, model.frees[t]);
        assert_int_equal(s.tier[t].bytes_requested, model.requested[t]);
        assert_int_equal(s.tier[t].bytes_handed_out, model.allocs[t] * model.tier[t].block_size);
        if (model.in_use[t] < model.tier[t].block_count - model.reserve[t]) {
            largest = model.tier[t].block_size;
        }
    }
    assert_int_equal(s.largest_allocatable, largest);
    assert_int_equal(tp_pool_largest_allocatable(&pool), largest);
    assert_int_equal(s.zero_requests, model.zero);
    assert_int_equal(s.oversize_requests, model.oversize);
    assert_int_equal(s.foreign_frees, model.foreign);
    assert_int_equal(s.bad_frees, model.bad);
    assert_int_equal(s.double_frees, model.dbl);
}

/* Every live block still holds its pattern over its full usable size. */
static void check_contents(void)
{
    for (uint32_t t = 0; t < model.n; t++) {
        for (uint32_t i = 0; i < model.tier[t].block_count; i++) {
            const uint32_t g = model.first[t] + i;
            if (!model.block[g].live) {
                continue;
            }
            const uint8_t *p = live_ptr[g];
            for (uint32_t b = 0; b < model.tier[t].block_size; b++) {
                if (p[b] != model.block[g].fill) {
                    fail_msg("block %u byte %u damaged", (unsigned)g, (unsigned)b);
                }
            }
        }
    }
}

#ifdef NDEBUG
#define CHECK_EVERY_STEP 0
#else
#define CHECK_EVERY_STEP 1
#endif

/* Every invariant (tp_pool_check), and the cheap variant agrees. */
static void check_pool(uint32_t step)
{
    tp_check_fault_t fault;
    if (tp_pool_check(&pool, &fault) != TP_OK) {
        fail_msg("step %u: tier %u block %u: %s", (unsigned)step, (unsigned)fault.tier, (unsigned)fault.block,
                 tp_check_rule_text(fault.rule));
    }
    assert_int_equal(tp_pool_check_tiers(&pool, &fault), TP_OK);
}

static void do_alloc(uint32_t *rng)
{
    const uint32_t max = model.tier[model.n - 1].block_size;
    const uint32_t roll = tp_test_rand(rng) % 100u;
    uint32_t size;
    if (roll < 2) {
        size = 0;
    } else if (roll < 4) {
        size = max + 1u + tp_test_rand(rng) % 1000u;
    } else {
        size = tp_test_range(rng, 1, max);
    }
    const int critical = (tp_test_rand(rng) % 8u) == 0u;
    uint8_t *p = critical ? tp_alloc_critical(&pool, size) : tp_alloc(&pool, size);

    if (size == 0u || size > max) {
        assert_null(p);
        if (size == 0u) {
            model.zero++;
        } else {
            model.oversize++;
        }
        return;
    }
    uint32_t best;
    const uint32_t t = model_pick(size, critical, &best);
    if (t == UINT32_MAX) {
        assert_null(p);
        model.failed[best]++;
        return;
    }
    /* The model's choice: the top of tier t's stack of free blocks. */
    assert_true(model.free_top[t] > 0u);
    const uint32_t g = model.free_stack[t][--model.free_top[t]];
    assert_int_equal(model.block[g].live, 0);
    assert_non_null(p);
    tp_block_info_t info;
    assert_int_equal(tp_pool_locate(&pool, p, &info), TP_OK);
    assert_int_equal(info.index, g);
    assert_ptr_equal(info.start, p);
    assert_int_equal(tp_block_size(&pool, p), model.tier[t].block_size);

    model.block[g].live = 1;
    model.block[g].fill = (uint8_t)(tp_test_rand(rng) | 1u);
    model.block[g].requested = size;
    live_ptr[g] = p;
    memset(p, model.block[g].fill, model.tier[t].block_size);
    model.in_use[t]++;
    if (model.in_use[t] > model.peak[t]) {
        model.peak[t] = model.in_use[t];
    }
    model.allocs[t]++;
    model.requested[t] += size;
    if (t != best) {
        model.fallbacks[best]++;
    }
}

static uint32_t tier_of_index(uint32_t g)
{
    uint32_t t = 0;
    while (g >= model.first[t] + model.tier[t].block_count) {
        t++;
    }
    return t;
}

static void do_free(uint32_t *rng, uint32_t total)
{
    const uint32_t g = tp_test_rand(rng) % total;
    const uint32_t t = tier_of_index(g);
    const uint32_t roll = tp_test_rand(rng) % 100u;
    tp_block_info_t info;
    assert_int_equal(tp_pool_block_at(&pool, g, &info), TP_OK);
    uint8_t *start = info.start;

    if (roll < 5 && model.tier[t].block_size > 1u) { /* inside the block, not its start */
        const uint32_t off = tp_test_range(rng, 1, model.tier[t].block_size - 1u);
        assert_int_equal(tp_free(&pool, start + off), TP_ERR_BAD_PTR);
        model.bad++;
    } else if (roll < 8) {
        static uint8_t elsewhere[16];
        assert_int_equal(tp_free(&pool, &elsewhere[tp_test_rand(rng) % 16u]), TP_ERR_FOREIGN_PTR);
        model.foreign++;
    } else if (!model.block[g].live) {
        assert_int_equal(tp_free(&pool, start), TP_ERR_DOUBLE_FREE);
        model.dbl++;
    } else {
        assert_int_equal(tp_free(&pool, start), TP_OK);
        assert_int_equal(tp_block_size(&pool, start), 0);
        model.block[g].live = 0;
        model.free_stack[t][model.free_top[t]++] = g;
        model.in_use[t]--;
        model.frees[t]++;
    }
}

static void run_model(const tp_tier_t *tiers, uint32_t n, uint32_t seed, uint32_t steps)
{
    memset(&model, 0, sizeof model);
    memcpy(model.tier, tiers, n * sizeof tiers[0]);
    model.n = n;
    uint32_t total = 0;
    for (uint32_t t = 0; t < n; t++) {
        model.first[t] = total;
        for (uint32_t i = tiers[t].block_count; i-- > 0u;) {
            model.free_stack[t][model.free_top[t]++] = total + i;
        }
        total += tiers[t].block_count;
    }
    assert_true(total <= MAX_BLOCKS);
    assert_true(tp_pool_storage_size(tiers, n) <= sizeof storage);
    memset(storage, 0, sizeof storage);
    assert_int_equal(tp_pool_init(&pool, tiers, n, storage, sizeof storage), TP_OK);

    uint32_t rng = seed;
    for (uint32_t step = 0; step < steps; step++) {
        const uint32_t roll = tp_test_rand(&rng) % 1000u;
        if (roll < 3) { /* change a tier's critical reserve */
            const uint32_t t = tp_test_rand(&rng) % n;
            const uint32_t r = tp_test_rand(&rng) % (tiers[t].block_count / 2u + 1u);
            assert_int_equal(tp_pool_set_reserve(&pool, t, r), TP_OK);
            model.reserve[t] = r;
        } else if (roll < 5) {
            assert_int_equal(tp_pool_reset_peak(&pool), TP_OK);
            memcpy(model.peak, model.in_use, sizeof model.peak);
        } else if (roll < 520) { /* slightly more allocs than frees: pools fill up */
            do_alloc(&rng);
        } else {
            do_free(&rng, total);
        }
        check_stats();
        /* The assertion build (no NDEBUG) validates the whole pool around
         * every call, as o1heap's tests do; the others every 64 steps. */
        if (CHECK_EVERY_STEP || (step & 63u) == 0u) {
            check_pool(step);
        }
        if ((step & 63u) == 0u) {
            check_contents();
        }
    }
    check_contents();
}

static void test_model_seed_tiers(void **state)
{
    (void)state;
    const tp_tier_t tiers[] = { { 256, 64 }, { 1024, 24 }, { 4096, 12 } };
    for (uint32_t seed = 1; seed <= 3; seed++) {
        run_model(tiers, 3, seed * 2654435761u, 2000u * TP_TEST_SCALE);
    }
}

static void test_model_odd_sizes(void **state)
{
    (void)state;
    const tp_tier_t tiers[] = { { 12, 33 }, { 24, 65 }, { 100, 31 }, { 333, 40 }, { 1000, 5 } };
    run_model(tiers, 5, 0xC0FFEEu, 3000u * TP_TEST_SCALE);
}

static void test_model_many_tiers(void **state)
{
    (void)state;
    tp_tier_t tiers[TP_CFG_MAX_TIERS];
    for (uint32_t i = 0; i < TP_CFG_MAX_TIERS; i++) {
        tiers[i].block_size = 8u + 24u * i;
        tiers[i].block_count = 1u + (i * 7u) % 40u;
    }
    run_model(tiers, TP_CFG_MAX_TIERS, 0xBADC0DEu, 3000u * TP_TEST_SCALE);
}

static void test_model_big_tier(void **state)
{
    (void)state;
    const tp_tier_t tiers[] = { { 16, 1024 }, { 64, 100 } };
    run_model(tiers, 2, 77u, 4000u * TP_TEST_SCALE);
}

int main(void)
{
    print_message("pool checked after %s step\n", CHECK_EVERY_STEP ? "every" : "every 64th");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_seed_tiers),
        cmocka_unit_test(test_model_odd_sizes),
        cmocka_unit_test(test_model_many_tiers),
        cmocka_unit_test(test_model_big_tier),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
