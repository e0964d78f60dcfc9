/*
 * tp_store.c - bounded item store with oldest-first eviction (see tp_store.h).
 *
 * Slots hold items; order[0 .. items-1] lists the slots of the items in the
 * store, oldest first. Invariants, checked with TP_CFG_ASSERT after every
 * change (check_locked):
 *   S1  st.items <= capacity, and order[] holds exactly the LIVE slots, each once;
 *   S2  a DETACHED slot has pins > 0 (it is freed at its last pin);
 *   S3  st.pins is the sum of every slot's pins, <= max_pins;
 *   S4  st.detached counts the DETACHED slots (st.blocks, items + detached, is
 *       derived when the statistics are read);
 *   S5  no two used slots share a block.
 * From S1-S3: used slots <= capacity + max_pins, so an add (which frees or
 * detaches one item when it replaces or evicts) always finds a free slot.
 *
 * A block leaving the store is freed with tp_free inside the store's lock
 * (the pool's own lock nests inside it; the pool never calls the store), so at
 * every moment the pool blocks a store accounts for are exactly its items and
 * detached items: another task cannot see a block that left the store but is
 * not yet free.
 */
#include "../include/tp_store.h"

#include <string.h>

#include "tp_internal.h"

/* TP_ALLOC / TP_FREE: plain tp_alloc / tp_free unless the build tracks
 * allocations (TP_CFG_TRACKING=1). */
#include "../include/tp_track.h"

#define STORE_MAGIC 0x73746f31u /* "sto1" */

enum { SLOT_FREE = 0, SLOT_LIVE = 1, SLOT_DETACHED = 2 };

static int ready(const tp_store_t *s)
{
    return s != NULL && s->magic == STORE_MAGIC;
}

static uint32_t n_slots(const tp_store_t *s)
{
    return s->capacity + s->max_pins;
}

/* Length of a valid key (1 .. KEY_LEN-1), or 0 for NULL, empty or too long. */
static size_t key_len(const char *key)
{
    if (key == NULL) {
        return 0;
    }
    for (size_t n = 0; n < TP_CFG_STORE_KEY_LEN; n++) {
        if (key[n] == '\0') {
            return n;
        }
    }
    return 0;
}

static void check_locked(const tp_store_t *s)
{
    uint32_t live = 0, detached = 0, pins = 0;
    for (uint32_t i = 0; i < n_slots(s); i++) {
        const tp_store_slot_t *sl = &s->slot[i];
        live += sl->state == SLOT_LIVE;
        detached += sl->state == SLOT_DETACHED;
        pins += sl->pins;
        TP_CFG_ASSERT(sl->state != SLOT_DETACHED || sl->pins > 0u);
        TP_CFG_ASSERT(sl->state != SLOT_FREE || (sl->pins == 0u && sl->data == NULL));
        for (uint32_t j = i + 1u; j < n_slots(s); j++) {
            TP_CFG_ASSERT(sl->data == NULL || sl->data != s->slot[j].data);
        }
    }
    for (uint32_t k = 0; k < s->st.items; k++) {
        TP_CFG_ASSERT(s->slot[s->order[k]].state == SLOT_LIVE);
    }
    TP_CFG_ASSERT(live == s->st.items && s->st.items <= s->capacity);
    TP_CFG_ASSERT(detached == s->st.detached && pins == s->st.pins && pins <= s->max_pins);
    (void)live;
    (void)detached;
    (void)pins;
}

tp_err_t tp_store_init(tp_store_t *s, tp_pool_t *pool, uint32_t capacity, uint32_t max_pins)
{
    if (s == NULL || tp_pool_tier_count(pool) == 0u || capacity == 0u || capacity > TP_CFG_STORE_MAX_SLOTS ||
        max_pins > TP_CFG_STORE_MAX_SLOTS - capacity) {
        return TP_ERR_INVALID_ARG;
    }
    memset(s, 0, sizeof *s);
    s->pool = pool;
    s->capacity = capacity;
    s->max_pins = max_pins;
    s->st.capacity = capacity;
#if TP_CFG_THREAD_SAFE
    TP_PORT_LOCK_INIT(&s->lock);
#endif
    s->magic = STORE_MAGIC;
    return TP_OK;
}

/* Position in order[] of the item with key, or UINT32_MAX. */
static uint32_t find_locked(const tp_store_t *s, const char *key)
{
    for (uint32_t k = 0; k < s->st.items; k++) {
        if (strncmp(s->slot[s->order[k]].key, key, TP_CFG_STORE_KEY_LEN) == 0) {
            return k;
        }
    }
    return UINT32_MAX;
}

/* Take the item at order position k out of the store: freed now, or detached
 * until its last pin when it is pinned. */
