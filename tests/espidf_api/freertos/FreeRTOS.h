#pragma once
#include <stddef.h>
#include <stdint.h>
typedef int BaseType_t;
typedef unsigned int UBaseType_t;
typedef uint32_t TickType_t;
typedef struct { uint32_t owner; uint32_t count; } spinlock_t;
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
