/*
 * workload.c - lazy, seeded event generation.
 *
 * Every future happening (the next arrival of a source, the free of a live
 * allocation) waits in a binary min-heap ordered by (time, sequence number);
 * the sequence number makes ties, and so the whole stream, deterministic.
 * Popping an item may produce several events at the same instant (a burst, a
 * pattern load that evicts the oldest pattern); those wait in a small FIFO
 * that drains before the heap is popped again.
 */
#include "workload.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_MS ((uint64_t)1000000u)
#define NS_PER_S ((uint64_t)1000000000u)
#define NS_PER_MIN (60u * NS_PER_S)
#define NS_PER_HOUR (60u * NS_PER_MIN)

/* ---- the Wi-Fi + TLS WebSocket client (net): every size and its source ----
 * Sizes are bytes on a 32-bit ESP32-S3 build with ESP-IDF's defaults; each
 * names the Kconfig default, the source line or the measurement it comes
 * from, or says "estimate" where no source gives it. docs/poolsim.md has
 * the same table. */
/* start-up, never freed */
#define NET_WIFI_STATIC_RX_BUFS 10u /* CONFIG_ESP_WIFI_STATIC_RX_BUFFER_NUM default */
#define NET_WIFI_STATIC_RX 1600u    /* "approximately 1.6KB" each (esp_wifi Kconfig help) */
#define NET_TCPIP_STACK 3072u       /* CONFIG_LWIP_TCPIP_TASK_STACK_SIZE default: stacks come from the heap */
#define NET_EVENT_STACK 2304u       /* CONFIG_ESP_SYSTEM_EVENT_TASK_STACK_SIZE default */
#define NET_WS_TASK_STACK 4096u     /* esp_websocket_client.c WEBSOCKET_TASK_STACK */
#define NET_WS_BUFFER 1024u         /* WEBSOCKET_BUFFER_SIZE_BYTE: its rx and its tx buffer */
/* per TLS connection */
#define NET_ESP_TLS \
    2064u                  /* esp_tls_t: the sum of its members' sizeof (ssl 252, entropy 420,
                                         ctr_drbg 320, conf 192, 2 x509_crt 816, ...) on a 32-bit mbedTLS 3.6 */
#define NET_TCP_STATE 256u /* lwIP tcp_pcb and netconn: estimate */
#define NET_TLS_IN_BUF \
    16717u                      /* MBEDTLS_SSL_IN_BUFFER_LEN = 13 + 16 (IV) + 48 (SHA-384 MAC) + 256
                                         (CBC padding) + 16384 (CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN) */
#define NET_TLS_OUT_BUF 4429u   /* MBEDTLS_SSL_OUT_BUFFER_LEN, with 4096 (CONFIG_MBEDTLS_SSL_OUT_CONTENT_LEN) */
#define NET_TLS_HANDSHAKE 1676u /* sizeof(mbedtls_ssl_handshake_params), freed when the handshake ends */
#define NET_TLS_TRANSFORM 284u  /* sizeof(mbedtls_ssl_transform) */
#define NET_TLS_SESSION 132u    /* sizeof(mbedtls_ssl_session) */
#define NET_X509_CRT 408u       /* sizeof(mbedtls_x509_crt), one per certificate of the peer's chain */
#define NET_CERT_LEAF 1400u     /* the DER copies kept (MBEDTLS_SSL_KEEP_PEER_CERTIFICATE, default on): */
#define NET_CERT_CA 1300u       /* a leaf and one intermediate, typical sizes (assumed) */
#define NET_MPI_ALLOCS 120u     /* the handshake's bignum temporaries: count and sizes estimated */
#define NET_MPI_MIN 32u
#define NET_MPI_MAX 96u
#define NET_TCP_CONNECT_MS 30u  /* TCP handshake before mbedtls_ssl_setup (assumed round trip) */
#define NET_RECONNECT_MS 10000u /* WEBSOCKET_RECONNECT_TIMEOUT_MS */
#define NET_CONN_BLOCKS 16u
/* per received frame and per ACK */
#define NET_MSS 1440u      /* CONFIG_LWIP_TCP_MSS default */
#define NET_TLS_RECORD 29u /* TLS 1.2 AES-GCM record: 5 header + 8 explicit nonce + 16 tag */
#define NET_FRAME_HEADERS \
    74u                  /* 802.11 QoS data 26 + LLC/SNAP 8 + IPv4 20 + TCP 20 (the driver's own
                                         descriptor is not documented and not counted) */
