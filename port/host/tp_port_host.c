/*
 * Host port of tp_port.h: a C11-atomics spinlock. The fast path is inline in
 * include/tp_lock_host.h (the pools use it through tp_port_config.h's
 * TP_PORT_ENTER/EXIT); this file has the contended wait and the out-of-line
 * functions tp_port.h declares, built from the same inline code.
 */
#include "tp_port.h"

#include <sched.h>
#include <stdatomic.h>

#include "include/tp_lock_host.h"

_Static_assert(sizeof(atomic_uint) <= sizeof(tp_lock_t), "host lock must fit tp_lock_t");

void tp_port_host_wait(atomic_uint *word)
{
    /* Read until free (no cache-line ping-pong while it is held), then try
     * again to take it; yield between reads. */
    do {
        while (atomic_load_explicit(word, memory_order_relaxed) != 0u) {
            sched_yield();
        }
    } while (atomic_exchange_explicit(word, 1u, memory_order_acquire) != 0u);
}

void tp_port_lock_init(tp_lock_t *lock)
{
    tp_port_host_init(lock->words);
}

tp_irqstate_t tp_port_enter(tp_lock_t *lock)
{
    return tp_port_host_enter(lock->words);
}

void tp_port_exit(tp_lock_t *lock, tp_irqstate_t state)
{
    (void)state;
    tp_port_host_exit(lock->words);
}
