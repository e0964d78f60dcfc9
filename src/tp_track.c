/*
 * tp_track.c - allocation tracking (see tp_track.h). A layer over tp_alloc /
 * tp_free; the core is unchanged.
 */
#include "../include/tp_track.h"

#include <stdio.h>
#include <string.h>

#include "tp_diag_util.h"
#include "../include/tp_crash.h"
#include "../include/tp_evline.h"
#include "../include/tp_sys.h"

#define TRACK_MAGIC 0x7472636bu /* "trck" */
#define KNOWN_FLAGS (TP_TRACK_CANARY | TP_TRACK_POISON | TP_TRACK_CRASH_OPS)

static tp_track_t *g_trackers[TP_CFG_TRACK_MAX];

static int attached(const tp_track_t *t)
{
    return t != NULL && t->magic == TRACK_MAGIC;
}

tp_track_t *tp_track_of(const tp_pool_t *pool)
{
    if (pool == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < TP_CFG_TRACK_MAX; i++) {
        if (g_trackers[i] != NULL && g_trackers[i]->pool == pool) {
            return g_trackers[i];
        }
    }
    return NULL;
}

tp_err_t tp_track_init(tp_track_t *t, tp_pool_t *pool, tp_track_entry_t *table, uint32_t entries, uint32_t flags)
{
    const uint32_t n_blocks = tp_pool_block_count(pool); /* 0: NULL or not initialised */
    if (t == NULL || n_blocks == 0u || table == NULL || entries < n_blocks || (flags & ~KNOWN_FLAGS) != 0u) {
        return TP_ERR_INVALID_ARG;
    }
    size_t slot = TP_CFG_TRACK_MAX;
    for (size_t i = 0; i < TP_CFG_TRACK_MAX; i++) {
        if (g_trackers[i] != NULL && (g_trackers[i]->pool == pool || g_trackers[i] == t)) {
            slot = i; /* replace */
            break;
        }
    }
    if (slot == TP_CFG_TRACK_MAX) {
        for (size_t i = 0; i < TP_CFG_TRACK_MAX; i++) {
            if (g_trackers[i] == NULL) {
                slot = i;
                break;
            }
        }
    }
    if (slot == TP_CFG_TRACK_MAX) {
        return TP_ERR_NO_MEM;
    }
    memset(t, 0, sizeof *t);
    memset(table, 0, (size_t)entries * sizeof table[0]);
    t->pool = pool;
    t->table = table;
    t->entries = entries;
    t->flags = flags;
    t->magic = TRACK_MAGIC;
    g_trackers[slot] = t;
    return TP_OK;
}

tp_err_t tp_track_detach(tp_track_t *t)
{
    if (!attached(t)) {
        return TP_ERR_INVALID_ARG;
    }
    for (size_t i = 0; i < TP_CFG_TRACK_MAX; i++) {
        if (g_trackers[i] == t) {
            g_trackers[i] = NULL;
            t->magic = 0;
            return TP_OK;
        }
    }
    return TP_ERR_NOT_FOUND;
}

tp_err_t tp_track_on_corrupt(tp_track_t *t, tp_track_corrupt_fn fn, void *user)
{
    if (!attached(t)) {
        return TP_ERR_INVALID_ARG;
    }
    t->on_corrupt = fn;
    t->corrupt_user = user;
    return TP_OK;
}

static void emit(tp_track_t *t, const char *text, int n)
{
    if (t->events != NULL && n > 0) {
        t->events(text, (size_t)n, t->events_user);
    }
}

/* One event line (tp_evline.h, the format's one definition) naming the calling
 * task in full, up to TP_CFG_TASK_NAME_LEN - 1 bytes. */
static void emit_event(tp_track_t *t, char kind, uint64_t time_us, const void *block, uint32_t size)
{
    char line[TP_EVLINE_SIZE(TP_CFG_TASK_NAME_LEN - 1u)];
    const tp_evline_t ev = { kind, time_us, (uint64_t)(uintptr_t)block, size, tp_sys_task_name(), 0 };
    emit(t, line, (int)tp_evline_format(line, sizeof line, &ev));
}

