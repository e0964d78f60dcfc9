/**
 * @file tp_store.h
 * @brief A bounded store of named items in pool blocks: at most `capacity`
 * items, the oldest evicted first, and every change all or nothing.
 *
 * Each item is one block of the store's pool holding `len` bytes, under a key
 * of up to TP_CFG_STORE_KEY_LEN - 1 characters. Adding an item whose key is
 * already present replaces it; adding to a full store evicts the oldest item
 * (the one added longest ago; a replacement counts as new).
 *
 * All or nothing: an item enters the store only complete and checked. The
 * block is allocated and filled *before* the store is touched
 * (tp_store_load), or handed over already filled (tp_store_adopt); a failed
 * allocation, a short read or a failed check leaves the store exactly as it
 * was, and the eviction of the oldest item happens only once the new one is
 * in. So a load never costs an item unless it succeeds; the price is that the
 * pool must have a block for the new item while the store is full (capacity
 * + 1 blocks, plus one per further load in flight).
 *
 * Pins: a reader pins an item (tp_store_get) to use its bytes outside the
 * store's lock, and unpins it (tp_store_put). A pinned item that is removed,
 * replaced or evicted leaves the store at once (no longer found or listed)
 * and its block is freed when the last pin goes. Up to `max_pins` pins may be
 * held at once; the store has capacity + max_pins <= TP_CFG_STORE_MAX_SLOTS
 * slots, so an add never fails for lack of a slot.
 *
 * Time: every call is bounded by the number of slots (key comparisons of at
 * most TP_CFG_STORE_KEY_LEN bytes), plus tp_store_load's fill and check
 * callbacks, which run outside the lock.
 *
 * Thread safety: every function may be called from any task. The store takes
 * its own lock (the port's critical section, tp_port.h) around its
 * bookkeeping and the tp_free of a block leaving it (the pool's lock nests
 * inside), never around a callback or a copy of item bytes: so the pool
 * blocks a store holds are, at every moment, exactly its items plus its
 * detached items, and a store of capacity C with P pins and L concurrent loads
 * never needs more than C + P + L blocks. Not for interrupt handlers (key
 * comparisons are not short enough for an ISR's latency budget).
 *
 * Blocks are allocated and freed with TP_ALLOC / TP_FREE (tp_track.h): in a
 * build with TP_CFG_TRACKING=1 and a tracker on the pool they are tracked,
 * and the tracker's event sink then runs inside the store's lock (keep it
 * short: a buffered write).
 */
#ifndef TP_STORE_H
#define TP_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "tierpool.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One slot. Read through the functions below. */
typedef struct {
    uint8_t *data;                  /**< the item's pool block; NULL for a free slot */
    uint32_t len;                   /**< bytes of item */
    uint32_t seq;                   /**< order of addition; identifies the item for pins */
    uint16_t pins;                  /**< pins held on the item */
    uint8_t state;                  /**< free, live, detached (left the store, waiting for its last pin) */
    uint8_t pad;                    /**< unused */
    char key[TP_CFG_STORE_KEY_LEN]; /**< the item's key, NUL-terminated */
} tp_store_slot_t;

/** Store counters (tp_store_stats). items .. blocks are the state now; the
 *  event counts from adds on saturate at UINT32_MAX (once there they stay,
 *  meaning "at least that many"). */
typedef struct {
    uint32_t items;       /**< items in the store now */
    uint32_t capacity;    /**< items the store keeps */
    uint32_t pins;        /**< pins held now */
    uint32_t detached;    /**< items that left the store and wait for their last pin */
    uint32_t blocks;      /**< pool blocks the store holds: items + detached */
    uint32_t adds;        /**< items added (replacements included) */
    uint32_t replaced;    /**< adds that replaced an item with the same key */
    uint32_t evicted;     /**< items evicted to make room */
    uint32_t removed;     /**< items removed by tp_store_remove / tp_store_clear */
    uint32_t refused;     /**< loads and adoptions that failed (store unchanged) */
    uint32_t pin_refused; /**< tp_store_get calls refused because max_pins were held */
    uint32_t bad_puts;    /**< tp_store_put calls with a reference that was not pinned */
} tp_store_stats_t;

