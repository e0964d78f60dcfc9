/*
 * tp_port_config.h (bare-metal Cortex-M port) - included by tp_config.h when
 * the build defines TP_PORT_CONFIG (CMake: TP_PORT=baremetal). No options to
 * map; the critical section inline (tp_port.h), from tp_lock_cortexm.h:
 * PRIMASK saved, interrupts masked, PRIMASK restored. Every pool call is then
 * safe from thread mode and from any ISR, on one core (a multi-core part
 * needs a spinlock on top). ARMv6-M, v7-M and v8-M all have PRIMASK.
 */
#ifndef TP_PORT_CONFIG_BAREMETAL_H
#define TP_PORT_CONFIG_BAREMETAL_H

#include "tp_lock_cortexm.h"

/* Interrupts are the only concurrency on one core: the lock object is unused. */
#define TP_PORT_LOCK_INIT(lock) ((void)(lock))
#define TP_PORT_ENTER(lock) ((void)(lock), tp_port_cm_enter())
#define TP_PORT_EXIT(lock, state) ((void)(lock), tp_port_cm_exit(state))

#endif /* TP_PORT_CONFIG_BAREMETAL_H */
