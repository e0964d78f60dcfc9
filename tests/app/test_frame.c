/*
 * test_frame.c - the frame intake (tp_frame.h): messages assembled from
 * pieces into one block sized to the message, refusals before any copy, no
 * truncation, lost connections, and a seeded random run against a reference
 * model that predicts every status, every byte and the block each message
 * occupies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tierpool.h"
#include "tp_frame.h"
#include "tp_test_util.h"

static const tp_tier_t tiers[] = { { 64, 4 }, { 256, 4 }, { 1024, 4 }, { 4096, 2 } };
TP_POOL_STORAGE_DEFINE(storage, TP_POOL_STORAGE_BOUND(4, 64 * 4 + 256 * 4 + 1024 * 4 + 4096 * 2, 14));
static tp_pool_t pool;
static uint8_t src[8192];

static int setup(void **state)
{
    (void)state;
    assert_int_equal(tp_pool_init(&pool, tiers, 4, storage, sizeof storage), TP_OK);
    for (size_t i = 0; i < sizeof src; i++) {
        src[i] = (uint8_t)(i * 7u + 3u);
    }
    return 0;
}

static uint32_t in_use(void)
{
    tp_pool_stats_t st;
    assert_int_equal(tp_pool_get_stats(&pool, &st), TP_OK);
    return st.blocks_in_use;
}

static uint64_t allocs(void)
{
    tp_pool_stats_t st;
    assert_int_equal(tp_pool_get_stats(&pool, &st), TP_OK);
    return st.allocs;
}

static void test_init_errors(void **state)
{
    (void)state;
    tp_frame_t f;
    tp_pool_t raw;
    memset(&raw, 0, sizeof raw);
    assert_int_equal(tp_frame_init(NULL, &pool, 10), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_frame_init(&f, NULL, 10), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_frame_init(&f, &raw, 10), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_frame_init(&f, &pool, 0), TP_ERR_INVALID_ARG);
    assert_int_equal(tp_frame_init(&f, &pool, 0x80000000u), TP_ERR_INVALID_ARG);
    memset(&f, 0, sizeof f);
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, "x", 1, 0, 1, 1), TP_FRAME_BAD_ARG);
    assert_int_equal(tp_frame_feed(NULL, TP_FRAME_TEXT, "x", 1, 0, 1, 1), TP_FRAME_BAD_ARG);
    assert_int_equal(tp_frame_init(&f, &pool, 100), TP_OK);
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, NULL, 1, 0, 1, 1), TP_FRAME_BAD_ARG);
    assert_int_equal(tp_frame_feed(&f, (tp_frame_type_t)7, "x", 1, 0, 1, 1), TP_FRAME_BAD_ARG);
    assert_int_equal(in_use(), 0);
    tp_frame_reset(NULL);
    assert_null(tp_frame_take(NULL, NULL));
}

/* The seed gave every frame a 4 KiB block whatever its size: here a message
 * takes the smallest block that holds it. */
static void test_block_sized_to_message(void **state)
{
    (void)state;
    tp_frame_t f;
    assert_int_equal(tp_frame_init(&f, &pool, 4096), TP_OK);
    const size_t sizes[] = { 1, 10, 64, 65, 200, 256, 257, 1000, 1024, 1025, 4096 };
    const size_t blocks[] = { 64, 64, 64, 256, 256, 256, 1024, 1024, 1024, 4096, 4096 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        assert_int_equal(tp_frame_feed(&f, TP_FRAME_BINARY, src, sizes[i], 0, 1, 1), TP_FRAME_COMPLETE);
        assert_int_equal(tp_frame_len(&f), sizes[i]);
        assert_int_equal(tp_frame_type(&f), TP_FRAME_BINARY);
        assert_memory_equal(tp_frame_data(&f), src, sizes[i]);
        assert_int_equal(tp_block_size(&pool, tp_frame_data(&f)), blocks[i]);
        tp_frame_reset(&f);
        assert_int_equal(in_use(), 0);
    }
    assert_int_equal(f.messages, 11);
    assert_int_equal(f.moves, 0);
}

