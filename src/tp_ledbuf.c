/*
 * tp_ledbuf.c - LED frame double buffer (see tp_ledbuf.h).
 *
 * State: which buffer is the front, the back buffer's state (EMPTY: nothing
 * new in it; RENDERING: a task is writing it; READY: a complete frame waits
 * for a transfer) and whether a transfer of the front is running. Rules:
 *   L1  only tp_ledbuf_tx_begin changes the front, and only when no transfer
 *       runs and the back is READY;
 *   L2  the renderer only ever gets the back buffer, so it never writes the
 *       buffer a transfer reads (the front);
 *   L3  every transition happens inside the critical section.
 */
#include "../include/tp_ledbuf.h"

#include <string.h>

#include "tp_internal.h"

#define LEDBUF_MAGIC 0x6c656431u /* "led1" */

enum { BACK_EMPTY = 0, BACK_RENDERING = 1, BACK_READY = 2 };

static int ready(const tp_ledbuf_t *lb)
{
    return lb != NULL && lb->magic == LEDBUF_MAGIC;
}

tp_err_t tp_ledbuf_init(tp_ledbuf_t *lb, void *a, void *b, size_t size)
{
    if (lb == NULL || a == NULL || b == NULL || size == 0u || size > UINT32_MAX) {
        return TP_ERR_INVALID_ARG;
    }
    const uintptr_t pa = (uintptr_t)a, pb = (uintptr_t)b;
    if ((pa < pb && pb - pa < size) || (pb <= pa && pa - pb < size)) {
        return TP_ERR_INVALID_ARG; /* overlapping (or the same) buffers */
    }
    memset(lb, 0, sizeof *lb);
    lb->buf[0] = (uint8_t *)a;
    lb->buf[1] = (uint8_t *)b;
    lb->size = (uint32_t)size;
    memset(a, 0, size);
    memset(b, 0, size);
#if TP_CFG_THREAD_SAFE
    TP_PORT_LOCK_INIT(&lb->lock);
#endif
    lb->magic = LEDBUF_MAGIC;
    return TP_OK;
}

uint8_t *tp_ledbuf_render_begin(tp_ledbuf_t *lb)
{
    if (!ready(lb)) {
        return NULL;
    }
    uint8_t *back = NULL;
    TP_SECTION_ENTER(lb);
    if (lb->back_state == BACK_RENDERING) {
        tp__count_up(&lb->st.misuse);
    } else {
        if (lb->back_state == BACK_READY) {
            tp__count_up(&lb->st.dropped); /* no transfer took it: it is about to be rendered over */
        }
        lb->back_state = BACK_RENDERING;
        back = lb->buf[lb->front ^ 1u];
    }
    TP_SECTION_EXIT(lb);
    return back;
}

tp_err_t tp_ledbuf_render_end(tp_ledbuf_t *lb)
{
    if (!ready(lb)) {
        return TP_ERR_INVALID_ARG;
    }
    tp_err_t err = TP_OK;
    TP_SECTION_ENTER(lb);
    if (lb->back_state != BACK_RENDERING) {
        tp__count_up(&lb->st.misuse);
        err = TP_ERR_INVALID_ARG;
    } else {
        lb->back_state = BACK_READY;
        tp__count_up(&lb->st.rendered);
    }
    TP_SECTION_EXIT(lb);
    return err;
}

const uint8_t *tp_ledbuf_tx_begin(tp_ledbuf_t *lb)
{
    if (!ready(lb)) {
        return NULL;
    }
    const uint8_t *tx = NULL;
    TP_SECTION_ENTER(lb);
    if (lb->tx_active) {
        tp__count_up(&lb->st.busy);
    } else {
        if (lb->back_state == BACK_READY) {
            lb->front ^= 1u;
            lb->back_state = BACK_EMPTY;
            tp__count_up(&lb->st.shown);
        } else {
            tp__count_up(&lb->st.repeated);
        }
        lb->tx_active = 1;
        tx = lb->buf[lb->front];
    }
    TP_SECTION_EXIT(lb);
    return tx;
}

tp_err_t tp_ledbuf_tx_done(tp_ledbuf_t *lb)
{
    if (!ready(lb)) {
        return TP_ERR_INVALID_ARG;
    }
    tp_err_t err = TP_OK;
    TP_SECTION_ENTER(lb);
    if (!lb->tx_active) {
        tp__count_up(&lb->st.misuse);
        err = TP_ERR_INVALID_ARG;
    } else {
        lb->tx_active = 0;
    }
    TP_SECTION_EXIT(lb);
    return err;
}

size_t tp_ledbuf_size(const tp_ledbuf_t *lb)
{
    return ready(lb) ? lb->size : 0u;
}

tp_err_t tp_ledbuf_stats(tp_ledbuf_t *lb, tp_ledbuf_stats_t *out)
{
    if (!ready(lb) || out == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    TP_SECTION_ENTER(lb);
    *out = lb->st;
    TP_SECTION_EXIT(lb);
    return TP_OK;
}
