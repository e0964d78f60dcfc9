/*
 * Bare-metal Cortex-M implementation of tp_sys.h, for one core and no RTOS.
 *
 * - Persistent region: a buffer in the .noinit section (the linker script
 *   keeps it out of .bss zeroing), so it survives a reset but is garbage after
 *   power-on; tp_crash validates it with magic, version and CRC.
 * - Time: a microsecond counter the application advances from its tick
 *   interrupt with tp_baremetal_tick_us (there is no universal timer).
 * - Heap: the library does not know the application's heap; queries return
 *   TP_ERR_UNSUPPORTED / 0 and probe allocations fail (the readiness gate then
 *   defers), rather than pretending.
 * - Reboot: SCB AIRCR SYSRESETREQ. Stacks: one, "main"; watermarks unknown.
 * - Log: tp_baremetal_log, a weak hook the application may define.
 * - Faults: the application's fault handlers (HardFault, a stack check) call
 *   tp_baremetal_fault, which passes the fault to the installed handler.
 */
#include "../../include/tp_config.h"
#include "../../include/tp_sys.h"
#include "include/tp_sys_baremetal.h"

#include <stdint.h>

static uint32_t persist[TP_CFG_PERSIST_BYTES / 4] __attribute__((section(".noinit")));
static volatile uint64_t now_us;

void tp_baremetal_tick_us(uint32_t elapsed_us)
{
    now_us += elapsed_us;
}

/* Weak: the application's definition wins (tp_sys_baremetal.h). */
__attribute__((weak)) void tp_baremetal_log(int level, const char *line)
{
    (void)level;
    (void)line;
}

tp_err_t tp_sys_heap_info(tp_mem_kind_t kind, tp_heap_info_t *out)
{
    (void)kind;
    return out == NULL ? TP_ERR_INVALID_ARG : TP_ERR_UNSUPPORTED;
}

uint32_t tp_sys_heap_free(tp_mem_kind_t kind)
{
    (void)kind;
    return 0u;
}

void *tp_sys_heap_alloc(tp_mem_kind_t kind, size_t size)
{
    (void)kind;
    (void)size;
    return NULL;
}

void tp_sys_heap_release(void *ptr)
{
    (void)ptr;
}

uint64_t tp_sys_time_us(void)
{
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask) : : "memory");
    const uint64_t t = now_us; /* two words: read with interrupts masked */
    __asm__ volatile("msr primask, %0" : : "r"(primask) : "memory");
    return t;
}

int tp_sys_in_isr(void)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    return (ipsr & 0x1FFu) != 0u;
}

const char *tp_sys_task_name(void)
{
    return "main";
}

uint32_t tp_sys_task_id(void)
{
    return tp_sys_in_isr() ? 0u : 1u;
}

tp_err_t tp_sys_stack_unused(const char *name, uint32_t *unused_bytes)
{
    (void)name;
    return unused_bytes == NULL ? TP_ERR_INVALID_ARG : TP_ERR_UNSUPPORTED;
}

void *tp_sys_persist_region(size_t *size)
{
    if (size != NULL) {
        *size = sizeof persist;
    }
    return persist;
}

tp_err_t tp_sys_persist_flush(void)
{
    return TP_OK; /* the RAM itself survives the reset */
}

tp_reset_reason_t tp_sys_reset_reason(void)
{
    return TP_RESET_UNKNOWN; /* vendor-specific reset-cause registers */
}

void tp_sys_reboot(void)
{
    volatile uint32_t *const aircr = (volatile uint32_t *)0xE000ED0Cu;
    __asm__ volatile("dsb" : : : "memory");
    *aircr = 0x05FA0004u; /* VECTKEY | SYSRESETREQ */
    __asm__ volatile("dsb" : : : "memory");
    for (;;) {
    }
}

void tp_sys_log(int level, const char *line)
{
    tp_baremetal_log(level, line);
}

static tp_fault_fn fault_fn;

void tp_sys_set_fault_handler(tp_fault_fn fn)
{
    fault_fn = fn;
}

void tp_baremetal_fault(tp_fault_t fault, uint32_t detail)
{
    const tp_fault_fn fn = fault_fn;
    if (fn != NULL) {
        fn(fault, "main", detail);
    }
}
