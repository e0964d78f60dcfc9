/**
 * @file tp_sys.h
 * What the diagnostics modules (health monitor, tracking, crash record, stack
 * guard, readiness gate) need from the system, implemented once per port:
 * port/host (an injected heap, a file as persistent memory, simulated time),
 * port/baremetal (.noinit RAM), port/esp-idf (heap_caps, RTC_NOINIT,
 * esp_restart, FreeRTOS). The tierpool core (tierpool.h) does not use this
 * header.
 *
 * A port implements every function here; a port without some facility says
 * so (TP_ERR_UNSUPPORTED, 0, NULL) rather than pretending.
 */
#ifndef TP_SYS_H
#define TP_SYS_H

#include <stddef.h>
#include <stdint.h>

#include "tp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Which system memory a query or probe is about. */
typedef enum {
    TP_MEM_INTERNAL = 0, /**< internal RAM (ESP-IDF: MALLOC_CAP_INTERNAL | MALLOC_CAP_8BIT) */
    TP_MEM_DMA = 1,      /**< DMA-capable internal RAM (MALLOC_CAP_DMA | MALLOC_CAP_INTERNAL) */
    TP_MEM_SPIRAM = 2    /**< external PSRAM (MALLOC_CAP_SPIRAM) */
} tp_mem_kind_t;

/** A snapshot of the system heap for one kind of memory. */
typedef struct {
    uint32_t total_free;    /**< bytes free */
    uint32_t largest_free;  /**< largest single allocation possible now */
    uint32_t min_free_ever; /**< low-water mark of total_free since boot */
    uint32_t total_size;    /**< bytes the heap manages (0 if unknown) */
} tp_heap_info_t;

/** Why the device rebooted last time, as the port knows it. */
typedef enum {
    TP_RESET_UNKNOWN = 0, /**< the port cannot tell */
    TP_RESET_POWER_ON,    /**< power-on: the persistent region holds garbage */
    TP_RESET_SOFTWARE,    /**< esp_restart / a controlled reboot */
    TP_RESET_PANIC,       /**< a panic (exception, abort) */
    TP_RESET_WATCHDOG,    /**< a task, interrupt or system watchdog */
    TP_RESET_BROWNOUT,    /**< the supply voltage dropped */
    TP_RESET_OTHER        /**< a reason the port knows but tierpool does not name */
} tp_reset_reason_t;

/**
 * The heap's figures for one kind of memory. May take time proportional to
 * the number of heap blocks with interrupts masked (ESP-IDF walks the heap
 * for largest_free): never call it from an ISR.
 * @param kind  which memory
 * @param out   receives the figures
 * @retval TP_OK               *out filled
 * @retval TP_ERR_INVALID_ARG  out NULL (or, on ESP-IDF, kind not a tp_mem_kind_t)
 * @retval TP_ERR_UNSUPPORTED  the port has no such memory, or no heap at all
 */
tp_err_t tp_sys_heap_info(tp_mem_kind_t kind, tp_heap_info_t *out);

/**
 * Bytes free now: the cheap query (no heap walk).
 * @param kind  which memory
 * @return bytes free; 0 when the port has no such memory or does not know
 */
uint32_t tp_sys_heap_free(tp_mem_kind_t kind);

/**
 * Allocate from the system heap (the readiness gate's probes only).
 * @param kind  which memory
 * @param size  bytes
 * @return the memory, or NULL when the heap cannot provide it or the port has none
 */
void *tp_sys_heap_alloc(tp_mem_kind_t kind, size_t size);

/**
 * Give back memory from tp_sys_heap_alloc.
 * @param ptr  what tp_sys_heap_alloc returned; NULL does nothing
 */
void tp_sys_heap_release(void *ptr);

/**
 * Monotonic time since boot.
 * @return microseconds
 */
uint64_t tp_sys_time_us(void);

/**
 * Whether the caller runs in an interrupt handler.
 * @return 1 in an interrupt handler, 0 otherwise
 * @isr
 */
int tp_sys_in_isr(void);

/**
 * Name of the calling task. Not from an ISR.
 * @return the name, "" if none; never NULL
 */
const char *tp_sys_task_name(void);

/**
 * An identifier of the calling task, stable while it lives.
 * @return the identifier; 0 for an ISR or no task
 */
uint32_t tp_sys_task_id(void);

/**
 * Unused stack bytes of a task (its high-water mark).
 * @param name          the task's name
 * @param unused_bytes  receives the unused bytes
 * @retval TP_OK               *unused_bytes set
 * @retval TP_ERR_INVALID_ARG  name or unused_bytes NULL
 * @retval TP_ERR_NOT_FOUND    no task of that name
 * @retval TP_ERR_UNSUPPORTED  the port cannot tell
 */
tp_err_t tp_sys_stack_unused(const char *name, uint32_t *unused_bytes);

/**
 * Memory that survives a reset but not a power cycle (RTC_NOINIT on ESP-IDF,
 * .noinit on bare metal, a file on the host). Its content after power-on is
 * garbage: whoever stores data there needs magic, version and CRC. Writing
 * it must be possible from a panic handler: no allocation, no locks.
 * @param size  receives the region's size in bytes (may be NULL); 0 without a region
 * @return the region (never NULL on a port that has one), or NULL
 */
void *tp_sys_persist_region(size_t *size);

/**
 * Make the region's current content durable (host: write the file; on
 * targets a no-op, the RAM itself survives). Safe from a panic handler.
 * @retval TP_OK      durable
 * @retval TP_ERR_IO  the port could not write it
 */
tp_err_t tp_sys_persist_flush(void);

/**
 * Reason the port gives for the last reset.
 * @return the reason; TP_RESET_UNKNOWN when the port cannot tell
 */
tp_reset_reason_t tp_sys_reset_reason(void);

/**
 * Controlled reboot: esp_restart on ESP-IDF, an NVIC system reset on bare
 * metal; on the host, the function installed with
 * tp_sys_host_set_reboot_handler (which returns), or exit. Does not return on
 * targets.
 */
void tp_sys_reboot(void);

/**
 * Log one line. No allocation.
 * @param level  0 error, 1 warning, 2 info
 * @param line   the text, without a newline
 */
void tp_sys_log(int level, const char *line);

/** A fault the port reports to the diagnostics above it. */
typedef enum {
    TP_FAULT_STACK_OVERFLOW = 1, /**< a task overflowed its stack; detail 0 */
    TP_FAULT_PANIC = 2           /**< the system is going down; detail: the port's cause */
} tp_fault_t;

/**
 * A fault handler: called by the port from its fault hooks, in the fault's
 * context (a corrupted stack, a panic handler): it must not allocate, take a
 * lock or block.
 * @param fault   what happened
 * @param task    the running task's name ("" if none; never NULL)
 * @param detail  see tp_fault_t
 */
typedef void (*tp_fault_fn)(tp_fault_t fault, const char *task, uint32_t detail);

/**
 * Install the function the port's fault hooks call (one at a time). This is
 * how the diagnostics hear of faults without the port knowing them:
 * tp_crash_boot installs the crash record's handler. Hooks per port:
 * ESP-IDF, with TP_CFG_CRASH_RECORD: FreeRTOS's stack-overflow hook and the
 * panic-handler wrap; bare metal: tp_baremetal_fault, for the application's
 * fault handlers; host: tp_sys_host_raise_fault (tests).
 * @param fn  the handler; NULL removes it
 */
void tp_sys_set_fault_handler(tp_fault_fn fn);

#ifdef __cplusplus
}
#endif

#endif /* TP_SYS_H */
