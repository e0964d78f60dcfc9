/*
 * test_led_app.c - the LED controller's application logic (app/led_app.c)
 * on a fake platform: an in-memory patterns directory that can fail reads
 * and writes on demand. Every message gets exactly one reply; refused
 * uploads leave no state; the seed's flaws (a long command cut and executed,
 * a pattern evicted before the new one fits, an unchecked short read) do not
 * happen; the pool is back to its baseline after every scenario.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "led_app.h"
#include "led_sys.h"

/* ---- a fake patterns directory ---- */

#define FILES 24
typedef struct {
    char name[LED_PATTERN_NAME_BYTES];
    uint8_t data[LED_PATTERN_MAX_BYTES + 64];
    size_t len;
    int used;
} ffile_t;

static struct {
    ffile_t f[FILES];
    int short_read; /* next reads return one byte less */
    int read_error;
    int write_error;
    uint32_t writes;
} fs;

static ffile_t *ffind(const char *name)
{
    for (int i = 0; i < FILES; i++) {
        if (fs.f[i].used && strcmp(fs.f[i].name, name) == 0) {
            return &fs.f[i];
        }
    }
    return NULL;
}

static tp_err_t f_size(void *ctx, const char *name, size_t *size)
{
    (void)ctx;
    const ffile_t *f = ffind(name);
    if (f == NULL) {
        return TP_ERR_NOT_FOUND;
    }
    *size = f->len;
    return TP_OK;
}

static tp_err_t f_read(void *ctx, const char *name, void *buf, size_t size, size_t *got)
{
    (void)ctx;
    const ffile_t *f = ffind(name);
    if (f == NULL) {
        return TP_ERR_NOT_FOUND;
    }
    if (fs.read_error) {
        *got = 0;
        return TP_ERR_IO;
    }
    size_t n = f->len < size ? f->len : size;
    if (fs.short_read && n > 0) {
        n--;
    }
    memcpy(buf, f->data, n);
    *got = n;
    return TP_OK;
}

static tp_err_t f_write(void *ctx, const char *name, const void *data, size_t len)
{
    (void)ctx;
    if (fs.write_error) {
        return TP_ERR_IO;
    }
    ffile_t *f = ffind(name);
    for (int i = 0; f == NULL && i < FILES; i++) {
        if (!fs.f[i].used) {
            f = &fs.f[i];
        }
    }
    assert_non_null(f);
    assert_true(len <= sizeof f->data);
    f->used = 1;
    snprintf(f->name, sizeof f->name, "%s", name);
    memcpy(f->data, data, len);
    f->len = len;
    fs.writes++;
    return TP_OK;
}

static tp_err_t f_remove(void *ctx, const char *name)
{
    (void)ctx;
    ffile_t *f = ffind(name);
    if (f == NULL) {
        return TP_ERR_NOT_FOUND;
    }
    f->used = 0;
    return TP_OK;
}

static tp_err_t f_at(void *ctx, uint32_t index, char *name, size_t size)
{
    (void)ctx;
    uint32_t k = 0;
    for (int i = 0; i < FILES; i++) {
        if (fs.f[i].used && k++ == index) {
            snprintf(name, size, "%s", fs.f[i].name);
            return TP_OK;
        }
    }
    return TP_ERR_NOT_FOUND;
}

static const led_platform_t plat = { f_size, f_read, f_write, f_remove, f_at, NULL, NULL };

/* ---- patterns ---- */

static size_t make_pattern(uint8_t *out, const char *name, uint32_t leds, uint32_t frames, uint8_t shade)
{
    led_pattern_info_t info;
    memset(&info, 0, sizeof info);
    info.type = frames == 1 ? 0 : 1;
    info.frame_count = (uint16_t)frames;
    info.led_count = (uint16_t)leds;
    info.frame_ms = 20;
    snprintf(info.name, sizeof info.name, "%s", name);
    uint8_t *px = out + LED_PATTERN_HEADER_BYTES;
    for (uint32_t i = 0; i < frames * leds; i++) {
        px[3 * i] = shade;
        px[3 * i + 1] = (uint8_t)(i & 0xFFu);
        px[3 * i + 2] = (uint8_t)(255u - shade);
    }
    return led_pattern_build(out, LED_PATTERN_MAX_BYTES, &info, NULL, (size_t)frames * leds * 3u);
}

