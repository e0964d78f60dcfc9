/**
 * @file tp_stack.h
 * Stack guard: watermark checks and stacks that grow after an overflow.
 *
 * Tasks are registered with their stack sizes (bytes; ESP-IDF FreeRTOS sizes
 * and high-water marks are in bytes). tp_stack_check asks the port for each
 * task's unused stack (tp_sys_stack_unused) and warns when use exceeds the
 * warning level (TP_CFG_STACK_WARN_PCT; its default is the seed's target).
 *
 * After an overflow: the port's stack-overflow hook calls the crash record's
 * fault handler, which writes a crash record (reason TP_CRASH_STACK_OVERFLOW,
 * detail = the size registered here; tp_crash_stack_overflow in tp_crash.h).
 * On the next boot tp_crash_boot finds it and calls tp_stack_note_overflow,
 * which stores min(cap, size + grow %) for that task in a table kept at the
 * start of the persistent region, before the crash record (own magic and CRC,
 * so it outlives the cleared record across later software resets; a power
 * cycle forgets it). tp_stack_size_for(name, default) then returns the larger
 * of default and the stored size: use it when creating the task (a running
 * task cannot be resized).
 *
 * The stack guard is below the crash record: it calls nothing of tp_crash.
 */
#ifndef TP_STACK_H
#define TP_STACK_H

#include <stddef.h>
#include <stdint.h>

#include "tierpool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Tasks the guard can watch, and enlarged sizes the persistent table keeps:
 * TP_CFG_STACK_TASKS, TP_CFG_STACK_PERSIST (tp_config.h). */

/** Magic number of the persistent table ("TSTK"). */
#define TP_STACK_MAGIC 0x4B545354u

/**
 * The guard's policy. Defaults: TP_CFG_STACK_WARN_PCT, TP_CFG_STACK_GROW_PCT,
 * TP_CFG_STACK_CAP_BYTES of tp_config.h.
 */
typedef struct {
    uint32_t warn_pct;  /**< warn above this use of a stack, %: 1..100 */
    uint32_t grow_pct;  /**< enlarge an overflowed stack by this, %: 1..400 */
    uint32_t cap_bytes; /**< never enlarge beyond this (bytes, >= 256) */
} tp_stack_policy_t;

/**
 * What tp_stack_check reports for each task over the warning level.
 * @param name        the task
 * @param used_bytes  stack used (its size minus its high-water mark)
 * @param size_bytes  the registered size
 * @param used_pct    used_bytes as a percentage of size_bytes
 * @param user        what tp_stack_check was given
 */
typedef void (*tp_stack_warn_fn)(const char *name, uint32_t used_bytes, uint32_t size_bytes, uint32_t used_pct,
                                 void *user);

/** One task of the persistent table. */
typedef struct {
    char name[TP_CFG_TASK_NAME_LEN]; /**< the task, NUL-terminated */
    uint32_t size;                   /**< the stack size to create it with, bytes */
} tp_stack_entry_t;

/** The persistent table (at the start of the persistent region; exposed for tests and docs). */
typedef struct {
    uint32_t magic;                               /**< TP_STACK_MAGIC */
    uint32_t crc;                                 /**< CRC-32 of the table with crc = 0 */
    uint32_t n;                                   /**< valid entries */
    tp_stack_entry_t entry[TP_CFG_STACK_PERSIST]; /**< oldest first */
} tp_stack_table_t;

/**
 * Set the policy.
 * @param policy  the policy (copied); NULL = the defaults
 * @retval TP_OK               set
 * @retval TP_ERR_INVALID_ARG  a value outside its range (tp_stack_policy_t); nothing changes
 */
tp_err_t tp_stack_set_policy(const tp_stack_policy_t *policy);

/**
 * Watch a task. Registering a known name updates its size.
 * @param name        1..TP_CFG_TASK_NAME_LEN-1 characters (copied)
 * @param size_bytes  its stack size, > 0
 * @retval TP_OK               registered
 * @retval TP_ERR_INVALID_ARG  name NULL, empty or too long; size 0
 * @retval TP_ERR_NO_MEM       TP_CFG_STACK_TASKS tasks already registered
 */
tp_err_t tp_stack_register(const char *name, uint32_t size_bytes);

/**
 * Stop watching a task.
 * @param name  the task
 * @retval TP_OK               done
 * @retval TP_ERR_INVALID_ARG  name NULL
 * @retval TP_ERR_NOT_FOUND    not registered
 */
tp_err_t tp_stack_unregister(const char *name);

/** Forget every registered task and the policy (not the persistent table). */
void tp_stack_reset_state(void);

/**
 * Check every registered task's high-water mark. For each task whose use is
 * above the warning level: logs a warning line (tp_sys_log level 1) and calls
 * warn. Tasks the port does not know (TP_ERR_NOT_FOUND, TP_ERR_UNSUPPORTED)
 * are skipped. Safe from an ISR: it then checks nothing.
 * @param warn  called for each task over the level; may be NULL
 * @param user  passed to warn
 * @return the number of tasks over the level (>= 0), or TP_ERR_DEFERRED when
 *         called from an ISR
 */
int tp_stack_check(tp_stack_warn_fn warn, void *user);

/**
 * The stack size to create a task with (a running task cannot be resized).
 * Never fails.
 * @param name           the task
 * @param default_bytes  its usual size
 * @return the enlarged size stored after an overflow if that is larger than
 *         default_bytes, else default_bytes (also for a NULL name or no valid table)
 */
uint32_t tp_stack_size_for(const char *name, uint32_t default_bytes);

/**
 * The stack size registered for a task. No allocation, no lock (the crash
 * record calls it from the overflow hook).
 * @param name  the task
 * @return its registered size; 0 when it is not registered (or name is NULL)
 */
uint32_t tp_stack_registered_size(const char *name);

/**
 * Store that a task overflowed its stack: its entry becomes the larger of
 * old_bytes and the stored size, grown by grow_pct, capped at cap_bytes (but
 * never below that larger size). tp_crash_boot calls this; exposed for ports
 * that learn about overflows another way. Evicts the oldest entry when the
 * table is full.
 * @param name       the task
 * @param old_bytes  the stack it overflowed (0 if unknown: 1 KiB is assumed)
 * @retval TP_OK               stored and flushed
 * @retval TP_ERR_INVALID_ARG  name NULL or empty
 * @retval TP_ERR_UNSUPPORTED  the port has no persistent region big enough
 * @retval TP_ERR_IO           the flush failed (the table is updated in memory)
 */
tp_err_t tp_stack_note_overflow(const char *name, uint32_t old_bytes);

/**
 * Erase the persistent table.
 * @retval TP_OK               erased and flushed
 * @retval TP_ERR_UNSUPPORTED  the port has no persistent region big enough
 * @retval TP_ERR_IO           the flush failed
 */
tp_err_t tp_stack_forget_all(void);

#ifdef __cplusplus
}
#endif

#endif /* TP_STACK_H */
