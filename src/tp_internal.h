/*
 * tp_internal.h - what the library's modules share and applications never
 * see (not a public header, not installed): the saturating counter of every
 * statistic, and the critical section around one object's state.
 *
 * Below the core (docs/architecture.md): it uses only tp_port.h and
 * tp_config.h, and the core and the application pieces include it.
 */
#ifndef TP_INTERNAL_H
#define TP_INTERNAL_H

#include <stdint.h>

#include "../include/tp_config.h"
#include "../include/tp_port.h"

/* A 32-bit statistics counter stops at UINT32_MAX instead of wrapping (the
 * public headers say so): a count that wrapped would read as a few events
 * after billions. */
static inline void tp__count_up(uint32_t *counter)
{
    *counter += (*counter != UINT32_MAX) ? 1u : 0u;
}

/* The port's critical section around an object whose tp_lock_t member is
 * `lock`, for a function body: TP_SECTION_ENTER declares the state it saves,
 * TP_SECTION_EXIT restores it, in the same block. Nothing at all with
 * TP_CFG_THREAD_SAFE=0. */
#if TP_CFG_THREAD_SAFE
#define TP_SECTION_ENTER(obj) const tp_irqstate_t tp_section_state_ = TP_PORT_ENTER(&(obj)->lock)
#define TP_SECTION_EXIT(obj) TP_PORT_EXIT(&(obj)->lock, tp_section_state_)
#else
#define TP_SECTION_ENTER(obj) ((void)(obj))
#define TP_SECTION_EXIT(obj) ((void)(obj))
#endif

#endif /* TP_INTERNAL_H */