static void add_file(const char *name, uint32_t leds, uint32_t frames)
{
    uint8_t buf[LED_PATTERN_MAX_BYTES];
    const size_t n = make_pattern(buf, name, leds, frames, 7);
    assert_true(n > 0);
    assert_int_equal(f_write(NULL, name, buf, n), TP_OK);
}

/* ---- the app under test ---- */

static led_app_t app;
TP_DMA_STORAGE_DEFINE(dma_storage, 2, LED_DMA_BYTES(60), 0);
static char reply[LED_REPLY_MAX];

static uint32_t pool_in_use(void)
{
    tp_pool_stats_t st;
    assert_int_equal(tp_pool_get_stats(&app.pool, &st), TP_OK);
    return st.blocks_in_use;
}

static int setup(void **state)
{
    (void)state;
    memset(&fs, 0, sizeof fs);
    assert_int_equal(led_sys_init(256u * 1024u), 0);
    return 0;
}

static void start_app(void)
{
    const led_app_config_t cfg = { 60, 255, dma_storage, sizeof dma_storage, &plat };
    assert_int_equal(led_app_init(&app, &cfg), TP_OK);
    assert_int_equal(led_app_start(&app), TP_OK);
}

static void stop_app(void)
{
    led_app_stop(&app);
    assert_int_equal(pool_in_use(), 0);
}

/* Send one whole message (first and final) and return the action. */
static led_rx_t send_msg(led_conn_t *c, int binary, const void *data, size_t len, size_t *rlen, uint16_t *code)
{
    return led_app_conn_rx(&app, c, binary, data, len, 0, 1, 1, reply, sizeof reply, rlen, code);
}

static const char *command(led_conn_t *c, const char *text)
{
    size_t rlen = 0;
    uint16_t code = 0;
    assert_int_equal(send_msg(c, 0, text, strlen(text), &rlen, &code), LED_RX_REPLY);
    assert_true(rlen > 0 && rlen < sizeof reply);
    reply[rlen] = '\0';
    assert_true(reply[0] == '{' && reply[rlen - 1] == '}');
    return reply;
}

static void expect_keys(const char *want)
{
    char got[256] = "";
    size_t at = 0;
    for (uint32_t i = 0; i < tp_store_count(&app.store); i++) {
        char key[TP_CFG_STORE_KEY_LEN];
        assert_int_equal(tp_store_key_at(&app.store, i, key, sizeof key, NULL), TP_OK);
        at += (size_t)snprintf(got + at, sizeof got - at, "%s%s", i ? "," : "", key);
    }
    assert_string_equal(got, want);
}

/* ---- tests ---- */

static void test_start_loads_valid_files_only(void **state)
{
    (void)state;
    add_file("a", 10, 2);
    add_file("b", 60, 1);
    /* a corrupted file, a file named differently from its pattern, an oversized file */
    add_file("bad", 10, 1);
    ffind("bad")->data[50] ^= 0x40;
    add_file("other", 10, 1);
    snprintf(ffind("other")->name, LED_PATTERN_NAME_BYTES, "renamed");
    start_app();
    expect_keys("a,b");
    assert_int_equal(app.c.patterns_loaded, 2);
    assert_int_equal(pool_in_use(), 2);
    stop_app();
}

