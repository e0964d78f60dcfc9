/*
 * ESP-IDF port of tp_port.h (written against ESP-IDF 5.0 .. 5.5).
 *
 * A portMUX spinlock per pool, taken with portENTER_CRITICAL_SAFE: it masks
 * interrupts up to the kernel's level on this core and spins against the
 * other core, and it works from task and ISR context alike. So every tierpool
 * call is safe from any task on either core and from ISRs (except the health
 * monitor's largest-block query, which tp_health refuses in an ISR).
 * The code runs from flash unless the application places it in IRAM; do not
 * call the pool from an ISR that must run while the flash cache is disabled.
 * The lock itself is inline in include/tp_lock_espidf.h (the pools take it
 * through tp_port_config.h's TP_PORT_ENTER/EXIT); this file has the
 * out-of-line functions tp_port.h declares.
 */
#include "../../include/tp_port.h"

#include "esp_cpu.h"
#include "freertos/FreeRTOS.h"

#include "include/tp_lock_espidf.h"

_Static_assert(sizeof(portMUX_TYPE) <= sizeof(tp_lock_t), "portMUX_TYPE must fit tp_lock_t");

void tp_port_lock_init(tp_lock_t *lock)
{
    tp_port_espidf_init(lock->words);
}

tp_irqstate_t tp_port_enter(tp_lock_t *lock)
{
    portMUX_TYPE *mux = (portMUX_TYPE *)(void *)lock->words;
    /* tp_port.h promises that an all-zero lock is unlocked (portable code keeps
     * static locks it never initialises). A zeroed portMUX is not: its free
     * value is portMUX_FREE_VAL. Claim it once, atomically: if both cores see
     * 0, only one compare-and-set wins, and both then take the lock normally.
     * The pools' locks are always initialised: their inline TP_PORT_ENTER
     * skips this. */
    if (mux->owner == 0u) {
        (void)esp_cpu_compare_and_set(&mux->owner, 0u, portMUX_FREE_VAL);
    }
    return tp_port_espidf_enter(lock->words);
}

void tp_port_exit(tp_lock_t *lock, tp_irqstate_t state)
{
    (void)state;
    tp_port_espidf_exit(lock->words);
}
