/**
 * @file tp_track.h
 * Allocation tracking: who holds which block, leaks, overflows,
 * use after free, and the event stream poolsim replays.
 *
 * A wrapper layer around tp_alloc / tp_free: the core (src/tp_pool.c) does
 * not change. Application code allocates through the macros
 *   TP_ALLOC(pool, size)  TP_ALLOC_CRITICAL(pool, size)  TP_FREE(pool, ptr)
 * which expand to plain tp_alloc / tp_alloc_critical / tp_free when
 * TP_CFG_TRACKING is 0 (the default: zero cost, not even a call), and to
 * tp_track_alloc(pool, size, __FILE__, __LINE__) etc. when it is 1. The
 * tracking functions themselves are always compiled (they cost flash only if
 * used), so a test or a debug command can use them in any build.
 *
 * A tracker (tp_track_t, caller storage) is attached to one pool with a side
 * table of one tp_track_entry_t per block (tp_pool_block_count(pool) entries),
 * indexed by the block's pool-wide index (tp_pool_locate): no search, no
 * allocation. Per block: requested size, tag or file:line, owner task id and
 * name, allocation epoch and time.
 *
 * Options (flags):
 * - TP_TRACK_CANARY: fill the block's unused tail [requested, block_size)
 *   with TP_TRACK_CANARY_BYTE at allocation; check it on free and with
 *   tp_track_check_all: a write past the requested size is reported
 *   (TP_TRACK_EV_OVERFLOW).
 * - TP_TRACK_POISON: fill a freed block with TP_TRACK_POISON_BYTE; at the
 *   block's next allocation verify it is intact: a write after free is
 *   reported (TP_TRACK_EV_USE_AFTER_FREE).
 * - TP_TRACK_CRASH_OPS: note every operation in the crash record's ring.
 *
 * Detections go to the corruption callback and are counted; the operation
 * itself proceeds (the block is freed / handed out).
 *
 * Thread safety: the tracker's table is updated while the caller owns the
 * block (between a successful tp_alloc and its tp_free), so entries need no
 * lock; counters and the epoch use the pool's lock (tp_pool_lock).
 * Reports walk the table without the lock: run them when the pool is quiet
 * or accept a racy view.
 */
#ifndef TP_TRACK_H
#define TP_TRACK_H

#include <stddef.h>
#include <stdint.h>

#include "tierpool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Trackers that can be attached at once (TP_ALLOC finds the pool's tracker):
 * TP_CFG_TRACK_MAX (tp_config.h). */

/** Flag: a canary in each block's unused tail, checked on free and by tp_track_check_all. */
#define TP_TRACK_CANARY (1u << 0)
/** Flag: freed blocks filled with poison, checked at their next allocation. */
#define TP_TRACK_POISON (1u << 1)
/** Flag: every tracked operation noted in the crash record's ring (tp_crash_note_op). */
#define TP_TRACK_CRASH_OPS (1u << 2)

/** The canary byte. */
#define TP_TRACK_CANARY_BYTE 0xCAu
/** The poison byte (ESP-IDF's comprehensive poisoning fill). */
#define TP_TRACK_POISON_BYTE 0xFEu

/** One block's record. */
typedef struct {
    uint32_t size;     /**< bytes requested; 0 = block not live (as far as tracking knows) */
    uint32_t line;     /**< the caller's line; 0 with a tag */
    const char *where; /**< __FILE__ or a caller tag (a string with static lifetime) */
    uint32_t task_id;  /**< owner task (tp_sys_task_id) */
    uint32_t epoch;    /**< the epoch current at allocation */
    uint64_t time_us;  /**< tp_sys_time_us at allocation */
    char task[12];     /**< owner task name, truncated */
    uint8_t poisoned;  /**< 1: freed with poisoning, not handed out since */
    uint8_t pad[3];    /**< zero */
} tp_track_entry_t;

/** What the corruption callback reports. */
typedef enum {
    TP_TRACK_EV_OVERFLOW = 1,       /**< the canary in the tail was overwritten */
    TP_TRACK_EV_USE_AFTER_FREE = 2, /**< the poison of a freed block was overwritten */
    TP_TRACK_EV_BAD_FREE = 3        /**< tp_free refused the pointer */
} tp_track_event_t;

/**
 * Corruption callback.
 * @param ev      what was detected
 * @param block   the block
 * @param entry   its record; NULL for a bad free
 * @param offset  the first bad byte's offset in the block; for a bad free, -err (tp_err_t)
 * @param user    what tp_track_on_corrupt was given
 */
typedef void (*tp_track_corrupt_fn)(tp_track_event_t ev, const void *block, const tp_track_entry_t *entry,
                                    uint32_t offset, void *user);

/**
 * Text sink for reports and the event stream.
 * @param text  len bytes of text (no NUL)
 * @param len   how many
 * @param user  what the sink was installed with
 */
typedef void (*tp_track_write_fn)(const char *text, size_t len, void *user);

