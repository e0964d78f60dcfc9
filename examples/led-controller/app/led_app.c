/*
 * led_app.c - the LED controller's application logic (see led_app.h).
 * Portable C11: no I/O, no heap; memory comes from the pool, the store, the
 * DMA set and fixed tables, all set up in led_app_init.
 */
#include "led_app.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tp_sys.h"
#include "tp_track.h" /* TP_ALLOC / TP_FREE: tracked in the trace-recording build */

/* The pool's tiers: planned by poolsim from a trace of this application
 * (docs/led-controller.md, "The memory plan"); defines poolsim_tiers[]. */
#include "led_tiers.h"

#define APP_MAGIC 0x6c656441u /* "ledA" */
#define POLL_INTERVAL_US 1000000u
#define IDLE_RENDER_US 20000u

_Static_assert(POOLSIM_TIER_COUNT >= 1, "led_tiers.h has no tier");

TP_POOL_STORAGE_DEFINE(pool_storage, POOLSIM_STORAGE_BYTES);

/* ---- a bounded JSON writer ------------------------------------------------ */

typedef struct {
    char *buf;
    size_t size, len;
    int overflow;
} jw_t;

static void jw_init(jw_t *w, char *buf, size_t size)
{
    w->buf = buf;
    w->size = size;
    w->len = 0;
    w->overflow = size == 0u;
    if (size > 0u) {
        buf[0] = '\0';
    }
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 2, 3)))
#endif
static void
jw_printf(jw_t *w, const char *fmt, ...)
{
    if (w->overflow) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(w->buf + w->len, w->size - w->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= w->size - w->len) {
        w->overflow = 1;
        w->buf[w->len] = '\0'; /* never a cut JSON text */
        return;
    }
    w->len += (size_t)n;
}

/* Finish a reply: the text, or a short error object when it did not fit. */
static size_t jw_done(jw_t *w)
{
    if (!w->overflow) {
        return w->len;
    }
    const int n = snprintf(w->buf, w->size, "{\"ok\":false,\"error\":\"reply too long\"}");
    return n > 0 && (size_t)n < w->size ? (size_t)n : 0u;
}

/* {"ok":false,"error":...}; the caller counts it. */
static size_t error_reply(char *reply, size_t size, const char *error)
{
    jw_t w;
    jw_init(&w, reply, size);
    jw_printf(&w, "{\"ok\":false,\"error\":\"%s\"}", error);
    return jw_done(&w);
}

/* A refused command's reply. */
static size_t reply_error(led_app_t *app, char *reply, size_t size, const char *error)
{
    app->c.commands_refused++;
    return error_reply(reply, size, error);
}

/* A refused upload's reply. */
static size_t upload_error(led_app_t *app, char *reply, size_t size, const char *error)
{
    app->c.uploads_refused++;
    return error_reply(reply, size, error);
}

/* ---- set-up --------------------------------------------------------------- */

static void encode_led(uint8_t *out, led_rgb_t c, uint32_t brightness);

/* An all-dark frame of `leds` LEDs and its reset tail. */
static void encode_dark(uint8_t *buf, uint32_t leds)
{
    const led_rgb_t dark = { 0, 0, 0 };
    for (uint32_t i = 0; i < leds; i++) {
        encode_led(buf + (size_t)i * LED_SPI_BYTES_PER_LED, dark, 0);
    }
    memset(buf + (size_t)leds * LED_SPI_BYTES_PER_LED, 0, LED_RESET_BYTES);
}