tp_err_t tp_track_set_event_sink(tp_track_t *t, tp_track_write_fn fn, void *user)
{
    if (!attached(t)) {
        return TP_ERR_INVALID_ARG;
    }
    t->events = fn;
    t->events_user = user;
    emit(t, TP_EVLINE_HEADER, (int)TP_EVLINE_HEADER_LEN);
    return TP_OK;
}

static void report(tp_track_t *t, tp_track_event_t ev, const void *block, const tp_track_entry_t *e, uint32_t offset)
{
    tp_irqstate_t st = tp_pool_lock(t->pool);
    if (ev == TP_TRACK_EV_OVERFLOW) {
        t->overflows++;
    } else if (ev == TP_TRACK_EV_USE_AFTER_FREE) {
        t->use_after_free++;
    } else {
        t->bad_frees++;
    }
    tp_pool_unlock(t->pool, st);
    if ((t->flags & TP_TRACK_CRASH_OPS) != 0u) {
        tp_crash_note_op('C', block, offset);
    }
    if (t->on_corrupt != NULL) {
        t->on_corrupt(ev, block, e, offset, t->corrupt_user);
    }
}

/* First offset in [from, to) of block whose byte differs from b, or `to`. */
static uint32_t first_bad(const uint8_t *block, uint32_t from, uint32_t to, uint8_t b)
{
    for (uint32_t i = from; i < to; i++) {
        if (block[i] != b) {
            return i;
        }
    }
    return to;
}

/* tp_pool_locate / tp_pool_block_at read the live marks: under the pool's lock. */
static tp_err_t locate_locked(tp_pool_t *pool, const void *ptr, tp_block_info_t *bi)
{
    const tp_irqstate_t st = tp_pool_lock(pool);
    const tp_err_t err = tp_pool_locate(pool, ptr, bi);
    tp_pool_unlock(pool, st);
    return err;
}

static tp_err_t block_at_locked(tp_pool_t *pool, uint32_t index, tp_block_info_t *bi)
{
    const tp_irqstate_t st = tp_pool_lock(pool);
    const tp_err_t err = tp_pool_block_at(pool, index, bi);
    tp_pool_unlock(pool, st);
    return err;
}

static void *track_alloc(tp_pool_t *pool, size_t size, const char *where, int line, int critical)
{
    tp_track_t *t = tp_track_of(pool);
    void *p = critical ? tp_alloc_critical(pool, size) : tp_alloc(pool, size);
    if (t == NULL) {
        return p;
    }
    tp_irqstate_t st = tp_pool_lock(pool);
    const uint32_t epoch = t->epoch;
    if (p == NULL) {
        t->failed++;
    } else {
        t->allocs++;
    }
    tp_pool_unlock(pool, st);
    if ((t->flags & TP_TRACK_CRASH_OPS) != 0u) {
        tp_crash_note_op(p == NULL ? 'X' : 'A', p, (uint32_t)size);
    }
    if (p == NULL) {
        return NULL;
    }
    tp_block_info_t bi;
    if (locate_locked(pool, p, &bi) != TP_OK || bi.index >= t->entries) {
        return p; /* cannot happen for a block tp_alloc returned */
    }
    tp_track_entry_t *e = &t->table[bi.index];
    uint8_t *block = (uint8_t *)p;
    if ((t->flags & TP_TRACK_POISON) != 0u && e->poisoned) {
        const uint32_t bad = first_bad(block, 0, bi.block_size, TP_TRACK_POISON_BYTE);
        if (bad != bi.block_size) {
            report(t, TP_TRACK_EV_USE_AFTER_FREE, p, e, bad);
        }
    }
    e->poisoned = 0;
    e->size = (uint32_t)size;
    e->where = where;
    e->line = line > 0 ? (uint32_t)line : 0u;
    e->task_id = tp_sys_task_id();
    e->epoch = epoch;
    e->time_us = tp_sys_time_us();
    (void)tp__copy_str(e->task, sizeof e->task, tp_sys_task_name());
    if ((t->flags & TP_TRACK_CANARY) != 0u && size < bi.block_size) {
        memset(block + size, TP_TRACK_CANARY_BYTE, bi.block_size - size);
    }
    if (t->events != NULL) {
        emit_event(t, 'A', e->time_us, p, (uint32_t)size);
    }
    return p;
}

