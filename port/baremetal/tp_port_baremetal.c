/*
 * Bare-metal single-core Cortex-M port of tp_port.h. The critical section
 * (PRIMASK save, cpsid i, restore) is inline in include/tp_lock_cortexm.h,
 * which the pools use through tp_port_config.h's TP_PORT_ENTER/EXIT; this
 * file gives the out-of-line functions tp_port.h declares, from the same code.
 */
#include "tp_port.h"

#include "include/tp_lock_cortexm.h"

void tp_port_lock_init(tp_lock_t *lock)
{
    (void)lock; /* interrupts are the only concurrency on one core */
}

tp_irqstate_t tp_port_enter(tp_lock_t *lock)
{
    (void)lock;
    return tp_port_cm_enter();
}

void tp_port_exit(tp_lock_t *lock, tp_irqstate_t state)
{
    (void)lock;
    tp_port_cm_exit(state);
}