/* A WebSocket frame delivered in chunks announces its rest: one block, no move. */
static void test_announced_length_one_block(void **state)
{
    (void)state;
    tp_frame_t f;
    assert_int_equal(tp_frame_init(&f, &pool, 4096), TP_OK);
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, src, 10, 990, 1, 0), TP_FRAME_MORE);
    assert_int_equal(in_use(), 1);
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, src + 10, 490, 500, 0, 0), TP_FRAME_MORE);
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, src + 500, 500, 0, 0, 1), TP_FRAME_COMPLETE);
    assert_int_equal(tp_frame_len(&f), 1000);
    assert_memory_equal(tp_frame_data(&f), src, 1000);
    assert_int_equal(tp_block_size(&pool, tp_frame_data(&f)), 1024);
    assert_int_equal(f.moves, 0);
    assert_int_equal(tp_frame_type(&f), TP_FRAME_TEXT);
    tp_frame_reset(&f);
    assert_int_equal(in_use(), 0);
}

/* A fragmented message of unknown total moves to a larger block as it grows. */
static void test_accumulated_length_grows(void **state)
{
    (void)state;
    tp_frame_t f;
    assert_int_equal(tp_frame_init(&f, &pool, 4096), TP_OK);
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_BINARY, src, 50, 0, 1, 0), TP_FRAME_MORE);
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_BINARY, src + 50, 10, 0, 0, 0), TP_FRAME_MORE);
    assert_int_equal(f.moves, 0); /* 60 still fits the 64-byte block */
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_BINARY, src + 60, 40, 0, 0, 0), TP_FRAME_MORE);
    assert_int_equal(f.moves, 1);
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_BINARY, src + 100, 500, 0, 0, 1), TP_FRAME_COMPLETE);
    assert_int_equal(f.moves, 2);
    assert_int_equal(tp_frame_len(&f), 600);
    assert_memory_equal(tp_frame_data(&f), src, 600);
    assert_int_equal(tp_block_size(&pool, tp_frame_data(&f)), 1024);
    assert_int_equal(in_use(), 1);
    tp_frame_reset(&f);
    assert_int_equal(in_use(), 0);
}

/* Over the limit by its announced length: refused before anything is allocated
 * or copied. */
static void test_too_big_announced_refused_before_copy(void **state)
{
    (void)state;
    tp_frame_t f;
    assert_int_equal(tp_frame_init(&f, &pool, 1000), TP_OK);
    const uint64_t before = allocs();
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_BINARY, src, 10, 991, 1, 0), TP_FRAME_TOO_BIG);
    assert_int_equal(allocs(), before); /* no block was even allocated */
    assert_int_equal(in_use(), 0);
    assert_int_equal(f.too_big, 1);
    assert_int_equal(tp_frame_close_code(TP_FRAME_TOO_BIG), 1009);
    /* exactly the limit is fine */
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_BINARY, src, 10, 990, 1, 0), TP_FRAME_MORE);
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_BINARY, src + 10, 990, 0, 0, 1), TP_FRAME_COMPLETE);
    assert_int_equal(tp_frame_len(&f), 1000);
    tp_frame_reset(&f);
    /* a single piece over the limit */
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_BINARY, src, 1001, 0, 1, 1), TP_FRAME_TOO_BIG);
    assert_int_equal(in_use(), 0);
    /* huge announced lengths do not overflow the check */
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_BINARY, src, 1, SIZE_MAX, 1, 0), TP_FRAME_TOO_BIG);
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_BINARY, src, 1, (size_t)UINT32_MAX, 1, 0), TP_FRAME_TOO_BIG);
    assert_int_equal(in_use(), 0);
}

/* The seed's command path cut a long command to 256 bytes and executed it.
 * Here a message over the limit never comes out, not even in part. */
