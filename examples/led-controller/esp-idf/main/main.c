/*
 * The LED controller on ESP-IDF 5.x (ESP32-S3): the platform layer the
 * portable application (../../app) runs on.
 *
 *   - Wi-Fi through ESP-IDF's protocol_examples_common (idf.py menuconfig:
 *     "Example Connection Configuration"), then esp_http_server on port 80:
 *     ws://DEVICE/ws (WebSocket, the protocol of docs/led-controller.md),
 *     GET /health and GET /;
 *   - WS2812 LEDs on SPI2's MOSI (LED_GPIO below) at 3.2 MHz with DMA: each
 *     LED bit is 4 SPI bits (app/led_app.c encodes them);
 *   - patterns as files NAME.ledp on SPIFFS (partition "storage", flashed from
 *     ../patterns by spiffs_create_partition_image in the project CMakeLists).
 *
 * Tasks: the HTTP server's task runs every led_app_* call but the two below
 * (a timer queues led_app_service into it with httpd_queue_work); the render
 * task calls led_app_render; the strip task starts an SPI transfer of the
 * front buffer every refresh period, and the SPI driver's post-transaction
 * callback (in the SPI interrupt) ends it with tp_ledbuf_tx_done.
 *
 * Memory: the pool, the pattern store and the connection table are static
 * (led_app.c); the two DMA buffers are allocated once, here, at start-up, in
 * DMA-capable internal RAM; nothing else is allocated after start-up by this
 * code (esp_http_server and lwIP allocate their own, from the heap the
 * health monitor watches).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver/spi_master.h"
#include "esp_attr.h"
#include "esp_err.h"
#include "esp_event.h"
#include "esp_heap_caps.h"
#include "esp_http_server.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "esp_spiffs.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "nvs_flash.h"
#include "protocol_examples_common.h"

#include "led_app.h"

#define LED_GPIO 48 /* the WS2812 data pin (the S3 DevKitC's on-board LED is on 48) */
#define LED_COUNT 60
#define REFRESH_MS 10 /* the strip is refreshed at 100 Hz */
#define BASE "/spiffs"
#define HEALTH_MAX 6144

static const char *TAG = "led";
static led_app_t app;
static httpd_handle_t server;
static spi_device_handle_t spi;
/* One message at a time is received (the server task serves one request at a
 * time): this buffer holds a frame until the frame intake copies it into its
 * pool block. */
static uint8_t rx_buf[LED_MESSAGE_LIMIT];
static char reply[LED_REPLY_MAX];
static char health[HEALTH_MAX];

/* ---- the patterns directory on SPIFFS ---- */

static int path_of(const char *name, char *out, size_t size)
{
    const int n = snprintf(out, size, BASE "/%s.ledp", name);
    return n > 0 && (size_t)n < size ? 0 : -1;
}

static tp_err_t f_size(void *ctx, const char *name, size_t *size)
{
    (void)ctx;
    char path[64];
    struct stat st;
    if (path_of(name, path, sizeof path) != 0) {
        return TP_ERR_INVALID_ARG;
    }
    if (stat(path, &st) != 0) {
        return TP_ERR_NOT_FOUND;
    }
    *size = (size_t)st.st_size;
    return TP_OK;
}

static tp_err_t f_read(void *ctx, const char *name, void *buf, size_t size, size_t *got)
{
    (void)ctx;
    char path[64];
    *got = 0;
    if (path_of(name, path, sizeof path) != 0) {
        return TP_ERR_INVALID_ARG;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return TP_ERR_NOT_FOUND;
    }
    *got = fread(buf, 1, size, f); /* the store checks how much came */
    const int bad = ferror(f);
    fclose(f);
    return bad ? TP_ERR_IO : TP_OK;
}

static tp_err_t f_write(void *ctx, const char *name, const void *data, size_t len)
{
    (void)ctx;
    char path[64], tmp[68];
    if (path_of(name, path, sizeof path) != 0 || snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        return TP_ERR_INVALID_ARG;
    }
    FILE *f = fopen(tmp, "wb");
    if (f == NULL) {
        return TP_ERR_IO;
    }
    const size_t n = fwrite(data, 1, len, f);
    const int closed = fclose(f);
    if (n != len || closed != 0) { /* a full SPIFFS: the old file stays */
        (void)unlink(tmp);
        return TP_ERR_IO;
    }
    /* SPIFFS's rename does not replace an existing file: the old one goes
     * only once the new one is written whole. */
    (void)unlink(path);
    if (rename(tmp, path) != 0) {
        (void)unlink(tmp);
        return TP_ERR_IO;
    }
    return TP_OK;
}

static tp_err_t f_remove(void *ctx, const char *name)
{
    (void)ctx;
    char path[64];
    if (path_of(name, path, sizeof path) != 0) {
        return TP_ERR_INVALID_ARG;
    }
    return unlink(path) == 0 ? TP_OK : TP_ERR_NOT_FOUND;
}

