/**
 * @file tp_sys_baremetal.h
 * What an application on the bare-metal Cortex-M port (one core, no RTOS)
 * provides to tierpool's system layer and calls in it
 * (port/baremetal/tp_sys_baremetal.c): the clock tick, the log sink, and
 * faults for the crash record.
 */
#ifndef TP_SYS_BAREMETAL_H
#define TP_SYS_BAREMETAL_H

#include <stdint.h>

#include "tp_sys.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Advance the port's microsecond clock (tp_sys_time_us): there is no
 * universal timer, so call it from the SysTick or any periodic interrupt.
 * @param elapsed_us  microseconds since the last call
 * @isr
 */
void tp_baremetal_tick_us(uint32_t elapsed_us);

/**
 * Where the library's log lines go (tp_sys_log). A weak definition in the
 * port drops them: define this function in the application to keep them.
 * @param level  0 error, 1 warning, 2 info
 * @param line   the text, without a newline
 */
void tp_baremetal_log(int level, const char *line);

/**
 * Report a fault from the application's fault handler (HardFault, a stack
 * check) to the handler installed with tp_sys_set_fault_handler (the crash
 * record's, once tp_crash_boot ran), for task "main". Nothing happens when no
 * handler is installed.
 * @param fault   what happened
 * @param detail  the cause to record (e.g. the CFSR)
 * @isr
 */
void tp_baremetal_fault(tp_fault_t fault, uint32_t detail);

#ifdef __cplusplus
}
#endif

#endif /* TP_SYS_BAREMETAL_H */
