/*
 * tp_frame.c - frame intake (see tp_frame.h).
 *
 * States: IDLE (no message, no block), OPEN (a message is being assembled;
 * block may still be NULL while nothing was announced), COMPLETE (a whole
 * message is held until tp_frame_reset or tp_frame_take). Invariants, checked
 * with TP_CFG_ASSERT at every change:
 *   F1  len <= cap when a block is held, len == cap == 0 when none;
 *   F2  len <= limit;
 *   F3  block != NULL only in OPEN or COMPLETE, and then it is a live block of
 *       the pool whose usable size is cap.
 */
#include "../include/tp_frame.h"

#include <string.h>

#include "tp_internal.h"

/* TP_ALLOC / TP_FREE: plain tp_alloc / tp_free unless the build tracks
 * allocations (TP_CFG_TRACKING=1), so a message block shows in the trace. */
#include "../include/tp_track.h"

#define FRAME_MAGIC 0x66726d31u /* "frm1" */
#define LIMIT_MAX 0x7fffffffu

enum { ST_IDLE = 0, ST_OPEN = 1, ST_COMPLETE = 2 };

static int ready(const tp_frame_t *f)
{
    return f != NULL && f->magic == FRAME_MAGIC;
}

static void check_invariants(const tp_frame_t *f)
{
    TP_CFG_ASSERT(f->block != NULL ? f->len <= f->cap : (f->len == 0u && f->cap == 0u));
    TP_CFG_ASSERT(f->len <= f->limit);
    TP_CFG_ASSERT(f->block == NULL || f->state != ST_IDLE);
    TP_CFG_ASSERT(f->block == NULL || tp_block_size(f->pool, f->block) == f->cap);
    (void)f;
}

/* Back to IDLE, releasing the block. */
static void release(tp_frame_t *f)
{
    if (f->block != NULL) {
        (void)TP_FREE(f->pool, f->block);
    }
    f->block = NULL;
    f->cap = 0;
    f->len = 0;
    f->type = 0;
    f->state = ST_IDLE;
    check_invariants(f);
}

tp_err_t tp_frame_init(tp_frame_t *f, tp_pool_t *pool, uint32_t limit)
{
    if (f == NULL || tp_pool_tier_count(pool) == 0u || limit == 0u || limit > LIMIT_MAX) {
        return TP_ERR_INVALID_ARG;
    }
    memset(f, 0, sizeof *f);
    f->pool = pool;
    f->limit = limit;
    f->magic = FRAME_MAGIC;
    return TP_OK;
}

/* Make room for `need` bytes, keeping the f->len bytes held. 0 on success. */
static int grow(tp_frame_t *f, uint32_t need)
{
    uint8_t *bigger = TP_ALLOC(f->pool, need);
    if (bigger == NULL) {
        return -1;
    }
    if (f->block != NULL) {
        memcpy(bigger, f->block, f->len);
        (void)TP_FREE(f->pool, f->block);
        tp__count_up(&f->moves);
    }
    f->block = bigger;
    f->cap = (uint32_t)tp_block_size(f->pool, bigger);
    return 0;
}

tp_frame_status_t tp_frame_feed(tp_frame_t *f, tp_frame_type_t type, const void *data, size_t len, size_t more,
                                int first, int final)
{
    if (!ready(f) || (data == NULL && len > 0u) || (type != TP_FRAME_TEXT && type != TP_FRAME_BINARY)) {
        return TP_FRAME_BAD_ARG;
    }
    if (f->state == ST_COMPLETE || (first && f->state == ST_OPEN) || (!first && f->state != ST_OPEN)) {
        if (f->state != ST_IDLE) {
            tp__count_up(&f->dropped);
        }
        release(f);
        tp__count_up(&f->sequence);
        return TP_FRAME_SEQUENCE;
    }
    if (first) {
        f->state = ST_OPEN;
        f->type = (uint8_t)type;
    }
    if (final) {
        more = 0; /* nothing follows the last piece, whatever was announced */
    }
    /* held + len + more <= limit, without overflow (held <= limit by F2). */
    const uint32_t room = f->limit - f->len;
    if (len > room || more > room - len) {
        release(f);
        tp__count_up(&f->too_big);
        return TP_FRAME_TOO_BIG;
    }
    const uint32_t need = f->len + (uint32_t)len + (uint32_t)more;
    if (need > f->cap && grow(f, need) != 0) {
        release(f);
        tp__count_up(&f->no_mem);
        return TP_FRAME_NO_MEM;
    }
    if (len > 0u) {
        memcpy(f->block + f->len, data, len);
        f->len += (uint32_t)len;
    }
    if (final) {
        f->state = ST_COMPLETE;
        tp__count_up(&f->messages);
        check_invariants(f);
        return TP_FRAME_COMPLETE;
    }
    check_invariants(f);
    return TP_FRAME_MORE;
}

const uint8_t *tp_frame_data(const tp_frame_t *f)
{
    return ready(f) && f->state == ST_COMPLETE && f->len > 0u ? f->block : NULL;
}

size_t tp_frame_len(const tp_frame_t *f)
{
    return ready(f) && f->state == ST_COMPLETE ? f->len : 0u;
}

tp_frame_type_t tp_frame_type(const tp_frame_t *f)
{
    return ready(f) && f->state == ST_COMPLETE ? (tp_frame_type_t)f->type : (tp_frame_type_t)0;
}

uint8_t *tp_frame_take(tp_frame_t *f, size_t *len)
{
    if (len != NULL) {
        *len = 0;
    }
    if (!ready(f) || f->state != ST_COMPLETE || f->len == 0u) {
        return NULL;
    }
    uint8_t *block = f->block;
    if (len != NULL) {
        *len = f->len;
    }
    f->block = NULL; /* the caller owns it now: release() must not free it */
    release(f);
    return block;
}

void tp_frame_reset(tp_frame_t *f)
{
    if (!ready(f)) {
        return;
    }
    if (f->state == ST_OPEN) {
        tp__count_up(&f->dropped);
    }
    release(f);
}

uint16_t tp_frame_close_code(tp_frame_status_t status)
{
    switch (status) {
    case TP_FRAME_TOO_BIG: return 1009u;
    case TP_FRAME_NO_MEM: return 1013u;
    case TP_FRAME_SEQUENCE: return 1002u;
    case TP_FRAME_BAD_ARG: return 1011u;
    default: return 0u;
    }
}

const char *tp_frame_status_str(tp_frame_status_t status)
{
    switch (status) {
    case TP_FRAME_MORE: return "more";
    case TP_FRAME_COMPLETE: return "complete";
    case TP_FRAME_TOO_BIG: return "message too big";
    case TP_FRAME_NO_MEM: return "no memory for the message";
    case TP_FRAME_SEQUENCE: return "fragment out of sequence";
    case TP_FRAME_BAD_ARG: return "invalid argument";
    default: return "unknown status";
    }
}
