/**
 * @file tp_port.h
 * @brief What a port provides to tierpool: its critical section.
 *
 * The portable code takes the lock only through TP_PORT_LOCK_INIT,
 * TP_PORT_TRY_ENTER, TP_PORT_ENTER and TP_PORT_EXIT. A port gives them in one
 * of two ways:
 *  - inline, in its tp_port_config.h (the TP_PORT_CONFIG hook of
 *    tp_config.h), as FreeRTOS ports do in portmacro.h: the hot paths then
 *    pay for the lock instructions only, not for two calls. The host (C11
 *    atomics), Cortex-M (PRIMASK) and ESP-IDF (portMUX) ports do;
 *  - out of line: a .c file defines tp_port_lock_init, tp_port_enter and
 *    tp_port_exit below, and the macros default to calling them (a
 *    user-provided port needs nothing else).
 * Ports with inline macros define the three functions too (for code that
 * takes a lock it owns, e.g. the crash record's ring, and for C++ units,
 * where the inline code may be unavailable).
 *
 * The core never includes a port's headers by name: only tp_config.h does,
 * through TP_PORT_CONFIG.
 */
#ifndef TP_PORT_H
#define TP_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "tp_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Lock storage: TP_PORT_LOCK_WORDS words (tp_config.h), big enough for the
 * port's lock object; each port checks that with a static assertion.
 * All-zero is the unlocked state on every port (the ESP-IDF port claims a
 * zeroed portMUX on first entry), so a static lock needs no initialiser;
 * tp_pool_init still initialises its pool's lock.
 */
typedef struct {
    uintptr_t words[TP_PORT_LOCK_WORDS]; /**< the port's lock object */
} tp_lock_t;

/** What the port saves on entry (an interrupt mask) and restores on exit. */
typedef uint32_t tp_irqstate_t;

/**
 * @brief Make a lock unlocked.
 * @param lock the lock
 * @isr
 */
void tp_port_lock_init(tp_lock_t *lock);

/**
 * @brief Enter the critical section: short, non-blocking (a spinlock at
 * worst), usable from every context the port claims (ISR-safe when it masks
 * interrupts). Not recursive.
 * @param lock the lock
 * @return what tp_port_exit must be given (e.g. the previous interrupt mask)
 * @isr
 */
tp_irqstate_t tp_port_enter(tp_lock_t *lock);

/**
 * @brief Leave the critical section tp_port_enter entered.
 * @param lock the lock
 * @param state tp_port_enter's return value
 * @isr
 */
void tp_port_exit(tp_lock_t *lock, tp_irqstate_t state);

/** @def TP_PORT_LOCK_INIT
 *  @brief tp_port_lock_init, or the port's inline version (tp_port_config.h). */
#ifndef TP_PORT_LOCK_INIT
#define TP_PORT_LOCK_INIT(lock) tp_port_lock_init(lock)
#endif
/** @def TP_PORT_ENTER
 *  @brief tp_port_enter, or the port's inline version (tp_port_config.h). */
#ifndef TP_PORT_ENTER
#define TP_PORT_ENTER(lock) tp_port_enter(lock)
#endif
/** @def TP_PORT_EXIT
 *  @brief tp_port_exit, or the port's inline version (tp_port_config.h). */
#ifndef TP_PORT_EXIT
#define TP_PORT_EXIT(lock, state) tp_port_exit((lock), (state))
#endif
/**
 * @def TP_PORT_TRY_ENTER
 * @brief Enter the critical section if that needs no waiting: evaluates to
 * nonzero, with the state for TP_PORT_EXIT stored at *state_ptr, when it
 * entered; to 0, having changed nothing, when another context holds the lock
 * (the caller then waits with TP_PORT_ENTER). The pools' hot paths use it so
 * that the waiting, a call, stays out of them. Default: TP_PORT_ENTER, which
 * always enters (a port whose lock cannot be busy, or cannot be tried, needs
 * nothing else).
 */
#ifndef TP_PORT_TRY_ENTER
#define TP_PORT_TRY_ENTER(lock, state_ptr) (*(state_ptr) = TP_PORT_ENTER(lock), 1)
#endif

#ifdef __cplusplus
}
#endif

#endif /* TP_PORT_H */
