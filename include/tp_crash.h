/*
 * tp_crash.h - a crash record in memory that survives a reset.
 *
 * The record lives in the port's persistent region (tp_sys_persist_region:
 * RTC_NOINIT on ESP-IDF, .noinit on bare metal, a file on the host), behind
 * the stack guard's table of enlarged stack sizes (tp_stack.h, with its own
 * magic and CRC). It carries a magic number, a version, its size and a
 * CRC-32, so the garbage found there after power-on is recognised and
 * ignored.
 *
 * Writing a record (tp_crash_write) allocates nothing, takes no lock, calls
 * no tp_sys function other than tp_sys_time_us, tp_sys_heap_free and
 * tp_sys_persist_flush, and writes the magic last: it is meant for a
 * stack-overflow hook or a panic handler. The pool snapshot it takes reads
 * the pools' counters without their lock (a torn value is possible if another
 * core is inside tp_alloc at that moment; the record is still consistent
 * as a whole because its CRC is computed over what was written).
 *
 * On the next boot, tp_crash_boot reads, validates, reports and clears it,
 * and arms the port's fault hooks (stack overflow, panic) to write the next.
 */
#ifndef TP_CRASH_H
#define TP_CRASH_H

#include <stddef.h>
#include <stdint.h>

#include "tierpool.h"
#include "tp_sys.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sizes: TP_CFG_CRASH_OPS, TP_CFG_CRASH_POOLS, TP_CFG_CRASH_TIERS,
 * TP_CFG_TASK_NAME_LEN (tp_config.h). */

#define TP_CRASH_MAGIC 0x52435054u /* "TPCR" little-endian */
#define TP_CRASH_VERSION 1u

typedef enum {
    TP_CRASH_NONE = 0,
    TP_CRASH_STACK_OVERFLOW = 1,      /* detail = the task's stack size in bytes */
    TP_CRASH_ALLOC_CORRUPT = 2,       /* detail = address (low 32 bits) of the bad block */
    TP_CRASH_REBOOT_FRAGMENTATION = 3,/* controlled reboot: detail = fragmentation % */
    TP_CRASH_REBOOT_EXHAUSTION = 4,   /* controlled reboot: detail = max tier utilisation % */
    TP_CRASH_REBOOT_LOW_HEAP = 5,     /* controlled reboot: detail = free heap bytes */
    TP_CRASH_PANIC = 6,               /* from a panic handler: detail is the port's cause */
    TP_CRASH_APP = 7                  /* any reason of the application's: detail is its own */
} tp_crash_reason_t;

/* One allocator operation in the ring. */
typedef struct {
    uint32_t time_ms;  /* tp_sys_time_us >> 10 (units of 1.024 ms), truncated */
    uint32_t addr;     /* low 32 bits of the block address */
    uint32_t size;     /* bytes requested (alloc) or 0 (free) */
    uint8_t kind;      /* 'A' alloc, 'F' free, 'X' failed alloc, 'C' corruption seen */
    uint8_t pad[3];
} tp_crash_op_t;

/* Occupancy of one pool at the time of the record. */
typedef struct {
    uint32_t n_tiers;                           /* tiers recorded (<= TP_CFG_CRASH_TIERS) */
    uint32_t block_size[TP_CFG_CRASH_TIERS];
    uint32_t block_count[TP_CFG_CRASH_TIERS];
    uint32_t in_use[TP_CFG_CRASH_TIERS];
    uint32_t failed;                            /* sum of the tiers' failed counters */
} tp_crash_pool_t;

/* The record as stored. All fields are 32-bit words or bytes: no padding. */
typedef struct {
    uint32_t magic;        /* TP_CRASH_MAGIC, written last */
    uint32_t version;      /* TP_CRASH_VERSION */
    uint32_t size;         /* sizeof(tp_crash_record_t) */
    uint32_t crc;          /* CRC-32 of the record with crc = 0 and magic = TP_CRASH_MAGIC */
    uint32_t reason;       /* tp_crash_reason_t */
    uint32_t detail;       /* see tp_crash_reason_t */
    uint32_t time_us_lo;   /* tp_sys_time_us when written */
    uint32_t time_us_hi;
    uint32_t heap_free;    /* tp_sys_heap_free(TP_MEM_INTERNAL) when written */
    uint32_t heap_largest; /* last values seen by the health monitor (0 if none) */
    uint32_t heap_min_free;
    uint32_t frag_pct;
    char task[TP_CFG_TASK_NAME_LEN]; /* NUL-terminated, truncated if longer */
    uint32_t n_pools;
    tp_crash_pool_t pool[TP_CFG_CRASH_POOLS];
    uint32_t n_ops;        /* operations ever noted (the ring holds the last ones) */
    tp_crash_op_t ops[TP_CFG_CRASH_OPS]; /* oldest first; min(n_ops, TP_CFG_CRASH_OPS) valid */
} tp_crash_record_t;

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32) of len bytes, bitwise. */
uint32_t tp_crc32(const void *data, size_t len);

