/*
 * tp_sys.h - what the diagnostics modules (health monitor, crash record,
 * stack guard, readiness gate) need from the system, implemented once per
 * port: port/host (poolsim's heap model, a file as persistent memory),
 * port/baremetal (.noinit RAM), port/esp-idf (heap_caps, RTC_NOINIT, esp_restart).
 * The tierpool core (tierpool.h) does not use this header.
 */
#ifndef TP_SYS_H
#define TP_SYS_H

#include <stddef.h>
#include <stdint.h>

#include "tp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which system memory a query or probe is about. */
typedef enum {
    TP_MEM_INTERNAL = 0, /* internal RAM (ESP-IDF: MALLOC_CAP_INTERNAL | MALLOC_CAP_8BIT) */
    TP_MEM_DMA = 1,      /* DMA-capable internal RAM (MALLOC_CAP_DMA | MALLOC_CAP_INTERNAL) */
    TP_MEM_SPIRAM = 2    /* external PSRAM (MALLOC_CAP_SPIRAM) */
} tp_mem_kind_t;

/* A snapshot of the system heap for one kind of memory. */
typedef struct {
    uint32_t total_free;    /* bytes free */
    uint32_t largest_free;  /* largest single allocation possible now */
    uint32_t min_free_ever; /* low-water mark of total_free since boot */
    uint32_t total_size;    /* bytes the heap manages (0 if unknown) */
} tp_heap_info_t;

/* Why the device rebooted last time, as the port knows it. */
typedef enum {
    TP_RESET_UNKNOWN = 0,
    TP_RESET_POWER_ON,
    TP_RESET_SOFTWARE, /* esp_restart / a controlled reboot */
    TP_RESET_PANIC,
    TP_RESET_WATCHDOG,
    TP_RESET_BROWNOUT,
    TP_RESET_OTHER
} tp_reset_reason_t;

/*
 * Fill *out for `kind`. May be O(heap blocks) with interrupts masked (ESP-IDF
 * walks the heap for largest_free): never call from an ISR.
 * TP_ERR_UNSUPPORTED when the port has no such memory.
 */
tp_err_t tp_sys_heap_info(tp_mem_kind_t kind, tp_heap_info_t *out);

/* Cheap query: bytes free now (no heap walk). 0 when unknown. */
uint32_t tp_sys_heap_free(tp_mem_kind_t kind);

/* Allocate / free from the system heap (readiness-gate probes only). */
void *tp_sys_heap_alloc(tp_mem_kind_t kind, size_t size);
void tp_sys_heap_release(void *ptr);

/* Monotonic time since boot, microseconds. */
uint64_t tp_sys_time_us(void);

/* 1 when called from an interrupt handler. */
int tp_sys_in_isr(void);

/* Name of the calling task ("" if none); never NULL. Not from an ISR. */
const char *tp_sys_task_name(void);

/* An identifier of the calling task (0 for ISR/none), stable while it lives. */
uint32_t tp_sys_task_id(void);

/*
 * Unused stack bytes of the task named `name` (the high-water mark).
 * TP_ERR_NOT_FOUND when no such task; TP_ERR_UNSUPPORTED when the port cannot tell.
 */
tp_err_t tp_sys_stack_unused(const char *name, uint32_t *unused_bytes);

/*
 * Memory that survives a reset but not a power cycle (RTC_NOINIT on ESP-IDF,
 * .noinit on bare metal, a file on the host). Its content after power-on is
 * garbage: whoever stores data there needs magic, version and CRC.
 * Returns the region and its size in *size (never NULL on a port that has one;
 * NULL and *size = 0 otherwise). Writing it must be possible from a panic
 * handler: no allocation, no locks.
 */
void *tp_sys_persist_region(size_t *size);

/*
 * Make the region's current content durable (host: write the file; on
 * targets a no-op, the RAM itself survives). Safe from a panic handler.
 */
tp_err_t tp_sys_persist_flush(void);

/* Reason the port gives for the last reset. */
tp_reset_reason_t tp_sys_reset_reason(void);

/*
 * Controlled reboot (esp_restart on ESP-IDF; NVIC system reset on bare metal;
 * on the host, the function installed with tp_sys_host_set_reboot_handler, or
 * exit). Does not return on targets.
 */
void tp_sys_reboot(void);

/* Log one line at a level (0 error, 1 warning, 2 info). No allocation. */
void tp_sys_log(int level, const char *line);

/* A fault the port reports to the diagnostics above it. */
typedef enum {
    TP_FAULT_STACK_OVERFLOW = 1, /* a task overflowed its stack; detail 0 */
    TP_FAULT_PANIC = 2           /* the system is going down; detail: the port's cause */
} tp_fault_t;

/*
 * A fault handler: called by the port from its fault hooks, in the fault's
 * context (a corrupted stack, a panic handler): it must not allocate, take a
 * lock or block. task is the running task's name ("" if none; never NULL).
 */
typedef void (*tp_fault_fn)(tp_fault_t fault, const char *task, uint32_t detail);

/*
 * Install the function the port's fault hooks call (NULL removes it; one at a
 * time). This is how the diagnostics hear of faults without the port knowing
 * them: tp_crash_boot installs the crash record's handler. Hooks per port:
 * ESP-IDF, with CONFIG_TP_CRASH_RECORD: FreeRTOS's stack-overflow hook and the
 * panic-handler wrap; bare metal: tp_baremetal_fault, for the application's
 * fault handlers; host: tp_sys_host_raise_fault (tests).
 */
void tp_sys_set_fault_handler(tp_fault_fn fn);

#ifdef __cplusplus
}
#endif

#endif /* TP_SYS_H */
