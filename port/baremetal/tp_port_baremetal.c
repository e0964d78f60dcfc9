/*
 * Bare-metal single-core Cortex-M port of tp_port.h: the critical section
 * saves PRIMASK and disables interrupts (cpsid i), and restores PRIMASK on
 * exit, so it nests with any caller that already masked interrupts. Every
 * pool call is then safe from thread mode and from any ISR. Multi-core parts
 * need a real spinlock on top; this port is for one core.
 */
#include "../../include/tp_port.h"

void tp_port_lock_init(tp_lock_t *lock)
{
    (void)lock; /* interrupts are the only concurrency on one core */
}

tp_irqstate_t tp_port_enter(tp_lock_t *lock)
{
    (void)lock;
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask) : : "memory");
    return primask;
}

void tp_port_exit(tp_lock_t *lock, tp_irqstate_t state)
{
    (void)lock;
    __asm__ volatile("msr primask, %0" : : "r"(state) : "memory");
}
