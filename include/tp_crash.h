/**
 * @file tp_crash.h
 * A crash record in memory that survives a reset.
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

/** Magic number of a complete record ("TPCR" little-endian), written last. */
#define TP_CRASH_MAGIC 0x52435054u
/** Layout version of tp_crash_record_t. */
#define TP_CRASH_VERSION 1u

/** Why a record was written; each says what its `detail` holds. */
typedef enum {
    TP_CRASH_NONE = 0,                 /**< no reason: never written */
    TP_CRASH_STACK_OVERFLOW = 1,       /**< detail = the task's stack size in bytes */
    TP_CRASH_ALLOC_CORRUPT = 2,        /**< detail = address (low 32 bits) of the bad block */
    TP_CRASH_REBOOT_FRAGMENTATION = 3, /**< controlled reboot: detail = fragmentation % */
    TP_CRASH_REBOOT_EXHAUSTION = 4,    /**< controlled reboot: detail = max tier utilisation % */
    TP_CRASH_REBOOT_LOW_HEAP = 5,      /**< controlled reboot: detail = free heap bytes */
    TP_CRASH_PANIC = 6,                /**< from a panic handler: detail is the port's cause */
    TP_CRASH_APP = 7                   /**< any reason of the application's: detail is its own */
} tp_crash_reason_t;

/** One allocator operation in the ring. */
typedef struct {
    uint32_t time_ms; /**< tp_sys_time_us >> 10 (units of 1.024 ms), truncated */
    uint32_t addr;    /**< low 32 bits of the block address */
    uint32_t size;    /**< bytes requested (alloc) or 0 (free) */
    uint8_t kind;     /**< 'A' alloc, 'F' free, 'X' failed alloc, 'C' corruption seen */
    uint8_t pad[3];   /**< zero */
} tp_crash_op_t;

/** Occupancy of one pool at the time of the record. */
typedef struct {
    uint32_t n_tiers;                         /**< tiers recorded (<= TP_CFG_CRASH_TIERS) */
    uint32_t block_size[TP_CFG_CRASH_TIERS];  /**< per tier: bytes per block */
    uint32_t block_count[TP_CFG_CRASH_TIERS]; /**< per tier: blocks */
    uint32_t in_use[TP_CFG_CRASH_TIERS];      /**< per tier: blocks handed out */
    uint32_t failed;                          /**< sum of all tiers' failed counters */
} tp_crash_pool_t;

/** The record as stored. All fields are 32-bit words or bytes: no padding. */
typedef struct {
    uint32_t magic;                           /**< TP_CRASH_MAGIC, written last */
    uint32_t version;                         /**< TP_CRASH_VERSION */
    uint32_t size;                            /**< sizeof(tp_crash_record_t) */
    uint32_t crc;                             /**< CRC-32 of the record with crc = 0 and magic = TP_CRASH_MAGIC */
    uint32_t reason;                          /**< a tp_crash_reason_t */
    uint32_t detail;                          /**< see tp_crash_reason_t */
    uint32_t time_us_lo;                      /**< tp_sys_time_us when written, low word */
    uint32_t time_us_hi;                      /**< and high word */
    uint32_t heap_free;                       /**< tp_sys_heap_free(TP_MEM_INTERNAL) when written */
    uint32_t heap_largest;                    /**< largest free block last seen by the health monitor (0 if none) */
    uint32_t heap_min_free;                   /**< low-water mark of free heap last seen by the monitor */
    uint32_t frag_pct;                        /**< fragmentation last computed by the monitor, % */
    char task[TP_CFG_TASK_NAME_LEN];          /**< task name, NUL-terminated, truncated if longer */
    uint32_t n_pools;                         /**< pools snapshotted (<= TP_CFG_CRASH_POOLS) */
    tp_crash_pool_t pool[TP_CFG_CRASH_POOLS]; /**< their occupancy */
    uint32_t n_ops;                           /**< operations ever noted (the ring holds the last ones) */
    tp_crash_op_t ops[TP_CFG_CRASH_OPS];      /**< oldest first; min(n_ops, TP_CFG_CRASH_OPS) valid */
} tp_crash_record_t;

/**
 * CRC-32 (IEEE 802.3, reflected, as zlib's crc32), bitwise (no table).
 * @param data  the bytes (may be NULL when len is 0)
 * @param len   how many
 * @return the CRC; 0 for no bytes
 * @isr
 */
uint32_t tp_crc32(const void *data, size_t len);

/**
 * Add a pool to the record's snapshot (registering one twice is a no-op).
 * @param pool  an initialised pool (kept by pointer)
 * @retval TP_OK               registered
 * @retval TP_ERR_INVALID_ARG  pool NULL or not initialised
 * @retval TP_ERR_NO_MEM       TP_CFG_CRASH_POOLS pools already registered
 */
tp_err_t tp_crash_register_pool(tp_pool_t *pool);

/** Forget every registered pool, the operation ring and the heap figures (tests, re-initialisation). */
void tp_crash_reset_state(void);

/**
 * Note an allocator operation in the ring (the tracking layer does this for
 * each tracked operation; an application may call it too). Never fails.
 * Takes the port's critical section only around the ring update (none with
 * TP_CFG_THREAD_SAFE=0).
 * @param kind  'A' alloc, 'F' free, 'X' failed alloc, 'C' corruption; other values are stored as given
 * @param addr  the block (its low 32 bits are kept)
 * @param size  bytes requested, or 0
 * @isr
 */
