/*
 * workload.h - synthetic allocation streams in simulated time, deterministic
 * from a seed: the seed document's device (WebSocket frames, pattern loads,
 * commands), plus a trickle of long-lived allocations, periodic bursts and a
 * churning background live set (the "heap utilisation" knob).
 *
 * Events come out one at a time in time order (ps_workload_next), so 48
 * simulated hours never sit in memory: only the allocations still alive are
 * remembered.
 */
#ifndef PS_WORKLOAD_H
#define PS_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "ps_trace.h"

/* Task ids the generator puts in ps_event_t.task, one per source. */
enum {
    PS_SRC_WS = 1,     /* WebSocket frames */
    PS_SRC_CMD,        /* commands */
    PS_SRC_PATTERN,    /* pattern loads (ring of the last N) */
    PS_SRC_TRICKLE,    /* long-lived, never freed */
    PS_SRC_BURST,      /* bursts of simultaneous frames */
    PS_SRC_BACKGROUND, /* background live set, churning */
    PS_SRC_WIFI,       /* net: Wi-Fi driver buffers */
    PS_SRC_LWIP,       /* net: lwIP pbufs and connection state */
    PS_SRC_TLS,        /* net: mbedTLS and esp-tls */
    PS_SRC_NETSYS,     /* net: task stacks and the WebSocket client's buffers, from start-up */
    PS_SRC_COUNT
};

typedef struct {
    uint32_t min, max; /* inclusive; min == max for a fixed value */
} ps_range_t;

typedef struct {
    uint64_t seed;
    uint64_t duration_ns;

    uint32_t ws_per_min;   /* WebSocket frames per minute (0 = off) */
    ps_range_t ws_size;    /* bytes */
    ps_range_t ws_hold_ms; /* how long a frame buffer lives */

    uint32_t cmd_per_min;
    ps_range_t cmd_size;
    ps_range_t cmd_hold_ms;

    uint32_t pattern_per_hour; /* pattern loads per hour */
    ps_range_t pattern_size;
    uint32_t pattern_ring; /* patterns kept; loading one more frees the oldest */

    uint32_t trickle_per_hour; /* long-lived allocations per hour, never freed */
    ps_range_t trickle_size;
    uint32_t trickle_cap; /* stop once this many bytes were trickled (0 = no cap) */

    uint32_t burst_every_min; /* a burst every N minutes (0 = off) */
    uint32_t burst_frames;    /* frames allocated at once */
    ps_range_t burst_size;
    ps_range_t burst_hold_ms;

    uint32_t background_bytes; /* live set kept by the background (0 = off) */
    ps_range_t background_size;
    ps_range_t background_life_s; /* each object's lifetime; when it dies a new one replaces it */

    /* What a Wi-Fi + TLS WebSocket client allocates besides the application
     * (docs/poolsim.md, "The network component", gives each size and rate and
     * its source): start-up buffers and task stacks; per TLS connection
     * esp-tls, mbedTLS's record buffers and the handshake; per received
     * WebSocket frame the Wi-Fi RX buffers and lwIP pbufs of its TCP segments
     * and the ACKs; pings; broadcast frames. */
    uint32_t net;                     /* 1 = on (default), 0 = off */
    uint32_t net_reconnects_per_hour; /* TLS reconnects per hour (1); 0 = one connection for the run */
    uint32_t net_broadcast_per_min;   /* broadcast/multicast frames received per minute (120) */
    uint32_t net_handshake_ms;        /* how long a TLS handshake lasts (1000) */
} ps_workload_cfg_t;

/* The defaults: the device of the seed document, 48 simulated hours. */
void ps_workload_defaults(ps_workload_cfg_t *cfg);

/* NULL and a message in err when a value is out of range. */
typedef struct ps_workload ps_workload_t;
ps_workload_t *ps_workload_new(const ps_workload_cfg_t *cfg, char *err, size_t err_len);

/* 1 and the next event (addr = a unique id), or 0 after the last event. */
int ps_workload_next(ps_workload_t *w, ps_event_t *ev);

/* Start over: the same events again. */
void ps_workload_rewind(ps_workload_t *w);

void ps_workload_free(ps_workload_t *w);

/* "ws", "cmd", "pattern", "trickle", "burst", "background", "wifi", "lwip", "tls", "netsys", "?" */
const char *ps_workload_source_name(unsigned task);

/* The task ids of the network component (wifi, lwip, tls, netsys) as bits:
 * the system's own allocations, which stay on the heap when the application
 * moves to pools. */
uint64_t ps_workload_system_tasks(void);

/* One line per active source, for the report's header. */
void ps_workload_describe(const ps_workload_cfg_t *cfg, char *buf, size_t len);

#endif /* PS_WORKLOAD_H */
