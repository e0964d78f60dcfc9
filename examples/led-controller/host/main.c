/*
 * main.c - the LED controller on a POSIX host: the platform layer that the
 * portable application (app/) runs on.
 *
 *   led-controller --port PORT --patterns DIR [--leds N] [--fps N]
 *                  [--trace FILE] [--heap-kib N] [--frames-malloc]
 *
 * - a WebSocket and HTTP server on 127.0.0.1:PORT (libwebsockets): ws://.../ws
 *   carries the protocol of docs/led-controller.md, GET /health the health
 *   report, GET / the status page. PORT 0 picks a free port. Prints
 *   "listening on 127.0.0.1:PORT" once ready.
 * - a render thread (the seed's LED task) and a strip thread that emulates the
 *   LED strip: it takes the front DMA buffer at the strip's refresh rate,
 *   "transfers" it for as long as SPI at 3.2 MHz would take, decodes the
 *   WS2812 bits, and signals the end of the transfer as the SPI DMA-done
 *   interrupt would (the thread is marked as in an ISR for that call).
 * - SIGINT / SIGTERM: stop, release everything, check that the pool and the
 *   network library's heap are back to empty, exit 0 (1 if anything leaked, or
 *   if the --trace file could not be written completely).
 *
 * The application's own code never allocates from the process heap after
 * start-up: every call to malloc/calloc/realloc from this program's objects
 * goes through __wrap_malloc & co. (link option --wrap), which count the calls
 * made after start-up; /health reports the count (the load test requires 0).
 * --frames-malloc is the benchmark's baseline: messages assembled in
 * malloc'ed buffers instead of the pool (bench/led/, never for the load test).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <libwebsockets.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "files.h"
#include "led_app.h"
#include "led_sys.h"
#include "tp_track.h"

/* ---- the run-time check: heap allocations by this program's own code ---- */

static atomic_int g_started;
static atomic_uint g_heap_allocs_after_start;

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *ptr, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *ptr, size_t size);

static void count_heap_call(void)
{
    if (atomic_load(&g_started)) {
        atomic_fetch_add(&g_heap_allocs_after_start, 1u);
    }
}

void *__wrap_malloc(size_t size)
{
    count_heap_call();
    return __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    count_heap_call();
    return __real_calloc(n, size);
}

void *__wrap_realloc(void *ptr, size_t size)
{
    count_heap_call();
    return __real_realloc(ptr, size);
}

static uint32_t heap_allocs_after_start(void *ctx)
{
    (void)ctx;
    return atomic_load(&g_heap_allocs_after_start);
}

/* ---- state ---- */

static led_app_t g_app;
static struct lws_context *g_ctx;
static volatile sig_atomic_t g_signal;
static atomic_int g_threads_stop;
static lws_sorted_usec_list_t g_service_sul;
static uint32_t g_leds = 60, g_fps = 100;
static int g_frames_malloc;
TP_DMA_STORAGE_DEFINE(g_dma_storage, 2, LED_DMA_BYTES(LED_MAX_LEDS), 0);

/* strip emulation results (written by the strip thread, read after join) */
static uint32_t g_strip_transfers, g_strip_bad;

/* tracking (--trace) */
#define TRACK_ENTRIES 4096u
static tp_track_t g_track;
static tp_track_entry_t g_track_table[TRACK_ENTRIES];
static FILE *g_trace;
static atomic_int g_trace_short; /* a write of the trace failed: the trace is incomplete */

static void trace_sink(const char *text, size_t len, void *user)
{
    if (fwrite(text, 1, len, (FILE *)user) != len) {
        atomic_store(&g_trace_short, 1);
    }
}

/* ---- helpers ---- */