void tp_crash_note_op(char kind, const void *addr, uint32_t size);

/**
 * The health monitor's latest heap figures, copied into the next record.
 * @param largest_free   largest free block, bytes
 * @param min_free_ever  low-water mark of the free bytes
 * @param frag_pct       fragmentation, %
 * @isr
 */
void tp_crash_note_heap(uint32_t largest_free, uint32_t min_free_ever, uint32_t frag_pct);

/**
 * Write a record and make it durable (tp_sys_persist_flush). Safe from a
 * panic handler: no allocation, no lock, the magic written last.
 * @param reason     TP_CRASH_STACK_OVERFLOW .. TP_CRASH_APP
 * @param task_name  the task concerned (copied, truncated); NULL = ""
 * @param detail     see tp_crash_reason_t
 * @retval TP_OK               written and durable
 * @retval TP_ERR_INVALID_ARG  reason TP_CRASH_NONE or above TP_CRASH_APP; nothing written
 * @retval TP_ERR_UNSUPPORTED  the port has no persistent region big enough
 * @retval TP_ERR_IO           the flush failed (the record is in memory anyway)
 */
tp_err_t tp_crash_write(tp_crash_reason_t reason, const char *task_name, uint32_t detail);

/**
 * For a stack-overflow hook: write a TP_CRASH_STACK_OVERFLOW record for a
 * task with the stack size the stack guard has registered for it
 * (tp_stack_registered_size; 0 if not registered). On the next boot
 * tp_crash_boot enlarges that task's stack. No allocation, no lock; the
 * caller reboots afterwards.
 * @param task_name  the task that overflowed
 * @retval TP_ERR_INVALID_ARG  task_name NULL
 * @return otherwise as tp_crash_write
 */
tp_err_t tp_crash_stack_overflow(const char *task_name);

/**
 * tp_crash_write, then tp_sys_reboot(). Returns only on a port whose reboot
 * returns (the host with a test handler).
 * @param reason     as tp_crash_write
 * @param task_name  as tp_crash_write
 * @param detail     as tp_crash_write
 * @return tp_crash_write's result
 */
tp_err_t tp_crash_reboot(tp_crash_reason_t reason, const char *task_name, uint32_t detail);

/**
 * Validate the record in the persistent region without changing it.
 * @param out  receives a copy of a valid record; may be NULL
 * @retval TP_OK               a valid record (copied to *out)
 * @retval TP_ERR_NOT_FOUND    no magic: nothing recorded, or power-on garbage
 * @retval TP_ERR_CORRUPT      the magic is there but the version, size or CRC is wrong
 * @retval TP_ERR_UNSUPPORTED  the port has no persistent region big enough
 */
tp_err_t tp_crash_peek(tp_crash_record_t *out);

/**
 * At boot (call it early, at every boot): tp_crash_peek, then clear the
 * record (magic zeroed, flushed) whatever it held, so neither a record nor
 * garbage is seen twice. A valid TP_CRASH_STACK_OVERFLOW record also enlarges
 * that task's stack for tp_stack_size_for (tp_stack.h). Then it installs the
 * crash record's fault handler (tp_sys_set_fault_handler), so that from now on
 * the port's fault hooks write a record: a stack overflow as
 * tp_crash_stack_overflow, a panic as TP_CRASH_PANIC unless a record was
 * already written this boot. Faults before this call are not recorded.
 * @param out  receives a copy of a valid record; may be NULL
 * @return tp_crash_peek's result; on TP_ERR_UNSUPPORTED (no region) nothing else is done
 */
tp_err_t tp_crash_boot(tp_crash_record_t *out);

/**
 * Clear the record (magic zeroed and flushed).
 * @retval TP_OK               cleared
 * @retval TP_ERR_UNSUPPORTED  the port has no persistent region big enough
 * @retval TP_ERR_IO           the flush failed
 */
tp_err_t tp_crash_clear(void);

/**
 * Name of a reason.
 * @param reason  a record's reason field
 * @return "none", "stack_overflow", "alloc_corrupt", "reboot_fragmentation",
 *         "reboot_exhaustion", "reboot_low_heap", "panic", "app"; "unknown" otherwise
 * @isr
 */
const char *tp_crash_reason_str(uint32_t reason);

/**
 * A text report of a record:
 * @code
 * *** TIERPOOL CRASH RECORD FROM PREVIOUS BOOT ***
 * reason: stack_overflow (detail 4096)
 * task: "net_task"
 * ...
 * @endcode
 * @param rec      the record
 * @param buf      receives the text, always NUL-terminated
 * @param size     bytes of buf
 * @param written  receives the length written, without the NUL; may be NULL
 * @retval TP_OK               the whole report
 * @retval TP_ERR_INVALID_ARG  rec or buf NULL, or size 0
 * @retval TP_ERR_TRUNCATED    it did not fit: buf holds its start
 */
tp_err_t tp_crash_format(const tp_crash_record_t *rec, char *buf, size_t size, size_t *written);

/**
 * Bytes of the persistent region the stack table and the crash record use:
 * a port's region must be at least this big.
 * @return the size
 */
size_t tp_crash_region_bytes(void);

#ifdef __cplusplus
}
#endif

#endif /* TP_CRASH_H */