static void test_never_truncated(void **state)
{
    (void)state;
    tp_frame_t f;
    assert_int_equal(tp_frame_init(&f, &pool, 256), TP_OK);
    /* in one piece */
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, src, 300, 0, 1, 1), TP_FRAME_TOO_BIG);
    assert_null(tp_frame_data(&f));
    assert_int_equal(tp_frame_len(&f), 0);
    /* in pieces of unknown total: the piece that passes the limit is refused and
     * what was held is released, not delivered */
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, src, 200, 0, 1, 0), TP_FRAME_MORE);
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, src + 200, 100, 0, 0, 1), TP_FRAME_TOO_BIG);
    assert_null(tp_frame_data(&f));
    assert_int_equal(tp_frame_len(&f), 0);
    assert_null(tp_frame_take(&f, NULL));
    assert_int_equal(in_use(), 0);
    /* the rest of the refused message cannot be delivered either */
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, src, 10, 0, 0, 1), TP_FRAME_SEQUENCE);
    assert_int_equal(tp_frame_len(&f), 0);
    assert_int_equal(f.messages, 0);
    assert_int_equal(f.too_big, 2);
}

/* A connection lost mid-message releases its block. */
static void test_lost_connection_releases(void **state)
{
    (void)state;
    tp_frame_t f;
    assert_int_equal(tp_frame_init(&f, &pool, 4096), TP_OK);
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_BINARY, src, 100, 3000, 1, 0), TP_FRAME_MORE);
    assert_int_equal(in_use(), 1);
    tp_frame_reset(&f);
    assert_int_equal(in_use(), 0);
    assert_int_equal(f.dropped, 1);
    tp_frame_reset(&f); /* idle: nothing happens */
    assert_int_equal(f.dropped, 1);
    /* the next message on a new connection starts clean */
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, "status", 6, 0, 1, 1), TP_FRAME_COMPLETE);
    assert_memory_equal(tp_frame_data(&f), "status", 6);
    tp_frame_reset(&f);
    assert_int_equal(f.dropped, 1);
    assert_int_equal(in_use(), 0);
}

static void test_sequence_errors(void **state)
{
    (void)state;
    tp_frame_t f;
    assert_int_equal(tp_frame_init(&f, &pool, 4096), TP_OK);
    /* continuation with nothing open */
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, "ab", 2, 0, 0, 1), TP_FRAME_SEQUENCE);
    /* a new message while one is open: the open one is released */
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, "ab", 2, 0, 1, 0), TP_FRAME_MORE);
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, "cd", 2, 0, 1, 0), TP_FRAME_SEQUENCE);
    assert_int_equal(in_use(), 0);
    /* a piece while a complete message is still held */
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, "ab", 2, 0, 1, 1), TP_FRAME_COMPLETE);
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, "cd", 2, 0, 1, 1), TP_FRAME_SEQUENCE);
    assert_int_equal(in_use(), 0);
    assert_int_equal(f.sequence, 3);
    assert_int_equal(tp_frame_close_code(TP_FRAME_SEQUENCE), 1002);
    assert_int_equal(tp_frame_close_code(TP_FRAME_COMPLETE), 0);
    assert_int_equal(tp_frame_close_code(TP_FRAME_MORE), 0);
    assert_string_equal(tp_frame_status_str(TP_FRAME_TOO_BIG), "message too big");
}

static void test_no_memory(void **state)
{
    (void)state;
    tp_frame_t f;
    assert_int_equal(tp_frame_init(&f, &pool, 8000), TP_OK);
    void *big[2];
    big[0] = tp_alloc(&pool, 4096);
    big[1] = tp_alloc(&pool, 4096);
    assert_non_null(big[1]);
    /* nothing holds 2000 bytes now */
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_BINARY, src, 2000, 0, 1, 1), TP_FRAME_NO_MEM);
    assert_int_equal(f.no_mem, 1);
    assert_int_equal(tp_frame_close_code(TP_FRAME_NO_MEM), 1013);
    /* a message that must move into a block that is not there: released, not cut */
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_BINARY, src, 1000, 0, 1, 0), TP_FRAME_MORE);
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_BINARY, src, 1000, 0, 0, 1), TP_FRAME_NO_MEM);
    assert_int_equal(tp_frame_len(&f), 0);
    assert_int_equal(tp_free(&pool, big[0]), TP_OK);
    assert_int_equal(tp_free(&pool, big[1]), TP_OK);
    assert_int_equal(in_use(), 0);
}