static void unlink_locked(tp_store_t *s, uint32_t k)
{
    tp_store_slot_t *sl = &s->slot[s->order[k]];
    memmove(&s->order[k], &s->order[k + 1u], (s->st.items - k - 1u) * sizeof s->order[0]);
    s->st.items--;
    if (sl->pins > 0u) {
        sl->state = SLOT_DETACHED;
        s->st.detached++;
        return;
    }
    (void)TP_FREE(s->pool, sl->data);
    memset(sl, 0, sizeof *sl);
}

/* Insert a checked item. */
static tp_err_t add_locked(tp_store_t *s, const char *key, size_t klen, uint8_t *block, uint32_t len,
                           tp_store_result_t *res)
{
    for (uint32_t i = 0; i < n_slots(s); i++) {
        if (s->slot[i].state != SLOT_FREE && s->slot[i].data == block) {
            return TP_ERR_INVALID_ARG; /* the store holds this block already */
        }
    }
    const uint32_t k = find_locked(s, key);
    if (k != UINT32_MAX) {
        unlink_locked(s, k);
        tp__count_up(&s->st.replaced);
        res->replaced = 1;
    } else if (s->st.items == s->capacity) {
        memcpy(res->evicted_key, s->slot[s->order[0]].key, TP_CFG_STORE_KEY_LEN);
        unlink_locked(s, 0);
        tp__count_up(&s->st.evicted);
        res->evicted = 1;
    }
    uint32_t free_slot = UINT32_MAX;
    for (uint32_t i = 0; i < n_slots(s); i++) {
        if (s->slot[i].state == SLOT_FREE) {
            free_slot = i;
            break;
        }
    }
    TP_CFG_ASSERT(free_slot != UINT32_MAX); /* by S1-S3, see the top of this file */
    if (free_slot == UINT32_MAX) {
        return TP_ERR_NO_MEM; /* unreachable; keeps a corrupted store from writing out of bounds */
    }
    tp_store_slot_t *sl = &s->slot[free_slot];
    sl->data = block;
    sl->len = len;
    sl->seq = s->next_seq++;
    sl->pins = 0;
    sl->state = SLOT_LIVE;
    memcpy(sl->key, key, klen);
    memset(sl->key + klen, 0, TP_CFG_STORE_KEY_LEN - klen);
    s->order[s->st.items] = (uint8_t)free_slot;
    s->st.items++;
    tp__count_up(&s->st.adds);
    check_locked(s);
    return TP_OK;
}

static void count_refused(tp_store_t *s)
{
    TP_SECTION_ENTER(s);
    tp__count_up(&s->st.refused);
    TP_SECTION_EXIT(s);
}

static void clear_result(tp_store_result_t *res)
{
    if (res != NULL) {
        memset(res, 0, sizeof *res);
    }
}

tp_err_t tp_store_adopt(tp_store_t *s, const char *key, void *block, size_t len, tp_store_check_fn check, void *user,
                        tp_store_result_t *res)
{
    clear_result(res);
    const size_t klen = key_len(key);
    if (!ready(s)) {
        return TP_ERR_INVALID_ARG;
    }
    if (klen == 0u || block == NULL || len == 0u || tp_block_size(s->pool, block) < len) {
        count_refused(s);
        return TP_ERR_INVALID_ARG;
    }
    if (check != NULL) {
        const tp_err_t err = check(block, len, user);
        if (err != TP_OK) {
            count_refused(s);
            return err;
        }
    }
    tp_store_result_t local;
    memset(&local, 0, sizeof local);
    TP_SECTION_ENTER(s);
    const tp_err_t err = add_locked(s, key, klen, (uint8_t *)block, (uint32_t)len, &local);
    if (err != TP_OK) {
        tp__count_up(&s->st.refused);
    }
    TP_SECTION_EXIT(s);
    if (res != NULL) {
        *res = local;
    }
    return err;
}

