/*
 * test_store.c - the bounded item store (tp_store.h): oldest-first eviction,
 * replacement, all-or-nothing loads (the seed's loader evicted before it knew
 * the new pattern fitted, and ignored what fread returned), pins, and a seeded
 * random run against a reference model that predicts the store's content and
 * order and the pool blocks it holds after every step.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "tierpool.h"
#include "tp_store.h"
#include "tp_test_util.h"

#define ITEM 1000 /* a seed pattern: fits a 1 KiB block */

static const tp_tier_t tiers[] = { { 64, 8 }, { 1024, 12 } };
TP_POOL_STORAGE_DEFINE(storage, TP_POOL_STORAGE_BOUND(2, 64 * 8 + 1024 * 12, 20));
static tp_pool_t pool;

static int setup(void **state)
{
    (void)state;
    assert_int_equal(tp_pool_init(&pool, tiers, 2, storage, sizeof storage), TP_OK);
    return 0;
}

static uint32_t in_use(void)
{
    tp_pool_stats_t st;
    assert_int_equal(tp_pool_get_stats(&pool, &st), TP_OK);
    return st.blocks_in_use;
}

/* A "file": fill writes `avail` bytes of `tag` (fewer than asked = a short read). */
typedef struct {
    uint8_t tag;
    size_t avail;
    tp_err_t err;
    int calls;
} source_t;

static tp_err_t fill_fn(void *block, size_t size, size_t *filled, void *user)
{
    source_t *s = user;
    s->calls++;
    const size_t n = s->avail < size ? s->avail : size;
    memset(block, s->tag, n);
    *filled = n;
    return s->err;
}

/* Valid when every byte equals the first and the first is not 0xBD ("bad data"). */
static tp_err_t check_fn(const void *data, size_t len, void *user)
{
    (void)user;
    const uint8_t *p = data;
    if (p[0] == 0xBDu) {
        return TP_ERR_CORRUPT;
    }
    for (size_t i = 1; i < len; i++) {
        if (p[i] != p[0]) {
            return TP_ERR_CORRUPT;
        }
    }
    return TP_OK;
}

static tp_err_t load(tp_store_t *s, const char *key, uint8_t tag, tp_store_result_t *res)
{
    source_t src = { tag, ITEM, TP_OK, 0 };
    return tp_store_load(s, key, ITEM, fill_fn, check_fn, &src, res);
}

/* The store's keys oldest first, joined with ',', and every item's bytes checked. */
static void expect_keys(tp_store_t *s, const char *want)
{
    char got[256] = "";
    const uint32_t n = tp_store_count(s);
    for (uint32_t i = 0; i < n; i++) {
        char key[TP_CFG_STORE_KEY_LEN];
        uint32_t len = 0;
        assert_int_equal(tp_store_key_at(s, i, key, sizeof key, &len), TP_OK);
        assert_int_equal(len, ITEM);
        if (i > 0) {
            strcat(got, ",");
        }
        strcat(got, key);
    }
    assert_string_equal(got, want);
}