#define NET_PBUF_REF 28u /* esp_pbuf_ref.c: esp_custom_pbuf_t = pbuf_custom (pbuf 16 + 4) + 2 pointers */
#define NET_PBUF_ACK \
    92u                                       /* PBUF_RAM for a bare ACK: pbuf 16 + PBUF_IP offset 14 + 40 (IPv6 on)
                                         rounded to 56 + TCP header 20 */
#define NET_PBUF_TX_HEAD 92u                  /* PBUF_RAM at PBUF_TRANSPORT: pbuf 16 + 14 + 40 + 20 rounded to 76 */
#define NET_PING_S 10u                        /* WEBSOCKET_PING_INTERVAL_SEC */
#define NET_PING_RECORD (6u + NET_TLS_RECORD) /* a masked empty ping: 2 + 4 header bytes */
#define NET_PONG_RECORD (2u + NET_TLS_RECORD)
#define NET_BCAST_MIN 60u /* broadcast frames (ARP, mDNS, SSDP): sizes assumed */
#define NET_BCAST_MAX 400u
/* how long they live (assumed): RX buffers until the client task has read them, TX buffers until the
 * frame is sent, TCP data until the peer's ACK */
static const ps_range_t net_rx_hold_us = { 1000, 5000 }, net_tx_hold_us = { 300, 3000 }, net_rtt_us = { 20000, 80000 };

/* Timers: pending arrivals that are not sources of their own (never in an event). */
enum { T_CONNECT = PS_SRC_COUNT, T_HANDSHAKE, T_MPI, T_PONG, T_RECONNECT, T_PING, T_BCAST };

/* A pending item is an arrival (kind PS_EV_ALLOC) or a free (PS_EV_FREE). */
typedef struct {
    uint64_t t;
    uint64_t seq;
    uint64_t id;
    uint32_t size;
    uint8_t kind;
    uint8_t src;
} pend_t;

struct ps_workload {
    ps_workload_cfg_t cfg;
    uint64_t rng;
    uint64_t seq;
    uint64_t next_id;
    pend_t *heap;
    size_t n, cap;
    ps_event_t *ready; /* FIFO of events due now */
    size_t r_head, r_n, r_cap;
    uint64_t *ring; /* pattern ring: ids of loaded patterns, oldest first */
    size_t ring_n;
    uint64_t trickled;
    uint64_t bg_live;
    /* net: the TLS connection's long-lived blocks, freed at disconnect */
    uint64_t conn_ids[NET_CONN_BLOCKS];
    size_t conn_n;
    uint64_t conn_gen; /* connection number; a pending step of an older one is dropped */
    int done;
};

void ps_workload_defaults(ps_workload_cfg_t *c)
{
    memset(c, 0, sizeof *c);
    c->seed = 1;
    c->duration_ns = 48ull * NS_PER_HOUR;
    c->ws_per_min = 600; /* 10 frames a second */
    c->ws_size = (ps_range_t){ 32, 4096 };
    c->ws_hold_ms = (ps_range_t){ 5, 100 };
    c->cmd_per_min = 120;
    c->cmd_size = (ps_range_t){ 8, 256 };
    c->cmd_hold_ms = (ps_range_t){ 1, 20 };
    c->pattern_per_hour = 120;
    c->pattern_size = (ps_range_t){ 1024, 1024 };
    c->pattern_ring = 8;
    c->trickle_per_hour = 30;
    c->trickle_size = (ps_range_t){ 16, 128 };
    c->trickle_cap = 8192;
    c->burst_every_min = 15;
    c->burst_frames = 8;
    c->burst_size = (ps_range_t){ 1024, 4096 };
    c->burst_hold_ms = (ps_range_t){ 100, 500 };
    c->background_bytes = 0;
    c->background_size = (ps_range_t){ 16, 2048 };
    c->background_life_s = (ps_range_t){ 10, 600 };
    c->net = 1;
    c->net_reconnects_per_hour = 1;
    c->net_broadcast_per_min = 120;
    c->net_handshake_ms = 1000;
}

uint64_t ps_workload_system_tasks(void)
{
    return (1u << PS_SRC_WIFI) | (1u << PS_SRC_LWIP) | (1u << PS_SRC_TLS) | (1u << PS_SRC_NETSYS);
}

