/*
 * Host port: a C11-atomics spinlock. Threads that find it taken yield the
 * CPU, so a holder preempted by the OS scheduler is not spun against for a
 * whole time slice. There are no interrupts on the host.
 */
#include "tp_port.h"

#include <sched.h>
#include <stdatomic.h>

_Static_assert(sizeof(atomic_uint) <= sizeof(tp_lock_t), "host lock must fit tp_lock_t");

static atomic_uint *as_atomic(tp_lock_t *lock)
{
    return (atomic_uint *)(void *)lock->words;
}

void tp_port_lock_init(tp_lock_t *lock)
{
    atomic_init(as_atomic(lock), 0u);
}

tp_irqstate_t tp_port_enter(tp_lock_t *lock)
{
    atomic_uint *word = as_atomic(lock);
    unsigned expected = 0u;
    while (!atomic_compare_exchange_weak_explicit(word, &expected, 1u, memory_order_acquire,
                                                  memory_order_relaxed)) {
        expected = 0u;
        sched_yield();
    }
    return 0u;
}

void tp_port_exit(tp_lock_t *lock, tp_irqstate_t state)
{
    (void)state;
    atomic_store_explicit(as_atomic(lock), 0u, memory_order_release);
}
