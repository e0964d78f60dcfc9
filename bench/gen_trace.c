/*
 * gen_trace - write N events of tierpool's plain format (revision 2) to
 * standard output, for the replay benchmark (bench/replay.sh). Deterministic:
 * a xorshift generator, a live set that hovers around LIVE blocks of 16..1024
 * bytes (about 50 KB: it fits the default 164 KiB heap), times rising 1..100
 * us per event, task names that need quoting ("Tmr Svc") and ones that do not.
 * Usage: gen_trace N [seed]
 *        gen_trace --collide N   N allocations at addresses crafted to share
 *                                one slot of an unkeyed murmur3-finaliser hash
 *                                (poolsim's address map before it was keyed),
 *                                then their frees
 *        gen_trace --spread N    the same count at ordinary addresses
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tp_evline.h"

#define LIVE 96u

/* The inverse of murmur3's 64-bit finaliser (one multiply round). */
static uint64_t unmix(uint64_t h)
{
    const uint64_t c = 0xff51afd7ed558ccdull;
    uint64_t inv = c;
    for (int i = 0; i < 6; i++)
        inv *= 2u - c * inv;
    h ^= h >> 33;
    h *= inv;
    h ^= h >> 33;
    return h;
}

static int pairs(unsigned long long n, int crafted)
{
    char line[TP_EVLINE_SIZE(0)];
    fputs(TP_EVLINE_HEADER, stdout);
    for (int pass = 0; pass < 2; pass++)
        for (unsigned long long i = 0; i < n; i++) {
            const uint64_t addr = crafted ? unmix((uint64_t)i << 20) : 0x3fc80000u + 16u * (uint64_t)i;
            const tp_evline_t ev = { pass ? 'F' : 'A', (uint64_t)pass * (uint64_t)n + (uint64_t)i, addr, 16, NULL, 0 };
            fwrite(line, 1, tp_evline_format(line, sizeof line, &ev), stdout);
        }
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && (strcmp(argv[1], "--collide") == 0 || strcmp(argv[1], "--spread") == 0))
        return pairs(strtoull(argv[2], NULL, 10), strcmp(argv[1], "--collide") == 0);
    if (argc < 2) {
        fprintf(stderr, "usage: gen_trace N [seed]\n");
        return 2;
    }
    const unsigned long long n = strtoull(argv[1], NULL, 10);
    uint64_t x = argc > 2 ? strtoull(argv[2], NULL, 10) : 1u;
    if (x == 0)
        x = 1;
    static const char *const tasks[] = { "net", "Tmr Svc", "led", "cmd", "IDLE0", "wifi" };
    static uint32_t size[2 * LIVE]; /* 0 = slot free */
    static char buf[1 << 16];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    fputs(TP_EVLINE_HEADER, stdout);
    uint64_t t = 0;
    char line[TP_EVLINE_SIZE(16)];
    for (unsigned long long i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const unsigned slot = (unsigned)(x % (2u * LIVE));
        t += 1u + (x >> 40) % 100u;
        tp_evline_t ev = { 'A', t, 0x3fc80000u + 4096u * (uint64_t)slot, 0, tasks[(x >> 20) % 6u], 0 };
        if (size[slot]) {
            ev.kind = 'F';
            size[slot] = 0;
        } else {
            ev.size = size[slot] = 16u + (uint32_t)((x >> 28) % 1009u);
        }
        const size_t len = tp_evline_format(line, sizeof line, &ev);
        fwrite(line, 1, len, stdout);
    }
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
