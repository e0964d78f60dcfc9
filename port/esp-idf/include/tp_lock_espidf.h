/*
 * tp_lock_espidf.h - the ESP-IDF port's critical section as inline functions:
 * a portMUX spinlock per pool, taken with portENTER_CRITICAL_SAFE, which
 * masks interrupts up to the kernel's level on this core and spins against
 * the other core, from task and ISR context alike (a plain atomic would not
 * mask this core's interrupts nor nest with FreeRTOS's own critical
 * sections). Used by tp_port_config.h (the pools' TP_PORT_ENTER/EXIT) and by
 * tp_port_espidf.c (the out-of-line functions). These expect an initialised
 * portMUX; tp_port_espidf.c's tp_port_enter also accepts an all-zero one.
 */
#ifndef TP_LOCK_ESPIDF_H
#define TP_LOCK_ESPIDF_H

#include <stdint.h>

#include "freertos/FreeRTOS.h"

static inline void tp_port_espidf_init(uintptr_t *words)
{
    portMUX_INITIALIZE((portMUX_TYPE *)(void *)words);
}

static inline uint32_t tp_port_espidf_enter(uintptr_t *words)
{
    portENTER_CRITICAL_SAFE((portMUX_TYPE *)(void *)words);
    return 0u;
}

static inline void tp_port_espidf_exit(uintptr_t *words)
{
    portEXIT_CRITICAL_SAFE((portMUX_TYPE *)(void *)words);
}

#endif /* TP_LOCK_ESPIDF_H */
