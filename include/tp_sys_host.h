/*
 * tp_sys_host.h - test and simulation controls of the host system port
 * (port/host/tp_sys_host.c, library tierpool_host_sys). Host only.
 *
 * The system heap is a poolsim heap model (ESP-IDF's TLSF, byte-exact), the
 * clock is simulated (starts at 0, moves only when told), the persistent
 * region is RAM mirrored to a file, and reboot calls a handler.
 */
#ifndef TP_SYS_HOST_H
#define TP_SYS_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "tp_sys.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of the persistent region on the host. */
#define TP_SYS_HOST_PERSIST_BYTES ((size_t)2048u)
/* Largest heap arena the host port can model. */
#define TP_SYS_HOST_MAX_ARENA ((size_t)512u * 1024u)

/*
 * (Re)create the internal-RAM heap model with arena_bytes (0 = 164 KiB, the
 * seed's application heap). All earlier heap pointers become invalid.
 * TP_ERR_INVALID_ARG: arena above TP_SYS_HOST_MAX_ARENA or too small.
 * The other kinds (DMA, SPIRAM) report TP_ERR_UNSUPPORTED / 0 free.
 */
tp_err_t tp_sys_host_heap_reset(size_t arena_bytes);

/* The heap model itself (opaque ps_heap_t *), for tests that drive it. */
struct ps_heap;
struct ps_heap *tp_sys_host_heap(void);

/*
 * Use `path` as the persistent file (NULL = memory only). Simulates a boot:
 * the region is loaded from the file if it exists and has the right size,
 * else filled with a garbage pattern (power-on). Returns TP_ERR_IO when the
 * file exists but cannot be read (the region is then garbage).
 * The path is copied (up to 255 characters, else TP_ERR_INVALID_ARG).
 */
tp_err_t tp_sys_host_set_persist_path(const char *path);

/* Fill the region with pseudo-random garbage (a power-on), not flushed. */
void tp_sys_host_persist_garbage(uint32_t seed);

/* Installed reboot handler (NULL = exit(3)). tp_sys_reboot calls it and returns. */
void tp_sys_host_set_reboot_handler(void (*fn)(void *user), void *user);
/* Reboots requested so far. */
uint32_t tp_sys_host_reboots(void);

/* Simulated clock. */
void tp_sys_host_set_time_us(uint64_t t);
void tp_sys_host_advance_us(uint64_t dt);

/* What tp_sys_task_name / tp_sys_task_id return (name copied, up to 31 chars). */
void tp_sys_host_set_task(uint32_t id, const char *name);

/* Pretend to be in an ISR (1) or not (0). */
void tp_sys_host_set_in_isr(int in_isr);

/*
 * Unused stack of a task for tp_sys_stack_unused (up to 8 tasks; a known name
 * is updated). TP_ERR_NO_MEM when full; TP_ERR_INVALID_ARG for a NULL/long name.
 */
tp_err_t tp_sys_host_set_stack_unused(const char *name, uint32_t unused_bytes);

/* What tp_sys_reset_reason returns. */
void tp_sys_host_set_reset_reason(tp_reset_reason_t r);

/* Log sink (NULL = stdout, "<E|W|I> line\n"); level as tp_sys_log. */
void tp_sys_host_set_log(void (*fn)(int level, const char *line, void *user), void *user);

/* Forget tasks, stack table, ISR flag, clock, reboot count (not heap or region). */
void tp_sys_host_reset_controls(void);

#ifdef __cplusplus
}
#endif

#endif /* TP_SYS_HOST_H */