const char *ps_workload_source_name(unsigned task)
{
    static const char *const names[PS_SRC_COUNT] = { "?",          "ws",   "cmd",  "pattern", "trickle", "burst",
                                                     "background", "wifi", "lwip", "tls",     "netsys" };
    return task < PS_SRC_COUNT ? names[task] : "?";
}

/* ---- randomness (xorshift64*: small, fast, and the same on every host) ---- */

static uint64_t rnd64(ps_workload_t *w)
{
    w->rng ^= w->rng >> 12;
    w->rng ^= w->rng << 25;
    w->rng ^= w->rng >> 27;
    return w->rng * 2685821657736338717ull;
}

static uint32_t draw(ps_workload_t *w, ps_range_t r)
{
    uint64_t span = (uint64_t)r.max - r.min + 1u;
    return r.min + (uint32_t)((rnd64(w) >> 11) % span);
}

/* Time to the next arrival of a source with mean interval `mean`: uniform in
 * [mean/2, 3*mean/2], so arrivals are irregular but the rate is as asked. */
static uint64_t jitter(ps_workload_t *w, uint64_t mean)
{
    uint64_t lo = mean / 2u;
    return lo + (mean ? (rnd64(w) >> 11) % (mean + 1u) : 0u) + 1u;
}

/* ---- the min-heap of pending items ---- */

static int before(const pend_t *a, const pend_t *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void push(ps_workload_t *w, uint64_t t, uint8_t kind, uint8_t src, uint64_t id, uint32_t size)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2u : 256u;
        pend_t *p = realloc(w->heap, cap * sizeof *p);
        if (!p) {
            fprintf(stderr, "poolsim: out of memory\n");
            exit(1);
        }
        w->heap = p;
        w->cap = cap;
    }
    pend_t item = { t, w->seq++, id, size, kind, src };
    size_t i = w->n++;
    while (i > 0) {
        size_t parent = (i - 1u) / 2u;
        if (!before(&item, &w->heap[parent]))
            break;
        w->heap[i] = w->heap[parent];
        i = parent;
    }
    w->heap[i] = item;
}

static pend_t pop(ps_workload_t *w)
{
    pend_t top = w->heap[0];
    pend_t last = w->heap[--w->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2u * i + 1u;
        if (c >= w->n)
            break;
        if (c + 1u < w->n && before(&w->heap[c + 1u], &w->heap[c]))
            c++;
        if (!before(&w->heap[c], &last))
            break;
        w->heap[i] = w->heap[c];
        i = c;
    }
    if (w->n > 0)
        w->heap[i] = last;
    return top;
}

/* ---- the FIFO of events due now ---- */

static void emit(ps_workload_t *w, uint64_t t, uint8_t kind, uint8_t src, uint64_t id, uint32_t size)
{
    if (w->r_n == w->r_cap) {
        size_t cap = w->r_cap ? w->r_cap * 2u : 64u;
        ps_event_t *p = malloc(cap * sizeof *p);
        if (!p) {
            fprintf(stderr, "poolsim: out of memory\n");
            exit(1);
        }
        for (size_t i = 0; i < w->r_n; i++)
            p[i] = w->ready[(w->r_head + i) % w->r_cap];
        free(w->ready);
        w->ready = p;
        w->r_cap = cap;
        w->r_head = 0;
    }
    ps_event_t *e = &w->ready[(w->r_head + w->r_n) % w->r_cap];
    memset(e, 0, sizeof *e);
    e->t_ns = t;
    e->addr = id;
    e->size = kind == PS_EV_ALLOC ? size : 0u;
    e->kind = kind;
    e->task = src;
    w->r_n++;
}

/* ---- sources ---- */

static uint64_t mean_interval(const ps_workload_t *w, unsigned src)
{
    const ps_workload_cfg_t *c = &w->cfg;
    switch (src) {
    case PS_SRC_WS: return c->ws_per_min ? NS_PER_MIN / c->ws_per_min : 0;
    case PS_SRC_CMD: return c->cmd_per_min ? NS_PER_MIN / c->cmd_per_min : 0;
    case PS_SRC_PATTERN: return c->pattern_per_hour ? NS_PER_HOUR / c->pattern_per_hour : 0;
    case PS_SRC_TRICKLE: return c->trickle_per_hour ? NS_PER_HOUR / c->trickle_per_hour : 0;
    case PS_SRC_BURST: return c->burst_every_min ? (uint64_t)c->burst_every_min * NS_PER_MIN : 0;
    case T_RECONNECT: return c->net && c->net_reconnects_per_hour ? NS_PER_HOUR / c->net_reconnects_per_hour : 0;
    case T_PING: return c->net ? NET_PING_S * NS_PER_S : 0;
    case T_BCAST: return c->net && c->net_broadcast_per_min ? NS_PER_MIN / c->net_broadcast_per_min : 0;
    default: return 0;
    }
}

