/*
 * ESP-IDF port of tp_sys.h, with the fault hooks that report stack overflows
 * and panics to the diagnostics' fault handler (tp_sys_set_fault_handler)
 * (ESP-IDF 5.0 .. 5.5; symbols newer than 5.0 are named with their version).
 *
 * Memory kinds map to heap_caps capabilities:
 *   TP_MEM_INTERNAL  MALLOC_CAP_INTERNAL | MALLOC_CAP_8BIT
 *   TP_MEM_DMA       MALLOC_CAP_DMA | MALLOC_CAP_INTERNAL
 *   TP_MEM_SPIRAM    MALLOC_CAP_SPIRAM
 * heap_caps_get_largest_free_block walks the heap with its lock held (O(heap
 * blocks)); tp_health rate-limits it and never calls it from an ISR.
 *
 * Persistent region: RTC_NOINIT_ATTR memory (RTC slow memory on the S3),
 * .noinit DRAM on chips without RTC memory, none on the linux target (see
 * persist_region below). It keeps its content across software resets and
 * panics and is garbage after power-on; tp_crash validates it with magic,
 * version and CRC.
 */
#include "../../include/tp_config.h"
#include "../../include/tp_sys.h"

#include <string.h>

#include "esp_attr.h"
#include "esp_heap_caps.h"
#include "esp_log.h"
#include "esp_system.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "sdkconfig.h"

static const char *TAG = "tierpool";

static uint32_t caps_of(tp_mem_kind_t kind)
{
    switch (kind) {
    case TP_MEM_INTERNAL: return MALLOC_CAP_INTERNAL | MALLOC_CAP_8BIT;
    case TP_MEM_DMA: return MALLOC_CAP_DMA | MALLOC_CAP_INTERNAL;
    case TP_MEM_SPIRAM: return MALLOC_CAP_SPIRAM;
    default: return 0u;
    }
}

tp_err_t tp_sys_heap_info(tp_mem_kind_t kind, tp_heap_info_t *out)
{
    const uint32_t caps = caps_of(kind);
    if (out == NULL || caps == 0u) {
        return TP_ERR_INVALID_ARG;
    }
    const size_t total = heap_caps_get_total_size(caps);
    if (total == 0u) {
        return TP_ERR_UNSUPPORTED; /* e.g. no PSRAM on this board */
    }
    out->total_free = (uint32_t)heap_caps_get_free_size(caps);
    out->largest_free = (uint32_t)heap_caps_get_largest_free_block(caps);
    out->min_free_ever = (uint32_t)heap_caps_get_minimum_free_size(caps);
    out->total_size = (uint32_t)total;
    return TP_OK;
}

uint32_t tp_sys_heap_free(tp_mem_kind_t kind)
{
    const uint32_t caps = caps_of(kind);
    return caps != 0u ? (uint32_t)heap_caps_get_free_size(caps) : 0u;
}

void *tp_sys_heap_alloc(tp_mem_kind_t kind, size_t size)
{
    const uint32_t caps = caps_of(kind);
    return caps != 0u ? heap_caps_malloc(size, caps) : NULL;
}

void tp_sys_heap_release(void *ptr)
{
    heap_caps_free(ptr);
}

uint64_t tp_sys_time_us(void)
{
    return (uint64_t)esp_timer_get_time();
}

int tp_sys_in_isr(void)
{
    return xPortInIsrContext() ? 1 : 0;
}

const char *tp_sys_task_name(void)
{
    if (xTaskGetSchedulerState() == taskSCHEDULER_NOT_STARTED) {
        return "";
    }
    const char *name = pcTaskGetName(NULL);
    return name != NULL ? name : "";
}

uint32_t tp_sys_task_id(void)
{
    if (xPortInIsrContext() || xTaskGetSchedulerState() == taskSCHEDULER_NOT_STARTED) {
        return 0u;
    }
    return (uint32_t)(uintptr_t)xTaskGetCurrentTaskHandle();
}

