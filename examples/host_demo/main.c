/*
 * tp_host_demo - a simulated ESP32 whose internal heap fragments hour by hour.
 *
 * Boot 1: a tierpool pool for messages, the health monitor with the seed's
 * thresholds and the "high fragmentation" emergency procedure (log, save
 * critical data, controlled reboot). The application also makes variable-
 * sized system-heap allocations (the habit pools are meant to replace) and
 * keeps a small session record every hour: the heap fragments, the monitor
 * moves ok -> warning -> critical, and the policy reboots the device after
 * writing the crash record.
 * Boot 2: a new "process" (the persistent region is reloaded from the file),
 * the record is read, reported and cleared, and the fresh heap is healthy.
 *
 * The system heap is poolsim's model of ESP-IDF's heap (tools/poolsim/
 * heapmodel.h), which this program installs into the host port.
 *
 * Usage: tp_host_demo [persist-file]   (deterministic output)
 */
#include <stdio.h>
#include <string.h>

#include "heapmodel.h"
#include "tierpool.h"
#include "tp_crash.h"
#include "tp_health.h"
#include "tp_sys_host.h"

/* ---- the system heap: poolsim's ESP-IDF heap model behind tp_sys_host_heap_t ---- */
static _Alignas(16) uint8_t g_heap_mem[256 * 1024];
static ps_heap_t *g_heap;

static void *heap_alloc(void *ctx, size_t size)
{
    return ps_heap_alloc((ps_heap_t *)ctx, size);
}

static void heap_release(void *ctx, void *ptr)
{
    (void)ps_heap_free((ps_heap_t *)ctx, ptr);
}

static void heap_info(void *ctx, tp_heap_info_t *out)
{
    ps_heap_stats_t st;
    ps_heap_stats((ps_heap_t *)ctx, &st);
    out->total_free = st.total_free;
    out->largest_free = st.largest_free;
    out->min_free_ever = st.min_free_ever;
    out->total_size = st.total_free + st.used_bytes;
}

/* A fresh heap (RAM does not survive a reboot), installed into the port. */
static int heap_boot(void)
{
    ps_heap_opts_t opts;
    memset(&opts, 0, sizeof opts);
    opts.arena_size = PS_HEAP_DEFAULT_ARENA; /* the seed's 164 KiB application heap */
    opts.poison = PS_POISON_NONE;
    const size_t need = ps_heap_mem_size(&opts);
    if (need > sizeof g_heap_mem || ps_heap_init(&g_heap, g_heap_mem, need, &opts) != 0) {
        return -1;
    }
    const tp_sys_host_heap_t ops = { heap_alloc, heap_release, heap_info, g_heap };
    return tp_sys_host_set_heap(&ops) == TP_OK ? 0 : -1;
}

static int g_rebooted;
static void on_reboot(void *user)
{
    (void)user;
    g_rebooted = 1; /* on a target tp_sys_reboot does not return */
}

static void save_critical(void *user)
{
    (void)user;
    printf("app: save critical data (settings flushed)\n");
}

