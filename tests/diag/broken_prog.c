/*
 * Deliberately broken programs (one per BUG_* define), built with
 * TP_CFG_TRACKING=1. Each makes the mistake it is named after; the tracking
 * layer must catch it and print "DETECTED <what> at offset <n>" (ctest checks
 * the line). Without tracking the bug goes unnoticed and the line is missing.
 */
#include <stdio.h>
#include <string.h>

#include "tp_sys_host.h"
#include "tp_track.h"

static const char *ev_name(tp_track_event_t ev)
{
    return ev == TP_TRACK_EV_OVERFLOW ? "overflow" : ev == TP_TRACK_EV_USE_AFTER_FREE ? "use_after_free" : "bad_free";
}

static void caught(tp_track_event_t ev, const void *block, const tp_track_entry_t *e, uint32_t offset, void *user)
{
    (void)block;
    (void)user;
    printf("DETECTED %s at offset %u (block allocated at %s:%u)\n", ev_name(ev), (unsigned)offset,
           e != NULL && e->where != NULL ? e->where : "?", e != NULL ? (unsigned)e->line : 0u);
}

#if defined(BUG_leak)
static void out(const char *text, size_t len, void *user)
{
    (void)user;
    fwrite(text, 1, len, stdout);
}
#endif

int main(void)
{
    static _Alignas(64) uint8_t storage[16384];
    static tp_track_entry_t table[64];
    static tp_pool_t pool;
    static tp_track_t trk;
    const tp_tier_t tiers[] = { { 128, 16 }, { 512, 8 } };
    if (tp_pool_init(&pool, tiers, 2, storage, sizeof storage) != TP_OK ||
        tp_track_init(&trk, &pool, table, 64, TP_TRACK_CANARY | TP_TRACK_POISON) != TP_OK) {
        return 2;
    }
    tp_track_on_corrupt(&trk, caught, NULL);
    tp_sys_host_set_task(1, "main");
#if defined(BUG_overflow)
    char *name = TP_ALLOC(&pool, 100);
    memset(name, 'x', 101); /* off by one: writes byte 100 of a 100-byte request */
    TP_FREE(&pool, name);
#elif defined(BUG_use_after_free)
    long *counter = TP_ALLOC(&pool, 64);
    counter[0] = 1;
    TP_FREE(&pool, counter);
    counter[1] = 2; /* write after free, offset 8 */
    void *again = TP_ALLOC(&pool, 64);
    TP_FREE(&pool, again);
#elif defined(BUG_leak)
    uint32_t epoch = tp_track_next_epoch(&trk);
    for (int i = 0; i < 3; i++) {
        void *msg = TP_ALLOC(&pool, 300);
        if (i != 1) {
            TP_FREE(&pool, msg);
        } /* i == 1: forgotten */
    }
    tp_track_leak_report_cb(&trk, epoch, out, NULL);
#endif
    return 0;
}