/* Allocate one short-lived block now and schedule its free. */
static void alloc_held(ps_workload_t *w, uint64_t t, uint8_t src, ps_range_t size, ps_range_t hold_ms)
{
    uint64_t id = w->next_id++;
    uint32_t n = draw(w, size);
    emit(w, t, PS_EV_ALLOC, src, id, n);
    push(w, t + (uint64_t)draw(w, hold_ms) * NS_PER_MS, PS_EV_FREE, src, id, n);
}

/* One block of a fixed size, freed after a hold drawn in microseconds. */
static void alloc_held_us(ps_workload_t *w, uint64_t t, uint8_t src, uint32_t size, ps_range_t hold_us)
{
    uint64_t id = w->next_id++;
    emit(w, t, PS_EV_ALLOC, src, id, size);
    push(w, t + (uint64_t)draw(w, hold_us) * 1000u, PS_EV_FREE, src, id, size);
}

/* A block of the current connection, freed at disconnect. */
static void conn_alloc(ps_workload_t *w, uint64_t t, uint8_t src, uint32_t size)
{
    uint64_t id = w->next_id++;
    emit(w, t, PS_EV_ALLOC, src, id, size);
    if (w->conn_n < NET_CONN_BLOCKS)
        w->conn_ids[w->conn_n++] = id;
}

static void disconnect(ps_workload_t *w, uint64_t t)
{
    /* mbedtls_ssl_free, esp_tls_conn_destroy, the socket closed: in reverse */
    while (w->conn_n > 0)
        emit(w, t, PS_EV_FREE, PS_SRC_TLS, w->conn_ids[--w->conn_n], 0);
    w->conn_gen++;
}

/* A TCP segment of `len` bytes arrives: the Wi-Fi driver copies the frame
 * into a dynamic RX buffer, esp_netif wraps it in a custom pbuf; both live
 * until the client task has read the data. */
static void net_rx_segment(ps_workload_t *w, uint64_t t, uint32_t len)
{
    uint64_t hold = (uint64_t)draw(w, net_rx_hold_us) * 1000u;
    uint64_t buf = w->next_id++, ref = w->next_id++;
    emit(w, t, PS_EV_ALLOC, PS_SRC_WIFI, buf, len + NET_FRAME_HEADERS);
    emit(w, t, PS_EV_ALLOC, PS_SRC_LWIP, ref, NET_PBUF_REF);
    push(w, t + hold, PS_EV_FREE, PS_SRC_LWIP, ref, NET_PBUF_REF);
    push(w, t + hold, PS_EV_FREE, PS_SRC_WIFI, buf, len + NET_FRAME_HEADERS);
}

/* lwIP's ACK: a PBUF_RAM pbuf, copied into a Wi-Fi dynamic TX buffer. */
static void net_ack(ps_workload_t *w, uint64_t t)
{
    alloc_held_us(w, t, PS_SRC_LWIP, NET_PBUF_ACK, net_tx_hold_us);
    alloc_held_us(w, t, PS_SRC_WIFI, NET_FRAME_HEADERS, net_tx_hold_us);
}

/* A TLS record of `record` bytes arrives: its TCP segments, an ACK for every
 * second one (delayed ACK) and one for an odd last. */
static void net_rx_record(ps_workload_t *w, uint64_t t, uint32_t record)
{
    uint32_t segs = 0;
    for (uint32_t left = record; left > 0; segs++) {
        uint32_t len = left < NET_MSS ? left : NET_MSS;
        net_rx_segment(w, t, len);
        left -= len;
    }
    for (uint32_t a = 0; a < (segs + 1u) / 2u; a++)
        net_ack(w, t);
}

