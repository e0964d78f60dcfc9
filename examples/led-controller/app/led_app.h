/*
 * led_app.h - the LED controller of the seed (an ESP32-S3 driving WS2812
 * LEDs, controlled over WebSocket), as portable application logic: no I/O,
 * no malloc, no platform header. A platform layer (host/: libwebsockets and a
 * thread emulating the strip; esp-idf/: esp_http_server, SPI master with DMA,
 * SPIFFS) moves bytes and calls these functions.
 *
 * Memory, all of it fixed at start-up:
 *   - one tierpool pool (tiers planned by poolsim from a trace of this
 *     application, led_tiers.h) holds every message while it is assembled
 *     (tp_frame) and every pattern kept in memory (tp_store): an uploaded
 *     pattern's message block becomes the stored pattern without a copy;
 *   - a store of LED_STORE_CAPACITY patterns, oldest evicted first;
 *   - two DMA buffers (tp_dma, storage from the platform) form the LED frame
 *     double buffer (tp_ledbuf): the renderer encodes WS2812 bits into the
 *     back buffer while the SPI DMA sends the front one;
 *   - a fixed table of connections, each with its frame intake.
 *
 * Tasks:
 *   network task  every led_app_* call except the two below: messages,
 *                 HTTP, led_app_service. All pool allocations and frees
 *                 happen here.
 *   render task   led_app_render, at the playing pattern's frame rate.
 *   output        tp_ledbuf_tx_begin / tp_ledbuf_tx_done on led_app_ledbuf():
 *                 a strip task and the SPI transfer-done interrupt.
 */
#ifndef LED_APP_H
#define LED_APP_H

#include <stddef.h>
#include <stdint.h>

#include "led_pattern.h"
#include "tierpool.h"
#include "tp_dma.h"
#include "tp_frame.h"
#include "tp_health.h"
#include "tp_ledbuf.h"
#include "tp_store.h"

/* Longest WebSocket message accepted; a longer one is closed with 1009. */
#define LED_MESSAGE_LIMIT LED_PATTERN_MAX_BYTES
/* Patterns kept in memory (the seed's ring of 8). */
#define LED_STORE_CAPACITY 8u
/* Pins: the pattern playing, one waiting to be played, two waiting to be released. */
#define LED_STORE_PINS 4u
/* Connections served at once; one more is closed with 1013 (try again later). */
#define LED_MAX_CONNS 24u
/* Longest reply (a JSON object); a reply that would be longer is an error reply. */
#define LED_REPLY_MAX 2048u
/* WS2812 over SPI at 3.2 MHz: 4 SPI bits per LED bit, 24 bits per LED. */
#define LED_SPI_HZ 3200000u
#define LED_SPI_BYTES_PER_LED 12u
/* Low time after a frame that latches it (> 50 us at 3.2 MHz = 20 bytes). */
#define LED_RESET_BYTES 24u
#define LED_DMA_BYTES(leds) ((size_t)(leds)*LED_SPI_BYTES_PER_LED + LED_RESET_BYTES)
#define LED_MAX_LEDS LED_PATTERN_MAX_LEDS
/* Names listed by `list` from the patterns directory. */
#define LED_LIST_FILES_MAX 40u

/* What the application needs from its platform. Every function returns TP_OK or an error. */
typedef struct {
    /* The patterns directory; `name` is a valid pattern name (led_pattern_name_ok). */
    tp_err_t (*file_size)(void *ctx, const char *name, size_t *size);
    /* Read up to size bytes from the start of the file; *got = bytes read. */
    tp_err_t (*file_read)(void *ctx, const char *name, void *buf, size_t size, size_t *got);
    /* Replace the file atomically with len bytes (no half-written file on failure). */
    tp_err_t (*file_write)(void *ctx, const char *name, const void *data, size_t len);
    tp_err_t (*file_remove)(void *ctx, const char *name);
    /* The index-th pattern file (stable order while the directory does not change);
     * TP_ERR_NOT_FOUND past the last. */
    tp_err_t (*file_at)(void *ctx, uint32_t index, char *name, size_t size);
    /* Heap allocations made by the application's own code since start-up
     * (led_app_started); NULL when the platform cannot tell. */
    uint32_t (*heap_allocs_after_start)(void *ctx);
    void *ctx;
} led_platform_t;

typedef struct {
    uint32_t leds;           /* LEDs on the strip, 1 .. LED_MAX_LEDS */
    uint32_t brightness;     /* 0 .. 255 at start */
    void *dma_storage;       /* DMA-capable, aligned to TP_CFG_DMA_ALIGN */
    size_t dma_storage_size; /* >= TP_DMA_STORAGE_BYTES(2, LED_DMA_BYTES(leds), 0) */
    const led_platform_t *platform;
} led_app_config_t;

/* What to do after a piece of a WebSocket message. */
typedef enum {
    LED_RX_MORE = 0,  /* nothing yet */
    LED_RX_REPLY = 1, /* send reply[0 .. *reply_len) as one text message */
    LED_RX_CLOSE = 2  /* close the connection with *close_code (1009: message too big) */
} led_rx_t;

