/*
 * tp_crash.c - the crash record (see tp_crash.h).
 */
#include "../include/tp_crash.h"

#include <string.h>

#include "tp_diag_util.h"
#include "../include/tp_stack.h"

/* The record sits behind the stack guard's table in the persistent region. */
static tp_crash_record_t *crash_area(void)
{
    return (tp_crash_record_t *)tp__persist_area(sizeof(tp_stack_table_t), sizeof(tp_crash_record_t));
}

size_t tp_crash_region_bytes(void)
{
    return sizeof(tp_stack_table_t) + sizeof(tp_crash_record_t);
}

uint32_t tp_crc32(const void *data, size_t len)
{
    return tp__crc32(0, data, len);
}

static uint32_t record_crc(const tp_crash_record_t *rec)
{
    /* The CRC covers the record as it is once complete: magic set, crc 0. */
    const uint32_t head[4] = { TP_CRASH_MAGIC, rec->version, rec->size, 0u };
    const uint32_t crc = tp__crc32(0, head, sizeof head);
    return tp__crc32(crc, (const uint8_t *)rec + sizeof head, sizeof *rec - sizeof head);
}

/* Keep the compiler from moving stores across this point (the magic is
 * written last; a reset may come at any instruction). */
#if defined(__GNUC__) || defined(__clang__)
#define COMPILER_BARRIER() __asm__ volatile("" ::: "memory")
#else
#define COMPILER_BARRIER() ((void)0)
#endif

_Static_assert(sizeof(tp_crash_record_t) % 4u == 0u, "crash record must be whole words");
_Static_assert(sizeof(tp_stack_table_t) % 4u == 0u, "stack table must be whole words");
/* Every port reserves TP_CFG_PERSIST_BYTES. Options each within their range
 * can still add up to more (TP_CFG_CRASH_OPS=256 alone does): stop the build
 * rather than leave a record that tp_crash_write refuses at run time. */
_Static_assert(
    sizeof(tp_stack_table_t) + sizeof(tp_crash_record_t) <= TP_CFG_PERSIST_BYTES,
    "the stack table and the crash record do not fit TP_CFG_PERSIST_BYTES: raise it, or lower "
    "TP_CFG_CRASH_OPS, TP_CFG_CRASH_POOLS, TP_CFG_CRASH_TIERS, TP_CFG_TASK_NAME_LEN or TP_CFG_STACK_PERSIST");

/* ---- run-time state (plain RAM, not persistent) ---------------------------- */

static tp_pool_t *g_pools[TP_CFG_CRASH_POOLS];
static uint32_t g_n_pools;
static tp_crash_op_t g_ring[TP_CFG_CRASH_OPS];
static uint32_t g_ops; /* operations noted; the next goes to g_ring[g_ops % N] */
static uint32_t g_heap_largest, g_heap_min, g_frag;
#if TP_CFG_THREAD_SAFE
static tp_lock_t g_ring_lock; /* all-zero = unlocked on every port */
#endif

tp_err_t tp_crash_register_pool(tp_pool_t *pool)
{
    if (tp_pool_tier_count(pool) == 0u) { /* NULL or not initialised */
        return TP_ERR_INVALID_ARG;
    }
    for (uint32_t i = 0; i < g_n_pools; i++) {
        if (g_pools[i] == pool) {
            return TP_OK;
        }
    }
    if (g_n_pools >= TP_CFG_CRASH_POOLS) {
        return TP_ERR_NO_MEM;
    }
    g_pools[g_n_pools++] = pool;
    TP_CFG_ASSERT(g_n_pools <= TP_CFG_CRASH_POOLS);
    return TP_OK;
}

void tp_crash_reset_state(void)
{
    memset(g_pools, 0, sizeof g_pools);
    g_n_pools = 0;
    memset(g_ring, 0, sizeof g_ring);
    g_ops = 0;
    g_heap_largest = g_heap_min = g_frag = 0;
}

void tp_crash_note_op(char kind, const void *addr, uint32_t size)
{
    const uint32_t t = (uint32_t)(tp_sys_time_us() >> 10);
#if TP_CFG_THREAD_SAFE
    const tp_irqstate_t st = tp_port_enter(&g_ring_lock);
#endif
    tp_crash_op_t *op = &g_ring[g_ops % TP_CFG_CRASH_OPS];
    op->time_ms = t;
    op->addr = (uint32_t)(uintptr_t)addr;
    op->size = size;
    op->kind = (uint8_t)kind;
    g_ops++;
#if TP_CFG_THREAD_SAFE
    tp_port_exit(&g_ring_lock, st);
#endif
}

void tp_crash_note_heap(uint32_t largest_free, uint32_t min_free_ever, uint32_t frag_pct)
{
    g_heap_largest = largest_free;
    g_heap_min = min_free_ever;
    g_frag = frag_pct;
}