/* A WebSocket frame of `payload` bytes from the server (unmasked). */
static void net_rx_ws_frame(ps_workload_t *w, uint64_t t, uint32_t payload)
{
    uint32_t hdr = payload <= 125u ? 2u : payload <= 65535u ? 4u : 10u;
    net_rx_record(w, t, payload + hdr + NET_TLS_RECORD);
}

/* TCP data sent: a PBUF_RAM pbuf held until the peer ACKs it, and the Wi-Fi
 * TX buffer holding the frame until it is on the air. */
static void net_tx_record(ps_workload_t *w, uint64_t t, uint32_t record)
{
    alloc_held_us(w, t, PS_SRC_LWIP, NET_PBUF_TX_HEAD + ((record + 3u) & ~3u), net_rtt_us);
    alloc_held_us(w, t, PS_SRC_WIFI, record + NET_FRAME_HEADERS, net_tx_hold_us);
}

static void net_start(ps_workload_t *w)
{
    /* esp_wifi_init, the TCP/IP and event tasks, the WebSocket client */
    for (unsigned i = 0; i < NET_WIFI_STATIC_RX_BUFS; i++)
        emit(w, 0, PS_EV_ALLOC, PS_SRC_WIFI, w->next_id++, NET_WIFI_STATIC_RX);
    emit(w, 0, PS_EV_ALLOC, PS_SRC_NETSYS, w->next_id++, NET_TCPIP_STACK);
    emit(w, 0, PS_EV_ALLOC, PS_SRC_NETSYS, w->next_id++, NET_EVENT_STACK);
    emit(w, 0, PS_EV_ALLOC, PS_SRC_NETSYS, w->next_id++, NET_WS_TASK_STACK);
    emit(w, 0, PS_EV_ALLOC, PS_SRC_NETSYS, w->next_id++, NET_WS_BUFFER);
    emit(w, 0, PS_EV_ALLOC, PS_SRC_NETSYS, w->next_id++, NET_WS_BUFFER);
    push(w, 1u, PS_EV_ALLOC, T_CONNECT, w->conn_gen, 0);
}

static void net_timer(ps_workload_t *w, const pend_t *p)
{
    const ps_workload_cfg_t *c = &w->cfg;
    uint64_t t = p->t;
    switch (p->src) {
    case T_CONNECT:
        if (p->id != w->conn_gen)
            break;
        /* esp_tls_init, the socket; mbedtls_ssl_setup once TCP is connected */
        conn_alloc(w, t, PS_SRC_TLS, NET_ESP_TLS);
        conn_alloc(w, t, PS_SRC_LWIP, NET_TCP_STATE);
        push(w, t + NET_TCP_CONNECT_MS * NS_PER_MS, PS_EV_ALLOC, T_HANDSHAKE, w->conn_gen, 0);
        break;
    case T_HANDSHAKE: {
        if (p->id != w->conn_gen)
            break;
        uint64_t hs_end = t + (uint64_t)c->net_handshake_ms * NS_PER_MS;
        conn_alloc(w, t, PS_SRC_TLS, NET_TLS_IN_BUF);
        conn_alloc(w, t, PS_SRC_TLS, NET_TLS_OUT_BUF);
        conn_alloc(w, t, PS_SRC_TLS, NET_TLS_TRANSFORM);
        conn_alloc(w, t, PS_SRC_TLS, NET_TLS_SESSION);
        uint64_t hs = w->next_id++;
        emit(w, t, PS_EV_ALLOC, PS_SRC_TLS, hs, NET_TLS_HANDSHAKE);
        push(w, hs_end, PS_EV_FREE, PS_SRC_TLS, hs, NET_TLS_HANDSHAKE);
        /* the server's certificates arrive early in the handshake and are kept */
        uint64_t certs_at = t + (hs_end - t) / 4u;
        push(w, certs_at, PS_EV_ALLOC, T_MPI, w->conn_gen, 0); /* size 0 marks the certificates */
        for (unsigned i = 0; i < NET_MPI_ALLOCS; i++)
            push(w, t + (hs_end - t) * (i + 1u) / (NET_MPI_ALLOCS + 1u), PS_EV_ALLOC, T_MPI, w->conn_gen,
                 draw(w, (ps_range_t){ NET_MPI_MIN, NET_MPI_MAX }));
        break;
    }
    case T_MPI:
        if (p->id != w->conn_gen)
            break;
        if (p->size == 0) {
            conn_alloc(w, t, PS_SRC_TLS, NET_X509_CRT);
            conn_alloc(w, t, PS_SRC_TLS, NET_CERT_LEAF);
            conn_alloc(w, t, PS_SRC_TLS, NET_X509_CRT);
            conn_alloc(w, t, PS_SRC_TLS, NET_CERT_CA);
        } else {
            alloc_held_us(w, t, PS_SRC_TLS, p->size, (ps_range_t){ 1000, 40000 });
        }
        break;
    case T_RECONNECT:
        disconnect(w, t);
        push(w, t + NET_RECONNECT_MS * NS_PER_MS, PS_EV_ALLOC, T_CONNECT, w->conn_gen, 0);
        break;
    case T_PING:
        net_tx_record(w, t, NET_PING_RECORD);
        push(w, t + (uint64_t)draw(w, net_rtt_us) * 1000u, PS_EV_ALLOC, T_PONG, 0, 0);
        break;
    case T_PONG: net_rx_record(w, t, NET_PONG_RECORD); break;
    case T_BCAST:
        alloc_held_us(w, t, PS_SRC_WIFI, draw(w, (ps_range_t){ NET_BCAST_MIN, NET_BCAST_MAX }), net_rx_hold_us);
        alloc_held_us(w, t, PS_SRC_LWIP, NET_PBUF_REF, net_rx_hold_us);
        break;
    default: break;
    }
}