/** A tracker. Caller storage; the fields are read-only for the application. */
typedef struct {
    uint32_t magic;                 /**< set while attached */
    tp_pool_t *pool;                /**< the pool tracked */
    tp_track_entry_t *table;        /**< one record per block, by block index */
    uint32_t entries;               /**< records in table */
    uint32_t flags;                 /**< TP_TRACK_* */
    uint32_t epoch;                 /**< the current epoch */
    tp_track_corrupt_fn on_corrupt; /**< corruption callback, or NULL */
    void *corrupt_user;             /**< passed to on_corrupt */
    tp_track_write_fn events;       /**< event stream sink, or NULL */
    void *events_user;              /**< passed to events */
    uint32_t allocs;                /**< tracked allocations */
    uint32_t frees;                 /**< tracked frees */
    uint32_t failed;                /**< tracked allocations that got NULL */
    uint32_t overflows;             /**< TP_TRACK_EV_OVERFLOW reported */
    uint32_t use_after_free;        /**< TP_TRACK_EV_USE_AFTER_FREE reported */
    uint32_t bad_frees;             /**< TP_TRACK_EV_BAD_FREE reported */
} tp_track_t;

/**
 * Attach a tracker to a pool (the table is cleared). Replaces an earlier
 * tracker of the same pool.
 * @param t        caller storage
 * @param pool     an initialised pool
 * @param table    one record per block
 * @param entries  records in table: at least tp_pool_block_count(pool)
 * @param flags    TP_TRACK_* or 0
 * @retval TP_OK               attached
 * @retval TP_ERR_INVALID_ARG  NULL arguments, pool not initialised, table too small, unknown flags
 * @retval TP_ERR_NO_MEM       TP_CFG_TRACK_MAX trackers already attached
 */
tp_err_t tp_track_init(tp_track_t *t, tp_pool_t *pool, tp_track_entry_t *table, uint32_t entries, uint32_t flags);

/**
 * Detach a tracker: TP_ALLOC on its pool then allocates untracked.
 * @param t  an attached tracker
 * @retval TP_OK               detached
 * @retval TP_ERR_INVALID_ARG  t NULL or not attached
 * @retval TP_ERR_NOT_FOUND    t is marked attached but not in the tracker table
 */
tp_err_t tp_track_detach(tp_track_t *t);

/**
 * The tracker attached to a pool.
 * @param pool  the pool
 * @return its tracker, or NULL
 */
tp_track_t *tp_track_of(const tp_pool_t *pool);

/**
 * Install the corruption callback.
 * @param t     an attached tracker
 * @param fn    the callback; NULL removes it
 * @param user  passed to fn
 * @retval TP_OK               installed
 * @retval TP_ERR_INVALID_ARG  t not attached
 */
tp_err_t tp_track_on_corrupt(tp_track_t *t, tp_track_corrupt_fn fn, void *user);

/**
 * Install the event stream sink. Writes the header line "tpev 2\n" at once,
 * then one line per tracked operation, in tierpool's plain event format
 * (tp_evline.h, docs/event-format.md):
 * @code
 * A <time_us> 0x<addr-hex> <size> [task]
 * F <time_us> 0x<addr-hex> [task]
 * @endcode
 * naming the calling task (omitted when it has no name; quoted with escapes
 * when it is not one plain word; up to TP_CFG_TASK_NAME_LEN - 1 bytes).
 * Each call of fn is one whole line.
 * @param t     an attached tracker
 * @param fn    the sink; NULL stops the stream
 * @param user  passed to fn
 * @retval TP_OK               installed (and the header line written)
 * @retval TP_ERR_INVALID_ARG  t not attached
 */
tp_err_t tp_track_set_event_sink(tp_track_t *t, tp_track_write_fn fn, void *user);

/**
 * Allocate through the pool's tracker (plain tp_alloc when the pool has none).
 * @param pool   the pool
 * @param size   bytes
 * @param where  a file name (line > 0) or a tag (line 0); kept by pointer
 * @param line   the caller's line, or 0
 * @return as tp_alloc
 */
void *tp_track_alloc(tp_pool_t *pool, size_t size, const char *where, int line);

/**
 * tp_track_alloc for a critical request (tp_alloc_critical).
 * @param pool   the pool
 * @param size   bytes
 * @param where  a file name (line > 0) or a tag (line 0); kept by pointer
 * @param line   the caller's line, or 0
 * @return as tp_alloc_critical
 */
void *tp_track_alloc_critical(tp_pool_t *pool, size_t size, const char *where, int line);

/**
 * Free through the tracker: canary check (reported, then freed anyway),
 * poisoning, record cleared. A pointer tp_free refuses is also reported as
 * TP_TRACK_EV_BAD_FREE.
 * @param pool   the pool
 * @param ptr    the block; NULL is a no-op
 * @param where  the caller's file (unused; for symmetry with TP_ALLOC)
 * @param line   the caller's line (unused)
 * @return as tp_free
 */
tp_err_t tp_track_free(tp_pool_t *pool, void *ptr, const char *where, int line);

/**
 * Start a new epoch. Blocks record the epoch current at their allocation.
 * @param t  an attached tracker
 * @return the new epoch; 0 for a tracker not attached
 */
uint32_t tp_track_next_epoch(tp_track_t *t);