tp_err_t tp_store_load(tp_store_t *s, const char *key, size_t size, tp_store_fill_fn fill, tp_store_check_fn check,
                       void *user, tp_store_result_t *res)
{
    clear_result(res);
    if (!ready(s) || key_len(key) == 0u || size == 0u || fill == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    /* Allocate and fill first: the store is not touched until the item is complete. */
    uint8_t *block = TP_ALLOC(s->pool, size);
    if (block == NULL) {
        count_refused(s);
        return TP_ERR_NO_MEM;
    }
    size_t filled = 0;
    tp_err_t err = fill(block, size, &filled, user);
    if (err == TP_OK && filled != size) {
        err = TP_ERR_TRUNCATED;
    }
    if (err == TP_OK) {
        err = tp_store_adopt(s, key, block, size, check, user, res);
        if (err == TP_OK) {
            return TP_OK;
        }
    } else {
        count_refused(s);
    }
    (void)TP_FREE(s->pool, block);
    return err;
}

tp_err_t tp_store_get(tp_store_t *s, const char *key, tp_store_ref_t *ref)
{
    if (!ready(s) || key == NULL || ref == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    tp_err_t err = TP_OK;
    TP_SECTION_ENTER(s);
    const uint32_t k = find_locked(s, key);
    if (k == UINT32_MAX) {
        err = TP_ERR_NOT_FOUND;
    } else if (s->st.pins >= s->max_pins) {
        tp__count_up(&s->st.pin_refused);
        err = TP_ERR_NO_MEM;
    } else {
        tp_store_slot_t *sl = &s->slot[s->order[k]];
        sl->pins++;
        s->st.pins++;
        ref->data = sl->data;
        ref->len = sl->len;
        ref->slot = s->order[k];
        ref->seq = sl->seq;
        check_locked(s);
    }
    TP_SECTION_EXIT(s);
    return err;
}

tp_err_t tp_store_put(tp_store_t *s, tp_store_ref_t *ref)
{
    if (!ready(s) || ref == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    tp_err_t err = TP_OK;
    TP_SECTION_ENTER(s);
    tp_store_slot_t *sl = ref->slot < n_slots(s) ? &s->slot[ref->slot] : NULL;
    if (sl == NULL || sl->state == SLOT_FREE || sl->pins == 0u || sl->seq != ref->seq || sl->data != ref->data) {
        tp__count_up(&s->st.bad_puts);
        err = TP_ERR_INVALID_ARG;
    } else {
        sl->pins--;
        s->st.pins--;
        if (sl->pins == 0u && sl->state == SLOT_DETACHED) {
            (void)TP_FREE(s->pool, sl->data);
            memset(sl, 0, sizeof *sl);
            s->st.detached--;
        }
        check_locked(s);
    }
    TP_SECTION_EXIT(s);
    if (err == TP_OK) {
        memset(ref, 0, sizeof *ref);
        ref->slot = UINT32_MAX;
    }
    return err;
}

tp_err_t tp_store_remove(tp_store_t *s, const char *key)
{
    if (!ready(s) || key == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    tp_err_t err = TP_OK;
    TP_SECTION_ENTER(s);
    const uint32_t k = find_locked(s, key);
    if (k == UINT32_MAX) {
        err = TP_ERR_NOT_FOUND;
    } else {
        unlink_locked(s, k);
        tp__count_up(&s->st.removed);
        check_locked(s);
    }
    TP_SECTION_EXIT(s);
    return err;
}

tp_err_t tp_store_clear(tp_store_t *s)
{
    if (!ready(s)) {
        return TP_ERR_INVALID_ARG;
    }
    TP_SECTION_ENTER(s);
    while (s->st.items > 0u) {
        unlink_locked(s, s->st.items - 1u);
        tp__count_up(&s->st.removed);
    }
    check_locked(s);
    TP_SECTION_EXIT(s);
    return TP_OK;
}

uint32_t tp_store_count(tp_store_t *s)
{
    if (!ready(s)) {
        return 0;
    }
    TP_SECTION_ENTER(s);
    const uint32_t n = s->st.items;
    TP_SECTION_EXIT(s);
    return n;
}

tp_err_t tp_store_key_at(tp_store_t *s, uint32_t index, char *key, size_t key_size, uint32_t *len)
{
    if (!ready(s) || key == NULL || key_size == 0u) {
        return TP_ERR_INVALID_ARG;
    }
    char copy[TP_CFG_STORE_KEY_LEN];
    uint32_t item_len = 0;
    tp_err_t err = TP_OK;
    TP_SECTION_ENTER(s);
    if (index >= s->st.items) {
        err = TP_ERR_NOT_FOUND;
    } else {
        const tp_store_slot_t *sl = &s->slot[s->order[index]];
        memcpy(copy, sl->key, sizeof copy);
        item_len = sl->len;
    }
    TP_SECTION_EXIT(s);
    if (err != TP_OK) {
        key[0] = '\0';
        return err;
    }
    const size_t klen = key_len(copy);
    const size_t n = klen < key_size ? klen : key_size - 1u;
    memcpy(key, copy, n);
    key[n] = '\0';
    if (len != NULL) {
        *len = item_len;
    }
    return n < klen ? TP_ERR_TRUNCATED : TP_OK;
}

int tp_store_contains(tp_store_t *s, const char *key)
{
    if (!ready(s) || key == NULL) {
        return 0;
    }
    TP_SECTION_ENTER(s);
    const int found = find_locked(s, key) != UINT32_MAX;
    TP_SECTION_EXIT(s);
    return found;
}

tp_err_t tp_store_stats(tp_store_t *s, tp_store_stats_t *out)
{
    if (!ready(s) || out == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    TP_SECTION_ENTER(s);
    *out = s->st;
    TP_SECTION_EXIT(s);
    out->blocks = out->items + out->detached;
    return TP_OK;
}
