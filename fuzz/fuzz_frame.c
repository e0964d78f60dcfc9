/*
 * libFuzzer target: the frame intake (tp_frame.h) driven by any sequence of
 * pieces, announced lengths, flags, resets and takes that the input encodes,
 * checked against a reference model: every status, every delivered byte, the
 * block held (exactly the smallest that fits the known length), nothing over
 * the limit ever delivered, and the pool idle and consistent at the end.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tierpool.h"
#include "tp_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const tp_tier_t tiers[] = { { 16, 4 }, { 64, 4 }, { 256, 4 }, { 1024, 2 } };
TP_POOL_STORAGE_DEFINE(storage, TP_POOL_STORAGE_BOUND(4, 16 * 4 + 64 * 4 + 256 * 4 + 1024 * 2, 14));

#define CHECK(c)              \
    do {                      \
        if (!(c))             \
            __builtin_trap(); \
    } while (0)

static uint32_t smallest_block(uint32_t need)
{
    for (size_t i = 0; i < 4; i++) {
        if (tiers[i].block_size >= need) {
            return tiers[i].block_size;
        }
    }
    return 0;
}

/* Reads one byte of the input, 0 past its end. */
typedef struct {
    const uint8_t *p;
    size_t n, at;
} input_t;

static uint32_t next(input_t *in)
{
    return in->at < in->n ? in->p[in->at++] : 0u;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tp_pool_t pool;
    static uint8_t model[1024];
    CHECK(tp_pool_init(&pool, tiers, 4, storage, sizeof storage) == TP_OK);
    input_t in = { data, size, 0 };
    const uint32_t limit = 1u + ((next(&in) << 8 | next(&in)) % 1100u); /* sometimes above the largest block */
    tp_frame_t f;
    CHECK(tp_frame_init(&f, &pool, limit) == TP_OK);
    int open = 0, complete = 0;
    uint32_t len = 0, block = 0;
    while (in.at < in.n) {
        const uint32_t op = next(&in);
        if ((op & 7u) == 0u) {
            tp_frame_reset(&f);
            open = complete = 0;
            len = block = 0;
        } else if ((op & 7u) == 1u) {
            size_t got_len = 0;
            uint8_t *b = tp_frame_take(&f, &got_len);
            if (complete && len > 0u) {
                CHECK(b != NULL && got_len == len && memcmp(b, model, len) == 0);
                CHECK(tp_free(&pool, b) == TP_OK);
                complete = 0;
                len = block = 0;
            } else {
                CHECK(b == NULL && got_len == 0u);
            }
        } else {
            const int first = (op & 0x10u) != 0u, final = (op & 0x20u) != 0u;
            uint32_t n = next(&in);
            if ((op & 0x40u) != 0u) {
                n *= 8u;
            }
            const size_t more = (op & 0x80u) != 0u ? (size_t)(next(&in) << 4) : 0u;
            /* the piece's bytes come from the input; past its end, zeros */
            static uint8_t piece[2048];
            memset(piece, 0, n);
            const size_t avail = in.n - in.at < n ? in.n - in.at : n;
            memcpy(piece, in.p + in.at, avail);
            in.at += avail;
            const tp_frame_type_t type = (op & 8u) != 0u ? TP_FRAME_TEXT : TP_FRAME_BINARY;
            const tp_frame_status_t got = tp_frame_feed(&f, type, piece, n, more, first, final);
            tp_frame_status_t want;
            if (complete || (first && open) || (!first && !open)) {
                want = TP_FRAME_SEQUENCE;
                open = complete = 0;
                len = block = 0;
            } else {
                if (first) {
                    open = 1;
                    len = block = 0;
                }
                const uint64_t need = (uint64_t)len + n + (final ? 0u : more);
                if (need > limit) {
                    want = TP_FRAME_TOO_BIG;
                    open = 0;
                    len = block = 0;
                } else if (need > block && smallest_block((uint32_t)need) == 0u) {
                    want = TP_FRAME_NO_MEM; /* larger than the largest block */
                    open = 0;
                    len = block = 0;
                } else {
                    if (need > block) {
                        block = smallest_block((uint32_t)need);
                    }
                    memcpy(model + len, piece, n);
                    len += n;
                    want = final ? TP_FRAME_COMPLETE : TP_FRAME_MORE;
                    if (final) {
                        open = 0;
                        complete = 1;
                    }
                }
            }
            CHECK(got == want);
            if (want == TP_FRAME_COMPLETE) {
                CHECK(tp_frame_len(&f) == len);
                CHECK(len == 0u ? tp_frame_data(&f) == NULL : memcmp(tp_frame_data(&f), model, len) == 0);
                CHECK(len <= limit);
            } else {
                CHECK(tp_frame_len(&f) == 0u && tp_frame_data(&f) == NULL);
            }
        }
        tp_pool_stats_t st;
        CHECK(tp_pool_get_stats(&pool, &st) == TP_OK);
        CHECK(st.blocks_in_use == (block != 0u ? 1u : 0u));
        CHECK(block == 0u || tp_block_size(&pool, f.block) == block);
    }
    tp_frame_reset(&f);
    tp_pool_stats_t st;
    CHECK(tp_pool_get_stats(&pool, &st) == TP_OK && st.blocks_in_use == 0u);
    CHECK(tp_pool_check(&pool, NULL) == TP_OK);
    return 0;
}
