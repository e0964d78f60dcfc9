/**
 * @file tp_frame.h
 * @brief Frame intake: a network message arriving in pieces, assembled into
 * one pool block sized to its length.
 *
 * A transport (a WebSocket server, a serial line) hands every piece of a
 * message to tp_frame_feed as it arrives, saying whether it is the first and
 * the last piece and how many more bytes it already knows will follow (a
 * WebSocket frame header announces its payload length; a fragmented message's
 * total is known only at its end). The intake keeps the message in a single
 * block of the pool, allocated for the announced length, or, when later pieces
 * bring more than was announced, moved once into a block for the length
 * accumulated so far plus what is announced next. The block never holds more
 * than one message.
 *
 * What it guarantees:
 *   - a message longer than the limit is refused as soon as its announced or
 *     accumulated length passes the limit, before any byte of the piece that
 *     would pass it is copied; a message is never cut to fit;
 *   - a refused message leaves nothing allocated; the transport closes the
 *     connection with the code tp_frame_close_code gives (1009 "message too
 *     big" for the limit);
 *   - tp_frame_reset releases whatever the intake holds: call it when the
 *     connection is lost mid-message and when a complete message has been used.
 *
 * Bounded time: a piece costs one memcpy of its bytes plus, when the block
 * must grow, one tp_alloc, one copy of the bytes held and one tp_free. The
 * block grows only to a strictly larger block size, so at most once per tier
 * of the pool in one message.
 *
 * Blocks come from TP_ALLOC / TP_FREE (tp_track.h): tracked in a build with
 * TP_CFG_TRACKING=1 when the pool has a tracker, plain tp_alloc otherwise.
 *
 * Thread and interrupt safety: one tp_frame_t per connection, used by one task
 * at a time (the transport's). Not for interrupt handlers. Different intakes
 * may share one thread-safe pool.
 */
#ifndef TP_FRAME_H
#define TP_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "tierpool.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a message is, as the transport says it (WebSocket text or binary). */
typedef enum { TP_FRAME_TEXT = 1, TP_FRAME_BINARY = 2 } tp_frame_type_t;

/** What tp_frame_feed did with a piece. */
typedef enum {
    TP_FRAME_MORE = 0,     /**< taken; the message continues */
    TP_FRAME_COMPLETE = 1, /**< taken; the message is complete (tp_frame_data, tp_frame_len) */
    TP_FRAME_TOO_BIG = 2,  /**< refused: longer than the limit; nothing kept (close 1009) */
    TP_FRAME_NO_MEM = 3,   /**< refused: the pool had no block for it; nothing kept (close 1013) */
    TP_FRAME_SEQUENCE = 4, /**< refused: a continuation with no message started, a new message
                                while one is open, or a piece after the complete message was not
                                reset; nothing kept (close 1002) */
    TP_FRAME_BAD_ARG = 5   /**< f not initialised, data NULL with len > 0, or a bad type;
                                nothing changed */
} tp_frame_status_t;

/** Intake state. Caller storage; read it only through the functions below.
 *  The counts from `messages` on saturate at UINT32_MAX (once there they stay,
 *  meaning "at least that many"). */
typedef struct {
    uint32_t magic;    /**< set by tp_frame_init */
    tp_pool_t *pool;   /**< where messages are assembled */
    uint32_t limit;    /**< longest message accepted, bytes */
    uint8_t *block;    /**< the message's pool block, NULL when none */
    uint32_t cap;      /**< usable bytes of block */
    uint32_t len;      /**< bytes assembled */
    uint8_t type;      /**< tp_frame_type_t of the open message */
    uint8_t state;     /**< idle, assembling, complete */
    uint8_t pad[2];    /**< unused */
    uint32_t messages; /**< messages completed since tp_frame_init */
    uint32_t too_big;  /**< refused with TP_FRAME_TOO_BIG */
    uint32_t no_mem;   /**< refused with TP_FRAME_NO_MEM */
    uint32_t sequence; /**< refused with TP_FRAME_SEQUENCE */
    uint32_t dropped;  /**< messages released by tp_frame_reset before they were complete */
    uint32_t moves;    /**< times a message moved to a larger block */
} tp_frame_t;