/* A WebSocket frame the device receives: with net on, its TLS record's way
 * through Wi-Fi and lwIP first, then the application's buffer. */
static void alloc_frame(ps_workload_t *w, uint64_t t, uint8_t src, ps_range_t size, ps_range_t hold_ms)
{
    uint64_t id = w->next_id++;
    uint32_t n = draw(w, size);
    if (w->cfg.net)
        net_rx_ws_frame(w, t, n);
    emit(w, t, PS_EV_ALLOC, src, id, n);
    push(w, t + (uint64_t)draw(w, hold_ms) * NS_PER_MS, PS_EV_FREE, src, id, n);
}

static void background_fill(ps_workload_t *w, uint64_t t)
{
    const ps_workload_cfg_t *c = &w->cfg;
    while (w->bg_live < c->background_bytes) {
        uint64_t id = w->next_id++;
        uint32_t n = draw(w, c->background_size);
        emit(w, t, PS_EV_ALLOC, PS_SRC_BACKGROUND, id, n);
        w->bg_live += n;
        push(w, t + (uint64_t)draw(w, c->background_life_s) * NS_PER_S, PS_EV_FREE, PS_SRC_BACKGROUND, id, n);
    }
}

static void arrival(ps_workload_t *w, const pend_t *p)
{
    const ps_workload_cfg_t *c = &w->cfg;
    uint64_t t = p->t;
    int again = 1;
    switch (p->src) {
    case PS_SRC_WS: alloc_frame(w, t, PS_SRC_WS, c->ws_size, c->ws_hold_ms); break;
    case PS_SRC_CMD: alloc_held(w, t, PS_SRC_CMD, c->cmd_size, c->cmd_hold_ms); break;
    case PS_SRC_PATTERN: {
        /* The seed's pattern ring: evict the oldest before loading a new one. */
        if (w->ring_n == c->pattern_ring) {
            emit(w, t, PS_EV_FREE, PS_SRC_PATTERN, w->ring[0], 0);
            memmove(w->ring, w->ring + 1, (w->ring_n - 1u) * sizeof *w->ring);
            w->ring_n--;
        }
        uint64_t id = w->next_id++;
        emit(w, t, PS_EV_ALLOC, PS_SRC_PATTERN, id, draw(w, c->pattern_size));
        w->ring[w->ring_n++] = id;
        break;
    }
    case PS_SRC_TRICKLE: {
        uint32_t n = draw(w, c->trickle_size);
        if (c->trickle_cap && w->trickled + n > c->trickle_cap) {
            again = 0; /* the cap is reached: this source is done */
            break;
        }
        w->trickled += n;
        emit(w, t, PS_EV_ALLOC, PS_SRC_TRICKLE, w->next_id++, n);
        break;
    }
    case PS_SRC_BURST:
        for (uint32_t i = 0; i < c->burst_frames; i++)
            alloc_frame(w, t, PS_SRC_BURST, c->burst_size, c->burst_hold_ms);
        break;
    case PS_SRC_BACKGROUND:
        background_fill(w, t);
        again = 0; /* refilled on every background free instead */
        break;
    case T_CONNECT:
    case T_HANDSHAKE:
    case T_MPI:
    case T_PONG:
        net_timer(w, p);
        again = 0;
        break;
    case T_RECONNECT:
    case T_PING:
    case T_BCAST: net_timer(w, p); break;
    default: again = 0; break;
    }
    if (again)
        push(w, t + jitter(w, mean_interval(w, p->src)), PS_EV_ALLOC, p->src, 0, 0);
}

