/*
 * tp_lock_cortexm.h - the Cortex-M port's critical section as inline
 * functions: save PRIMASK and disable interrupts (mrs + cpsid i), restore
 * PRIMASK on exit (msr), three instructions. It nests with any caller that
 * already masked interrupts. Used by tp_port_config.h (the pools'
 * TP_PORT_ENTER/EXIT) and by tp_port_baremetal.c (the out-of-line functions).
 *
 * GCC and Clang (arm-none-eabi-gcc, armclang) get GNU inline assembly. Other
 * compilers (IAR, ...): define TP_PORT_USE_CMSIS and put CMSIS's
 * cmsis_compiler.h on the include path; its __get_PRIMASK, __disable_irq and
 * __set_PRIMASK intrinsics do the same.
 */
#ifndef TP_LOCK_CORTEXM_H
#define TP_LOCK_CORTEXM_H

#include <stdint.h>

#if defined(TP_PORT_USE_CMSIS)
#include "cmsis_compiler.h"
static inline uint32_t tp_port_cm_enter(void)
{
    const uint32_t primask = __get_PRIMASK();
    __disable_irq();
    return primask;
}
static inline void tp_port_cm_exit(uint32_t primask)
{
    __set_PRIMASK(primask);
}
#elif defined(__GNUC__) || defined(__clang__)
static inline uint32_t tp_port_cm_enter(void)
{
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask) : : "memory");
    return primask;
}
static inline void tp_port_cm_exit(uint32_t primask)
{
    __asm__ volatile("msr primask, %0" : : "r"(primask) : "memory");
}
#else
#error "Cortex-M port: define TP_PORT_USE_CMSIS (with CMSIS's cmsis_compiler.h on the include path) for this compiler"
#endif

#endif /* TP_LOCK_CORTEXM_H */