/**
 * Prepare an intake for messages of at most @p limit bytes from @p pool.
 * @param f      intake (caller storage, need not be zeroed)
 * @param pool   an initialised pool; messages are assembled in its blocks
 * @param limit  longest message accepted, 1 .. 2^31 - 1 bytes
 * @retval TP_OK
 * @retval TP_ERR_INVALID_ARG f or pool NULL, pool not initialised, limit out of range
 *         (f unchanged)
 */
tp_err_t tp_frame_init(tp_frame_t *f, tp_pool_t *pool, uint32_t limit);

/**
 * Take one piece of a message.
 * @param f      intake
 * @param type   the message's type (used from the first piece; later pieces may pass any valid type)
 * @param data   the piece's bytes (may be NULL when len is 0)
 * @param len    bytes in the piece
 * @param more   bytes known to follow in this message (0 when unknown or none): the
 *               rest of a WebSocket frame announced by its header. Sizes the block,
 *               and a message whose known length passes the limit is refused now.
 * @param first  1 for the first piece of a message
 * @param final  1 for the last piece of a message
 * @return TP_FRAME_MORE or TP_FRAME_COMPLETE when taken; a refusal otherwise.
 * @retval TP_FRAME_TOO_BIG  bytes held + len + more exceed the limit: the block is
 *                           released, no byte of this piece copied, the intake idle
 * @retval TP_FRAME_NO_MEM   no block of the needed size: released as above
 * @retval TP_FRAME_SEQUENCE first == 0 with no message open, first == 1 while a message
 *                           is open, or any piece while a complete message is held:
 *                           whatever was held is released
 * @retval TP_FRAME_BAD_ARG  nothing changed
 * After a refusal the transport ends the connection (tp_frame_close_code): the rest
 * of a refused message would be refused again as TP_FRAME_SEQUENCE.
 */
tp_frame_status_t tp_frame_feed(tp_frame_t *f, tp_frame_type_t type, const void *data, size_t len, size_t more,
                                int first, int final);

/**
 * The complete message's bytes (a pool block), valid until tp_frame_reset or
 * tp_frame_take.
 * @param f  intake
 * @return the bytes; NULL when no message is complete, for an empty message, or
 *         for an intake not initialised
 */
const uint8_t *tp_frame_data(const tp_frame_t *f);

/**
 * The complete message's length.
 * @param f  intake
 * @return bytes; 0 when no message is complete or f is not initialised
 */
size_t tp_frame_len(const tp_frame_t *f);

/**
 * The complete message's type.
 * @param f  intake
 * @return its type; 0 when no message is complete or f is not initialised
 */
tp_frame_type_t tp_frame_type(const tp_frame_t *f);

/**
 * Hand the complete message's block over to the caller, who frees it with
 * tp_free on the intake's pool (or gives it to a tp_store). The intake is idle.
 * @param f    intake
 * @param len  receives the message length (may be NULL)
 * @return the block, or NULL when no message is complete or it is empty (nothing
 *         to take; *len is then 0 and the intake is unchanged).
 */
uint8_t *tp_frame_take(tp_frame_t *f, size_t *len);

/**
 * Release whatever the intake holds (a complete message, or one cut off by a lost
 * connection, counted in `dropped`) and make it idle. A no-op when idle or for NULL.
 * @param f  intake
 */
void tp_frame_reset(tp_frame_t *f);

/**
 * The WebSocket close code (RFC 6455, section 7.4) a transport sends for a refusal.
 * @param status  what tp_frame_feed returned
 * @return 1009 for TP_FRAME_TOO_BIG, 1013 ("try again later") for TP_FRAME_NO_MEM,
 *         1002 (protocol error) for TP_FRAME_SEQUENCE, 1011 for TP_FRAME_BAD_ARG, 0 for
 *         TP_FRAME_MORE and TP_FRAME_COMPLETE (nothing to close)
 * @isr
 */
uint16_t tp_frame_close_code(tp_frame_status_t status);

/**
 * A status in words.
 * @param status  any value
 * @return a short English name ("more", "complete", "message too big", ...;
 *         "unknown status" for other values)
 * @isr
 */
const char *tp_frame_status_str(tp_frame_status_t status);

#ifdef __cplusplus
}
#endif

#endif /* TP_FRAME_H */
