/**
 * @file tp_sys_host.h
 * Test and simulation controls of the host system port
 * (port/host/tp_sys_host.c, library tierpool_host_sys). Host only.
 *
 * The system heap is whatever the program installs with tp_sys_host_set_heap
 * (the diagnostics tests install a scripted heap; examples/host_demo installs
 * poolsim's ESP-IDF heap model): the port itself depends on no heap
 * implementation. The clock is simulated (starts at 0, moves only when told),
 * the persistent region is RAM mirrored to a file, and reboot calls a handler.
 */
#ifndef TP_SYS_HOST_H
#define TP_SYS_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "tp_config.h"
#include "tp_sys.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of the persistent region on the host: TP_CFG_PERSIST_BYTES, as on
 *  every port, so the host tests see the targets' region. */
#define TP_SYS_HOST_PERSIST_BYTES ((size_t)TP_CFG_PERSIST_BYTES)

/**
 * A system heap for the host port: what tp_sys_heap_info, tp_sys_heap_free,
 * tp_sys_heap_alloc and tp_sys_heap_release use for TP_MEM_INTERNAL and
 * TP_MEM_DMA (DMA-capable memory is part of internal RAM, as on an ESP32).
 * TP_MEM_SPIRAM is never supported on the host.
 */
typedef struct {
    /** Allocate size bytes; NULL when the heap cannot provide them. */
    void *(*alloc)(void *ctx, size_t size);
    /** Give back a non-NULL pointer alloc returned. */
    void (*release)(void *ctx, void *ptr);
    /** The heap's figures now (every field of tp_heap_info_t). */
    void (*info)(void *ctx, tp_heap_info_t *out);
    void *ctx; /**< passed to the three functions */
} tp_sys_host_heap_t;

/**
 * Install the system heap. Without one, tp_sys_heap_info returns
 * TP_ERR_UNSUPPORTED, tp_sys_heap_free 0 and tp_sys_heap_alloc NULL, as on a
 * port that knows no heap.
 * @param heap  the heap (copied); NULL removes the installed one
 * @retval TP_OK               installed (or removed)
 * @retval TP_ERR_INVALID_ARG  one of the three functions is NULL; nothing changes
 */
tp_err_t tp_sys_host_set_heap(const tp_sys_host_heap_t *heap);

/**
 * Use a file as the persistent region's backing store, and simulate a boot:
 * the region is loaded from the file if it exists and has the right size,
 * else filled with a garbage pattern (power-on).
 * @param path  the file (copied, up to 255 characters); NULL = memory only
 * @retval TP_OK               done (no file yet is a power-on, not an error)
 * @retval TP_ERR_INVALID_ARG  path longer than 255 characters
 * @retval TP_ERR_IO           the file exists but cannot be read (the region is garbage)
 */
tp_err_t tp_sys_host_set_persist_path(const char *path);

/**
 * Fill the region with pseudo-random garbage, as after a power-on (not flushed).
 * @param seed  the pattern's seed (0 picks a fixed one)
 */
void tp_sys_host_persist_garbage(uint32_t seed);

/**
 * Install what tp_sys_reboot calls; tp_sys_reboot then returns.
 * @param fn    the handler; NULL = exit(3)
 * @param user  passed to fn
 */
void tp_sys_host_set_reboot_handler(void (*fn)(void *user), void *user);

/**
 * Reboots requested so far.
 * @return calls of tp_sys_reboot since tp_sys_host_reset_controls
 */
uint32_t tp_sys_host_reboots(void);

/**
 * Set the simulated clock (it moves only when told).
 * @param t  what tp_sys_time_us returns from now on
 */
void tp_sys_host_set_time_us(uint64_t t);

/**
 * Advance the simulated clock.
 * @param dt  microseconds to add
 */
void tp_sys_host_advance_us(uint64_t dt);

/**
 * Set what tp_sys_task_name and tp_sys_task_id return.
 * @param id    the task id
 * @param name  the task name (copied, up to 31 characters); NULL = ""
 */
void tp_sys_host_set_task(uint32_t id, const char *name);

/**
 * Pretend to be in an ISR or not (what tp_sys_in_isr returns).
 * @param in_isr  1 or 0
 */
void tp_sys_host_set_in_isr(int in_isr);

/**
 * Set a task's unused stack for tp_sys_stack_unused (up to 8 tasks; a known
 * name is updated).
 * @param name          the task's name (up to 31 characters)
 * @param unused_bytes  its unused stack
 * @retval TP_OK               set
 * @retval TP_ERR_INVALID_ARG  name NULL or too long
 * @retval TP_ERR_NO_MEM       8 tasks already known
 */
tp_err_t tp_sys_host_set_stack_unused(const char *name, uint32_t unused_bytes);

/**
 * Set what tp_sys_reset_reason returns.
 * @param r  the reason
 */
void tp_sys_host_set_reset_reason(tp_reset_reason_t r);

/**
 * Install the log sink.
 * @param fn    called with each line (level as tp_sys_log); NULL = stdout, "<E|W|I> line"
 * @param user  passed to fn
 */
void tp_sys_host_set_log(void (*fn)(int level, const char *line, void *user), void *user);

/**
 * A fault as a target's hook would report it: calls the handler installed
 * with tp_sys_set_fault_handler (if any) with the current task's name.
 * @param fault   what happened
 * @param detail  passed on
 */
void tp_sys_host_raise_fault(tp_fault_t fault, uint32_t detail);

/**
 * A new boot: forget tasks, stack table, ISR flag, clock, reboot count, log
 * sink, reboot and fault handlers (not the heap or the persistent region).
 */
void tp_sys_host_reset_controls(void);

#ifdef __cplusplus
}
#endif

#endif /* TP_SYS_HOST_H */
