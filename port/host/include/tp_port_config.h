/*
 * tp_port_config.h (host port) - included by tp_config.h when the build
 * defines TP_PORT_CONFIG (the CMake targets do with TP_PORT=host). The host
 * has no options to map; it gives its critical section inline (tp_port.h),
 * from tp_lock_host.h: a C11-atomics spinlock. There are no interrupts on
 * the host.
 *
 * C11 atomics are C only: a C++ unit that includes tierpool.h gets no inline
 * version (and needs none: it calls the library's functions).
 */
#ifndef TP_PORT_CONFIG_HOST_H
#define TP_PORT_CONFIG_HOST_H

#if !defined(__cplusplus)
#include "tp_lock_host.h"

#define TP_PORT_LOCK_INIT(lock) tp_port_host_init((lock)->words)
#define TP_PORT_ENTER(lock) tp_port_host_enter((lock)->words)
#define TP_PORT_TRY_ENTER(lock, state_ptr) (*(state_ptr) = 0u, tp_port_host_try((lock)->words))
#define TP_PORT_EXIT(lock, state) ((void)(state), tp_port_host_exit((lock)->words))
#endif

#endif /* TP_PORT_CONFIG_HOST_H */
