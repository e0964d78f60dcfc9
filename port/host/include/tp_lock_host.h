/*
 * tp_lock_host.h - the host port's critical section as inline functions: a
 * C11-atomics test-and-set spinlock. Uncontended, entering is one atomic
 * exchange and a branch, leaving one store; a thread that finds the lock
 * taken goes to tp_port_host_wait (out of line, tp_port_host.c), which yields
 * the CPU so that a holder preempted by the OS is not spun against for a
 * whole time slice. Used by tp_port_config.h (the pools' TP_PORT_ENTER/EXIT)
 * and by tp_port_host.c (the out-of-line functions). C only (C11 atomics).
 */
#ifndef TP_LOCK_HOST_H
#define TP_LOCK_HOST_H

#include <stdatomic.h>
#include <stdint.h>

/* Wait for the lock and take it: the contended case, out of line. */
void tp_port_host_wait(atomic_uint *word);

/* Take the lock if it is free: 1 when taken, 0 when another thread holds it.
 * A compare-and-swap rather than an exchange: on x86-64 it sets the flags the
 * branch needs itself (gcc 12: 5 instructions with the branch, against 6 for
 * an exchange and its test; a fetch-or becomes a cmpxchg loop). */
static inline int tp_port_host_try(uintptr_t *words)
{
    unsigned expected = 0u;
    return atomic_compare_exchange_strong_explicit((atomic_uint *)(void *)words, &expected, 1u, memory_order_acquire,
                                                   memory_order_relaxed);
}

/* Take the lock, waiting as long as another thread holds it. */
static inline uint32_t tp_port_host_enter(uintptr_t *words)
{
    if (!tp_port_host_try(words)) {
        tp_port_host_wait((atomic_uint *)(void *)words);
    }
    return 0u;
}

static inline void tp_port_host_exit(uintptr_t *words)
{
    atomic_store_explicit((atomic_uint *)(void *)words, 0u, memory_order_release);
}

static inline void tp_port_host_init(uintptr_t *words)
{
    atomic_init((atomic_uint *)(void *)words, 0u);
}

#endif /* TP_LOCK_HOST_H */