static void test_take_hands_block_over(void **state)
{
    (void)state;
    tp_frame_t f;
    assert_int_equal(tp_frame_init(&f, &pool, 4096), TP_OK);
    size_t len = 99;
    assert_null(tp_frame_take(&f, &len)); /* nothing complete */
    assert_int_equal(len, 0);
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_BINARY, src, 700, 0, 1, 1), TP_FRAME_COMPLETE);
    uint8_t *b = tp_frame_take(&f, &len);
    assert_non_null(b);
    assert_int_equal(len, 700);
    assert_memory_equal(b, src, 700);
    tp_frame_reset(&f); /* does not free what was taken */
    assert_int_equal(in_use(), 1);
    assert_int_equal(tp_free(&pool, b), TP_OK);
    /* an empty message has no block: take returns NULL and the message stays */
    assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, NULL, 0, 0, 1, 1), TP_FRAME_COMPLETE);
    assert_null(tp_frame_data(&f));
    assert_int_equal(tp_frame_len(&f), 0);
    assert_int_equal(tp_frame_type(&f), TP_FRAME_TEXT);
    assert_null(tp_frame_take(&f, &len));
    tp_frame_reset(&f);
    assert_int_equal(in_use(), 0);
}

/* ---- seeded random run against a reference model ---- */

typedef struct {
    int open;     /* a message is being assembled */
    int complete; /* a complete message is held */
    uint8_t bytes[4096];
    uint32_t len;
    uint32_t announced; /* bytes held + last `more`: what the block must hold */
    uint32_t block;     /* expected block size (0 = none) */
    int type;
} frame_model_t;

static uint32_t smallest_block(uint32_t need)
{
    for (size_t i = 0; i < 4; i++) {
        if (tiers[i].block_size >= need) {
            return tiers[i].block_size;
        }
    }
    return 0;
}

static void test_random_against_model(void **state)
{
    (void)state;
    const uint32_t limit = 3000;
    for (uint32_t seed = 1; seed <= 40u * TP_TEST_SCALE; seed++) {
        uint32_t rng = seed * 2654435761u;
        tp_frame_t f;
        frame_model_t m;
        memset(&m, 0, sizeof m);
        assert_int_equal(tp_frame_init(&f, &pool, limit), TP_OK);
        for (int step = 0; step < 400; step++) {
            const uint32_t op = tp_test_range(&rng, 0, 99);
            if (op < 4) { /* connection lost / message used */
                tp_frame_reset(&f);
                m.open = m.complete = 0;
                m.len = m.block = 0;
            } else if (op < 8) { /* take */
                size_t len = 0;
                uint8_t *b = tp_frame_take(&f, &len);
                if (m.complete && m.len > 0) {
                    assert_non_null(b);
                    assert_int_equal(len, m.len);
                    assert_memory_equal(b, m.bytes, m.len);
                    assert_int_equal(tp_free(&pool, b), TP_OK);
                    m.complete = 0;
                    m.len = m.block = 0;
                } else {
                    assert_null(b);
                }
            } else { /* a piece */
                const int first = tp_test_range(&rng, 0, 9) < (m.open ? 1u : 8u);
                const int final = tp_test_range(&rng, 0, 3) == 0;
                uint32_t len =
                    tp_test_range(&rng, 0, 9) < 8 ? tp_test_range(&rng, 0, 300) : tp_test_range(&rng, 0, 3100);
                uint32_t more = tp_test_range(&rng, 0, 2) == 0 ? tp_test_range(&rng, 0, 3000) : 0;
                const uint32_t at = tp_test_range(&rng, 0, 4000);
                const tp_frame_type_t type = tp_test_range(&rng, 0, 1) ? TP_FRAME_TEXT : TP_FRAME_BINARY;
                const tp_frame_status_t got = tp_frame_feed(&f, type, src + at, len, more, first, final);
                /* the model */
                tp_frame_status_t want;
                if (m.complete || (first && m.open) || (!first && !m.open)) {
                    want = TP_FRAME_SEQUENCE;
                    m.open = m.complete = 0;
                    m.len = m.block = 0;
                } else {
                    if (first) {
                        m.open = 1;
                        m.len = m.block = 0;
                        m.type = type;
                    }
                    const uint32_t add_more = final ? 0u : more;
                    if ((uint64_t)m.len + len + add_more > limit) {
                        want = TP_FRAME_TOO_BIG;
                        m.open = 0;
                        m.len = m.block = 0;
                    } else {
                        const uint32_t need = m.len + len + add_more;
                        if (need > m.block) {
                            m.block = smallest_block(need);
                        }
                        memcpy(m.bytes + m.len, src + at, len);
                        m.len += len;
                        if (final) {
                            m.open = 0;
                            m.complete = 1;
                            want = TP_FRAME_COMPLETE;
                        } else {
                            want = TP_FRAME_MORE;
                        }
                    }
                }
                assert_int_equal(got, want);
                if (want == TP_FRAME_COMPLETE) {
                    assert_int_equal(tp_frame_len(&f), m.len);
                    assert_int_equal(tp_frame_type(&f), m.type);
                    if (m.len > 0) {
                        assert_memory_equal(tp_frame_data(&f), m.bytes, m.len);
                    } else {
                        assert_null(tp_frame_data(&f));
                    }
                } else {
                    assert_int_equal(tp_frame_len(&f), 0);
                    assert_null(tp_frame_data(&f));
                }
            }
            /* the block held is the one the model predicts, and nothing else is held */
            assert_int_equal(in_use(), m.block != 0 ? 1u : 0u);
            if (m.block != 0) {
                assert_int_equal(f.cap, m.block);
                assert_int_equal(tp_block_size(&pool, f.block), m.block);
            }
            assert_int_equal(tp_pool_check(&pool, NULL), TP_OK);
        }
        tp_frame_reset(&f);
        assert_int_equal(in_use(), 0);
    }
}