/* Lock-free snapshot of a pool's occupancy (see the header on torn reads). */
static void snap_pool(const tp_pool_t *pool, tp_crash_pool_t *out)
{
    const uint32_t n_tiers = tp_pool_tier_count(pool);
    out->n_tiers = n_tiers < TP_CFG_CRASH_TIERS ? n_tiers : TP_CFG_CRASH_TIERS;
    out->failed = 0;
    for (uint32_t t = 0; t < n_tiers; t++) {
        tp_tier_usage_t u;
        if (tp_pool_tier_usage(pool, t, &u) != TP_OK) {
            break;
        }
        if (t < out->n_tiers) {
            out->block_size[t] = u.block_size;
            out->block_count[t] = u.block_count;
            out->in_use[t] = u.in_use;
        }
        out->failed += u.failed;
    }
}

tp_err_t tp_crash_write(tp_crash_reason_t reason, const char *task_name, uint32_t detail)
{
    if ((uint32_t)reason == 0u || (uint32_t)reason > (uint32_t)TP_CRASH_APP) {
        return TP_ERR_INVALID_ARG;
    }
    tp_crash_record_t *rec = crash_area();
    if (rec == NULL) {
        return TP_ERR_UNSUPPORTED;
    }
    volatile uint32_t *magic = &rec->magic;
    *magic = 0u; /* a record half-written when we die again is not taken as valid */
    COMPILER_BARRIER();
    const uint64_t now = tp_sys_time_us();
    rec->version = TP_CRASH_VERSION;
    rec->size = (uint32_t)sizeof *rec;
    rec->crc = 0;
    rec->reason = (uint32_t)reason;
    rec->detail = detail;
    rec->time_us_lo = (uint32_t)now;
    rec->time_us_hi = (uint32_t)(now >> 32);
    rec->heap_free = tp_sys_heap_free(TP_MEM_INTERNAL);
    rec->heap_largest = g_heap_largest;
    rec->heap_min_free = g_heap_min;
    rec->frag_pct = g_frag;
    memset(rec->task, 0, sizeof rec->task);
    (void)tp__copy_str(rec->task, sizeof rec->task, task_name);
    memset(rec->pool, 0, sizeof rec->pool);
    rec->n_pools = g_n_pools;
    for (uint32_t i = 0; i < g_n_pools; i++) {
        snap_pool(g_pools[i], &rec->pool[i]);
        TP_CFG_ASSERT(rec->pool[i].n_tiers <= TP_CFG_CRASH_TIERS);
    }
    /* The ring, oldest first. No lock: a panic may interrupt a writer. */
    const uint32_t total = g_ops;
    const uint32_t kept = total < TP_CFG_CRASH_OPS ? total : TP_CFG_CRASH_OPS;
    memset(rec->ops, 0, sizeof rec->ops);
    for (uint32_t i = 0; i < kept; i++) {
        rec->ops[i] = g_ring[(total - kept + i) % TP_CFG_CRASH_OPS];
    }
    rec->n_ops = total;
    rec->crc = record_crc(rec);
    COMPILER_BARRIER();
    *magic = TP_CRASH_MAGIC; /* last */
    return tp_sys_persist_flush() == TP_OK ? TP_OK : TP_ERR_IO;
}