/** A store. Caller storage; initialise with tp_store_init. */
typedef struct {
    uint32_t magic;                               /**< set by tp_store_init */
    tp_pool_t *pool;                              /**< where the items live */
    uint32_t capacity;                            /**< items kept */
    uint32_t max_pins;                            /**< pins allowed at once */
    uint32_t next_seq;                            /**< seq of the next item added */
    tp_store_stats_t st;                          /**< counters */
    tp_lock_t lock;                               /**< the port's critical section */
    uint8_t order[TP_CFG_STORE_MAX_SLOTS];        /**< slots of the items, oldest first */
    tp_store_slot_t slot[TP_CFG_STORE_MAX_SLOTS]; /**< the slots */
} tp_store_t;

/** A pinned item: its bytes stay valid until tp_store_put. */
typedef struct {
    const uint8_t *data; /**< the item's bytes */
    uint32_t len;        /**< how many */
    uint32_t slot;       /**< where the store keeps it */
    uint32_t seq;        /**< which item it was (a stale reference is refused) */
} tp_store_ref_t;

/** What an add did besides adding (tp_store_load, tp_store_adopt). */
typedef struct {
    int replaced;                           /**< 1: an item with the same key was replaced */
    int evicted;                            /**< 1: the oldest item was evicted to make room */
    char evicted_key[TP_CFG_STORE_KEY_LEN]; /**< its key ("" when none) */
} tp_store_result_t;

/**
 * Fill callback of tp_store_load: write up to @p size bytes of the item into
 * @p block and set @p *filled to the number written (a file read sets what
 * fread returned).
 * @return TP_OK, or any error (passed on by tp_store_load).
 */
typedef tp_err_t (*tp_store_fill_fn)(void *block, size_t size, size_t *filled, void *user);

/**
 * Check callback: TP_OK when @p len bytes at @p data are a valid item, any
 * error otherwise (passed on; tp_store_load and tp_store_adopt then change nothing).
 */
typedef tp_err_t (*tp_store_check_fn)(const void *data, size_t len, void *user);

/**
 * Initialise an empty store over @p pool.
 * @param s         store (caller storage, need not be zeroed)
 * @param pool      an initialised pool; items live in its blocks
 * @param capacity  items kept, >= 1
 * @param max_pins  pins held at once, >= 0; capacity + max_pins <= TP_CFG_STORE_MAX_SLOTS
 * @retval TP_OK
 * @retval TP_ERR_INVALID_ARG NULL s or pool, pool not initialised, capacity 0, too many slots
 *         (s unchanged)
 */
tp_err_t tp_store_init(tp_store_t *s, tp_pool_t *pool, uint32_t capacity, uint32_t max_pins);

/**
 * Load an item: allocate a block of @p size bytes, let @p fill write it, check
 * that it wrote exactly @p size bytes, let @p check validate them, then add it
 * under @p key (replacing an item with that key, or evicting the oldest when full).
 * On any error the block is freed and the store is exactly as it was.
 * @param s      store
 * @param key    1 .. TP_CFG_STORE_KEY_LEN - 1 characters (copied)
 * @param size   the item's size, >= 1
 * @param fill   writes the item (required)
 * @param check  validates it (NULL: no check)
 * @param user   passed to both callbacks
 * @param res    what the add did besides adding (may be NULL)
 * @retval TP_OK the item is in the store
 * @retval TP_ERR_INVALID_ARG store not initialised, key NULL, empty or too long, size 0, fill NULL
 * @retval TP_ERR_NO_MEM the pool had no block of @p size bytes
 * @retval TP_ERR_TRUNCATED fill wrote fewer or more bytes than @p size (a short read)
 * @retval other an error fill or check returned
 */
tp_err_t tp_store_load(tp_store_t *s, const char *key, size_t size, tp_store_fill_fn fill, tp_store_check_fn check,
                       void *user, tp_store_result_t *res);