/* SPIFFS lists files in a stable order while nothing is written. */
static tp_err_t f_at(void *ctx, uint32_t index, char *name, size_t size)
{
    (void)ctx;
    DIR *d = opendir(BASE);
    if (d == NULL) {
        return TP_ERR_IO;
    }
    tp_err_t err = TP_ERR_NOT_FOUND;
    uint32_t k = 0;
    const struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const size_t len = strlen(e->d_name);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".ledp") != 0 || !led_pattern_name_ok(e->d_name, len - 5)) {
            continue;
        }
        if (k++ == index) {
            err = len - 5 < size ? TP_OK : TP_ERR_TRUNCATED;
            if (err == TP_OK) {
                memcpy(name, e->d_name, len - 5);
                name[len - 5] = '\0';
            }
            break;
        }
    }
    closedir(d);
    return err;
}

static const led_platform_t platform = { f_size, f_read, f_write, f_remove, f_at, NULL, NULL };

/* ---- HTTP and WebSocket ---- */

static void conn_gone(void *ctx)
{
    led_app_conn_close(&app, (led_conn_t *)ctx); /* the session ended: release its message */
}

static esp_err_t send_close(httpd_req_t *req, uint16_t code)
{
    uint8_t payload[2] = { (uint8_t)(code >> 8), (uint8_t)code };
    httpd_ws_frame_t frame = { .final = true, .type = HTTPD_WS_TYPE_CLOSE, .payload = payload, .len = sizeof payload };
    (void)httpd_ws_send_frame(req, &frame);
    return ESP_FAIL; /* the server closes the session */
}

static esp_err_t ws_handler(httpd_req_t *req)
{
    if (req->method == HTTP_GET) { /* the handshake: a connection slot for the session */
        led_conn_t *conn = led_app_conn_open(&app);
        if (conn == NULL) {
            return send_close(req, 1013);
        }
        req->sess_ctx = conn;
        req->free_ctx = conn_gone;
        return ESP_OK;
    }
    led_conn_t *conn = req->sess_ctx;
    httpd_ws_frame_t frame;
    memset(&frame, 0, sizeof frame);
    esp_err_t err = httpd_ws_recv_frame(req, &frame, 0); /* the header: type and length */
    if (err != ESP_OK || conn == NULL) {
        return ESP_FAIL;
    }
    const int first = frame.type != HTTPD_WS_TYPE_CONTINUE;
    /* a continuation's type is the first frame's: the intake keeps it */
    const int binary = frame.type == HTTPD_WS_TYPE_BINARY;
    size_t reply_len = 0;
    uint16_t code = 0;
    led_rx_t r;
    if (frame.len > sizeof rx_buf) {
        /* longer than any message we accept: refused before reading a byte of it */
        r = led_app_conn_rx(&app, conn, binary, NULL, 0, frame.len, first, 0, reply, sizeof reply, &reply_len, &code);
    } else {
        frame.payload = rx_buf;
        err = frame.len > 0 ? httpd_ws_recv_frame(req, &frame, sizeof rx_buf) : ESP_OK;
        if (err != ESP_OK) {
            return ESP_FAIL;
        }
        r = led_app_conn_rx(&app, conn, binary, rx_buf, frame.len, 0, first, frame.final, reply, sizeof reply,
                            &reply_len, &code);
    }
    if (r == LED_RX_CLOSE) {
        return send_close(req, code);
    }
    if (r == LED_RX_REPLY) {
        httpd_ws_frame_t out = {
            .final = true, .type = HTTPD_WS_TYPE_TEXT, .payload = (uint8_t *)reply, .len = reply_len
        };
        return httpd_ws_send_frame(req, &out);
    }
    return ESP_OK;
}

static esp_err_t health_handler(httpd_req_t *req)
{
    size_t len = 0;
    if (led_app_health_json(&app, health, sizeof health, &len) != TP_OK) {
        return httpd_resp_send_err(req, HTTPD_500_INTERNAL_SERVER_ERROR, NULL);
    }
    httpd_resp_set_type(req, "application/json");
    httpd_resp_set_hdr(req, "Cache-Control", "no-store");
    return httpd_resp_send(req, health, (ssize_t)len);
}

static esp_err_t page_handler(httpd_req_t *req)
{
    size_t len = 0;
    const char *page = led_app_status_page(&len);
    httpd_resp_set_type(req, "text/html");
    return httpd_resp_send(req, page, (ssize_t)len);
}

static void service_work(void *arg)
{
    (void)arg;
    led_app_service(&app); /* in the server's task, like every other led_app_* call */
}

/* ---- LEDs ---- */

/* The SPI driver's post-transaction callback runs in the SPI interrupt: the
 * transfer of the front buffer is done, the double buffer may swap.
 * tp_ledbuf_tx_done runs from flash, so the interrupt must not be IRAM-safe
 * (no ESP_INTR_FLAG_IRAM in the bus's intr_flags, below): it waits while a
 * flash write has the cache off. */
static void IRAM_ATTR spi_done_isr(spi_transaction_t *t)
{
    (void)t;
    (void)tp_ledbuf_tx_done(led_app_ledbuf(&app));
}