tp_err_t tp_crash_stack_overflow(const char *task_name)
{
    if (task_name == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    return tp_crash_write(TP_CRASH_STACK_OVERFLOW, task_name, tp_stack_registered_size(task_name));
}

tp_err_t tp_crash_reboot(tp_crash_reason_t reason, const char *task_name, uint32_t detail)
{
    const tp_err_t err = tp_crash_write(reason, task_name, detail);
    tp_sys_reboot();
    return err;
}

tp_err_t tp_crash_peek(tp_crash_record_t *out)
{
    const tp_crash_record_t *rec = crash_area();
    if (rec == NULL) {
        return TP_ERR_UNSUPPORTED;
    }
    if (rec->magic != TP_CRASH_MAGIC) {
        return TP_ERR_NOT_FOUND;
    }
    if (rec->version != TP_CRASH_VERSION || rec->size != sizeof *rec || rec->crc != record_crc(rec)) {
        return TP_ERR_CORRUPT;
    }
    if (out != NULL) {
        memcpy(out, rec, sizeof *out);
        out->task[sizeof out->task - 1u] = '\0';
    }
    return TP_OK;
}

tp_err_t tp_crash_clear(void)
{
    tp_crash_record_t *rec = crash_area();
    if (rec == NULL) {
        return TP_ERR_UNSUPPORTED;
    }
    rec->magic = 0u;
    rec->crc = 0u;
    return tp_sys_persist_flush() == TP_OK ? TP_OK : TP_ERR_IO;
}

/*
 * The port's fault hooks land here once tp_crash_boot has installed it. A
 * stack overflow writes its record; a panic writes one unless a record is
 * already there: it was written this boot (tp_crash_boot cleared the last
 * one), e.g. by the overflow hook just before its abort, and says more than
 * "panic".
 */
static void on_fault(tp_fault_t fault, const char *task, uint32_t detail)
{
    if (fault == TP_FAULT_STACK_OVERFLOW) {
        (void)tp_crash_stack_overflow(task);
    } else if (tp_crash_peek(NULL) != TP_OK) {
        (void)tp_crash_write(TP_CRASH_PANIC, task, detail);
    }
}

tp_err_t tp_crash_boot(tp_crash_record_t *out)
{
    tp_crash_record_t local;
    const tp_err_t err = tp_crash_peek(&local);
    if (err == TP_ERR_UNSUPPORTED) {
        return err;
    }
    if (err == TP_OK && local.reason == TP_CRASH_STACK_OVERFLOW && local.task[0] != '\0') {
        (void)tp_stack_note_overflow(local.task, local.detail);
    }
    if (err != TP_ERR_NOT_FOUND) {
        (void)tp_crash_clear();
    }
    if (err == TP_OK && out != NULL) {
        memcpy(out, &local, sizeof *out);
    }
    tp_sys_set_fault_handler(on_fault);
    return err;
}

const char *tp_crash_reason_str(uint32_t reason)
{
    switch (reason) {
    case TP_CRASH_NONE: return "none";
    case TP_CRASH_STACK_OVERFLOW: return "stack_overflow";
    case TP_CRASH_ALLOC_CORRUPT: return "alloc_corrupt";
    case TP_CRASH_REBOOT_FRAGMENTATION: return "reboot_fragmentation";
    case TP_CRASH_REBOOT_EXHAUSTION: return "reboot_exhaustion";
    case TP_CRASH_REBOOT_LOW_HEAP: return "reboot_low_heap";
    case TP_CRASH_PANIC: return "panic";
    case TP_CRASH_APP: return "app";
    default: return "unknown";
    }
}

tp_err_t tp_crash_format(const tp_crash_record_t *rec, char *buf, size_t size, size_t *written)
{
    if (rec == NULL || buf == NULL || size == 0u) {
        return TP_ERR_INVALID_ARG;
    }
    tp__out_t o;
    tp__out_init(&o, buf, size);
    tp__out_printf(&o, "*** TIERPOOL CRASH RECORD FROM PREVIOUS BOOT ***\n");
    tp__out_printf(&o, "reason: %s (detail %lu)\n", tp_crash_reason_str(rec->reason), (unsigned long)rec->detail);
    tp__out_printf(&o, "task: \"%.*s\"\n", (int)(sizeof rec->task - 1u), rec->task);
    tp__out_printf(&o, "time: %lu:%010lu us (hi:lo words)\n", (unsigned long)rec->time_us_hi,
                   (unsigned long)rec->time_us_lo);
    tp__out_printf(&o, "heap: free %lu, max block %lu, min free %lu, fragmentation %lu%%\n",
                   (unsigned long)rec->heap_free, (unsigned long)rec->heap_largest, (unsigned long)rec->heap_min_free,
                   (unsigned long)rec->frag_pct);
    const uint32_t np = rec->n_pools < TP_CFG_CRASH_POOLS ? rec->n_pools : TP_CFG_CRASH_POOLS;
    for (uint32_t p = 0; p < np; p++) {
        const tp_crash_pool_t *cp = &rec->pool[p];
        tp__out_printf(&o, "pool %lu: failed %lu;", (unsigned long)p, (unsigned long)cp->failed);
        const uint32_t nt = cp->n_tiers < TP_CFG_CRASH_TIERS ? cp->n_tiers : TP_CFG_CRASH_TIERS;
        for (uint32_t t = 0; t < nt; t++) {
            tp__out_printf(&o, " %lux%lu used %lu;", (unsigned long)cp->block_size[t],
                           (unsigned long)cp->block_count[t], (unsigned long)cp->in_use[t]);
        }
        tp__out_printf(&o, "\n");
    }
    const uint32_t kept = rec->n_ops < TP_CFG_CRASH_OPS ? rec->n_ops : TP_CFG_CRASH_OPS;
    tp__out_printf(&o, "last %lu of %lu allocator operations:\n", (unsigned long)kept, (unsigned long)rec->n_ops);
    for (uint32_t i = 0; i < kept; i++) {
        const tp_crash_op_t *op = &rec->ops[i];
        const int k = (op->kind >= 0x20u && op->kind < 0x7Fu) ? (int)op->kind : (int)'?';
        tp__out_printf(&o, "  %c t=%lu addr=0x%08lx size=%lu\n", k, (unsigned long)op->time_ms, (unsigned long)op->addr,
                       (unsigned long)op->size);
    }
    tp__out_printf(&o, "*** END OF CRASH RECORD ***\n");
    if (written != NULL) {
        *written = o.len;
    }
    return o.truncated ? TP_ERR_TRUNCATED : TP_OK;
}