tp_err_t tp_sys_stack_unused(const char *name, uint32_t *unused_bytes)
{
    if (name == NULL || unused_bytes == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    /* xTaskGetHandle walks the task lists: a periodic check, not a hot path. */
    TaskHandle_t task = xTaskGetHandle(name);
    if (task == NULL) {
        return TP_ERR_NOT_FOUND;
    }
    /* ESP-IDF returns bytes here, not words (ram-usage.rst). */
    *unused_bytes = (uint32_t)uxTaskGetStackHighWaterMark(task);
    return TP_OK;
}

/*
 * The persistent region, by what the target has:
 *  - RTC memory (CONFIG_SOC_RTC_FAST_MEM_SUPPORTED or _SLOW_: ESP32, S2, S3,
 *    C3, C5, C6, H2, P4): RTC_NOINIT_ATTR, kept across software resets,
 *    panics, watchdog resets and deep sleep;
 *  - no RTC memory (ESP32-C2, C61, H4): RTC_NOINIT_ATTR is a static assertion
 *    there (ESP-IDF 6) or silently nothing, i.e. zeroed .bss (5.x), so the
 *    region goes to internal DRAM's .noinit section (__NOINIT_ATTR), which
 *    "should keep its value after software restart" (memory-types.rst):
 *    kept across software resets and panics, lost in deep sleep;
 *  - the linux target: a restart is a new process and nothing survives it.
 *    No region: tp_sys_persist_region returns NULL, and the crash record and
 *    the stack table report TP_ERR_UNSUPPORTED at run time (tp_crash_boot).
 */
#if defined(CONFIG_IDF_TARGET_LINUX)
#define TP_PERSIST_NONE 1
#elif defined(CONFIG_SOC_RTC_FAST_MEM_SUPPORTED) || defined(CONFIG_SOC_RTC_SLOW_MEM_SUPPORTED)
static RTC_NOINIT_ATTR uint32_t persist_region[TP_CFG_PERSIST_BYTES / 4];
#else
static __NOINIT_ATTR uint32_t persist_region[TP_CFG_PERSIST_BYTES / 4];
#endif

void *tp_sys_persist_region(size_t *size)
{
#if defined(TP_PERSIST_NONE)
    if (size != NULL) {
        *size = 0u;
    }
    return NULL;
#else
    if (size != NULL) {
        *size = sizeof persist_region;
    }
    return persist_region;
#endif
}

tp_err_t tp_sys_persist_flush(void)
{
    return TP_OK; /* the memory itself survives the reset (or there is none to flush) */
}

tp_reset_reason_t tp_sys_reset_reason(void)
{
    switch (esp_reset_reason()) {
    case ESP_RST_POWERON: return TP_RESET_POWER_ON;
    case ESP_RST_SW: return TP_RESET_SOFTWARE;
    case ESP_RST_PANIC: return TP_RESET_PANIC;
    case ESP_RST_INT_WDT:
    case ESP_RST_TASK_WDT:
    case ESP_RST_WDT: return TP_RESET_WATCHDOG;
    case ESP_RST_BROWNOUT: return TP_RESET_BROWNOUT;
    case ESP_RST_UNKNOWN: return TP_RESET_UNKNOWN;
    default: return TP_RESET_OTHER;
    }
}

void tp_sys_reboot(void)
{
    esp_restart();
}

void tp_sys_log(int level, const char *line)
{
    if (xPortInIsrContext()) {
        return; /* ESP_LOG is not ISR-safe */
    }
    if (level <= 0) {
        ESP_LOGE(TAG, "%s", line);
    } else if (level == 1) {
        ESP_LOGW(TAG, "%s", line);
    } else {
        ESP_LOGI(TAG, "%s", line);
    }
}

/* ---- fault hooks ---- */

/* The diagnostics' fault handler (tp_crash_boot installs the crash record's).
 * The port only passes faults on: it knows nothing of the crash record. */
static tp_fault_fn fault_fn;

void tp_sys_set_fault_handler(tp_fault_fn fn)
{
    fault_fn = fn;
}

#if TP_CFG_CRASH_RECORD
#include "esp_private/panic_internal.h" /* panic_info_t: private, stable across 5.x */

/*
 * FreeRTOS calls this from the context switch when it finds a task's stack
 * canary overwritten (CONFIG_FREERTOS_CHECK_STACKOVERFLOW_CANARY, the
 * default). It overrides ESP-IDF's weak default; the component links with
 * WHOLE_ARCHIVE and "-u vApplicationStackOverflowHook" so it is pulled in.
 * Report the fault (the handler writes the record: no allocation, no lock),
 * then abort as the default does.
 */
void vApplicationStackOverflowHook(TaskHandle_t task, char *name)
{
    (void)task;
    const tp_fault_fn fn = fault_fn;
    if (fn != NULL) {
        fn(TP_FAULT_STACK_OVERFLOW, name != NULL ? name : "", 0u);
    }
    esp_system_abort("stack overflow");
}

/* Linked with -Wl,--wrap=esp_panic_handler: every panic passes here first.
 * The handler decides what to record (the crash record keeps one already
 * written this boot, e.g. by the stack-overflow hook just before the abort). */
extern void __real_esp_panic_handler(panic_info_t *info);

void IRAM_ATTR __wrap_esp_panic_handler(panic_info_t *info)
{
    const tp_fault_fn fn = fault_fn;
    if (fn != NULL) {
        const char *name = xTaskGetSchedulerState() == taskSCHEDULER_NOT_STARTED ? "" : pcTaskGetName(NULL);
        fn(TP_FAULT_PANIC, name != NULL ? name : "", (uint32_t)info->exception);
    }
    __real_esp_panic_handler(info);
}
#endif
