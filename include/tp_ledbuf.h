/**
 * @file tp_ledbuf.h
 * @brief LED frame double buffer: render into the back buffer while the DMA
 * reads the front one; swap only when the transfer is done.
 *
 * Two buffers of equal size (typically two slots of a tp_dma_set_t). At any
 * moment one is the *front* (the frame on the strip, and the one a transfer
 * reads) and the other the *back* (where the next frame is rendered). Nothing
 * is ever copied between them: a swap exchanges their roles.
 *
 * The renderer (a task):
 *     uint8_t *px = tp_ledbuf_render_begin(&lb);   // the back buffer
 *     ... write the frame ...
 *     tp_ledbuf_render_end(&lb);                    // the frame is ready
 * The output side (a task or the transfer-done interrupt):
 *     const uint8_t *tx = tp_ledbuf_tx_begin(&lb);  // start a transfer of tx
 *     ... DMA reads tx ...
 *     tp_ledbuf_tx_done(&lb);                       // from the DMA-done ISR
 *
 * tp_ledbuf_tx_begin swaps only when a rendered frame is ready and no transfer
 * is running; it refuses (NULL) while a transfer is running, so the buffer a
 * transfer reads is never the one being rendered and is never changed under
 * it. The seed's LED loop copied the staging buffer into the DMA buffer while
 * a transfer could still be reading it; here that cannot happen by
 * construction.
 *
 * Rates: when frames are rendered faster than they are sent, a ready frame
 * that is rendered over before any transfer took it is *dropped* (counted);
 * when transfers run faster than rendering (a strip refreshed at a fixed
 * rate), a transfer with no new frame sends the front again, *repeated*
 * (counted).
 *
 * Thread and interrupt safety: tp_ledbuf_tx_begin, tp_ledbuf_tx_done and
 * tp_ledbuf_stats are safe from interrupt handlers; all functions take the
 * port's critical section (tp_port.h) for a few instructions, so a renderer
 * task and the output side (task or ISR) may run concurrently. One renderer
 * and one output side at a time. With TP_CFG_THREAD_SAFE=0 the caller
 * serialises all calls.
 */
#ifndef TP_LEDBUF_H
#define TP_LEDBUF_H

#include <stddef.h>
#include <stdint.h>

#include "tierpool.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Counters (tp_ledbuf_stats). Each saturates at UINT32_MAX (once there it
 *  stays, meaning "at least that many"): at 100 transfers a second `repeated`
 *  gets there after 497 days. */
typedef struct {
    uint32_t rendered; /**< frames finished with tp_ledbuf_render_end */
    uint32_t shown;    /**< transfers that started a new frame (a swap) */
    uint32_t repeated; /**< transfers that sent the front again: no new frame was ready */
    uint32_t dropped;  /**< ready frames rendered over before any transfer took them */
    uint32_t busy;     /**< tp_ledbuf_tx_begin calls refused: a transfer was running */
    uint32_t misuse;   /**< calls out of order (render_end without begin, tx_done without
                              a transfer, render_begin while rendering) */
} tp_ledbuf_stats_t;

/** A double buffer. Caller storage; initialise with tp_ledbuf_init. */
typedef struct {
    uint32_t magic;       /**< set by tp_ledbuf_init */
    uint8_t *buf[2];      /**< the two buffers */
    uint32_t size;        /**< bytes per buffer */
    uint8_t front;        /**< index of the front buffer */
    uint8_t back_state;   /**< empty, rendering, ready */
    uint8_t tx_active;    /**< a transfer of the front buffer is running */
    uint8_t pad;          /**< unused */
    tp_ledbuf_stats_t st; /**< counters */
    tp_lock_t lock;       /**< the port's critical section */
} tp_ledbuf_t;

/**
 * Set up a double buffer over two buffers of @p size bytes each; @p a starts as
 * the front. Both are zeroed (an encoder whose idle level is not all zero
 * writes its first frame into both before the first transfer).
 * @param lb    the double buffer (caller storage, need not be zeroed)
 * @param a     the first buffer (the front at start)
 * @param b     the second buffer
 * @param size  bytes in each, >= 1
 * @retval TP_OK
 * @retval TP_ERR_INVALID_ARG lb, a or b NULL, size 0, or the buffers overlap (lb unchanged)
 */
tp_err_t tp_ledbuf_init(tp_ledbuf_t *lb, void *a, void *b, size_t size);

/**
 * The back buffer, to render the next frame into. A frame that was ready and
 * not yet taken by a transfer is rendered over (counted as dropped).
 * @param lb  the double buffer
 * @return the back buffer; NULL when lb is not initialised or a render is already
 *         open (counted as misuse).
 */
uint8_t *tp_ledbuf_render_begin(tp_ledbuf_t *lb);

/**
 * The frame in the back buffer is complete: the next tp_ledbuf_tx_begin shows it.
 * @param lb  the double buffer
 * @retval TP_OK
 * @retval TP_ERR_INVALID_ARG lb not initialised, or no render open (counted as misuse)
 */
tp_err_t tp_ledbuf_render_end(tp_ledbuf_t *lb);

/**
 * Start a transfer: when a rendered frame is ready, swap it to the front; else
 * keep the front (a repeated frame). Marks a transfer as running.
 * @param lb  the double buffer
 * @return the buffer to transfer (the front, tp_ledbuf_size() bytes), valid until
 *         tp_ledbuf_tx_done; NULL when lb is not initialised or a transfer is running
 *         (counted as busy: nothing changed).
 * @isr
 */
const uint8_t *tp_ledbuf_tx_begin(tp_ledbuf_t *lb);

/**
 * The transfer started by tp_ledbuf_tx_begin is done (call it from the
 * DMA-done interrupt or the driver's post-transaction callback).
 * @param lb  the double buffer
 * @retval TP_OK
 * @retval TP_ERR_INVALID_ARG lb not initialised, or no transfer running (counted as misuse)
 * @isr
 */
tp_err_t tp_ledbuf_tx_done(tp_ledbuf_t *lb);

/**
 * Bytes per buffer.
 * @param lb  the double buffer
 * @return the size given to tp_ledbuf_init; 0 when lb is not initialised
 * @isr
 */
size_t tp_ledbuf_size(const tp_ledbuf_t *lb);

/**
 * Copy a consistent snapshot of the counters.
 * @param lb   the double buffer
 * @param out  receives them
 * @retval TP_OK
 * @retval TP_ERR_INVALID_ARG lb not initialised or out NULL
 * @isr
 */
tp_err_t tp_ledbuf_stats(tp_ledbuf_t *lb, tp_ledbuf_stats_t *out);

#ifdef __cplusplus
}
#endif

#endif /* TP_LEDBUF_H */