/* ---- public ---- */

static int check_range(ps_range_t r, uint32_t lo, uint32_t hi, const char *what, char *err, size_t len)
{
    if (r.min < lo || r.max > hi || r.min > r.max) {
        snprintf(err, len, "%s: %u:%u is not a range within %u..%u", what, r.min, r.max, lo, hi);
        return -1;
    }
    return 0;
}

ps_workload_t *ps_workload_new(const ps_workload_cfg_t *c, char *err, size_t len)
{
    const uint32_t max_size = 1u << 24, max_ms = 24u * 3600u * 1000u;
    if (check_range(c->ws_size, 1, max_size, "WebSocket frame size", err, len) ||
        check_range(c->ws_hold_ms, 0, max_ms, "WebSocket hold time (ms)", err, len) ||
        check_range(c->cmd_size, 1, max_size, "command size", err, len) ||
        check_range(c->cmd_hold_ms, 0, max_ms, "command hold time (ms)", err, len) ||
        check_range(c->pattern_size, 1, max_size, "pattern size", err, len) ||
        check_range(c->trickle_size, 1, max_size, "trickle size", err, len) ||
        check_range(c->burst_size, 1, max_size, "burst frame size", err, len) ||
        check_range(c->burst_hold_ms, 0, max_ms, "burst hold time (ms)", err, len) ||
        check_range(c->background_size, 1, max_size, "background object size", err, len) ||
        check_range(c->background_life_s, 1, 7u * 24u * 3600u, "background lifetime (s)", err, len))
        return NULL;
    if (c->pattern_per_hour && (c->pattern_ring < 1 || c->pattern_ring > 1024)) {
        snprintf(err, len, "pattern ring: %u is not within 1..1024", c->pattern_ring);
        return NULL;
    }
    if (c->burst_frames > 4096) {
        snprintf(err, len, "burst frames: %u is not within 0..4096", c->burst_frames);
        return NULL;
    }
    if (c->net > 1 || c->net_reconnects_per_hour > 3600u || c->net_broadcast_per_min > 60000u ||
        c->net_handshake_ms < 1u || c->net_handshake_ms > 60000u) {
        snprintf(err, len,
                 "net: on (1) or off (0), reconnects 0..3600/h, broadcasts 0..60000/min, "
                 "handshake 1..60000 ms");
        return NULL;
    }
    if (c->duration_ns == 0) {
        snprintf(err, len, "the duration must be above 0");
        return NULL;
    }
    ps_workload_t *w = calloc(1, sizeof *w);
    if (!w || !(w->ring = calloc(c->pattern_ring ? c->pattern_ring : 1u, sizeof *w->ring))) {
        free(w);
        snprintf(err, len, "out of memory");
        return NULL;
    }
    w->cfg = *c;
    ps_workload_rewind(w);
    return w;
}

void ps_workload_rewind(ps_workload_t *w)
{
    w->rng = w->cfg.seed * 0x9E3779B97F4A7C15ull ^ 0xD1B54A32D192ED03ull;
    if (w->rng == 0)
        w->rng = 1;
    w->seq = 0;
    w->next_id = 1;
    w->n = 0;
    w->r_head = w->r_n = 0;
    w->ring_n = 0;
    w->trickled = 0;
    w->bg_live = 0;
    w->conn_n = 0;
    w->conn_gen = 0;
    w->done = 0;
    if (w->cfg.net)
        net_start(w);
    for (uint8_t src = PS_SRC_WS; src <= PS_SRC_BURST; src++) {
        uint64_t mean = mean_interval(w, src);
        if (mean)
            push(w, jitter(w, mean), PS_EV_ALLOC, src, 0, 0);
    }
    for (uint8_t src = T_RECONNECT; src <= T_BCAST; src++) {
        uint64_t mean = mean_interval(w, src);
        if (mean)
            push(w, jitter(w, mean), PS_EV_ALLOC, src, 0, 0);
    }
    if (w->cfg.background_bytes)
        push(w, 0, PS_EV_ALLOC, PS_SRC_BACKGROUND, 0, 0);
}