tp_err_t led_app_init(led_app_t *app, const led_app_config_t *cfg)
{
    if (app == NULL || cfg == NULL || cfg->platform == NULL || cfg->leds == 0u || cfg->leds > LED_MAX_LEDS ||
        cfg->brightness > 255u || cfg->dma_storage == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    memset(app, 0, sizeof *app);
    app->cfg = *cfg;
    app->plat = *cfg->platform;
    tp_err_t err = tp_pool_init(&app->pool, poolsim_tiers, POOLSIM_TIER_COUNT, pool_storage, sizeof pool_storage);
    if (err != TP_OK) {
        return err;
    }
    if (tp_pool_largest_allocatable(&app->pool) < LED_MESSAGE_LIMIT) {
        return TP_ERR_INVALID_ARG; /* a plan whose largest tier cannot hold a message at the limit */
    }
    err = tp_store_init(&app->store, &app->pool, LED_STORE_CAPACITY, LED_STORE_PINS);
    if (err != TP_OK) {
        return err;
    }
    const size_t frame = LED_DMA_BYTES(cfg->leds);
    if (cfg->dma_storage_size < TP_DMA_STORAGE_BYTES(2, frame, 0)) {
        return TP_ERR_NO_MEM;
    }
    err = tp_dma_init(&app->dma, cfg->dma_storage, cfg->dma_storage_size, 2, (uint32_t)frame, 0);
    if (err != TP_OK) {
        return err;
    }
    if (tp_dma_acquire(&app->dma, &app->dma_buf[0]) != TP_OK || tp_dma_acquire(&app->dma, &app->dma_buf[1]) != TP_OK) {
        return TP_ERR_NO_MEM;
    }
    err = tp_ledbuf_init(&app->ledbuf, app->dma_buf[0].tx, app->dma_buf[1].tx, frame);
    if (err != TP_OK) {
        return err;
    }
    /* Both buffers hold a valid dark frame before any transfer can start: an
     * all-zero buffer is not a WS2812 bit stream. */
    encode_dark(app->dma_buf[0].tx, cfg->leds);
    encode_dark(app->dma_buf[1].tx, cfg->leds);
    err = tp_health_init(&app->health, NULL);
    if (err == TP_OK) {
        err = tp_health_add_pool(&app->health, &app->pool, "frames+patterns");
    }
    if (err != TP_OK) {
        return err;
    }
#if TP_CFG_THREAD_SAFE
    TP_PORT_LOCK_INIT(&app->player.lock);
#endif
    app->player.brightness = cfg->brightness;
    app->magic = APP_MAGIC;
    return TP_OK;
}

/* ---- pattern files -------------------------------------------------------- */

typedef struct {
    led_app_t *app;
    const char *name;
} file_src_t;

/* tp_store_load's fill: read the file; the store checks what was read. */
static tp_err_t fill_from_file(void *block, size_t size, size_t *filled, void *user)
{
    const file_src_t *src = user;
    return src->app->plat.file_read(src->app->plat.ctx, src->name, block, size, filled);
}

/* tp_store_load's check: a valid pattern whose name is the file's name. */
static tp_err_t check_pattern_file(const void *data, size_t len, void *user)
{
    const file_src_t *src = user;
    led_pattern_info_t info;
    if (led_pattern_validate(data, len, &info) != LED_PATTERN_OK) {
        return TP_ERR_CORRUPT;
    }
    return strcmp(info.name, src->name) == 0 ? TP_OK : TP_ERR_CORRUPT;
}

/* The seed's pattern_load, done right: size checked before anything is
 * allocated, the read length checked, the data validated, and only then the
 * oldest pattern evicted. */
static tp_err_t load_file(led_app_t *app, const char *name, tp_store_result_t *res)
{
    size_t size = 0;
    tp_err_t err = app->plat.file_size(app->plat.ctx, name, &size);
    if (err != TP_OK) {
        return err;
    }
    if (size < LED_PATTERN_OVERHEAD || size > LED_PATTERN_MAX_BYTES) {
        return TP_ERR_CORRUPT;
    }
    file_src_t src = { app, name };
    err = tp_store_load(&app->store, name, size, fill_from_file, check_pattern_file, &src, res);
    if (err == TP_OK) {
        app->c.patterns_loaded++;
        app->c.patterns_evicted += res->evicted ? 1u : 0u;
    } else if (err == TP_ERR_IO || err == TP_ERR_TRUNCATED) {
        app->c.storage_errors++;
    }
    return err;
}

tp_err_t led_app_start(led_app_t *app)
{
    if (app == NULL || app->magic != APP_MAGIC) {
        return TP_ERR_INVALID_ARG;
    }
    char name[LED_PATTERN_NAME_BYTES];
    for (uint32_t i = 0; tp_store_count(&app->store) < LED_STORE_CAPACITY; i++) {
        const tp_err_t err = app->plat.file_at(app->plat.ctx, i, name, sizeof name);
        if (err == TP_ERR_NOT_FOUND) {
            break;
        }
        if (err != TP_OK || !led_pattern_name_ok(name, strlen(name))) {
            continue;
        }
        tp_store_result_t res;
        const tp_err_t lerr = load_file(app, name, &res);
        if (lerr != TP_OK) {
            char line[96];
            (void)snprintf(line, sizeof line, "pattern %s not loaded: %s", name, tp_strerror(lerr));
            tp_sys_log(1, line);
        }
    }
    (void)tp_health_baseline(&app->health);
    (void)tp_health_poll(&app->health);
    app->last_poll_us = tp_sys_time_us();
    app->started = 1;
    return TP_OK;
}

/* ---- the player (network side) ------------------------------------------- */

#if TP_CFG_THREAD_SAFE
#define PLAYER_LOCK(p) tp_irqstate_t irq_state_ = TP_PORT_ENTER(&(p)->lock)
#define PLAYER_UNLOCK(p) TP_PORT_EXIT(&(p)->lock, irq_state_)
#else
#define PLAYER_LOCK(p) ((void)(p))
#define PLAYER_UNLOCK(p) ((void)(p))
#endif

/* Put the references the renderer retired (network task only). */
static void release_retired(led_app_t *app)
{
    tp_store_ref_t out[2];
    uint32_t n;
    led_player_t *p = &app->player;
    PLAYER_LOCK(p);
    n = p->n_retired;
    memcpy(out, p->retired, sizeof out);
    p->n_retired = 0;
    PLAYER_UNLOCK(p);
    for (uint32_t i = 0; i < n; i++) {
        (void)tp_store_put(&app->store, &out[i]);
    }
}

/* Hand a pinned pattern to the renderer; a pattern posted earlier and not yet
 * taken is released here. */
static void post_play(led_app_t *app, const tp_store_ref_t *ref, const char *name)
{
    led_player_t *p = &app->player;
    tp_store_ref_t replaced;
    int had = 0;
    PLAYER_LOCK(p);
    if (p->has_pending) {
        replaced = p->pending;
        had = 1;
    }
    p->pending = *ref;
    p->has_pending = 1;
    p->stop_request = 0;
    (void)snprintf(p->pending_name, sizeof p->pending_name, "%s", name);
    PLAYER_UNLOCK(p);
    if (had) {
        (void)tp_store_put(&app->store, &replaced);
    }
}

static void post_stop(led_app_t *app)
{
    led_player_t *p = &app->player;
    tp_store_ref_t replaced;
    int had = 0;
    PLAYER_LOCK(p);
    if (p->has_pending) {
        replaced = p->pending;
        had = 1;
        p->has_pending = 0;
    }
    p->stop_request = 1;
    PLAYER_UNLOCK(p);
    if (had) {
        (void)tp_store_put(&app->store, &replaced);
    }
}

/* The name playing or about to play ("" when none). */
static void playing_name(led_app_t *app, char *out, size_t size)
{
    led_player_t *p = &app->player;
    char name[LED_PATTERN_NAME_BYTES] = "";
    PLAYER_LOCK(p);
    if (p->has_pending) {
        memcpy(name, p->pending_name, sizeof name);
    } else if (!p->stop_request) {
        memcpy(name, p->playing, sizeof name);
    }
    PLAYER_UNLOCK(p);
    (void)snprintf(out, size, "%s", name);
}

/* ---- commands ------------------------------------------------------------- */

/* Split "word rest" (one space-separated argument at most). */
typedef struct {
    const char *verb;
    size_t verb_len;
    const char *arg;
    size_t arg_len;
    int extra; /* more than one argument */
} cmd_t;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void split(const char *s, size_t n, cmd_t *c)
{
    memset(c, 0, sizeof *c);
    size_t i = 0;
    while (i < n && is_space(s[i])) {
        i++;
    }
    c->verb = s + i;
    while (i < n && !is_space(s[i])) {
        i++;
    }
    c->verb_len = (size_t)(s + i - c->verb);
    while (i < n && is_space(s[i])) {
        i++;
    }
    c->arg = s + i;
    while (i < n && !is_space(s[i])) {
        i++;
    }
    c->arg_len = (size_t)(s + i - c->arg);
    while (i < n && is_space(s[i])) {
        i++;
    }
    c->extra = i < n;
}

static int verb_is(const cmd_t *c, const char *word)
{
    return c->verb_len == strlen(word) && memcmp(c->verb, word, c->verb_len) == 0;
}

/* A pattern name argument, copied NUL-terminated; 0 when it is not a valid name. */
static int arg_name(const cmd_t *c, char *name)
{
    if (c->extra || !led_pattern_name_ok(c->arg, c->arg_len)) {
        return 0;
    }
    memcpy(name, c->arg, c->arg_len);
    name[c->arg_len] = '\0';
    return 1;
}

static void json_counters_pool(led_app_t *app, jw_t *w)
{
    tp_pool_stats_t ps;
    (void)tp_pool_get_stats(&app->pool, &ps);
    jw_printf(w,
              "\"pool\":{\"blocks_in_use\":%lu,\"total_blocks\":%lu,\"bytes_in_use\":%lu,"
              "\"failed\":%lu,\"largest_allocatable\":%lu}",
              (unsigned long)ps.blocks_in_use, (unsigned long)ps.total_blocks, (unsigned long)ps.bytes_in_use,
              (unsigned long)ps.failed, (unsigned long)ps.largest_allocatable);
}

static size_t cmd_list(led_app_t *app, char *reply, size_t size)
{
    jw_t w;
    jw_init(&w, reply, size);
    jw_printf(&w, "{\"ok\":true,\"patterns\":[");
    const uint32_t n = tp_store_count(&app->store);
    for (uint32_t i = 0; i < n; i++) {
        char key[TP_CFG_STORE_KEY_LEN];
        if (tp_store_key_at(&app->store, i, key, sizeof key, NULL) == TP_OK) {
            jw_printf(&w, "%s\"%s\"", i ? "," : "", key);
        }
    }
    jw_printf(&w, "],\"capacity\":%u,\"files\":[", LED_STORE_CAPACITY);
    uint32_t listed = 0;
    int more = 0;
    char name[LED_PATTERN_NAME_BYTES];
    for (uint32_t i = 0;; i++) {
        const tp_err_t err = app->plat.file_at(app->plat.ctx, i, name, sizeof name);
        if (err == TP_ERR_NOT_FOUND) {
            break;
        }
        if (err != TP_OK || !led_pattern_name_ok(name, strlen(name))) {
            continue;
        }
        if (listed == LED_LIST_FILES_MAX) {
            more = 1;
            break;
        }
        jw_printf(&w, "%s\"%s\"", listed ? "," : "", name);
        listed++;
    }
    jw_printf(&w, "],\"files_more\":%s}", more ? "true" : "false");
    return jw_done(&w);
}

static size_t cmd_play(led_app_t *app, const char *name, char *reply, size_t size)
{
    tp_store_result_t res;
    memset(&res, 0, sizeof res);
    int loaded = 0;
    if (!tp_store_contains(&app->store, name)) {
        const tp_err_t err = load_file(app, name, &res);
        if (err == TP_ERR_NOT_FOUND) {
            return reply_error(app, reply, size, "no such pattern");
        }
        if (err == TP_ERR_NO_MEM) {
            return reply_error(app, reply, size, "no memory for the pattern");
        }
        if (err != TP_OK) {
            return reply_error(app, reply, size, "pattern file invalid or unreadable");
        }
        loaded = 1;
    }
    tp_store_ref_t ref;
    const tp_err_t err = tp_store_get(&app->store, name, &ref);
    if (err != TP_OK) {
        return reply_error(app, reply, size, err == TP_ERR_NO_MEM ? "player busy" : "no such pattern");
    }
    post_play(app, &ref, name);
    jw_t w;
    jw_init(&w, reply, size);
    jw_printf(&w, "{\"ok\":true,\"playing\":\"%s\",\"loaded\":%s", name, loaded ? "true" : "false");
    if (res.evicted) {
        jw_printf(&w, ",\"evicted\":\"%s\"", res.evicted_key);
    }
    jw_printf(&w, "}");
    return jw_done(&w);
}

static size_t cmd_delete(led_app_t *app, const char *name, char *reply, size_t size)
{
    char playing[LED_PATTERN_NAME_BYTES];
    playing_name(app, playing, sizeof playing);
    const int in_memory = tp_store_remove(&app->store, name) == TP_OK;
    const int on_disk = app->plat.file_remove(app->plat.ctx, name) == TP_OK;
    if (!in_memory && !on_disk) {
        return reply_error(app, reply, size, "no such pattern");
    }
    const int stopped = strcmp(playing, name) == 0;
    if (stopped) {
        post_stop(app);
    }
    jw_t w;
    jw_init(&w, reply, size);
    jw_printf(&w, "{\"ok\":true,\"deleted\":\"%s\",\"stopped\":%s}", name, stopped ? "true" : "false");
    return jw_done(&w);
}

static size_t cmd_status(led_app_t *app, char *reply, size_t size)
{
    char playing[LED_PATTERN_NAME_BYTES];
    playing_name(app, playing, sizeof playing);
    tp_ledbuf_stats_t ls;
    (void)tp_ledbuf_stats(&app->ledbuf, &ls);
    uint32_t brightness;
    {
        led_player_t *p = &app->player;
        PLAYER_LOCK(p);
        brightness = p->brightness;
        PLAYER_UNLOCK(p);
    }
    jw_t w;
    jw_init(&w, reply, size);
    jw_printf(&w, "{\"ok\":true,");
    if (playing[0] != '\0') {
        jw_printf(&w, "\"playing\":\"%s\",", playing);
    } else {
        jw_printf(&w, "\"playing\":null,");
    }
    jw_printf(&w, "\"brightness\":%lu,\"leds\":%lu,\"patterns\":%lu,\"capacity\":%u,", (unsigned long)brightness,
              (unsigned long)app->cfg.leds, (unsigned long)tp_store_count(&app->store), LED_STORE_CAPACITY);
    json_counters_pool(app, &w);
    jw_printf(&w, ",\"frames\":{\"rendered\":%lu,\"shown\":%lu,\"repeated\":%lu,\"dropped\":%lu}}",
              (unsigned long)ls.rendered, (unsigned long)ls.shown, (unsigned long)ls.repeated,
              (unsigned long)ls.dropped);
    return jw_done(&w);
}

static size_t cmd_brightness(led_app_t *app, const cmd_t *c, char *reply, size_t size)
{
    uint32_t v = 0;
    if (c->extra || c->arg_len == 0u || c->arg_len > 3u) {
        return reply_error(app, reply, size, "brightness takes a number 0..255");
    }
    for (size_t i = 0; i < c->arg_len; i++) {
        if (c->arg[i] < '0' || c->arg[i] > '9') {
            return reply_error(app, reply, size, "brightness takes a number 0..255");
        }
        v = v * 10u + (uint32_t)(c->arg[i] - '0');
    }
    if (v > 255u) {
        return reply_error(app, reply, size, "brightness takes a number 0..255");
    }
    led_player_t *p = &app->player;
    PLAYER_LOCK(p);
    p->brightness = v;
    PLAYER_UNLOCK(p);
    jw_t w;
    jw_init(&w, reply, size);
    jw_printf(&w, "{\"ok\":true,\"brightness\":%lu}", (unsigned long)v);
    return jw_done(&w);
}

size_t led_app_command(led_app_t *app, const char *text, size_t len, char *reply, size_t size)
{
    app->c.commands++;
    cmd_t c;
    split(text, len, &c);
    char name[LED_PATTERN_NAME_BYTES];
    if (verb_is(&c, "list") && c.arg_len == 0u) {
        return cmd_list(app, reply, size);
    }
    if (verb_is(&c, "status") && c.arg_len == 0u) {
        return cmd_status(app, reply, size);
    }
    if (verb_is(&c, "stop") && c.arg_len == 0u) {
        post_stop(app);
        jw_t w;
        jw_init(&w, reply, size);
        jw_printf(&w, "{\"ok\":true,\"playing\":null}");
        return jw_done(&w);
    }
    if (verb_is(&c, "play")) {
        return arg_name(&c, name) ? cmd_play(app, name, reply, size)
                                  : reply_error(app, reply, size, "play takes a pattern name");
    }
    if (verb_is(&c, "delete")) {
        return arg_name(&c, name) ? cmd_delete(app, name, reply, size)
                                  : reply_error(app, reply, size, "delete takes a pattern name");
    }
    if (verb_is(&c, "brightness")) {
        return cmd_brightness(app, &c, reply, size);
    }
    return reply_error(app, reply, size, "unknown command");
}

/* ---- uploads -------------------------------------------------------------- */

/* A binary message: validate, persist, then hand its block to the store. */
static size_t upload(led_app_t *app, led_conn_t *conn, char *reply, size_t size)
{
    app->c.uploads++;
    const uint8_t *data = tp_frame_data(&conn->intake);
    const size_t len = tp_frame_len(&conn->intake);
    led_pattern_info_t info;
    const led_pattern_err_t perr = led_pattern_validate(data, len, &info);
    if (perr != LED_PATTERN_OK) {
        return upload_error(app, reply, size, led_pattern_strerror(perr));
    }
    /* The file first: if it cannot be written, nothing changes. */
    if (app->plat.file_write(app->plat.ctx, info.name, data, len) != TP_OK) {
        app->c.storage_errors++;
        return upload_error(app, reply, size, "storage failed");
    }
    size_t taken_len = 0;
    uint8_t *block = tp_frame_take(&conn->intake, &taken_len);
    tp_store_result_t res;
    const tp_err_t err = tp_store_adopt(&app->store, info.name, block, taken_len, NULL, NULL, &res);
    if (err != TP_OK) { /* cannot happen for a block the intake handed over; never leak it */
        (void)TP_FREE(&app->pool, block);
        return upload_error(app, reply, size, "store refused the pattern");
    }
    app->c.patterns_evicted += res.evicted ? 1u : 0u;
    jw_t w;
    jw_init(&w, reply, size);
    jw_printf(&w,
              "{\"ok\":true,\"stored\":\"%s\",\"bytes\":%lu,\"frames\":%u,\"leds\":%u,"
              "\"replaced\":%s",
              info.name, (unsigned long)len, (unsigned)info.frame_count, (unsigned)info.led_count,
              res.replaced ? "true" : "false");
    if (res.evicted) {
        jw_printf(&w, ",\"evicted\":\"%s\"", res.evicted_key);
    }
    jw_printf(&w, "}");
    return jw_done(&w);
}

/* ---- connections ---------------------------------------------------------- */

led_conn_t *led_app_conn_open(led_app_t *app)
{
    for (uint32_t i = 0; i < LED_MAX_CONNS; i++) {
        led_conn_t *c = &app->conn[i];
        if (!c->used) {
            if (tp_frame_init(&c->intake, &app->pool, LED_MESSAGE_LIMIT) != TP_OK) {
                return NULL;
            }
            c->used = 1;
            c->id = ++app->next_conn_id;
            app->c.connections++;
            return c;
        }
    }
    app->c.connections_refused++;
    return NULL;
}

void led_app_conn_close(led_app_t *app, led_conn_t *conn)
{
    if (conn == NULL || !conn->used) {
        return;
    }
    const uint32_t dropped = conn->intake.dropped;
    tp_frame_reset(&conn->intake);
    app->c.messages_dropped += conn->intake.dropped - dropped;
    conn->used = 0;
}

led_rx_t led_app_conn_rx(led_app_t *app, led_conn_t *conn, int binary, const void *data, size_t len, size_t more,
                         int first, int final, char *reply, size_t reply_size, size_t *reply_len, uint16_t *close_code)
{
    *reply_len = 0;
    *close_code = 0;
    const tp_frame_status_t st =
        tp_frame_feed(&conn->intake, binary ? TP_FRAME_BINARY : TP_FRAME_TEXT, data, len, more, first, final);
    if (st == TP_FRAME_MORE) {
        return LED_RX_MORE;
    }
    if (st != TP_FRAME_COMPLETE) {
        app->c.frames_refused++;
        app->c.frames_too_big += st == TP_FRAME_TOO_BIG ? 1u : 0u;
        *close_code = tp_frame_close_code(st);
        return LED_RX_CLOSE;
    }
    app->c.messages++;
    if (tp_frame_type(&conn->intake) == TP_FRAME_BINARY) {
        *reply_len = upload(app, conn, reply, reply_size);
    } else {
        const char *text = (const char *)tp_frame_data(&conn->intake);
        *reply_len = led_app_command(app, text != NULL ? text : "", tp_frame_len(&conn->intake), reply, reply_size);
    }
    tp_frame_reset(&conn->intake); /* the message is used (an upload's block is the store's now) */
    app->c.replies++;
    return LED_RX_REPLY;
}

/* ---- periodic work, health ------------------------------------------------ */

void led_app_service(led_app_t *app)
{
    release_retired(app);
    const uint64_t now = tp_sys_time_us();
    if (now - app->last_poll_us >= POLL_INTERVAL_US) {
        app->last_poll_us = now;
        (void)tp_health_poll(&app->health);
    }
}

tp_err_t led_app_health_json(led_app_t *app, char *buf, size_t size, size_t *len)
{
    size_t n = 0;
    tp_err_t err = tp_health_report_json(&app->health, buf, size, &n);
    if (err != TP_OK) {
        return err;
    }
    if (n == 0u || buf[n - 1u] != '}') {
        return TP_ERR_CORRUPT;
    }
    jw_t w = { buf, size, n - 1u, 0 }; /* reopen the object: drop its closing brace */
    tp_pool_stats_t ps;
    (void)tp_pool_get_stats(&app->pool, &ps);
    tp_store_stats_t ss;
    (void)tp_store_stats(&app->store, &ss);
    tp_ledbuf_stats_t ls;
    (void)tp_ledbuf_stats(&app->ledbuf, &ls);
    tp_dma_stats_t ds;
    (void)tp_dma_stats(&app->dma, &ds);
    const led_counters_t *c = &app->c;
    jw_printf(&w, ",\"app\":{\"tiers\":[");
    for (uint32_t t = 0; t < ps.n_tiers; t++) {
        const tp_tier_stats_t *ts = &ps.tier[t];
        jw_printf(&w,
                  "%s{\"block_size\":%lu,\"block_count\":%lu,\"in_use\":%lu,\"peak\":%lu,"
                  "\"failed\":%lu}",
                  t ? "," : "", (unsigned long)ts->block_size, (unsigned long)ts->block_count,
                  (unsigned long)ts->in_use, (unsigned long)ts->peak_in_use, (unsigned long)ts->failed);
    }
    jw_printf(&w,
              "],\"pool_blocks_in_use\":%lu,\"pool_bytes_in_use\":%lu,\"pool_failed\":%lu,"
              "\"largest_allocatable\":%lu,",
              (unsigned long)ps.blocks_in_use, (unsigned long)ps.bytes_in_use, (unsigned long)ps.failed,
              (unsigned long)ps.largest_allocatable);
    jw_printf(&w, "\"patterns\":%lu,\"pattern_blocks\":%lu,\"pins\":%lu,", (unsigned long)ss.items,
              (unsigned long)ss.blocks, (unsigned long)ss.pins);
    uint32_t open = 0;
    for (uint32_t i = 0; i < LED_MAX_CONNS; i++) {
        open += app->conn[i].used;
    }
    jw_printf(&w, "\"connections_open\":%lu,", (unsigned long)open);
    jw_printf(&w,
              "\"counters\":{\"messages\":%lu,\"replies\":%lu,\"commands\":%lu,"
              "\"commands_refused\":%lu,\"uploads\":%lu,\"uploads_refused\":%lu,"
              "\"frames_refused\":%lu,\"frames_too_big\":%lu,\"messages_dropped\":%lu,"
              "\"connections\":%lu,\"connections_refused\":%lu,\"patterns_loaded\":%lu,"
              "\"patterns_evicted\":%lu,\"storage_errors\":%lu,"
              "\"dma_frames_shown\":%lu,\"dma_frames_repeated\":%lu,\"dma_frames_dropped\":%lu,"
              "\"dma_release_errors\":%lu",
              (unsigned long)c->messages, (unsigned long)c->replies, (unsigned long)c->commands,
              (unsigned long)c->commands_refused, (unsigned long)c->uploads, (unsigned long)c->uploads_refused,
              (unsigned long)c->frames_refused, (unsigned long)c->frames_too_big, (unsigned long)c->messages_dropped,
              (unsigned long)c->connections, (unsigned long)c->connections_refused, (unsigned long)c->patterns_loaded,
              (unsigned long)c->patterns_evicted, (unsigned long)c->storage_errors, (unsigned long)ls.shown,
              (unsigned long)ls.repeated, (unsigned long)ls.dropped,
              (unsigned long)ds.foreign + ds.interior + ds.double_release);
    if (app->plat.heap_allocs_after_start != NULL) {
        jw_printf(&w, ",\"heap_allocs_after_start\":%lu",
                  (unsigned long)app->plat.heap_allocs_after_start(app->plat.ctx));
    }
    jw_printf(&w, "}}}");
    if (w.overflow) {
        return TP_ERR_TRUNCATED;
    }
    if (len != NULL) {
        *len = w.len;
    }
    return TP_OK;
}

/* ---- rendering (render task) ---------------------------------------------- */

/* One WS2812 bit as 4 SPI bits at 3.2 MHz: 0 -> 1000 (0.31 us high), 1 -> 1110 (0.94 us high). */
static void encode_led(uint8_t *out, led_rgb_t c, uint32_t brightness)
{
    const uint8_t grb[3] = { (uint8_t)((c.g * (brightness + 1u)) >> 8), (uint8_t)((c.r * (brightness + 1u)) >> 8),
                             (uint8_t)((c.b * (brightness + 1u)) >> 8) };
    for (int byte = 0; byte < 3; byte++) {
        for (int pair = 0; pair < 4; pair++) { /* two LED bits per SPI byte, MSB first */
            const uint8_t hi = (uint8_t)((grb[byte] >> (7 - 2 * pair)) & 1u);
            const uint8_t lo = (uint8_t)((grb[byte] >> (6 - 2 * pair)) & 1u);
            out[byte * 4 + pair] = (uint8_t)((hi ? 0xE0u : 0x80u) | (lo ? 0x0Eu : 0x08u));
        }
    }
}

int led_app_decode(const uint8_t *tx, size_t bytes, uint32_t leds, led_rgb_t *out)
{
    if (bytes != LED_DMA_BYTES(leds)) {
        return -1;
    }
    for (uint32_t i = 0; i < leds; i++) {
        uint8_t grb[3];
        for (int byte = 0; byte < 3; byte++) {
            uint8_t v = 0;
            for (int pair = 0; pair < 4; pair++) {
                const uint8_t s = tx[i * LED_SPI_BYTES_PER_LED + (uint32_t)byte * 4u + (uint32_t)pair];
                const uint8_t hi = s >> 4, lo = s & 0x0Fu;
                if ((hi != 0x8u && hi != 0xEu) || (lo != 0x8u && lo != 0xEu)) {
                    return -1;
                }
                v = (uint8_t)((v << 2) | ((hi == 0xEu) << 1) | (lo == 0xEu));
            }
            grb[byte] = v;
        }
        if (out != NULL) {
            out[i].g = grb[0];
            out[i].r = grb[1];
            out[i].b = grb[2];
        }
    }
    for (size_t i = (size_t)leds * LED_SPI_BYTES_PER_LED; i < bytes; i++) {
        if (tx[i] != 0u) {
            return -1;
        }
    }
    return 0;
}

static void render_frame(led_app_t *app, const uint8_t *data, const led_pattern_info_t *info, uint32_t frame,
                         uint32_t brightness)
{
    uint8_t *back = tp_ledbuf_render_begin(&app->ledbuf);
    if (back == NULL) {
        return;
    }
    const led_rgb_t dark = { 0, 0, 0 };
    for (uint32_t i = 0; i < app->cfg.leds; i++) {
        const led_rgb_t c = info != NULL ? led_pattern_pixel(data, info, frame, i) : dark;
        encode_led(back + (size_t)i * LED_SPI_BYTES_PER_LED, c, brightness);
    }
    memset(back + (size_t)app->cfg.leds * LED_SPI_BYTES_PER_LED, 0, LED_RESET_BYTES);
    (void)tp_ledbuf_render_end(&app->ledbuf);
}

uint64_t led_app_render(led_app_t *app, uint64_t now_us)
{
    led_player_t *p = &app->player;
    uint32_t brightness;
    /* Take what the network task posted; retire what is no longer played. */
    PLAYER_LOCK(p);
    if ((p->has_pending || p->stop_request) && p->has_current) {
        if (p->n_retired < 2u) {
            p->retired[p->n_retired++] = p->current;
            p->has_current = 0;
            p->playing[0] = '\0';
        }
    }
    if (p->has_pending && !p->has_current) {
        p->current = p->pending;
        p->has_current = 1;
        p->has_pending = 0;
        p->frame = 0;
        p->next_us = now_us;
        (void)led_pattern_validate(p->current.data, p->current.len, &p->info);
        memcpy(p->playing, p->info.name, sizeof p->playing);
        p->dark_shown = 0;
    }
    if (p->stop_request && !p->has_current) {
        p->stop_request = 0;
        p->dark_shown = 0;
    }
    brightness = p->brightness;
    const int playing = p->has_current;
    PLAYER_UNLOCK(p);
    /* p->current, info, frame and next_us belong to this task: no lock needed. */
    if (!playing) {
        if (!p->dark_shown) {
            render_frame(app, NULL, NULL, 0, 0);
            p->dark_shown = 1;
        }
        return now_us + IDLE_RENDER_US;
    }
    if (now_us < p->next_us) {
        return p->next_us < now_us + IDLE_RENDER_US ? p->next_us : now_us + IDLE_RENDER_US;
    }
    render_frame(app, p->current.data, &p->info, p->frame, brightness);
    p->frame = (p->frame + 1u) % p->info.frame_count;
    p->next_us += (uint64_t)p->info.frame_ms * 1000u;
    if (p->next_us < now_us) {
        p->next_us = now_us; /* fell behind: do not try to catch up with a burst */
    }
    return p->next_us < now_us + IDLE_RENDER_US ? p->next_us : now_us + IDLE_RENDER_US;
}

tp_ledbuf_t *led_app_ledbuf(led_app_t *app)
{
    return &app->ledbuf;
}

size_t led_app_frame_bytes(const led_app_t *app)
{
    return LED_DMA_BYTES(app->cfg.leds);
}

/* ---- stop ------------------------------------------------------------------- */

void led_app_stop(led_app_t *app)
{
    if (app == NULL || app->magic != APP_MAGIC) {
        return;
    }
    /* The render task has ended: its references are released here. */
    led_player_t *p = &app->player;
    if (p->has_current) {
        (void)tp_store_put(&app->store, &p->current);
        p->has_current = 0;
    }
    if (p->has_pending) {
        (void)tp_store_put(&app->store, &p->pending);
        p->has_pending = 0;
    }
    release_retired(app);
    for (uint32_t i = 0; i < LED_MAX_CONNS; i++) {
        led_app_conn_close(app, &app->conn[i]);
    }
    (void)tp_store_clear(&app->store);
}
