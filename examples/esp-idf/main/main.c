/*
 * tierpool on ESP-IDF 5.x: the default pools, the health monitor, a readiness
 * gate around a component's initialisation, the crash record and the stack guard.
 */
#include <stdio.h>
#include <string.h>

#include "esp_log.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

#include "tierpool.h"
#include "tp_crash.h"
#include "tp_espidf.h"
#include "tp_gate.h"
#include "tp_health.h"
#include "tp_stack.h"

static const char *TAG = "example";
static tp_health_t health;
static char report[768];

/* A component that needs a 768-byte buffer at start-up (the second seed's case). */
static uint8_t *sensor_buffer;

static tp_err_t sensor_init(void)
{
    sensor_buffer = pool_alloc(768); /* a 1 KiB block from the default pools */
    return sensor_buffer != NULL ? TP_OK : TP_ERR_NO_MEM;
}

static void save_critical_data(void *user)
{
    (void)user;
    ESP_LOGW(TAG, "saving critical data before a controlled reboot");
}

static void on_change(tp_health_metric_t metric, tp_health_state_t from, tp_health_state_t to, uint32_t value,
                      void *user)
{
    (void)user;
    ESP_LOGW(TAG, "%s: %s -> %s (%u)", tp_health_metric_str(metric), tp_health_state_str(from), tp_health_state_str(to),
             (unsigned)value);
}

static void stack_warning(const char *name, uint32_t used, uint32_t size, uint32_t pct, void *user)
{
    (void)user;
    ESP_LOGW(TAG, "task %s uses %u of %u stack bytes (%u %%)", name, (unsigned)used, (unsigned)size, (unsigned)pct);
}

static void worker(void *arg)
{
    (void)arg;
    for (;;) {
        uint8_t *frame = pool_alloc(1500); /* a WebSocket frame */
        if (frame != NULL) {
            memset(frame, 0, 1500);
            pool_free(frame);
        }
        vTaskDelay(pdMS_TO_TICKS(10));
    }
}

void app_main(void)
{
    /* 1. What happened before this boot? */
    tp_crash_record_t record;
    const tp_err_t crash = tp_crash_boot(&record);
    if (crash == TP_OK) {
        size_t n = 0;
        (void)tp_crash_format(&record, report, sizeof report, &n);
        ESP_LOGW(TAG, "%s", report);
    } else if (crash == TP_ERR_UNSUPPORTED) {
        /* The linux target: no memory survives a restart. */
        ESP_LOGW(TAG, "no persistent memory on this target: crash records are not kept");
    }

    /* 2. The default pool (TP_CFG_DEFAULT_TIERS: the seed's tiers unless menuconfig says otherwise). */
    const tp_err_t err = memory_pools_init();
    if (err != TP_OK) {
        ESP_LOGE(TAG, "memory_pools_init: %s", tp_strerror(err)); /* a bad TP_CFG_DEFAULT_TIERS */
        return;
    }
    tp_crash_register_pool(tp_default_pool());

    /* 3. Health monitor: thresholds from menuconfig, baseline taken now. */
    tp_health_config_t cfg;
    tp_espidf_health_config(&cfg);
    tp_health_init(&health, &cfg);
    tp_health_add_pool(&health, tp_default_pool(), "default");
    tp_health_on_change(&health, on_change, NULL);
    const tp_health_policy_t policy = {
        .flags = TP_POLICY_FRAG_LOG | TP_POLICY_FRAG_SAVE | TP_POLICY_FRAG_REBOOT | TP_POLICY_POOL_SHED |
                 TP_POLICY_POOL_ALERT,
        .shed_reserve_pct = 10,
        .save_critical = save_critical_data,
    };
    tp_health_set_policy(&health, &policy);
    tp_health_baseline(&health);

    /* 4. Initialise the component only once the memory it needs is there. */
    tp_gate_t gate;
    const tp_gate_cfg_t gate_cfg = {
        .name = "sensor",
        .min_free = 25 * 1024,
        .probe_size = 768,
        .kind = TP_MEM_INTERNAL,
        .backoff_initial_us = 100 * 1000,
        .backoff_max_us = 5 * 1000 * 1000,
        .max_attempts = 0,
    };
    tp_gate_init(&gate, &gate_cfg);
    while (tp_gate_check(&gate) == TP_ERR_DEFERRED) {
        vTaskDelay(pdMS_TO_TICKS(100));
    }
    if (sensor_init() != TP_OK) {
        ESP_LOGE(TAG, "sensor init failed");
    }

    /* 5. A task whose stack grows by 25 % on the boot after it overflowed. */
    const uint32_t stack = tp_stack_size_for("worker", 3072);
    tp_stack_register("worker", stack);
    xTaskCreate(worker, "worker", stack, NULL, 5, NULL);

    /* 6. Periodic checks; the JSON report can feed ESPHome-style sensors. */
    for (uint32_t tick = 0;; tick++) {
        tp_health_poll(&health);
        tp_stack_check(stack_warning, NULL);
        if (tick % 10u == 0u) {
            size_t n = 0;
            if (tp_health_report_json(&health, report, sizeof report, &n) == TP_OK) {
                ESP_LOGI(TAG, "%s", report);
            }
        }
        vTaskDelay(pdMS_TO_TICKS(1000));
    }
}