typedef struct {
    uint8_t used;
    uint32_t id;
    tp_frame_t intake;
} led_conn_t;

/* Application counters (reported by /health and `status`). */
typedef struct {
    uint32_t connections, connections_refused;
    uint32_t messages; /* complete messages */
    uint32_t replies;  /* replies produced (one per complete message) */
    uint32_t commands, commands_refused;
    uint32_t uploads, uploads_refused;
    uint32_t frames_refused;   /* messages refused by the intake (connection closed) */
    uint32_t frames_too_big;   /* of which over the limit (close 1009) */
    uint32_t messages_dropped; /* cut off by a lost connection */
    uint32_t patterns_loaded;  /* from files */
    uint32_t patterns_evicted;
    uint32_t storage_errors; /* pattern files that could not be written or read */
} led_counters_t;

/* The player: the network task posts, the render task plays (see led_app.c). */
typedef struct {
    tp_lock_t lock;
    /* network -> render */
    tp_store_ref_t pending;
    char pending_name[LED_PATTERN_NAME_BYTES];
    int has_pending;
    int stop_request;
    uint32_t brightness;
    /* render -> network */
    tp_store_ref_t retired[2];
    uint32_t n_retired;
    char playing[LED_PATTERN_NAME_BYTES]; /* "" when stopped */
    /* render task only */
    tp_store_ref_t current;
    int has_current;
    led_pattern_info_t info;
    uint32_t frame;
    uint64_t next_us;
    int dark_shown;
} led_player_t;

typedef struct {
    uint32_t magic;
    led_app_config_t cfg;
    led_platform_t plat;
    tp_pool_t pool;
    tp_store_t store;
    tp_dma_set_t dma;
    tp_dma_buf_t dma_buf[2];
    tp_ledbuf_t ledbuf;
    tp_health_t health;
    uint64_t last_poll_us;
    led_conn_t conn[LED_MAX_CONNS];
    uint32_t next_conn_id;
    led_player_t player;
    led_counters_t c;
    int started;
} led_app_t;

/*
 * Set everything up: the pool (planned tiers), the store, the DMA set and the
 * double buffer, the health monitor. TP_ERR_INVALID_ARG for a bad config, or
 * planned tiers (led_tiers.h) whose largest block is below LED_MESSAGE_LIMIT;
 * TP_ERR_NO_MEM when the DMA storage is too small.
 */
tp_err_t led_app_init(led_app_t *app, const led_app_config_t *cfg);

/*
 * Load the patterns directory into the store (the first LED_STORE_CAPACITY
 * valid files; invalid ones are logged and skipped), take the health
 * baseline and mark the end of start-up: from here on the application
 * allocates only from its pool.
 */
tp_err_t led_app_start(led_app_t *app);

/* Release every pattern, pin and message (before exit); the pool is then idle. */
void led_app_stop(led_app_t *app);

/* A new WebSocket connection; NULL when LED_MAX_CONNS are open (close it with 1013). */
led_conn_t *led_app_conn_open(led_app_t *app);

/* The connection is gone (closed, reset, timed out): its partial message is released. */
void led_app_conn_close(led_app_t *app, led_conn_t *conn);

/*
 * A piece of a message on conn (tp_frame_feed's arguments). When a message
 * is complete it is executed: a text message is one command, a binary one a
 * pattern upload; the reply (a JSON object, exactly one per message) is
 * written to reply. On a refusal, *close_code says how to close.
 */
led_rx_t led_app_conn_rx(led_app_t *app, led_conn_t *conn, int binary, const void *data, size_t len, size_t more,
                         int first, int final, char *reply, size_t reply_size, size_t *reply_len, uint16_t *close_code);

/* Execute one command (text) and write its JSON reply; returns its length. */
size_t led_app_command(led_app_t *app, const char *text, size_t len, char *reply, size_t size);

/*
 * Periodic work of the network task (every 10..1000 ms): release the patterns
 * the renderer is done with, poll the health monitor once a second.
 */
void led_app_service(led_app_t *app);

/* GET /health: the health monitor's JSON report with an "app" object added. */
tp_err_t led_app_health_json(led_app_t *app, char *buf, size_t size, size_t *len);

/* GET /: the status page (static HTML with a script that polls /health). */
const char *led_app_status_page(size_t *len);

/*
 * Render task: render the next frame when one is due and return the time of
 * the next call (absolute, microseconds of tp_sys_time_us).
 */
uint64_t led_app_render(led_app_t *app, uint64_t now_us);

/* The double buffer the output side transfers from. */
tp_ledbuf_t *led_app_ledbuf(led_app_t *app);

/* Bytes one transfer sends (LED_DMA_BYTES(leds)). */
size_t led_app_frame_bytes(const led_app_t *app);

/* Decode a transferred buffer back into RGB values (host strip emulation and
 * tests): 0 when every bit is a valid WS2812 SPI symbol and the reset tail is low. */
int led_app_decode(const uint8_t *tx, size_t bytes, uint32_t leds, led_rgb_t *out);

#endif /* LED_APP_H */