static void strip_task(void *arg)
{
    (void)arg;
    tp_ledbuf_t *lb = led_app_ledbuf(&app);
    static spi_transaction_t trans;
    for (;;) {
        const uint8_t *tx = tp_ledbuf_tx_begin(lb);
        if (tx != NULL) {
            memset(&trans, 0, sizeof trans);
            trans.tx_buffer = tx;
            trans.length = led_app_frame_bytes(&app) * 8u;
            if (spi_device_queue_trans(spi, &trans, portMAX_DELAY) == ESP_OK) {
                spi_transaction_t *done = NULL;
                (void)spi_device_get_trans_result(spi, &done, portMAX_DELAY);
            } else {
                (void)tp_ledbuf_tx_done(lb); /* never queued: nothing reads the buffer */
            }
        }
        vTaskDelay(pdMS_TO_TICKS(REFRESH_MS));
    }
}

static void render_task(void *arg)
{
    (void)arg;
    for (;;) {
        const uint64_t now = (uint64_t)esp_timer_get_time();
        const uint64_t next = led_app_render(&app, now);
        const uint64_t wait_ms = next > now ? (next - now) / 1000u : 0u;
        vTaskDelay(wait_ms > 0u ? pdMS_TO_TICKS(wait_ms) : 1);
    }
}

static esp_err_t leds_init(void)
{
    const spi_bus_config_t bus = {
        .mosi_io_num = LED_GPIO,
        .miso_io_num = -1,
        .sclk_io_num = -1,
        .quadwp_io_num = -1,
        .quadhd_io_num = -1,
        .max_transfer_sz = (int)LED_DMA_BYTES(LED_COUNT),
    };
    esp_err_t err = spi_bus_initialize(SPI2_HOST, &bus, SPI_DMA_CH_AUTO);
    if (err != ESP_OK) {
        return err;
    }
    const spi_device_interface_config_t dev = {
        .mode = 0,
        .clock_speed_hz = (int)LED_SPI_HZ,
        .spics_io_num = -1,
        .queue_size = 1,
        .post_cb = spi_done_isr,
    };
    return spi_bus_add_device(SPI2_HOST, &dev, &spi);
}

void app_main(void)
{
    esp_err_t err = nvs_flash_init();
    if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
        ESP_ERROR_CHECK(nvs_flash_erase());
        err = nvs_flash_init();
    }
    ESP_ERROR_CHECK(err);
    const esp_vfs_spiffs_conf_t fs = {
        .base_path = BASE, .partition_label = NULL, .max_files = 4, .format_if_mount_failed = true
    };
    ESP_ERROR_CHECK(esp_vfs_spiffs_register(&fs));

    /* The two DMA buffers, once, in DMA-capable internal RAM (the seed's rule). */
    const size_t dma_size = TP_DMA_STORAGE_BYTES(2, LED_DMA_BYTES(LED_COUNT), 0);
    void *dma = heap_caps_aligned_alloc(TP_CFG_DMA_ALIGN, dma_size, MALLOC_CAP_DMA | MALLOC_CAP_INTERNAL);
    if (dma == NULL) {
        ESP_LOGE(TAG, "no DMA-capable memory for the LED buffers");
        return;
    }
    const led_app_config_t cfg = { LED_COUNT, 128, dma, dma_size, &platform };
    if (led_app_init(&app, &cfg) != TP_OK || led_app_start(&app) != TP_OK) {
        ESP_LOGE(TAG, "application start failed");
        return;
    }
    ESP_ERROR_CHECK(leds_init());
    xTaskCreate(render_task, "render", 4096, NULL, 6, NULL);
    xTaskCreate(strip_task, "strip", 3072, NULL, 7, NULL);

    ESP_ERROR_CHECK(esp_netif_init());
    ESP_ERROR_CHECK(esp_event_loop_create_default());
    ESP_ERROR_CHECK(example_connect());
    httpd_config_t hc = HTTPD_DEFAULT_CONFIG();
    hc.max_open_sockets = 12; /* CONFIG_LWIP_MAX_SOCKETS (16) - 3 - 1 spare */
    hc.lru_purge_enable = true;
    hc.stack_size = 8192;
    ESP_ERROR_CHECK(httpd_start(&server, &hc));
    const httpd_uri_t ws = {
        .uri = "/ws", .method = HTTP_GET, .handler = ws_handler, .user_ctx = NULL, .is_websocket = true
    };
    const httpd_uri_t h = { .uri = "/health", .method = HTTP_GET, .handler = health_handler };
    const httpd_uri_t p = { .uri = "/", .method = HTTP_GET, .handler = page_handler };
    ESP_ERROR_CHECK(httpd_register_uri_handler(server, &ws));
    ESP_ERROR_CHECK(httpd_register_uri_handler(server, &h));
    ESP_ERROR_CHECK(httpd_register_uri_handler(server, &p));
    ESP_LOGI(TAG, "listening on port %u", (unsigned)hc.server_port);

    for (;;) { /* periodic work, in the server's task */
        (void)httpd_queue_work(server, service_work, NULL);
        vTaskDelay(pdMS_TO_TICKS(100));
    }
}