static void test_upload_then_refusals_leave_no_state(void **state)
{
    (void)state;
    start_app();
    led_conn_t *c = led_app_conn_open(&app);
    assert_non_null(c);
    uint8_t p[LED_PATTERN_MAX_BYTES];
    const size_t n = make_pattern(p, "up", 20, 4, 9);
    size_t rlen;
    uint16_t code;
    assert_int_equal(send_msg(c, 1, p, n, &rlen, &code), LED_RX_REPLY);
    reply[rlen] = '\0';
    assert_non_null(strstr(reply, "\"ok\":true,\"stored\":\"up\""));
    expect_keys("up");
    assert_int_equal(pool_in_use(), 1); /* the message block became the pattern */
    assert_int_equal(fs.writes, 1);
    /* truncated, corrupted, garbage, empty, bad name: refused, nothing changes */
    uint8_t bad[LED_PATTERN_MAX_BYTES];
    const size_t m = make_pattern(bad, "up2", 20, 4, 1);
    const struct {
        size_t len;
        int flip;
        const char *error;
    } cases[] = {
        { m - 1, -1, "total_size does not match" },
        { m, 200, "CRC mismatch" },
        { LED_PATTERN_HEADER_BYTES, -1, "shorter than its header" },
        { m + 1, -1, "total_size does not match" },
        { 3, -1, "shorter than its header" },
        { 0, -1, "shorter than its header" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t copy[LED_PATTERN_MAX_BYTES];
        memcpy(copy, bad, m);
        if (cases[i].flip >= 0) {
            copy[cases[i].flip] ^= 0x01;
        }
        assert_int_equal(send_msg(c, 1, copy, cases[i].len, &rlen, &code), LED_RX_REPLY);
        reply[rlen] = '\0';
        assert_non_null(strstr(reply, "\"ok\":false"));
        assert_non_null(strstr(reply, cases[i].error));
        expect_keys("up");
        assert_int_equal(pool_in_use(), 1);
        assert_null(ffind("up2"));
    }
    /* the file cannot be written: refused, no state */
    fs.write_error = 1;
    assert_int_equal(send_msg(c, 1, bad, m, &rlen, &code), LED_RX_REPLY);
    reply[rlen] = '\0';
    assert_non_null(strstr(reply, "storage failed"));
    fs.write_error = 0;
    expect_keys("up");
    assert_int_equal(pool_in_use(), 1);
    assert_int_equal(app.c.uploads, 8);
    assert_int_equal(app.c.uploads_refused, 7);
    assert_int_equal(app.c.replies, 8);
    led_app_conn_close(&app, c);
    stop_app();
}

static void test_over_limit_closes_1009_and_lost_connection_releases(void **state)
{
    (void)state;
    start_app();
    const uint32_t base = pool_in_use();
    led_conn_t *c = led_app_conn_open(&app);
    static uint8_t big[LED_MESSAGE_LIMIT + 1];
    size_t rlen = 7;
    uint16_t code = 0;
    /* announced over the limit: refused at the first piece */
    assert_int_equal(led_app_conn_rx(&app, c, 1, big, 100, LED_MESSAGE_LIMIT, 1, 0, reply, sizeof reply, &rlen, &code),
                     LED_RX_CLOSE);
    assert_int_equal(code, 1009);
    assert_int_equal(rlen, 0);
    assert_int_equal(pool_in_use(), base);
    led_app_conn_close(&app, c);
    /* a message cut off by a lost connection */
    c = led_app_conn_open(&app);
    assert_int_equal(led_app_conn_rx(&app, c, 1, big, 1000, 2000, 1, 0, reply, sizeof reply, &rlen, &code),
                     LED_RX_MORE);
    assert_int_equal(pool_in_use(), base + 1);
    led_app_conn_close(&app, c);
    assert_int_equal(pool_in_use(), base);
    assert_int_equal(app.c.messages_dropped, 1);
    assert_int_equal(app.c.frames_too_big, 1);
    stop_app();
}

/* Seed flaw: process_command_GOOD copied MIN(len, 256) bytes and executed them,
 * so a long command ran cut short. Here a long command is parsed whole. */
static void test_long_command_not_cut_and_executed(void **state)
{
    (void)state;
    add_file("rainbow", 10, 2);
    start_app();
    led_conn_t *c = led_app_conn_open(&app);
    char cmd[400];
    memset(cmd, ' ', sizeof cmd);
    memcpy(cmd, "delete rainbow", 14);
    cmd[sizeof cmd - 2] = 'x'; /* a second argument far past byte 256 */
    cmd[sizeof cmd - 1] = '\0';
    const char *r = command(c, cmd);
    assert_non_null(strstr(r, "\"ok\":false"));
    assert_true(tp_store_contains(&app.store, "rainbow"));
    assert_non_null(ffind("rainbow"));
    /* and the short command does what it says */
    r = command(c, "delete rainbow");
    assert_non_null(strstr(r, "\"deleted\":\"rainbow\""));
    assert_false(tp_store_contains(&app.store, "rainbow"));
    assert_null(ffind("rainbow"));
    led_app_conn_close(&app, c);
    stop_app();
}

static void test_commands(void **state)
{
    (void)state;
    add_file("a", 10, 2);
    start_app();
    led_conn_t *c = led_app_conn_open(&app);
    assert_non_null(strstr(command(c, "list"), "\"patterns\":[\"a\"]"));
    assert_non_null(strstr(command(c, "status"), "\"playing\":null"));
    assert_non_null(strstr(command(c, "play a"), "\"playing\":\"a\""));
    assert_non_null(strstr(command(c, "status"), "\"playing\":\"a\""));
    assert_non_null(strstr(command(c, "brightness 255"), "\"brightness\":255"));
    assert_non_null(strstr(command(c, "stop"), "\"playing\":null"));
    assert_non_null(strstr(command(c, "status"), "\"playing\":null"));
    const char *bad[] = { "brightness 256",
                          "brightness -1",
                          "brightness",
                          "brightness 1 2",
                          "play",
                          "play ../etc/passwd",
                          "play a b",
                          "delete",
                          "nope",
                          "",
                          "LIST",
                          "list extra",
                          "play aaaaaaaaaaaaaaaaaaaaaaaa" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_non_null(strstr(command(c, bad[i]), "\"ok\":false"));
    }
    assert_non_null(strstr(command(c, "  status \r\n"), "\"ok\":true"));
    /* binary garbage as text is just an unknown command */
    const char bin[4] = { '\0', '\x01', '\xff', 'x' };
    size_t rlen;
    uint16_t code;
    assert_int_equal(send_msg(c, 0, bin, sizeof bin, &rlen, &code), LED_RX_REPLY);
    assert_int_equal(app.c.commands_refused, sizeof bad / sizeof bad[0] + 1u);
    led_app_service(&app);
    led_app_conn_close(&app, c);
    stop_app();
}

/* Seed flaw: pattern_load evicted the oldest pattern before knowing the new one
 * could be loaded, and ignored fread's result. Playing a pattern that is only on
 * disk loads it; a short read or a read error changes nothing. */
static void test_play_loads_from_file_all_or_nothing(void **state)
{
    (void)state;
    const char *names[9] = { "p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8" };
    for (int i = 0; i < 9; i++) {
        add_file(names[i], 10, 1);
    }
    start_app(); /* loads the first 8 */
    expect_keys("p0,p1,p2,p3,p4,p5,p6,p7");
    led_conn_t *c = led_app_conn_open(&app);
    fs.short_read = 1;
    assert_non_null(strstr(command(c, "play p8"), "\"ok\":false"));
    fs.short_read = 0;
    fs.read_error = 1;
    assert_non_null(strstr(command(c, "play p8"), "\"ok\":false"));
    fs.read_error = 0;
    expect_keys("p0,p1,p2,p3,p4,p5,p6,p7");
    assert_int_equal(pool_in_use(), 8);
    const char *r = command(c, "play p8");
    assert_non_null(strstr(r, "\"loaded\":true"));
    assert_non_null(strstr(r, "\"evicted\":\"p0\""));
    expect_keys("p1,p2,p3,p4,p5,p6,p7,p8");
    assert_int_equal(app.c.storage_errors, 2);
    led_app_conn_close(&app, c);
    stop_app();
}

/* The renderer puts the playing pattern, scaled by brightness, on the strip. */
static void test_render_and_decode(void **state)
{
    (void)state;
    add_file("a", 10, 2);
    start_app();
    /* before anything was rendered, a transfer already sends a valid (dark) frame */
    static led_rgb_t px[60];
    tp_ledbuf_t *lb0 = led_app_ledbuf(&app);
    const uint8_t *tx0 = tp_ledbuf_tx_begin(lb0);
    assert_int_equal(led_app_decode(tx0, led_app_frame_bytes(&app), 60, px), 0);
    assert_int_equal(px[59].r + px[59].g + px[59].b, 0);
    assert_int_equal(tp_ledbuf_tx_done(lb0), TP_OK);
    led_conn_t *c = led_app_conn_open(&app);
    assert_non_null(strstr(command(c, "brightness 127"), "\"ok\":true"));
    assert_non_null(strstr(command(c, "play a"), "\"ok\":true"));
    (void)led_app_render(&app, 1000); /* takes the pattern, renders frame 0 */
    tp_ledbuf_t *lb = led_app_ledbuf(&app);
    const uint8_t *tx = tp_ledbuf_tx_begin(lb);
    assert_non_null(tx);
    assert_int_equal(led_app_decode(tx, led_app_frame_bytes(&app), 60, px), 0);
    /* frame 0 of "a": r = 7, g = i, b = 248, scaled by (127 + 1) / 256 */
    for (uint32_t i = 0; i < 60; i++) {
        const uint32_t k = i % 10;
        assert_int_equal(px[i].r, (7u * 128u) >> 8);
        assert_int_equal(px[i].g, (k * 128u) >> 8);
        assert_int_equal(px[i].b, (248u * 128u) >> 8);
    }
    assert_int_equal(tp_ledbuf_tx_done(lb), TP_OK);
    /* a corrupted transfer is caught by the decoder */
    static uint8_t copy[LED_DMA_BYTES(60)];
    memcpy(copy, tx, sizeof copy);
    copy[5] = 0x55;
    assert_int_equal(led_app_decode(copy, sizeof copy, 60, NULL), -1);
    /* stop: the renderer retires the pattern; service releases it */
    assert_non_null(strstr(command(c, "stop"), "\"ok\":true"));
    (void)led_app_render(&app, 2000);
    tp_store_stats_t st;
    assert_int_equal(tp_store_stats(&app.store, &st), TP_OK);
    assert_int_equal(st.pins, 1);
    led_app_service(&app);
    assert_int_equal(tp_store_stats(&app.store, &st), TP_OK);
    assert_int_equal(st.pins, 0);
    led_app_conn_close(&app, c);
    stop_app();
}

/* Deleting or replacing the playing pattern: the renderer keeps valid bytes. */
static void test_delete_while_playing(void **state)
{
    (void)state;
    add_file("a", 10, 3);
    start_app();
    led_conn_t *c = led_app_conn_open(&app);
    assert_non_null(strstr(command(c, "play a"), "\"ok\":true"));
    (void)led_app_render(&app, 1000);
    assert_non_null(strstr(command(c, "delete a"), "\"stopped\":true"));
    assert_int_equal(pool_in_use(), 1); /* detached, still pinned by the renderer */
    (void)led_app_render(&app, 100000);
    led_app_service(&app);
    assert_int_equal(pool_in_use(), 0);
    led_app_conn_close(&app, c);
    stop_app();
}

static void test_health_json_and_conn_limit(void **state)
{
    (void)state;
    start_app();
    led_conn_t *conns[LED_MAX_CONNS];
    for (uint32_t i = 0; i < LED_MAX_CONNS; i++) {
        conns[i] = led_app_conn_open(&app);
        assert_non_null(conns[i]);
    }
    assert_null(led_app_conn_open(&app));
    static char buf[6144];
    size_t n = 0;
    assert_int_equal(led_app_health_json(&app, buf, sizeof buf, &n), TP_OK);
    assert_int_equal(strlen(buf), n);
    assert_true(buf[0] == '{' && buf[n - 1] == '}');
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        depth += buf[i] == '{' ? 1 : buf[i] == '}' ? -1 : 0;
        assert_true(depth >= 0);
    }
    assert_int_equal(depth, 0);
    assert_non_null(strstr(buf, "\"app\":{\"tiers\":["));
    assert_non_null(strstr(buf, "\"connections_refused\":1"));
    assert_non_null(strstr(buf, "\"connections_open\":24"));
    assert_int_equal(led_app_health_json(&app, buf, 200, &n), TP_ERR_TRUNCATED);
    for (uint32_t i = 0; i < LED_MAX_CONNS; i++) {
        led_app_conn_close(&app, conns[i]);
    }
    size_t len = 0;
    assert_non_null(strstr(led_app_status_page(&len), "fetch('/health'"));
    assert_true(len > 1000);
    stop_app();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_start_loads_valid_files_only, setup),
        cmocka_unit_test_setup(test_upload_then_refusals_leave_no_state, setup),
        cmocka_unit_test_setup(test_over_limit_closes_1009_and_lost_connection_releases, setup),
        cmocka_unit_test_setup(test_long_command_not_cut_and_executed, setup),
        cmocka_unit_test_setup(test_commands, setup),
        cmocka_unit_test_setup(test_play_loads_from_file_all_or_nothing, setup),
        cmocka_unit_test_setup(test_render_and_decode, setup),
        cmocka_unit_test_setup(test_delete_while_playing, setup),
        cmocka_unit_test_setup(test_health_json_and_conn_limit, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
