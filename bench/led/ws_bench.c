/*
 * ws_bench.c - WebSocket throughput client for the LED controller's host
 * server (bench/led/run.sh). N connections on 127.0.0.1, each sending one
 * text command of SIZE bytes ("brightness 42" padded with spaces, which the
 * server parses whole) and waiting for its reply, for SECONDS after a short
 * warm-up; prints the messages answered per second.
 *
 *   led_ws_bench PORT CLIENTS SIZE SECONDS
 *
 * A minimal RFC 6455 client on plain sockets (the handshake, masked client
 * frames with a zero mask key, unmasked server frames), so the client costs
 * little next to the server it measures. Not a test: a benchmark program.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 64
#define MAX_SIZE 4096

typedef struct {
    int fd;
    uint8_t in[8192];
    size_t have;
    uint64_t answered;
} client_t;

static uint8_t g_frame[MAX_SIZE + 16];
static size_t g_frame_len;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int write_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        const ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int connect_ws(int port)
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        return -1;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const char req[] = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                       "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       "Sec-WebSocket-Version: 13\r\n\r\n";
    if (write_all(fd, req, sizeof req - 1) != 0) {
        return -1;
    }
    char resp[1024];
    size_t have = 0;
    while (have < sizeof resp - 1) {
        const ssize_t n = read(fd, resp + have, 1); /* byte by byte: no frame bytes swallowed */
        if (n <= 0) {
            return -1;
        }
        have += (size_t)n;
        resp[have] = '\0';
        if (have >= 4 && memcmp(resp + have - 4, "\r\n\r\n", 4) == 0) {
            break;
        }
    }
    return strstr(resp, " 101 ") != NULL ? fd : -1;
}

/* One complete server frame at the start of c->in? Returns its total length, 0 if incomplete. */
static size_t frame_ready(const client_t *c)
{
    if (c->have < 2) {
        return 0;
    }
    size_t len = c->in[1] & 0x7Fu, head = 2;
    if (len == 126) {
        if (c->have < 4) {
            return 0;
        }
        len = (size_t)c->in[2] << 8 | c->in[3];
        head = 4;
    } else if (len == 127) {
        return (size_t)-1; /* never sent by this server for replies */
    }
    return c->have >= head + len ? head + len : 0;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s PORT CLIENTS SIZE SECONDS\n", argv[0]);
        return 2;
    }
    const int port = atoi(argv[1]);
    const int n = atoi(argv[2]);
    const size_t size = (size_t)atoi(argv[3]);
    const double seconds = atof(argv[4]);
    if (n < 1 || n > MAX_CLIENTS || size < 16 || size > MAX_SIZE || seconds <= 0) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    /* the command, masked with a zero key (payload bytes unchanged) */
    uint8_t *f = g_frame;
    *f++ = 0x81; /* FIN, text */
    if (size < 126) {
        *f++ = (uint8_t)(0x80u | size);
    } else {
        *f++ = 0x80u | 126u;
        *f++ = (uint8_t)(size >> 8);
        *f++ = (uint8_t)size;
    }
    memset(f, 0, 4);
    f += 4;
    memset(f, ' ', size);
    memcpy(f, "brightness 42", 13);
    g_frame_len = (size_t)(f - g_frame) + size;

    static client_t c[MAX_CLIENTS];
    struct pollfd pfd[MAX_CLIENTS];
    for (int i = 0; i < n; i++) {
        c[i].fd = connect_ws(port);
        if (c[i].fd < 0) {
            fprintf(stderr, "connection %d failed\n", i);
            return 1;
        }
        pfd[i].fd = c[i].fd;
        pfd[i].events = POLLIN;
        if (write_all(c[i].fd, g_frame, g_frame_len) != 0) {
            return 1;
        }
    }
    const double t0 = now_s(), warm = t0 + 0.5, end = warm + seconds;
    uint64_t counted = 0;
    int counting = 0;
    for (;;) {
        const double t = now_s();
        if (!counting && t >= warm) {
            counting = 1;
        }
        if (t >= end) {
            break;
        }
        if (poll(pfd, (nfds_t)n, 1000) < 0 && errno != EINTR) {
            return 1;
        }
        for (int i = 0; i < n; i++) {
            if ((pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
                continue;
            }
            const ssize_t r = read(c[i].fd, c[i].in + c[i].have, sizeof c[i].in - c[i].have);
            if (r <= 0) {
                fprintf(stderr, "connection %d closed by the server\n", i);
                return 1;
            }
            c[i].have += (size_t)r;
            size_t len;
            while ((len = frame_ready(&c[i])) > 0) {
                if (len == (size_t)-1 || (c[i].in[0] & 0x0Fu) != 1u) {
                    fprintf(stderr, "unexpected frame\n");
                    return 1;
                }
                memmove(c[i].in, c[i].in + len, c[i].have - len);
                c[i].have -= len;
                c[i].answered++;
                counted += counting ? 1u : 0u;
                if (write_all(c[i].fd, g_frame, g_frame_len) != 0) {
                    return 1;
                }
            }
        }
    }
    printf("%.0f\n", (double)counted / seconds);
    for (int i = 0; i < n; i++) {
        close(c[i].fd);
    }
    return 0;
}
