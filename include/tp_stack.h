/*
 * tp_stack.h - stack guard: watermark checks and stacks that grow after an
 * overflow.
 *
 * Tasks are registered with their stack sizes (bytes; ESP-IDF FreeRTOS sizes
 * and high-water marks are in bytes). tp_stack_check asks the port for each
 * task's unused stack (tp_sys_stack_unused) and warns when use exceeds the
 * warning level (75 % by default, the seed's target).
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

#define TP_STACK_MAGIC 0x4B545354u /* "TSTK" */

/* Policy. Defaults: TP_CFG_STACK_WARN_PCT (75 %), TP_CFG_STACK_GROW_PCT (25 %),
 * TP_CFG_STACK_CAP_BYTES (32 KiB) of tp_config.h. */
typedef struct {
    uint32_t warn_pct;  /* 1..100 */
    uint32_t grow_pct;  /* 1..400 */
    uint32_t cap_bytes; /* >= 256 */
} tp_stack_policy_t;

/* What tp_stack_check reports for each task over the warning level. */
typedef void (*tp_stack_warn_fn)(const char *name, uint32_t used_bytes, uint32_t size_bytes,
                                 uint32_t used_pct, void *user);

/* The persistent table (at the start of the persistent region; exposed for tests and docs). */
typedef struct {
    char name[TP_CFG_TASK_NAME_LEN];
    uint32_t size;
} tp_stack_entry_t;
typedef struct {
    uint32_t magic;
    uint32_t crc;   /* CRC-32 of the table with crc = 0 */
    uint32_t n;     /* valid entries */
    tp_stack_entry_t entry[TP_CFG_STACK_PERSIST];
} tp_stack_table_t;

/*
 * Set the policy (NULL = defaults). TP_ERR_INVALID_ARG for values outside
 * the ranges above (nothing changes).
 */
tp_err_t tp_stack_set_policy(const tp_stack_policy_t *policy);

/*
 * Watch task `name` (1..TP_CFG_TASK_NAME_LEN-1 characters) with a stack of
 * size_bytes (> 0). Registering a known name updates its size.
 * TP_ERR_INVALID_ARG: name NULL, empty or too long, size 0.
 * TP_ERR_NO_MEM: TP_CFG_STACK_TASKS tasks already registered.
 */
tp_err_t tp_stack_register(const char *name, uint32_t size_bytes);

/* Stop watching `name`. TP_ERR_INVALID_ARG for NULL; TP_ERR_NOT_FOUND if unknown. */
tp_err_t tp_stack_unregister(const char *name);

/* Forget every registered task (not the persistent table). */
void tp_stack_reset_state(void);

/*
 * Check every registered task's high-water mark. For each task whose use is
 * above the warning level: logs a warning line (tp_sys_log level 1) and calls
 * warn (may be NULL). Tasks the port does not know (TP_ERR_NOT_FOUND /
 * TP_ERR_UNSUPPORTED) are skipped. Returns the number of tasks over the level
 * (>= 0), or TP_ERR_DEFERRED when called from an ISR (nothing checked).
 */
int tp_stack_check(tp_stack_warn_fn warn, void *user);

/*
 * The stack size to create task `name` with: the enlarged size stored after
 * an overflow if that is larger than default_bytes, else default_bytes.
 * Never fails (a NULL name or no valid table gives default_bytes).
 */
uint32_t tp_stack_size_for(const char *name, uint32_t default_bytes);

/*
 * The stack size registered for `name`: 0 when it is not registered (or NULL).
 * No allocation, no lock (the crash record calls it from the overflow hook).
 */
uint32_t tp_stack_registered_size(const char *name);

/*
 * Store that `name` overflowed a stack of old_bytes: its entry becomes
 * min(cap, max(old, stored) + grow %). tp_crash_boot calls this; exposed for
 * ports that learn about overflows another way. Evicts the first entry when
 * the table is full. TP_ERR_INVALID_ARG: name NULL/empty; TP_ERR_UNSUPPORTED
 * without a persistent region; TP_ERR_IO when the flush failed.
 */
tp_err_t tp_stack_note_overflow(const char *name, uint32_t old_bytes);

/* Erase the persistent table. TP_ERR_UNSUPPORTED without a region. */
tp_err_t tp_stack_forget_all(void);

#ifdef __cplusplus
}
#endif

#endif /* TP_STACK_H */