static uint32_t rnd(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static int boot_common(const char *path, int boot)
{
    printf("=== boot %d ===\n", boot);
    tp_sys_host_reset_controls();
    tp_sys_host_set_reboot_handler(on_reboot, NULL);
    tp_sys_host_set_task(1, "main");
    if (heap_boot() != 0) {
        printf("cannot set up the heap model\n");
        return -1;
    }
    (void)tp_sys_host_set_persist_path(path); /* the region survives, RAM does not */
    tp_crash_reset_state();
    return 0;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "tp_host_demo.persist";
    (void)remove(path);

    /* ---------------- boot 1 ---------------- */
    if (boot_common(path, 1) != 0) {
        return 1;
    }
    tp_crash_record_t rec;
    printf("crash record at boot: %s\n", tp_strerror(tp_crash_boot(&rec)));

    static _Alignas(64) uint8_t storage[24 * 1024];
    static tp_pool_t pool;
    const tp_tier_t tiers[] = { { 256, 32 }, { 1024, 12 } };
    (void)tp_pool_init(&pool, tiers, 2, storage, sizeof storage);
    (void)tp_crash_register_pool(&pool);

    static tp_health_t health;
    (void)tp_health_init(&health, NULL);
    (void)tp_health_add_pool(&health, &pool, "messages");
    tp_health_policy_t policy;
    memset(&policy, 0, sizeof policy);
    policy.flags = TP_POLICY_FRAG_LOG | TP_POLICY_FRAG_SAVE | TP_POLICY_FRAG_REBOOT;
    policy.save_critical = save_critical;
    (void)tp_health_set_policy(&health, &policy);
    (void)tp_health_baseline(&health);

    ps_heap_t *heap = g_heap;
    uint32_t seed = 12345u;
    void *msgs[8] = { 0 };
    static void *cached[256];
    char json[1024];
    for (int hour = 0; hour < 2000 && !g_rebooted; hour++) {
        /* a burst of variable-size buffers on the system heap; most of it
         * is freed within the hour */
        void *burst[6];
        for (int i = 0; i < 6; i++) {
            const size_t size = 256u + rnd(&seed) % 3000u;
            burst[i] = ps_heap_alloc(heap, size);
            if (burst[i] != NULL) {
                tp_crash_note_op('A', (void *)(uintptr_t)ps_heap_offset(heap, burst[i]), (uint32_t)size);
            } else {
                tp_crash_note_op('X', NULL, (uint32_t)size);
            }
            if (i == 2) {
                (void)ps_heap_alloc(heap, 16u + rnd(&seed) % 48u); /* a small leak */
            }
        }
        /* one buffer of the burst is cached for a long time (replacing a
         * random older one): long-lived blocks scattered over the heap */
        const uint32_t live = 32u + (uint32_t)hour / 2u; /* the cache grows */
        const uint32_t slot = rnd(&seed) % (live < 256u ? live : 256u);
        const int keep = (int)(rnd(&seed) % 6u);
        if (cached[slot] != NULL) {
            (void)ps_heap_free(heap, cached[slot]);
        }
        cached[slot] = burst[keep];
        burst[keep] = NULL;
        for (int i = 0; i < 6; i++) {
            if (burst[i] != NULL) {
                tp_crash_note_op('F', (void *)(uintptr_t)ps_heap_offset(heap, burst[i]), 0);
                (void)ps_heap_free(heap, burst[i]);
            }
        }
        /* pool traffic: deterministic, bounded, fragmentation-free */
        for (int i = 0; i < 8; i++) {
            if (msgs[i] != NULL) {
                (void)tp_free(&pool, msgs[i]);
            }
            msgs[i] = tp_alloc(&pool, 100u + rnd(&seed) % 900u);
        }
        tp_sys_host_advance_us(3600u * 1000000ull);
        (void)tp_health_poll(&health);
        if (hour % 25 == 0 || g_rebooted) {
            printf("hour %3d: heap free %6u, max block %6u, fragmentation %3u%%, state %s\n", hour,
                   (unsigned)health.snap.heap_free, (unsigned)health.snap.heap_max_block,
                   (unsigned)health.snap.heap_frag_pct, tp_health_state_str(tp_health_overall(&health)));
        }
    }
    if (!g_rebooted) {
        printf("no reboot happened\n");
        return 1;
    }
    (void)tp_health_report_json(&health, json, sizeof json, NULL);
    /* the JSON has no addresses: deterministic */
    printf("last health report: %s\n", json);

    /* ---------------- boot 2 ---------------- */
    if (boot_common(path, 2) != 0) {
        return 1;
    }
    const tp_err_t err = tp_crash_boot(&rec);
    printf("crash record at boot: %s\n", tp_strerror(err));
    if (err != TP_OK) {
        return 1;
    }
    char text[2048];
    (void)tp_crash_format(&rec, text, sizeof text, NULL);
    fputs(text, stdout);
    printf("record cleared: %s\n", tp_crash_peek(NULL) == TP_ERR_NOT_FOUND ? "yes" : "no");
    (void)tp_health_init(&health, NULL);
    (void)tp_health_poll(&health);
    printf("health after reboot: %s (heap free %u, max block %u)\n", tp_health_state_str(tp_health_overall(&health)),
           (unsigned)health.snap.heap_free, (unsigned)health.snap.heap_max_block);
    (void)remove(path);
    return 0;
}