static void sleep_us(uint64_t us)
{
    struct timespec ts = { (time_t)(us / 1000000u), (long)(us % 1000000u) * 1000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- render and strip threads ---- */

static void *render_main(void *arg)
{
    (void)arg;
    led_sys_set_thread("render", 2);
    while (!atomic_load(&g_threads_stop)) {
        const uint64_t now = tp_sys_time_us();
        const uint64_t next = led_app_render(&g_app, now);
        const uint64_t wait = next > now ? next - now : 0u;
        sleep_us(wait < 20000u ? wait : 20000u);
    }
    return NULL;
}

static void *strip_main(void *arg)
{
    (void)arg;
    led_sys_set_thread("strip", 3);
    tp_ledbuf_t *lb = led_app_ledbuf(&g_app);
    const size_t bytes = led_app_frame_bytes(&g_app);
    const uint64_t period = 1000000u / g_fps;
    const uint64_t transfer = (uint64_t)bytes * 8u * 1000000u / LED_SPI_HZ;
    static led_rgb_t px[LED_MAX_LEDS];
    uint64_t next = tp_sys_time_us();
    while (!atomic_load(&g_threads_stop)) {
        const uint8_t *tx = tp_ledbuf_tx_begin(lb);
        if (tx != NULL) {
            sleep_us(transfer); /* the DMA reads the buffer */
            if (led_app_decode(tx, bytes, g_leds, px) != 0) {
                g_strip_bad++;
            }
            g_strip_transfers++;
            led_sys_set_in_isr(1); /* the SPI transfer-done interrupt */
            (void)tp_ledbuf_tx_done(lb);
            led_sys_set_in_isr(0);
        }
        next += period;
        const uint64_t now = tp_sys_time_us();
        if (next > now) {
            sleep_us(next - now);
        } else {
            next = now;
        }
    }
    return NULL;
}

/* ---- the server ---- */

enum { HTTP_NONE = 0, HTTP_PAGE = 1, HTTP_HEALTH = 2 };
#define HEALTH_MAX 6144u

typedef struct {
    led_conn_t *conn;
    int http;
    size_t body_len;
    size_t reply_len;
    int reply_pending;
    uint8_t *malloc_msg; /* --frames-malloc: the message assembled with malloc */
    size_t malloc_len;
    union {
        uint8_t reply[LWS_PRE + LED_REPLY_MAX];
        char health[HEALTH_MAX];
    } u;
} pss_t;

/* --frames-malloc (benchmark baseline): the seed's way, a message assembled in
 * a malloc'ed buffer grown with realloc, freed after use. A command runs from
 * that buffer; an upload (the store keeps pool blocks) is copied into the pool. */
static led_rx_t rx_malloc(pss_t *pss, int binary, const void *in, size_t len, size_t more, int first, int final,
                          char *reply, size_t *reply_len, uint16_t *code)
{
    if (first) {
        free(pss->malloc_msg);
        pss->malloc_msg = NULL;
        pss->malloc_len = 0;
    }
    if (pss->malloc_len + len + more > LED_MESSAGE_LIMIT) {
        free(pss->malloc_msg);
        pss->malloc_msg = NULL;
        *code = 1009;
        return LED_RX_CLOSE;
    }
    uint8_t *grown = realloc(pss->malloc_msg, pss->malloc_len + len + 1u);
    if (grown == NULL) {
        *code = 1013;
        return LED_RX_CLOSE;
    }
    pss->malloc_msg = grown;
    memcpy(grown + pss->malloc_len, in, len);
    pss->malloc_len += len;
    if (!final) {
        return LED_RX_MORE;
    }
    led_rx_t r;
    if (binary) {
        r = led_app_conn_rx(&g_app, pss->conn, 1, pss->malloc_msg, pss->malloc_len, 0, 1, 1, reply, LED_REPLY_MAX,
                            reply_len, code);
    } else {
        *reply_len = led_app_command(&g_app, (const char *)pss->malloc_msg, pss->malloc_len, reply, LED_REPLY_MAX);
        r = LED_RX_REPLY;
    }
    free(pss->malloc_msg);
    pss->malloc_msg = NULL;
    pss->malloc_len = 0;
    return r;
}

/* The response headers; the body follows in LWS_CALLBACK_HTTP_WRITEABLE. */
static int write_http_headers(struct lws *wsi, const char *type, size_t len)
{
    uint8_t head[LWS_PRE + 512];
    uint8_t *start = head + LWS_PRE, *p = start, *end = head + sizeof head - 1;
    if (lws_add_http_common_headers(wsi, HTTP_STATUS_OK, type, (lws_filepos_t)len, &p, end) ||
        lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL, (const unsigned char *)"no-store", 8, &p,
                                     end) ||
        lws_finalize_write_http_header(wsi, start, &p, end)) {
        return -1;
    }
    return 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
    pss_t *pss = user;
    switch (reason) {
    case LWS_CALLBACK_HTTP: {
        const char *uri = in;
        memset(pss, 0, sizeof *pss);
        size_t n = 0;
        if (strcmp(uri, "/") == 0) {
            pss->http = HTTP_PAGE;
            (void)led_app_status_page(&n);
            if (write_http_headers(wsi, "text/html; charset=utf-8", n) != 0) {
                return -1;
            }
        } else if (strcmp(uri, "/health") == 0) {
            /* the figures of this moment, sent when the socket is writable */
            if (led_app_health_json(&g_app, pss->u.health, sizeof pss->u.health, &pss->body_len) != TP_OK) {
                return lws_return_http_status(wsi, HTTP_STATUS_INTERNAL_SERVER_ERROR, NULL) ? -1 : 0;
            }
            pss->http = HTTP_HEALTH;
            if (write_http_headers(wsi, "application/json", pss->body_len) != 0) {
                return -1;
            }
        } else {
            if (lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, NULL)) {
                return -1;
            }
            return lws_http_transaction_completed(wsi) ? -1 : 0;
        }
        lws_callback_on_writable(wsi);
        return 0;
    }
    case LWS_CALLBACK_HTTP_WRITEABLE: {
        if (pss == NULL || pss->http == HTTP_NONE) {
            return 0;
        }
        static uint8_t out[LWS_PRE + 16384];
        size_t n = 0;
        const char *body = pss->http == HTTP_PAGE ? led_app_status_page(&n) : pss->u.health;
        if (pss->http == HTTP_HEALTH) {
            n = pss->body_len;
        }
        if (n > sizeof out - LWS_PRE) {
            return -1;
        }
        memcpy(out + LWS_PRE, body, n);
        pss->http = HTTP_NONE;
        if (lws_write(wsi, out + LWS_PRE, n, LWS_WRITE_HTTP_FINAL) != (int)n) {
            return -1;
        }
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    }
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: {
        char uri[16];
        if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0 || strcmp(uri, "/ws") != 0) {
            return 1; /* WebSocket only on /ws */
        }
        return 0;
    }
    case LWS_CALLBACK_ESTABLISHED:
        memset(pss, 0, sizeof *pss);
        pss->conn = led_app_conn_open(&g_app);
        if (pss->conn == NULL) {
            lws_close_reason(wsi, (enum lws_close_status)1013, NULL, 0);
            return -1;
        }
        return 0;
    case LWS_CALLBACK_RECEIVE: {
        if (pss->conn == NULL) {
            return -1;
        }
        uint16_t code = 0;
        size_t reply_len = 0;
        char *reply = (char *)pss->u.reply + LWS_PRE;
        const int first = lws_is_first_fragment(wsi);
        const int final = lws_is_final_fragment(wsi);
        const size_t more = lws_remaining_packet_payload(wsi);
        const int binary = lws_frame_is_binary(wsi);
        led_rx_t r;
        if (g_frames_malloc) {
            r = rx_malloc(pss, binary, in, len, more, first, final, reply, &reply_len, &code);
        } else {
            r = led_app_conn_rx(&g_app, pss->conn, binary, in, len, more, first, final, reply, LED_REPLY_MAX,
                                &reply_len, &code);
        }
        if (r == LED_RX_CLOSE) {
            lws_close_reason(wsi, (enum lws_close_status)code, NULL, 0);
            return -1;
        }
        if (r == LED_RX_REPLY) {
            if (pss->reply_pending) {
                fprintf(stderr, "led-controller: a message completed before the last reply was sent\n");
                return -1;
            }
            pss->reply_len = reply_len;
            pss->reply_pending = 1;
            lws_rx_flow_control(wsi, 0); /* one message at a time: its reply first */
            lws_callback_on_writable(wsi);
        }
        return 0;
    }
    case LWS_CALLBACK_SERVER_WRITEABLE:
        if (pss->reply_pending) {
            pss->reply_pending = 0;
            if (lws_write(wsi, pss->u.reply + LWS_PRE, pss->reply_len, LWS_WRITE_TEXT) != (int)pss->reply_len) {
                return -1;
            }
            lws_rx_flow_control(wsi, 1);
        }
        return 0;
    case LWS_CALLBACK_CLOSED:
        if (pss != NULL && pss->conn != NULL) {
            led_app_conn_close(&g_app, pss->conn);
            pss->conn = NULL;
        }
        if (pss != NULL) {
            free(pss->malloc_msg);
            pss->malloc_msg = NULL;
        }
        return 0;
    default: return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

static const struct lws_protocols protocols[] = {
    { "led", callback, sizeof(pss_t), LED_MESSAGE_LIMIT, 0, NULL, 0 },
    { NULL, NULL, 0, 0, 0, NULL, 0 },
};

static void service_cb(lws_sorted_usec_list_t *sul)
{
    led_app_service(&g_app);
    lws_sul_schedule(g_ctx, 0, sul, service_cb, 100 * LWS_US_PER_MS);
}

static void *lws_heap(void *ptr, size_t size, const char *reason)
{
    (void)reason;
    return led_sys_heap_realloc(ptr, size);
}

static void on_signal(int sig)
{
    g_signal = sig;
}

static int usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s --port PORT --patterns DIR [--leds N] [--fps N] [--trace FILE]\n"
            "          [--heap-kib N] [--frames-malloc]\n"
            "  --port PORT     TCP port on 127.0.0.1 (0: any free port)\n"
            "  --patterns DIR  directory of pattern files (NAME.ledp), loaded at start\n"
            "  --leds N        LEDs on the emulated strip, 1..%u (default 60)\n"
            "  --fps N         strip refresh rate, 1..1000 (default 100)\n"
            "  --trace FILE    record every pool allocation (tpev format, for poolsim plan)\n"
            "  --heap-kib N    the network library's heap model, 64..4096 KiB (default 1024)\n"
            "  --frames-malloc benchmark baseline: assemble messages with malloc\n",
            argv0, LED_MAX_LEDS);
    return 2;
}

