#pragma once
#include "freertos/FreeRTOS.h"
typedef struct tskTaskControlBlock *TaskHandle_t;
typedef void (*TaskFunction_t)(void *);
#define taskSCHEDULER_NOT_STARTED ((BaseType_t)1)
BaseType_t xTaskGetSchedulerState(void);
char *pcTaskGetName(TaskHandle_t task);
TaskHandle_t xTaskGetHandle(const char *name);
TaskHandle_t xTaskGetCurrentTaskHandle(void);
UBaseType_t uxTaskGetStackHighWaterMark(TaskHandle_t task);
void vTaskDelay(const TickType_t ticks);
BaseType_t xTaskCreate(TaskFunction_t fn, const char *const name, const configSTACK_DEPTH_TYPE stack_bytes,
                       void *const arg, UBaseType_t priority, TaskHandle_t *const created);
/* FreeRTOS-Kernel/include/freertos/task.h (v5.5.5) */
#define tskIDLE_PRIORITY ((UBaseType_t)0U)
#define tskNO_AFFINITY ((BaseType_t)0x7FFFFFFF)
