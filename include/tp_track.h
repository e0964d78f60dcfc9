/*
 * tp_track.h - allocation tracking: who holds which block, leaks, overflows,
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
 *   TP_TRACK_CANARY  fill the block's unused tail [requested, block_size) with
 *                    TP_TRACK_CANARY_BYTE at allocation; check it on free and
 *                    with tp_track_check_all: a write past the requested size
 *                    is reported (TP_TRACK_EV_OVERFLOW).
 *   TP_TRACK_POISON  fill a freed block with TP_TRACK_POISON_BYTE; at the
 *                    block's next allocation verify it is intact: a write
 *                    after free is reported (TP_TRACK_EV_USE_AFTER_FREE).
 *   TP_TRACK_CRASH_OPS  note every operation in the crash record's ring.
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

#define TP_TRACK_CANARY (1u << 0)
#define TP_TRACK_POISON (1u << 1)
#define TP_TRACK_CRASH_OPS (1u << 2)

#define TP_TRACK_CANARY_BYTE 0xCAu
#define TP_TRACK_POISON_BYTE 0xFEu /* ESP-IDF's comprehensive poisoning fill */

/* One block's record. */
typedef struct {
    uint32_t size;        /* bytes requested; 0 = block not live (as far as tracking knows) */
    uint32_t line;        /* 0 with a tag */
    const char *where;    /* __FILE__ or a caller tag (a string with static lifetime) */
    uint32_t task_id;
    uint32_t epoch;
    uint64_t time_us;
    char task[12];        /* owner task name, truncated */
    uint8_t poisoned;     /* 1: freed with poisoning, not handed out since */
    uint8_t pad[3];
} tp_track_entry_t;

typedef enum {
    TP_TRACK_EV_OVERFLOW = 1,       /* the canary in the tail was overwritten */
    TP_TRACK_EV_USE_AFTER_FREE = 2, /* the poison of a freed block was overwritten */
    TP_TRACK_EV_BAD_FREE = 3        /* tp_free refused the pointer (err in the callback) */
} tp_track_event_t;

/* Corruption callback: what, which block, its record (NULL for bad frees), the error. */
typedef void (*tp_track_corrupt_fn)(tp_track_event_t ev, const void *block,
                                    const tp_track_entry_t *entry, uint32_t offset, void *user);

/* Text sink for reports and the event stream: len bytes of text (no NUL). */
typedef void (*tp_track_write_fn)(const char *text, size_t len, void *user);

typedef struct {
    uint32_t magic;
    tp_pool_t *pool;
    tp_track_entry_t *table;
    uint32_t entries;
    uint32_t flags;
    uint32_t epoch;
    tp_track_corrupt_fn on_corrupt;
    void *corrupt_user;
    tp_track_write_fn events;
    void *events_user;
    /* counters */
    uint32_t allocs, frees, failed, overflows, use_after_free, bad_frees;
} tp_track_t;

/*
 * Attach tracker t to pool with table[entries] (entries >= tp_pool_block_count(pool);
 * the table is cleared). Replaces an earlier tracker of the same pool.
 * TP_ERR_INVALID_ARG: NULL arguments, pool not initialised, table too small,
 * unknown flags. TP_ERR_NO_MEM: TP_CFG_TRACK_MAX trackers already attached.
 */
tp_err_t tp_track_init(tp_track_t *t, tp_pool_t *pool, tp_track_entry_t *table,
                       uint32_t entries, uint32_t flags);

/* Detach (TP_ALLOC on its pool then allocates untracked). TP_ERR_INVALID_ARG / TP_ERR_NOT_FOUND. */
tp_err_t tp_track_detach(tp_track_t *t);

/* The tracker attached to pool, or NULL. */
tp_track_t *tp_track_of(const tp_pool_t *pool);

/* Corruption callback (NULL removes). TP_ERR_INVALID_ARG for an unattached t. */
tp_err_t tp_track_on_corrupt(tp_track_t *t, tp_track_corrupt_fn fn, void *user);

/*
 * Event stream sink (NULL stops it). Writes the header line "tpev 2\n" at
 * once, then one line per tracked operation, in tierpool's plain event
 * format (tp_evline.h, docs/event-format.md):
 *   A <time_us> 0x<addr-hex> <size> [task]
 *   F <time_us> 0x<addr-hex> [task]
 * naming the calling task (omitted when it has no name; quoted with escapes
 * when it is not one plain word; up to TP_CFG_TASK_NAME_LEN - 1 bytes).
 * Each call of fn is one whole line. TP_ERR_INVALID_ARG for an unattached t.
 */
tp_err_t tp_track_set_event_sink(tp_track_t *t, tp_track_write_fn fn, void *user);

/*
 * Allocate through the tracker of pool (plain tp_alloc when pool has none).
 * `where` is a file name (line > 0) or a tag (line 0); it is kept by pointer.
 * Same results as tp_alloc / tp_alloc_critical.
 */
void *tp_track_alloc(tp_pool_t *pool, size_t size, const char *where, int line);
void *tp_track_alloc_critical(tp_pool_t *pool, size_t size, const char *where, int line);

/*
 * Free through the tracker: canary check (reported, then freed anyway),
 * poisoning, record cleared. Same results as tp_free; a refused pointer is
 * also reported as TP_TRACK_EV_BAD_FREE.
 */
tp_err_t tp_track_free(tp_pool_t *pool, void *ptr, const char *where, int line);

/* Start a new epoch; returns it. Blocks record the epoch current at allocation. 0 for NULL. */
uint32_t tp_track_next_epoch(tp_track_t *t);

/*
 * Check the canary of every live tracked block. Returns the number of bad
 * blocks (each reported and counted), or TP_ERR_INVALID_ARG.
 */
int tp_track_check_all(tp_track_t *t);

/*
 * Leak report of live tracked blocks allocated in epoch >= since_epoch, in a
 * format close to ESP-IDF's heap_trace_dump:
 *   ====== Tierpool Leak Report: 2 blocks since epoch 1 (pool of 100 blocks) ======
 *      100 bytes (@ 0x55d0c0a01000, tier 0/256) allocated task "net" epoch 1 caller app.c:42
 *   ====== Leak Report Summary ======
 *   180 bytes 'leaked' in report (2 blocks)
 *   total allocations: 10
 *   total frees: 8
 *   ================================
 * Into buf (always NUL-terminated): TP_ERR_TRUNCATED when it does not fit.
 * TP_ERR_INVALID_ARG for an unattached t, NULL buf or size 0.
 */
tp_err_t tp_track_leak_report(tp_track_t *t, uint32_t since_epoch, char *buf, size_t size);

/* The same report line by line through fn. TP_ERR_INVALID_ARG for NULL arguments. */
tp_err_t tp_track_leak_report_cb(tp_track_t *t, uint32_t since_epoch, tp_track_write_fn fn,
                                 void *user);

/* Live tracked blocks: count and bytes requested (either out may be NULL). */
tp_err_t tp_track_live(tp_track_t *t, uint32_t since_epoch, uint32_t *blocks, uint32_t *bytes);

/*
 * Visit every live tracked block allocated before cutoff_us (for freeing aged
 * resources). The visitor may free the block it is given. Returns the number
 * of blocks visited, or TP_ERR_INVALID_ARG.
 */
typedef void (*tp_track_visit_fn)(void *block, const tp_track_entry_t *entry, void *user);
int tp_track_visit_older(tp_track_t *t, uint64_t cutoff_us, tp_track_visit_fn fn, void *user);

/* ---- the application's allocation macros ---- */
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