static void test_init_errors(void **state)
{
    (void)state;
    tp_store_t s;
    tp_pool_t raw;
    memset(&raw, 0, sizeof raw);
    assert_int_equal(tp_store_init(NULL, &pool, 4, 1), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_store_init(&s, NULL, 4, 1), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_store_init(&s, &raw, 4, 1), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_store_init(&s, &pool, 0, 1), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_store_init(&s, &pool, TP_CFG_STORE_MAX_SLOTS, 1), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_store_init(&s, &pool, TP_CFG_STORE_MAX_SLOTS, 0), TP_OK);
    memset(&s, 0, sizeof s);
    assert_int_equal(tp_store_count(&s), 0);
    assert_int_equal(load(&s, "a", 1, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_store_remove(&s, "a"), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_store_clear(&s), TP_ERR_INVALID_ARG);
    tp_store_stats_t st;
    assert_int_equal(tp_store_stats(&s, &st), TP_ERR_INVALID_ARG);
    assert_int_equal(in_use(), 0);
}

static void test_keys(void **state)
{
    (void)state;
    tp_store_t s;
    assert_int_equal(tp_store_init(&s, &pool, 4, 1), TP_OK);
    char longest[TP_CFG_STORE_KEY_LEN];
    memset(longest, 'k', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    char too_long[TP_CFG_STORE_KEY_LEN + 1];
    memset(too_long, 'k', sizeof too_long - 1);
    too_long[sizeof too_long - 1] = '\0';
    assert_int_equal(load(&s, NULL, 1, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(load(&s, "", 1, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(load(&s, too_long, 1, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(in_use(), 0);
    assert_int_equal(load(&s, longest, 1, NULL), TP_OK);
    assert_true(tp_store_contains(&s, longest));
    char small[5];
    uint32_t len;
    assert_int_equal(tp_store_key_at(&s, 0, small, sizeof small, &len), TP_ERR_TRUNCATED);
    assert_string_equal(small, "kkkk");
    assert_int_equal(tp_store_key_at(&s, 1, small, sizeof small, &len), TP_ERR_NOT_FOUND);
    assert_int_equal(tp_store_key_at(&s, 0, NULL, 4, &len), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_store_clear(&s), TP_OK);
    assert_int_equal(in_use(), 0);
}

static void test_oldest_first_eviction(void **state)
{
    (void)state;
    tp_store_t s;
    tp_store_result_t res;
    assert_int_equal(tp_store_init(&s, &pool, 3, 0), TP_OK);
    assert_int_equal(load(&s, "a", 1, &res), TP_OK);
    assert_false(res.evicted);
    assert_int_equal(load(&s, "b", 2, NULL), TP_OK);
    assert_int_equal(load(&s, "c", 3, NULL), TP_OK);
    expect_keys(&s, "a,b,c");
    assert_int_equal(load(&s, "d", 4, &res), TP_OK);
    assert_true(res.evicted);
    assert_false(res.replaced);
    assert_string_equal(res.evicted_key, "a");
    expect_keys(&s, "b,c,d");
    /* a replacement is new: it moves to the end, and evicts nothing */
    assert_int_equal(load(&s, "b", 5, &res), TP_OK);
    assert_true(res.replaced);
    assert_false(res.evicted);
    expect_keys(&s, "c,d,b");
    tp_store_ref_t ref;
    assert_int_equal(tp_store_get(&s, "b", &ref), TP_ERR_NO_MEM); /* max_pins 0 */
    assert_int_equal(in_use(), 3);
    tp_store_stats_t st;
    assert_int_equal(tp_store_stats(&s, &st), TP_OK);
    assert_int_equal(st.adds, 5);
    assert_int_equal(st.evicted, 1);
    assert_int_equal(st.replaced, 1);
    assert_int_equal(st.items, 3);
    assert_int_equal(st.blocks, 3);
    assert_int_equal(st.pin_refused, 1);
    assert_int_equal(tp_store_remove(&s, "d"), TP_OK);
    assert_int_equal(tp_store_remove(&s, "d"), TP_ERR_NOT_FOUND);
    expect_keys(&s, "c,b");
    assert_int_equal(in_use(), 2);
    assert_int_equal(tp_store_clear(&s), TP_OK);
    expect_keys(&s, "");
    assert_int_equal(in_use(), 0);
}

/* Seed flaw: pattern_load evicted the oldest pattern before it knew the new one
 * could be allocated. Here a load that cannot get a block changes nothing. */
static void test_full_store_failed_load_keeps_everything(void **state)
{
    (void)state;
    tp_store_t s;
    assert_int_equal(tp_store_init(&s, &pool, 8, 0), TP_OK);
    const char *keys[8] = { "p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7" };
    for (int i = 0; i < 8; i++) {
        assert_int_equal(load(&s, keys[i], (uint8_t)(i + 1), NULL), TP_OK);
    }
    /* the rest of the 1 KiB tier is taken by someone else */
    void *other[4];
    for (int i = 0; i < 4; i++) {
        other[i] = tp_alloc(&pool, ITEM);
        assert_non_null(other[i]);
    }
    source_t src = { 9, ITEM, TP_OK, 0 };
    tp_store_result_t res;
    assert_int_equal(tp_store_load(&s, "p8", ITEM, fill_fn, check_fn, &src, &res), TP_ERR_NO_MEM);
    assert_int_equal(src.calls, 0);
    assert_false(res.evicted);
    expect_keys(&s, "p0,p1,p2,p3,p4,p5,p6,p7");
    for (int i = 0; i < 8; i++) {
        tp_store_ref_t ref;
        assert_int_equal(tp_store_get(&s, keys[i], &ref), TP_ERR_NO_MEM); /* no pins configured */
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(tp_free(&pool, other[i]), TP_OK);
    }
    /* with a free block the same load succeeds and only then evicts the oldest */
    assert_int_equal(tp_store_load(&s, "p8", ITEM, fill_fn, check_fn, &src, &res), TP_OK);
    assert_string_equal(res.evicted_key, "p0");
    expect_keys(&s, "p1,p2,p3,p4,p5,p6,p7,p8");
    tp_store_stats_t st;
    assert_int_equal(tp_store_stats(&s, &st), TP_OK);
    assert_int_equal(st.refused, 1);
    assert_int_equal(tp_store_clear(&s), TP_OK);
    assert_int_equal(in_use(), 0);
}

/* Seed flaw: pattern_load never checked what fread returned. A short read, a
 * failed read or bad data is refused and the store, full or not, is unchanged. */
static void test_short_read_and_bad_data_refused(void **state)
{
    (void)state;
    tp_store_t s;
    tp_store_result_t res;
    assert_int_equal(tp_store_init(&s, &pool, 2, 1), TP_OK);
    assert_int_equal(load(&s, "a", 1, NULL), TP_OK);
    assert_int_equal(load(&s, "b", 2, NULL), TP_OK);
    /* short read */
    source_t src = { 3, ITEM - 1, TP_OK, 0 };
    assert_int_equal(tp_store_load(&s, "c", ITEM, fill_fn, check_fn, &src, &res), TP_ERR_TRUNCATED);
    assert_false(res.evicted);
    /* short read replacing an existing key: the old item stays */
    assert_int_equal(tp_store_load(&s, "a", ITEM, fill_fn, check_fn, &src, &res), TP_ERR_TRUNCATED);
    assert_false(res.replaced);
    /* the read itself failed */
    source_t io = { 3, ITEM, TP_ERR_IO, 0 };
    assert_int_equal(tp_store_load(&s, "c", ITEM, fill_fn, check_fn, &io, NULL), TP_ERR_IO);
    /* bad data */
    source_t bad = { 0xBD, ITEM, TP_OK, 0 };
    assert_int_equal(tp_store_load(&s, "c", ITEM, fill_fn, check_fn, &bad, NULL), TP_ERR_CORRUPT);
    assert_int_equal(tp_store_load(&s, "b", ITEM, fill_fn, check_fn, &bad, NULL), TP_ERR_CORRUPT);
    expect_keys(&s, "a,b");
    assert_int_equal(in_use(), 2);
    tp_store_ref_t ref;
    assert_int_equal(tp_store_get(&s, "a", &ref), TP_OK);
    assert_int_equal(ref.data[0], 1); /* still the first load's bytes */
    assert_int_equal(tp_store_put(&s, &ref), TP_OK);
    assert_int_equal(tp_store_get(&s, "b", &ref), TP_OK);
    assert_int_equal(ref.data[ITEM - 1], 2);
    assert_int_equal(tp_store_put(&s, &ref), TP_OK);
    tp_store_stats_t st;
    assert_int_equal(tp_store_stats(&s, &st), TP_OK);
    assert_int_equal(st.refused, 5);
    assert_int_equal(st.adds, 2);
    assert_int_equal(load(&s, "a", 1, NULL), TP_OK);
    assert_int_equal(tp_store_load(&s, "x", 0, fill_fn, NULL, &src, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_store_load(&s, "x", 10, NULL, NULL, &src, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_store_clear(&s), TP_OK);
    assert_int_equal(in_use(), 0);
}

static void test_adopt(void **state)
{
    (void)state;
    tp_store_t s;
    assert_int_equal(tp_store_init(&s, &pool, 2, 0), TP_OK);
    uint8_t *b = tp_alloc(&pool, ITEM);
    memset(b, 7, ITEM);
    uint8_t local[16];
    assert_int_equal(tp_store_adopt(&s, "x", local, 16, NULL, NULL, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_store_adopt(&s, "x", b + 4, 16, NULL, NULL, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_store_adopt(&s, "x", b, 1025, NULL, NULL, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_store_adopt(&s, "x", b, 0, NULL, NULL, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_store_adopt(&s, "x", NULL, 10, NULL, NULL, NULL), TP_ERR_INVALID_ARG);
    b[5] = 8; /* check fails: the caller keeps the block */
    assert_int_equal(tp_store_adopt(&s, "x", b, ITEM, check_fn, NULL, NULL), TP_ERR_CORRUPT);
    assert_int_equal(tp_store_count(&s), 0);
    b[5] = 7;
    assert_int_equal(tp_store_adopt(&s, "x", b, ITEM, check_fn, NULL, NULL), TP_OK);
    /* the same block twice (under another key) would be owned twice */
    assert_int_equal(tp_store_adopt(&s, "y", b, ITEM, NULL, NULL, NULL), TP_ERR_INVALID_ARG);
    expect_keys(&s, "x");
    /* a freed block is not live */
    uint8_t *c = tp_alloc(&pool, ITEM);
    assert_int_equal(tp_free(&pool, c), TP_OK);
    assert_int_equal(tp_store_adopt(&s, "z", c, ITEM, NULL, NULL, NULL), TP_ERR_INVALID_ARG);
    assert_int_equal(in_use(), 1);
    assert_int_equal(tp_store_remove(&s, "x"), TP_OK);
    assert_int_equal(in_use(), 0);
}

/* Pins keep an item's bytes valid while it is removed, replaced or evicted. */
static void test_pins(void **state)
{
    (void)state;
    tp_store_t s;
    tp_store_result_t res;
    assert_int_equal(tp_store_init(&s, &pool, 2, 2), TP_OK);
    assert_int_equal(load(&s, "a", 1, NULL), TP_OK);
    assert_int_equal(load(&s, "b", 2, NULL), TP_OK);
    tp_store_ref_t ra, rb, rc;
    assert_int_equal(tp_store_get(&s, "a", &ra), TP_OK);
    assert_int_equal(tp_store_get(&s, "nope", &rc), TP_ERR_NOT_FOUND);
    /* evict the pinned "a": it leaves the store, its bytes stay */
    assert_int_equal(load(&s, "c", 3, &res), TP_OK);
    assert_string_equal(res.evicted_key, "a");
    expect_keys(&s, "b,c");
    assert_false(tp_store_contains(&s, "a"));
    assert_int_equal(in_use(), 3);
    assert_int_equal(ra.data[0], 1);
    assert_int_equal(ra.data[ITEM - 1], 1);
    /* replace the pinned "b" */
    assert_int_equal(tp_store_get(&s, "b", &rb), TP_OK);
    assert_int_equal(tp_store_get(&s, "c", &rc), TP_ERR_NO_MEM); /* 2 pins held */
    assert_int_equal(load(&s, "b", 4, &res), TP_OK);
    assert_true(res.replaced);
    assert_int_equal(in_use(), 4); /* c, new b, and the two detached */
    assert_int_equal(rb.data[0], 2);
    tp_store_stats_t st;
    assert_int_equal(tp_store_stats(&s, &st), TP_OK);
    assert_int_equal(st.detached, 2);
    assert_int_equal(st.blocks, 4);
    assert_int_equal(st.pins, 2);
    /* the last pin frees them */
    assert_int_equal(tp_store_put(&s, &ra), TP_OK);
    assert_int_equal(in_use(), 3);
    assert_int_equal(tp_store_put(&s, &rb), TP_OK);
    assert_int_equal(in_use(), 2);
    /* a reference put twice is refused and counted */
    assert_int_equal(tp_store_put(&s, &rb), TP_ERR_INVALID_ARG);
    tp_store_ref_t forged = { NULL, 0, 0, 12345 };
    assert_int_equal(tp_store_put(&s, &forged), TP_ERR_INVALID_ARG);
    forged.slot = 999;
    assert_int_equal(tp_store_put(&s, &forged), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_store_stats(&s, &st), TP_OK);
    assert_int_equal(st.bad_puts, 3);
    /* a pinned item removed, then the store cleared: freed at the put */
    assert_int_equal(tp_store_get(&s, "c", &rc), TP_OK);
    assert_int_equal(tp_store_clear(&s), TP_OK);
    assert_int_equal(in_use(), 1);
    assert_int_equal(rc.data[0], 3);
    assert_int_equal(tp_store_put(&s, &rc), TP_OK);
    assert_int_equal(in_use(), 0);
}

/* A copy of a reference kept after its put names a slot and a block that a
 * later item may get again (the pool reuses the freed block first): the
 * item's sequence number tells them apart, so the stale put is refused and
 * the new item's pin stays. */
static void test_stale_ref_refused(void **state)
{
    (void)state;
    tp_store_t s;
    assert_int_equal(tp_store_init(&s, &pool, 2, 2), TP_OK);
    assert_int_equal(load(&s, "a", 1, NULL), TP_OK);
    tp_store_ref_t ra, stale, rb;
    assert_int_equal(tp_store_get(&s, "a", &ra), TP_OK);
    stale = ra;
    assert_int_equal(tp_store_put(&s, &ra), TP_OK);
    assert_int_equal(tp_store_remove(&s, "a"), TP_OK);
    assert_int_equal(load(&s, "b", 2, NULL), TP_OK);
    assert_int_equal(tp_store_get(&s, "b", &rb), TP_OK);
    /* the same slot and block: only the sequence number differs */
    assert_int_equal(rb.slot, stale.slot);
    assert_ptr_equal(rb.data, stale.data);
    assert_int_not_equal(rb.seq, stale.seq);
    assert_int_equal(tp_store_put(&s, &stale), TP_ERR_INVALID_ARG);
    tp_store_stats_t st;
    assert_int_equal(tp_store_stats(&s, &st), TP_OK);
    assert_int_equal(st.bad_puts, 1);
    assert_int_equal(st.pins, 1);
    assert_int_equal(tp_store_put(&s, &rb), TP_OK);
    assert_int_equal(tp_store_clear(&s), TP_OK);
    assert_int_equal(in_use(), 0);
}

/* ---- seeded random run against a reference model ---- */

#define M_CAP 5
#define M_PINS 3
#define M_KEYS 8

typedef struct {
    int key;     /* index into key names */
    uint8_t tag; /* the byte the item is filled with */
    int pins;
} m_item_t;

typedef struct {
    m_item_t live[M_CAP]; /* oldest first */
    int n;
    m_item_t detached[M_PINS];
    int n_detached;
    int pins;
} store_model_t;

typedef struct {
    tp_store_ref_t ref;
    uint8_t tag;
    int held;
} held_t;

static void model_unlink(store_model_t *m, int k)
{
    const m_item_t it = m->live[k];
    memmove(&m->live[k], &m->live[k + 1], (size_t)(m->n - k - 1) * sizeof m->live[0]);
    m->n--;
    if (it.pins > 0) {
        m->detached[m->n_detached++] = it;
    }
}

static int model_find(const store_model_t *m, int key)
{
    for (int k = 0; k < m->n; k++) {
        if (m->live[k].key == key) {
            return k;
        }
    }
    return -1;
}

static void test_random_against_model(void **state)
{
    (void)state;
    static const char *names[M_KEYS] = { "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7" };
    for (uint32_t seed = 1; seed <= 30u * TP_TEST_SCALE; seed++) {
        uint32_t rng = seed * 0x9E3779B9u;
        tp_store_t s;
        store_model_t m;
        memset(&m, 0, sizeof m);
        held_t held[M_PINS + 2];
        memset(held, 0, sizeof held);
        void *hog[12];
        int n_hog = 0;
        uint8_t next_tag = 1;
        assert_int_equal(tp_store_init(&s, &pool, M_CAP, M_PINS), TP_OK);
        for (int step = 0; step < 300; step++) {
            const uint32_t op = tp_test_range(&rng, 0, 99);
            const int key = (int)tp_test_range(&rng, 0, M_KEYS - 1);
            if (op < 40) { /* load: good, short, bad data */
                const uint32_t kind = tp_test_range(&rng, 0, 9);
                source_t src = { next_tag, ITEM, TP_OK, 0 };
                if (kind == 0) {
                    src.avail = tp_test_range(&rng, 0, ITEM - 1);
                } else if (kind == 1) {
                    src.tag = 0xBD;
                }
                tp_store_result_t res;
                const tp_err_t err = tp_store_load(&s, names[key], ITEM, fill_fn, check_fn, &src, &res);
                /* the model: is there a block for it? */
                uint32_t used = (uint32_t)(m.n + m.n_detached + n_hog);
                tp_err_t want = used >= 12  ? TP_ERR_NO_MEM
                                : kind == 0 ? TP_ERR_TRUNCATED
                                : kind == 1 ? TP_ERR_CORRUPT
                                            : TP_OK;
                assert_int_equal(err, want);
                if (want == TP_OK) {
                    const int k = model_find(&m, key);
                    assert_int_equal(res.replaced, k >= 0);
                    if (k >= 0) {
                        model_unlink(&m, k);
                    } else if (m.n == M_CAP) {
                        assert_true(res.evicted);
                        assert_string_equal(res.evicted_key, names[m.live[0].key]);
                        model_unlink(&m, 0);
                    } else {
                        assert_false(res.evicted);
                    }
                    m.live[m.n].key = key;
                    m.live[m.n].tag = next_tag;
                    m.live[m.n].pins = 0;
                    m.n++;
                    next_tag = (uint8_t)(next_tag % 180u + 1u); /* never 0xBD, the "bad data" byte */
                } else {
                    assert_false(res.evicted);
                    assert_false(res.replaced);
                }
            } else if (op < 55) { /* get */
                int h = 0;
                while (h < M_PINS + 2 && held[h].held) {
                    h++;
                }
                if (h == M_PINS + 2) {
                    continue;
                }
                const tp_err_t err = tp_store_get(&s, names[key], &held[h].ref);
                const int k = model_find(&m, key);
                if (k < 0) {
                    assert_int_equal(err, TP_ERR_NOT_FOUND);
                } else if (m.pins == M_PINS) {
                    assert_int_equal(err, TP_ERR_NO_MEM);
                } else {
                    assert_int_equal(err, TP_OK);
                    m.live[k].pins++;
                    m.pins++;
                    held[h].held = 1;
                    held[h].tag = m.live[k].tag;
                    assert_int_equal(held[h].ref.len, ITEM);
                }
            } else if (op < 70) { /* put one held pin */
                const int h = (int)tp_test_range(&rng, 0, M_PINS + 1);
                if (!held[h].held) {
                    continue;
                }
                /* find it in the model by tag: live or detached */
                int found = 0;
                for (int k = 0; k < m.n && !found; k++) {
                    if (m.live[k].tag == held[h].tag && m.live[k].pins > 0) {
                        m.live[k].pins--;
                        found = 1;
                    }
                }
                for (int d = 0; d < m.n_detached && !found; d++) {
                    if (m.detached[d].tag == held[h].tag) {
                        if (--m.detached[d].pins == 0) {
                            m.detached[d] = m.detached[--m.n_detached];
                        }
                        found = 1;
                    }
                }
                assert_true(found);
                m.pins--;
                assert_int_equal(held[h].ref.data[0], held[h].tag);
                assert_int_equal(tp_store_put(&s, &held[h].ref), TP_OK);
                held[h].held = 0;
            } else if (op < 80) { /* remove */
                const tp_err_t err = tp_store_remove(&s, names[key]);
                const int k = model_find(&m, key);
                assert_int_equal(err, k >= 0 ? TP_OK : TP_ERR_NOT_FOUND);
                if (k >= 0) {
                    model_unlink(&m, k);
                }
            } else if (op < 90) { /* someone else takes or gives back a block */
                if (n_hog > 0 && tp_test_range(&rng, 0, 1)) {
                    assert_int_equal(tp_free(&pool, hog[--n_hog]), TP_OK);
                } else if (n_hog < 12) {
                    void *p = tp_alloc(&pool, ITEM);
                    const int room = m.n + m.n_detached + n_hog < 12;
                    assert_int_equal(p != NULL, room);
                    if (p != NULL) {
                        hog[n_hog++] = p;
                    }
                }
            } else if (op < 92) { /* clear */
                assert_int_equal(tp_store_clear(&s), TP_OK);
                while (m.n > 0) {
                    model_unlink(&m, m.n - 1);
                }
            } else { /* a stale or forged put */
                tp_store_ref_t bad = { NULL, 0, tp_test_range(&rng, 0, 20), tp_test_rand(&rng) };
                assert_int_equal(tp_store_put(&s, &bad), TP_ERR_INVALID_ARG);
            }
            /* compare everything */
            assert_int_equal(tp_store_count(&s), (uint32_t)m.n);
            for (int k = 0; k < m.n; k++) {
                char kb[TP_CFG_STORE_KEY_LEN];
                assert_int_equal(tp_store_key_at(&s, (uint32_t)k, kb, sizeof kb, NULL), TP_OK);
                assert_string_equal(kb, names[m.live[k].key]);
                assert_int_equal(s.slot[s.order[k]].data[ITEM / 2], m.live[k].tag);
            }
            tp_store_stats_t st;
            assert_int_equal(tp_store_stats(&s, &st), TP_OK);
            assert_int_equal(st.detached, (uint32_t)m.n_detached);
            assert_int_equal(st.pins, (uint32_t)m.pins);
            assert_int_equal(st.blocks, (uint32_t)(m.n + m.n_detached));
            assert_int_equal(in_use(), (uint32_t)(m.n + m.n_detached + n_hog));
            for (int h = 0; h < M_PINS + 2; h++) {
                if (held[h].held) {
                    assert_int_equal(held[h].ref.data[ITEM - 1], held[h].tag);
                }
            }
            assert_int_equal(tp_pool_check(&pool, NULL), TP_OK);
        }
        for (int h = 0; h < M_PINS + 2; h++) {
            if (held[h].held) {
                assert_int_equal(tp_store_put(&s, &held[h].ref), TP_OK);
            }
        }
        assert_int_equal(tp_store_clear(&s), TP_OK);
        while (n_hog > 0) {
            assert_int_equal(tp_free(&pool, hog[--n_hog]), TP_OK);
        }
        assert_int_equal(in_use(), 0);
    }
}

/* The event counts saturate at UINT32_MAX (tp_store.h). */
static void test_counters_saturate(void **state)
{
    (void)state;
    tp_store_t s;
    assert_int_equal(tp_store_init(&s, &pool, 1, 1), TP_OK);
    s.st.adds = s.st.replaced = s.st.evicted = s.st.removed = UINT32_MAX - 1u;
    s.st.refused = s.st.pin_refused = s.st.bad_puts = UINT32_MAX - 1u;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(load(&s, "a", 1, NULL), TP_OK);
        assert_int_equal(load(&s, "a", 2, NULL), TP_OK); /* replaced */
        assert_int_equal(load(&s, "b", 3, NULL), TP_OK); /* evicts a */
        source_t bad = { 0xBD, ITEM, TP_OK, 0 };
        assert_int_equal(tp_store_load(&s, "c", ITEM, fill_fn, check_fn, &bad, NULL), TP_ERR_CORRUPT);
        tp_store_ref_t ref, ref2;
        assert_int_equal(tp_store_get(&s, "b", &ref), TP_OK);
        assert_int_equal(tp_store_get(&s, "b", &ref2), TP_ERR_NO_MEM); /* one pin allowed */
        assert_int_equal(tp_store_put(&s, &ref), TP_OK);
        assert_int_equal(tp_store_put(&s, &ref), TP_ERR_INVALID_ARG); /* put twice */
        assert_int_equal(tp_store_remove(&s, "b"), TP_OK);
    }
    tp_store_stats_t st;
    assert_int_equal(tp_store_stats(&s, &st), TP_OK);
    assert_int_equal(st.adds, UINT32_MAX);
    assert_int_equal(st.replaced, UINT32_MAX);
    assert_int_equal(st.evicted, UINT32_MAX);
    assert_int_equal(st.removed, UINT32_MAX);
    assert_int_equal(st.refused, UINT32_MAX);
    assert_int_equal(st.pin_refused, UINT32_MAX);
    assert_int_equal(st.bad_puts, UINT32_MAX);
    assert_int_equal(in_use(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init_errors, setup),
        cmocka_unit_test_setup(test_keys, setup),
        cmocka_unit_test_setup(test_oldest_first_eviction, setup),
        cmocka_unit_test_setup(test_full_store_failed_load_keeps_everything, setup),
        cmocka_unit_test_setup(test_short_read_and_bad_data_refused, setup),
        cmocka_unit_test_setup(test_adopt, setup),
        cmocka_unit_test_setup(test_pins, setup),
        cmocka_unit_test_setup(test_stale_ref_refused, setup),
        cmocka_unit_test_setup(test_random_against_model, setup),
        cmocka_unit_test_setup(test_counters_saturate, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