int ps_workload_next(ps_workload_t *w, ps_event_t *ev)
{
    while (w->r_n == 0) {
        if (w->done || w->n == 0 || w->heap[0].t > w->cfg.duration_ns) {
            w->done = 1;
            return 0;
        }
        pend_t p = pop(w);
        if (p.kind == PS_EV_FREE) {
            emit(w, p.t, PS_EV_FREE, p.src, p.id, 0);
            if (p.src == PS_SRC_BACKGROUND) {
                w->bg_live -= p.size;
                background_fill(w, p.t);
            }
        } else {
            arrival(w, &p);
        }
    }
    *ev = w->ready[w->r_head];
    w->r_head = (w->r_head + 1u) % w->r_cap;
    w->r_n--;
    return 1;
}

void ps_workload_free(ps_workload_t *w)
{
    if (!w)
        return;
    free(w->heap);
    free(w->ready);
    free(w->ring);
    free(w);
}

__attribute__((format(printf, 4, 5))) static size_t put(char *buf, size_t len, size_t at, const char *fmt, ...)
{
    if (at >= len)
        return at;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + at, len - at, fmt, ap);
    va_end(ap);
    return n < 0 ? at : at + (size_t)n;
}

void ps_workload_describe(const ps_workload_cfg_t *c, char *buf, size_t len)
{
    size_t at = 0;
    if (len)
        buf[0] = '\0';
    at = put(buf, len, at, "seed %llu, %llu simulated hours%s\n", (unsigned long long)c->seed,
             (unsigned long long)(c->duration_ns / NS_PER_HOUR),
             c->duration_ns % NS_PER_HOUR ? " (plus a fraction)" : "");
    if (c->ws_per_min)
        at = put(buf, len, at, "  WebSocket frames: %u/min, %u..%u B, held %u..%u ms\n", c->ws_per_min, c->ws_size.min,
                 c->ws_size.max, c->ws_hold_ms.min, c->ws_hold_ms.max);
    if (c->cmd_per_min)
        at = put(buf, len, at, "  commands: %u/min, %u..%u B, held %u..%u ms\n", c->cmd_per_min, c->cmd_size.min,
                 c->cmd_size.max, c->cmd_hold_ms.min, c->cmd_hold_ms.max);
    if (c->pattern_per_hour)
        at = put(buf, len, at, "  pattern loads: %u/h, %u..%u B, last %u kept\n", c->pattern_per_hour,
                 c->pattern_size.min, c->pattern_size.max, c->pattern_ring);
    if (c->trickle_per_hour)
        at = put(buf, len, at, "  long-lived trickle: %u/h, %u..%u B, never freed, cap %u B\n", c->trickle_per_hour,
                 c->trickle_size.min, c->trickle_size.max, c->trickle_cap);
    if (c->burst_every_min && c->burst_frames)
        at = put(buf, len, at, "  bursts: every %u min, %u frames of %u..%u B held %u..%u ms\n", c->burst_every_min,
                 c->burst_frames, c->burst_size.min, c->burst_size.max, c->burst_hold_ms.min, c->burst_hold_ms.max);
    if (c->background_bytes)
        at = put(buf, len, at, "  background live set: %u B of %u..%u B objects living %u..%u s\n", c->background_bytes,
                 c->background_size.min, c->background_size.max, c->background_life_s.min, c->background_life_s.max);
    if (c->net)
        at = put(buf, len, at,
                 "  Wi-Fi + TLS client: start-up buffers and stacks %u B; per connection %u B of TLS "
                 "record buffers; %u reconnect(s)/h; per received frame its Wi-Fi and lwIP buffers; a ping every "
                 "%u s; %u broadcast frames/min\n",
                 NET_WIFI_STATIC_RX_BUFS * NET_WIFI_STATIC_RX + NET_TCPIP_STACK + NET_EVENT_STACK + NET_WS_TASK_STACK +
                     2u * NET_WS_BUFFER,
                 NET_TLS_IN_BUF + NET_TLS_OUT_BUF, c->net_reconnects_per_hour, NET_PING_S, c->net_broadcast_per_min);
    (void)at;
}