void *tp_track_alloc(tp_pool_t *pool, size_t size, const char *where, int line)
{
    return track_alloc(pool, size, where, line, 0);
}

void *tp_track_alloc_critical(tp_pool_t *pool, size_t size, const char *where, int line)
{
    return track_alloc(pool, size, where, line, 1);
}

/* Canary check of one live entry; 1 if it was intact. */
static int check_canary(tp_track_t *t, const tp_block_info_t *bi, tp_track_entry_t *e)
{
    if ((t->flags & TP_TRACK_CANARY) == 0u || e->size == 0u || e->size >= bi->block_size) {
        return 1;
    }
    const uint32_t bad = first_bad(bi->start, e->size, bi->block_size, TP_TRACK_CANARY_BYTE);
    if (bad == bi->block_size) {
        return 1;
    }
    report(t, TP_TRACK_EV_OVERFLOW, bi->start, e, bad);
    return 0;
}

tp_err_t tp_track_free(tp_pool_t *pool, void *ptr, const char *where, int line)
{
    (void)where;
    (void)line;
    tp_track_t *t = tp_track_of(pool);
    if (t == NULL || ptr == NULL) {
        return tp_free(pool, ptr);
    }
    tp_block_info_t bi;
    if (locate_locked(pool, ptr, &bi) != TP_OK || !bi.live || bi.start != (uint8_t *)ptr || bi.index >= t->entries) {
        const tp_err_t err = tp_free(pool, ptr);
        if (err != TP_OK) {
            report(t, TP_TRACK_EV_BAD_FREE, ptr, NULL, (uint32_t)-err);
        }
        return err;
    }
    tp_track_entry_t *e = &t->table[bi.index];
    (void)check_canary(t, &bi, e);
    char task[sizeof e->task];
    memcpy(task, e->task, sizeof task);
    if ((t->flags & TP_TRACK_POISON) != 0u) {
        memset(ptr, TP_TRACK_POISON_BYTE, bi.block_size);
        e->poisoned = 1;
    }
    e->size = 0;
    const tp_err_t err = tp_free(pool, ptr);
    if (err != TP_OK) {
        report(t, TP_TRACK_EV_BAD_FREE, ptr, NULL, (uint32_t)-err);
        return err;
    }
    tp_irqstate_t st = tp_pool_lock(pool);
    t->frees++;
    tp_pool_unlock(pool, st);
    if ((t->flags & TP_TRACK_CRASH_OPS) != 0u) {
        tp_crash_note_op('F', ptr, 0);
    }
    if (t->events != NULL) {
        emit_event(t, 'F', tp_sys_time_us(), ptr, 0);
    }
    return TP_OK;
}

uint32_t tp_track_next_epoch(tp_track_t *t)
{
    if (!attached(t)) {
        return 0;
    }
    tp_irqstate_t st = tp_pool_lock(t->pool);
    const uint32_t e = ++t->epoch;
    tp_pool_unlock(t->pool, st);
    return e;
}

int tp_track_check_all(tp_track_t *t)
{
    if (!attached(t)) {
        return TP_ERR_INVALID_ARG;
    }
    const uint32_t n_blocks = tp_pool_block_count(t->pool);
    int bad = 0;
    for (uint32_t i = 0; i < n_blocks; i++) {
        tp_block_info_t bi;
        if (t->table[i].size == 0u || block_at_locked(t->pool, i, &bi) != TP_OK || !bi.live) {
            continue;
        }
        if (!check_canary(t, &bi, &t->table[i])) {
            bad++;
        }
    }
    return bad;
}

tp_err_t tp_track_live(tp_track_t *t, uint32_t since_epoch, uint32_t *blocks, uint32_t *bytes)
{
    if (!attached(t)) {
        return TP_ERR_INVALID_ARG;
    }
    const uint32_t n_blocks = tp_pool_block_count(t->pool);
    uint32_t nb = 0, nbytes = 0;
    for (uint32_t i = 0; i < n_blocks; i++) {
        const tp_track_entry_t *e = &t->table[i];
        if (e->size != 0u && e->epoch >= since_epoch) {
            nb++;
            nbytes += e->size;
        }
    }
    if (blocks != NULL) {
        *blocks = nb;
    }
    if (bytes != NULL) {
        *bytes = nbytes;
    }
    return TP_OK;
}

