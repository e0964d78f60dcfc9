/*
 * gen_trace - write N events of tierpool's plain format (revision 2) to
 * standard output, for the replay benchmark (bench/replay.sh). Deterministic:
 * a xorshift generator, a live set that hovers around LIVE blocks of 16..1024
 * bytes (about 50 KB: it fits the default 164 KiB heap), times rising 1..100
 * us per event, task names that need quoting ("Tmr Svc") and ones that do not.
 * Usage: gen_trace N [seed]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tp_evline.h"

#define LIVE 96u

int main(int argc, char **argv)
{
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
