/*
 * A user-provided port (CMake TP_PORT=none): the three functions of tp_port.h,
 * here over a C11 atomic flag, as a user would write them. The library calls
 * them out of line (there is no tp_port_config.h with TP_PORT=none).
 */
#include <stdatomic.h>

#include "tp_port.h"

_Static_assert(sizeof(atomic_flag) <= sizeof(tp_lock_t), "the lock must fit tp_lock_t");

void tp_port_lock_init(tp_lock_t *lock)
{
    atomic_flag_clear((atomic_flag *)(void *)lock->words);
}

tp_irqstate_t tp_port_enter(tp_lock_t *lock)
{
    while (atomic_flag_test_and_set_explicit((atomic_flag *)(void *)lock->words, memory_order_acquire)) {
    }
    return 0u;
}

void tp_port_exit(tp_lock_t *lock, tp_irqstate_t state)
{
    (void)state;
    atomic_flag_clear_explicit((atomic_flag *)(void *)lock->words, memory_order_release);
}