/* Its counters saturate at UINT32_MAX (tp_frame.h): a peer sending messages
 * over the limit for months cannot wrap them back to a small number. */
static void test_counters_saturate(void **state)
{
    (void)state;
    tp_frame_t f;
    assert_int_equal(tp_frame_init(&f, &pool, 100), TP_OK);
    f.too_big = UINT32_MAX - 1u;
    f.messages = UINT32_MAX - 1u;
    f.sequence = UINT32_MAX - 1u;
    f.dropped = UINT32_MAX - 1u;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, src, 101, 0, 1, 1), TP_FRAME_TOO_BIG);
        assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, src, 10, 0, 1, 1), TP_FRAME_COMPLETE);
        tp_frame_reset(&f);
        assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, src, 10, 0, 0, 1), TP_FRAME_SEQUENCE);
        assert_int_equal(tp_frame_feed(&f, TP_FRAME_TEXT, src, 10, 0, 1, 0), TP_FRAME_MORE);
        tp_frame_reset(&f); /* a message cut off: dropped */
    }
    assert_int_equal(f.too_big, UINT32_MAX);
    assert_int_equal(f.messages, UINT32_MAX);
    assert_int_equal(f.sequence, UINT32_MAX);
    assert_int_equal(f.dropped, UINT32_MAX);
    assert_int_equal(in_use(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init_errors, setup),
        cmocka_unit_test_setup(test_block_sized_to_message, setup),
        cmocka_unit_test_setup(test_announced_length_one_block, setup),
        cmocka_unit_test_setup(test_accumulated_length_grows, setup),
        cmocka_unit_test_setup(test_too_big_announced_refused_before_copy, setup),
        cmocka_unit_test_setup(test_never_truncated, setup),
        cmocka_unit_test_setup(test_lost_connection_releases, setup),
        cmocka_unit_test_setup(test_sequence_errors, setup),
        cmocka_unit_test_setup(test_no_memory, setup),
        cmocka_unit_test_setup(test_take_hands_block_over, setup),
        cmocka_unit_test_setup(test_random_against_model, setup),
        cmocka_unit_test_setup(test_counters_saturate, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