/**
 * Check the canary of every live tracked block; each bad one is reported and
 * counted.
 * @param t  an attached tracker
 * @return the number of bad blocks (>= 0), or TP_ERR_INVALID_ARG for a tracker not attached
 */
int tp_track_check_all(tp_track_t *t);

/**
 * Leak report of the live tracked blocks allocated in epoch >= since_epoch,
 * in a format close to ESP-IDF's heap_trace_dump:
 * @code
 * ====== Tierpool Leak Report: 2 blocks since epoch 1 (pool of 100 blocks) ======
 *    100 bytes (@ 0x55d0c0a01000, tier 0/256) allocated task "net" epoch 1 caller app.c:42
 * ====== Leak Report Summary ======
 * 180 bytes 'leaked' in report (2 blocks)
 * total allocations: 10
 * total frees: 8
 * ================================
 * @endcode
 * @param t            an attached tracker
 * @param since_epoch  the oldest epoch reported
 * @param buf          receives the report, always NUL-terminated
 * @param size         bytes of buf
 * @retval TP_OK               the whole report
 * @retval TP_ERR_INVALID_ARG  t not attached, buf NULL or size 0
 * @retval TP_ERR_TRUNCATED    it did not fit: buf holds its start
 */
tp_err_t tp_track_leak_report(tp_track_t *t, uint32_t since_epoch, char *buf, size_t size);

/**
 * The same report line by line through a sink.
 * @param t            an attached tracker
 * @param since_epoch  the oldest epoch reported
 * @param fn           called with each line
 * @param user         passed to fn
 * @retval TP_OK               reported
 * @retval TP_ERR_INVALID_ARG  t not attached or fn NULL
 */
tp_err_t tp_track_leak_report_cb(tp_track_t *t, uint32_t since_epoch, tp_track_write_fn fn, void *user);

/**
 * Live tracked blocks allocated in epoch >= since_epoch.
 * @param t            an attached tracker
 * @param since_epoch  the oldest epoch counted
 * @param blocks       receives their number; may be NULL
 * @param bytes        receives the bytes requested for them; may be NULL
 * @retval TP_OK               counted
 * @retval TP_ERR_INVALID_ARG  t not attached
 */
tp_err_t tp_track_live(tp_track_t *t, uint32_t since_epoch, uint32_t *blocks, uint32_t *bytes);

/**
 * Visitor of tp_track_visit_older; it may free the block it is given.
 * @param block  the block
 * @param entry  a copy of its record
 * @param user   what tp_track_visit_older was given
 */
typedef void (*tp_track_visit_fn)(void *block, const tp_track_entry_t *entry, void *user);

/**
 * Visit every live tracked block allocated before a time (for freeing aged
 * resources).
 * @param t          an attached tracker
 * @param cutoff_us  blocks allocated before this tp_sys_time_us are visited
 * @param fn         the visitor
 * @param user       passed to fn
 * @return the number of blocks visited, or TP_ERR_INVALID_ARG (t not attached, fn NULL)
 */
int tp_track_visit_older(tp_track_t *t, uint64_t cutoff_us, tp_track_visit_fn fn, void *user);

/* ---- the application's allocation macros ---- */

/**
 * @def TP_ALLOC(pool, size)
 * Allocate: tp_track_alloc(pool, size, __FILE__, __LINE__) with
 * TP_CFG_TRACKING=1, tp_alloc(pool, size) otherwise.
 */
/**
 * @def TP_ALLOC_CRITICAL(pool, size)
 * Allocate a critical request: tp_track_alloc_critical with __FILE__ and
 * __LINE__ with TP_CFG_TRACKING=1, tp_alloc_critical otherwise.
 */
/**
 * @def TP_ALLOC_TAG(pool, size, tag)
 * Allocate with a tag instead of file and line: tp_track_alloc(pool, size,
 * tag, 0) with TP_CFG_TRACKING=1, tp_alloc otherwise.
 */
/**
 * @def TP_FREE(pool, ptr)
 * Free: tp_track_free with __FILE__ and __LINE__ with TP_CFG_TRACKING=1,
 * tp_free otherwise.
 */
#if TP_CFG_TRACKING
#define TP_ALLOC(pool, size) tp_track_alloc((pool), (size), __FILE__, __LINE__)
#define TP_ALLOC_CRITICAL(pool, size) tp_track_alloc_critical((pool), (size), __FILE__, __LINE__)
#define TP_ALLOC_TAG(pool, size, tag) tp_track_alloc((pool), (size), (tag), 0)
#define TP_FREE(pool, ptr) tp_track_free((pool), (ptr), __FILE__, __LINE__)
#else
#define TP_ALLOC(pool, size) tp_alloc((pool), (size))
#define TP_ALLOC_CRITICAL(pool, size) tp_alloc_critical((pool), (size))
#define TP_ALLOC_TAG(pool, size, tag) tp_alloc((pool), (size))
#define TP_FREE(pool, ptr) tp_free((pool), (ptr))
#endif

#ifdef __cplusplus
}
#endif

#endif /* TP_TRACK_H */