/*
 * Add a pool to the snapshot (up to TP_CFG_CRASH_POOLS; registering one twice is a no-op).
 * TP_ERR_INVALID_ARG: pool NULL or not initialised. TP_ERR_NO_MEM: table full.
 */
tp_err_t tp_crash_register_pool(tp_pool_t *pool);

/* Forget every registered pool and the operation ring (tests, re-initialisation). */
void tp_crash_reset_state(void);

/*
 * Note an allocator operation in the ring (the tracking layer does this for
 * each tracked operation; an application may call it too). kind: 'A', 'F',
 * 'X' or 'C'. Never fails; other kinds are stored as given. Takes the pools'
 * port lock only around the ring update (none with TP_CFG_THREAD_SAFE=0).
 */
void tp_crash_note_op(char kind, const void *addr, uint32_t size);

/* The health monitor's latest heap figures, copied into the next record. */
void tp_crash_note_heap(uint32_t largest_free, uint32_t min_free_ever, uint32_t frag_pct);

/*
 * Write a record of `reason` for task `task_name` (NULL = "") with `detail`
 * and make it durable (tp_sys_persist_flush). Safe from a panic handler.
 * Errors: TP_ERR_INVALID_ARG for reason TP_CRASH_NONE or above TP_CRASH_APP;
 * TP_ERR_UNSUPPORTED when the port has no region or it is too small for the
 * record; TP_ERR_IO when the flush failed (the record is in memory anyway).
 */
tp_err_t tp_crash_write(tp_crash_reason_t reason, const char *task_name, uint32_t detail);

/*
 * For a stack-overflow hook: write a TP_CRASH_STACK_OVERFLOW record for task
 * `task_name` with the stack size the stack guard has registered for it
 * (tp_stack_registered_size; 0 if not registered). On the next boot
 * tp_crash_boot enlarges that task's stack. No allocation, no lock; the caller
 * reboots afterwards. Errors as tp_crash_write; TP_ERR_INVALID_ARG for a NULL
 * name.
 */
tp_err_t tp_crash_stack_overflow(const char *task_name);

/*
 * tp_crash_write, then tp_sys_reboot(). Returns only on a port whose reboot
 * returns (the host with a test handler), with tp_crash_write's result.
 */
tp_err_t tp_crash_reboot(tp_crash_reason_t reason, const char *task_name, uint32_t detail);

/*
 * Validate the record in the persistent region without changing it.
 * TP_OK and a copy in *out (out may be NULL); TP_ERR_NOT_FOUND when there is
 * no magic (nothing recorded, or power-on garbage); TP_ERR_CORRUPT when the
 * magic is there but the version, size or CRC is wrong; TP_ERR_UNSUPPORTED
 * when the port has no region big enough.
 */
tp_err_t tp_crash_peek(tp_crash_record_t *out);

/*
 * At boot (call it early, at every boot): tp_crash_peek, then clear the
 * record (magic zeroed, flushed) whatever it held, so neither a record nor
 * garbage is seen twice. A valid TP_CRASH_STACK_OVERFLOW record also enlarges
 * that task's stack for tp_stack_size_for (tp_stack.h). Then it installs the
 * crash record's fault handler (tp_sys_set_fault_handler), so that from now on
 * the port's fault hooks write a record: a stack overflow as
 * tp_crash_stack_overflow, a panic as TP_CRASH_PANIC unless a record was
 * already written this boot. Returns tp_crash_peek's result (on
 * TP_ERR_UNSUPPORTED, no region: nothing else is done).
 */
tp_err_t tp_crash_boot(tp_crash_record_t *out);

/*
 * Clear the record (magic zeroed and flushed). TP_ERR_UNSUPPORTED without a
 * region; TP_ERR_IO when the flush failed.
 */
tp_err_t tp_crash_clear(void);

/* Name of a reason ("stack_overflow", "alloc_corrupt", ...; "unknown"). */
const char *tp_crash_reason_str(uint32_t reason);

/*
 * A text report of rec into buf (size bytes, always NUL-terminated when size > 0):
 *   *** TIERPOOL CRASH RECORD FROM PREVIOUS BOOT ***
 *   reason: stack_overflow (detail 4096)
 *   task: "net_task"
 *   ...
 * TP_ERR_INVALID_ARG: rec or buf NULL, or size 0. TP_ERR_TRUNCATED: did not fit
 * (buf holds the start). *written (may be NULL) gets the length written.
 */
tp_err_t tp_crash_format(const tp_crash_record_t *rec, char *buf, size_t size, size_t *written);

/* Bytes of the persistent region the crash record and the stack table use. */
size_t tp_crash_region_bytes(void);

#ifdef __cplusplus
}
#endif

#endif /* TP_CRASH_H */