/**
 * Add an item whose bytes are already in a live block of the store's pool (for
 * example a message taken from a tp_frame_t): check it, then take the block
 * over. On success the store owns the block; on any error the caller still does
 * and the store is exactly as it was.
 * @param s      store
 * @param key    as tp_store_load
 * @param block  start of a live block of the store's pool, not held by the store already
 * @param len    bytes of item in it, 1 .. its usable size
 * @param check  validates it (NULL: no check)
 * @param user   passed to check
 * @param res    as tp_store_load (may be NULL)
 * @retval TP_OK the store owns the block
 * @retval TP_ERR_INVALID_ARG bad store or key, len 0, block not the start of a live
 *         block of the pool, len above its size, block already in the store
 * @retval other an error check returned
 */
tp_err_t tp_store_adopt(tp_store_t *s, const char *key, void *block, size_t len, tp_store_check_fn check, void *user,
                        tp_store_result_t *res);

/**
 * Pin the item under @p key and describe it in @p ref; its bytes stay valid
 * (even if it is removed, replaced or evicted meanwhile) until tp_store_put.
 * @param s    store
 * @param key  the item's key
 * @param ref  receives the item's bytes and length, and what tp_store_put needs
 * @retval TP_OK
 * @retval TP_ERR_INVALID_ARG store not initialised, key or ref NULL
 * @retval TP_ERR_NOT_FOUND no such item
 * @retval TP_ERR_NO_MEM max_pins pins are held already (counted)
 */
tp_err_t tp_store_get(tp_store_t *s, const char *key, tp_store_ref_t *ref);

/**
 * Unpin an item pinned by tp_store_get. If it has left the store and this was
 * its last pin, its block is freed. The reference is cleared.
 * @param s    store
 * @param ref  a reference filled by tp_store_get
 * @retval TP_OK
 * @retval TP_ERR_INVALID_ARG store not initialised, ref NULL, or ref not a held pin
 *         (already put, never pinned, or from another store; counted in bad_puts)
 */
tp_err_t tp_store_put(tp_store_t *s, tp_store_ref_t *ref);

/**
 * Remove the item under @p key (freed now, or at its last pin).
 * @param s    store
 * @param key  the item's key
 * @retval TP_OK
 * @retval TP_ERR_INVALID_ARG store not initialised, key NULL
 * @retval TP_ERR_NOT_FOUND no such item
 */
tp_err_t tp_store_remove(tp_store_t *s, const char *key);

/**
 * Remove every item (pinned ones are freed at their last pin).
 * @param s  store
 * @retval TP_OK
 * @retval TP_ERR_INVALID_ARG store not initialised
 */
tp_err_t tp_store_clear(tp_store_t *s);

/**
 * Items in the store now.
 * @param s  store
 * @return the count; 0 for a store not initialised
 */
uint32_t tp_store_count(tp_store_t *s);

/**
 * The @p index-th item, oldest first (0 = the next one evicted).
 * @param s         store
 * @param index     0 .. tp_store_count() - 1
 * @param key       receives the item's key, NUL-terminated
 * @param key_size  bytes at key
 * @param len       receives the item's length (may be NULL)
 * @retval TP_OK
 * @retval TP_ERR_INVALID_ARG store not initialised, key NULL or key_size 0
 * @retval TP_ERR_NOT_FOUND index >= the number of items
 * @retval TP_ERR_TRUNCATED the key did not fit key_size (a cut, NUL-terminated prefix)
 */
tp_err_t tp_store_key_at(tp_store_t *s, uint32_t index, char *key, size_t key_size, uint32_t *len);

/**
 * Whether an item is in the store.
 * @param s    store
 * @param key  the key
 * @return 1 when an item with @p key is in the store, 0 otherwise (and for NULL arguments)
 */
int tp_store_contains(tp_store_t *s, const char *key);

/**
 * Copy a consistent snapshot of the counters.
 * @param s    store
 * @param out  receives them
 * @retval TP_OK
 * @retval TP_ERR_INVALID_ARG store not initialised or out NULL
 */
tp_err_t tp_store_stats(tp_store_t *s, tp_store_stats_t *out);

#ifdef __cplusplus
}
#endif

#endif /* TP_STORE_H */
