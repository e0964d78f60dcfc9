/*
 * tp_port.h - what a port provides to tierpool. The portable code calls only
 * these functions; each port (port/host, port/baremetal, port/esp-idf)
 * implements them in one .c file. The core never includes a port's headers.
 */
#ifndef TP_PORT_H
#define TP_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "tp_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Lock storage. Big enough for every port's lock object (an ESP-IDF portMUX
 * is two 32-bit words; the host spinlock is one atomic word); each port
 * checks with a static assertion that its lock fits. All-zero is the unlocked
 * state on every port (the ESP-IDF port claims a zeroed portMUX on first
 * entry), so a static lock needs no initialiser; tp_pool_init still calls
 * tp_port_lock_init.
 */
typedef struct {
    uintptr_t words[TP_PORT_LOCK_WORDS];
} tp_lock_t;

/* What the port saves on entry (interrupt mask) and restores on exit. */
typedef uint32_t tp_irqstate_t;

/*
 * Critical section. Must be short, non-blocking and usable from every context
 * the port claims (ISR-safe when it masks interrupts). Not recursive.
 */
void tp_port_lock_init(tp_lock_t *lock);
tp_irqstate_t tp_port_enter(tp_lock_t *lock);
void tp_port_exit(tp_lock_t *lock, tp_irqstate_t state);

#ifdef __cplusplus
}
#endif

#endif /* TP_PORT_H */