static int parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
    char *end = NULL;
    errno = 0;
    const unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < lo || v > hi) {
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    uint32_t port = 0, heap_kib = 1024;
    int have_port = 0;
    const char *dir = NULL, *trace = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--frames-malloc") == 0) {
            g_frames_malloc = 1;
            continue;
        }
        if (v == NULL) {
            return usage(argv[0]);
        }
        i++;
        if (strcmp(a, "--port") == 0 && parse_u32(v, 0, 65535, &port) == 0) {
            have_port = 1;
        } else if (strcmp(a, "--patterns") == 0) {
            dir = v;
        } else if (strcmp(a, "--leds") == 0 && parse_u32(v, 1, LED_MAX_LEDS, &g_leds) == 0) {
        } else if (strcmp(a, "--fps") == 0 && parse_u32(v, 1, 1000, &g_fps) == 0) {
        } else if (strcmp(a, "--trace") == 0) {
            trace = v;
        } else if (strcmp(a, "--heap-kib") == 0 && parse_u32(v, 64, 4096, &heap_kib) == 0) {
        } else {
            fprintf(stderr, "%s: bad option or value: %s %s\n", argv[0], a, v);
            return usage(argv[0]);
        }
    }
    if (!have_port || dir == NULL) {
        return usage(argv[0]);
    }
    if (led_sys_init((size_t)heap_kib * 1024u) != 0) {
        fprintf(stderr, "led-controller: cannot create the heap model\n");
        return 1;
    }
    led_sys_set_thread("net", 1);
    if (files_init(dir) != 0) {
        fprintf(stderr, "led-controller: %s is not a directory\n", dir);
        return 1;
    }
    led_platform_t plat;
    memset(&plat, 0, sizeof plat);
    files_platform(&plat);
    plat.heap_allocs_after_start = heap_allocs_after_start;
    const led_app_config_t cfg = { g_leds, 128, g_dma_storage, sizeof g_dma_storage, &plat };
    tp_err_t err = led_app_init(&g_app, &cfg);
    if (err != TP_OK) {
        fprintf(stderr, "led-controller: led_app_init: %s\n", tp_strerror(err));
        return 1;
    }
    if (trace != NULL) {
        g_trace = fopen(trace, "w");
        if (g_trace == NULL || g_app.pool.total_blocks > TRACK_ENTRIES ||
            tp_track_init(&g_track, &g_app.pool, g_track_table, TRACK_ENTRIES, 0) != TP_OK ||
            tp_track_set_event_sink(&g_track, trace_sink, g_trace) != TP_OK) {
            fprintf(stderr, "led-controller: cannot record the trace to %s\n", trace);
            return 1;
        }
    }
    err = led_app_start(&g_app);
    if (err != TP_OK) {
        fprintf(stderr, "led-controller: led_app_start: %s\n", tp_strerror(err));
        return 1;
    }

    /* Signals go to this thread only: the workers block them. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    pthread_t render_th, strip_th;
    if (pthread_create(&render_th, NULL, render_main, NULL) != 0 ||
        pthread_create(&strip_th, NULL, strip_main, NULL) != 0) {
        fprintf(stderr, "led-controller: cannot start threads\n");
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);

    lws_set_log_level(LLL_ERR, NULL);
    lws_set_allocator(lws_heap);
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = (int)port;
    info.iface = "127.0.0.1";
    info.protocols = protocols;
    info.gid = -1;
    info.uid = -1;
    info.fd_limit_per_thread = 64u + LED_MAX_CONNS;
    info.options = LWS_SERVER_OPTION_DISABLE_IPV6 | LWS_SERVER_OPTION_VALIDATE_UTF8;
    g_ctx = lws_create_context(&info);
    if (g_ctx == NULL) {
        fprintf(stderr, "led-controller: cannot listen on 127.0.0.1:%u\n", (unsigned)port);
        atomic_store(&g_threads_stop, 1);
        pthread_join(render_th, NULL);
        pthread_join(strip_th, NULL);
        return 1;
    }
    struct lws_vhost *vh = lws_get_vhost_by_name(g_ctx, "default");
    const int bound = vh != NULL ? lws_get_vhost_listen_port(vh) : (int)port;
    lws_sul_schedule(g_ctx, 0, &g_service_sul, service_cb, 100 * LWS_US_PER_MS);
    atomic_store(&g_started, 1); /* start-up is over: no more heap from our code */
    printf("listening on 127.0.0.1:%d\n", bound);
    fflush(stdout);

    while (!g_signal && !led_sys_reboot_requested()) {
        if (lws_service(g_ctx, 0) < 0) {
            break;
        }
    }

    /* Shutdown: threads, network, application; then check that all is back. */
    atomic_store(&g_threads_stop, 1);
    pthread_join(render_th, NULL);
    pthread_join(strip_th, NULL);
    lws_sul_cancel(&g_service_sul);
    lws_context_destroy(g_ctx);
    const uint32_t allocs_after_start = atomic_load(&g_heap_allocs_after_start);
    led_app_stop(&g_app);
    int trace_incomplete = 0;
    if (trace != NULL) {
        (void)tp_track_detach(&g_track);
        /* a trace that could not be written whole is no trace to plan from */
        const int write_error = atomic_load(&g_trace_short) || ferror(g_trace);
        trace_incomplete = fclose(g_trace) != 0 || write_error;
        if (trace_incomplete) {
            fprintf(stderr, "led-controller: the trace %s could not be written completely\n", trace);
        }
    }
    tp_pool_stats_t ps;
    (void)tp_pool_get_stats(&g_app.pool, &ps);
    uint32_t heap_used, heap_blocks, heap_failed;
    led_sys_heap_stats(&heap_used, &heap_blocks, &heap_failed);
    tp_ledbuf_stats_t ls;
    (void)tp_ledbuf_stats(led_app_ledbuf(&g_app), &ls);
    printf("led-controller: %u messages, %u replies, %u refused messages; pool: %u blocks in use, "
           "%u failed allocations; network heap: %u bytes in %u blocks still allocated, %u failed; "
           "strip: %u transfers, %u invalid, %u frames shown, %u repeated, %u dropped; "
           "heap calls by the application after start-up: %u\n",
           (unsigned)g_app.c.messages, (unsigned)g_app.c.replies, (unsigned)g_app.c.frames_refused,
           (unsigned)ps.blocks_in_use, (unsigned)ps.failed, (unsigned)heap_used, (unsigned)heap_blocks,
           (unsigned)heap_failed, (unsigned)g_strip_transfers, (unsigned)g_strip_bad, (unsigned)ls.shown,
           (unsigned)ls.repeated, (unsigned)ls.dropped, (unsigned)allocs_after_start);
    const int leaked = ps.blocks_in_use != 0u || heap_used != 0u || g_strip_bad != 0u;
    if (leaked) {
        fprintf(stderr, "led-controller: not everything was released\n");
    }
    if (led_sys_reboot_requested()) {
        return 3;
    }
    return leaked || trace_incomplete ? 1 : 0;
}
