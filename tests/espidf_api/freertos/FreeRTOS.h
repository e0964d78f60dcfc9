#pragma once
#include <stddef.h>
#include <stdint.h>
typedef int BaseType_t;
typedef unsigned int UBaseType_t;
typedef uint32_t TickType_t;
typedef struct { volatile uint32_t owner; volatile uint32_t count; } spinlock_t;
#define SPINLOCK_FREE 0xB33FFFFF
#define portMUX_FREE_VAL SPINLOCK_FREE
typedef spinlock_t portMUX_TYPE;
void spinlock_initialize(spinlock_t *lock);
#define portMUX_INITIALIZE(mux) spinlock_initialize(mux)
void vPortEnterCriticalSafe(portMUX_TYPE *mux);
void vPortExitCriticalSafe(portMUX_TYPE *mux);
#define portENTER_CRITICAL_SAFE(mux) vPortEnterCriticalSafe(mux)
#define portEXIT_CRITICAL_SAFE(mux) vPortExitCriticalSafe(mux)
BaseType_t xPortInIsrContext(void);
#define pdMS_TO_TICKS(ms) ((TickType_t)(ms))
#define configSTACK_DEPTH_TYPE uint32_t
/* portmacro.h (Xtensa, v5.5.5) */
#define portMAX_DELAY (TickType_t)0xffffffffUL