tp_err_t tp_track_leak_report_cb(tp_track_t *t, uint32_t since_epoch, tp_track_write_fn fn, void *user)
{
    if (!attached(t) || fn == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    const uint32_t n_blocks = tp_pool_block_count(t->pool);
    char line[200];
    uint32_t nb = 0, nbytes = 0;
    (void)tp_track_live(t, since_epoch, &nb, &nbytes);
    int n = snprintf(line, sizeof line,
                     "====== Tierpool Leak Report: %lu blocks since epoch %lu (pool of %lu blocks) ======\n",
                     (unsigned long)nb, (unsigned long)since_epoch, (unsigned long)n_blocks);
    fn(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1u, user);
    for (uint32_t i = 0; i < n_blocks; i++) {
        const tp_track_entry_t *e = &t->table[i];
        tp_block_info_t bi;
        if (e->size == 0u || e->epoch < since_epoch || block_at_locked(t->pool, i, &bi) != TP_OK) {
            continue;
        }
        if (e->line > 0u) {
            n = snprintf(line, sizeof line,
                         "%6lu bytes (@ 0x%lx, tier %lu/%lu) allocated task \"%s\" epoch %lu caller %s:%lu\n",
                         (unsigned long)e->size, (unsigned long)(uintptr_t)bi.start, (unsigned long)bi.tier,
                         (unsigned long)bi.block_size, e->task, (unsigned long)e->epoch,
                         e->where != NULL ? e->where : "?", (unsigned long)e->line);
        } else {
            n = snprintf(
                line, sizeof line, "%6lu bytes (@ 0x%lx, tier %lu/%lu) allocated task \"%s\" epoch %lu caller %s\n",
                (unsigned long)e->size, (unsigned long)(uintptr_t)bi.start, (unsigned long)bi.tier,
                (unsigned long)bi.block_size, e->task, (unsigned long)e->epoch, e->where != NULL ? e->where : "?");
        }
        fn(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1u, user);
    }
    n = snprintf(line, sizeof line,
                 "====== Leak Report Summary ======\n"
                 "%lu bytes 'leaked' in report (%lu blocks)\n"
                 "total allocations: %lu\ntotal frees: %lu\n"
                 "overflows: %lu\nuse after free: %lu\n"
                 "================================\n",
                 (unsigned long)nbytes, (unsigned long)nb, (unsigned long)t->allocs, (unsigned long)t->frees,
                 (unsigned long)t->overflows, (unsigned long)t->use_after_free);
    fn(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1u, user);
    return TP_OK;
}

static void to_out(const char *text, size_t len, void *user)
{
    tp__out_printf((tp__out_t *)user, "%.*s", (int)len, text);
}

tp_err_t tp_track_leak_report(tp_track_t *t, uint32_t since_epoch, char *buf, size_t size)
{
    if (!attached(t) || buf == NULL || size == 0u) {
        return TP_ERR_INVALID_ARG;
    }
    tp__out_t o;
    tp__out_init(&o, buf, size);
    (void)tp_track_leak_report_cb(t, since_epoch, to_out, &o);
    return o.truncated ? TP_ERR_TRUNCATED : TP_OK;
}

int tp_track_visit_older(tp_track_t *t, uint64_t cutoff_us, tp_track_visit_fn fn, void *user)
{
    if (!attached(t) || fn == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    const uint32_t n_blocks = tp_pool_block_count(t->pool);
    int n = 0;
    for (uint32_t i = 0; i < n_blocks; i++) {
        tp_track_entry_t *e = &t->table[i];
        tp_block_info_t bi;
        if (e->size == 0u || e->time_us >= cutoff_us || block_at_locked(t->pool, i, &bi) != TP_OK) {
            continue;
        }
        tp_track_entry_t copy = *e;
        fn(bi.start, &copy, user);
        n++;
    }
    return n;
}
