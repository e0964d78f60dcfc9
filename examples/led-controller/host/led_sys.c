/*
 * led_sys.c - tp_sys.h for the LED controller on a POSIX host (the
 * application's own system port, as a firmware has one per target).
 *
 * The "system heap" the health monitor watches is a model of ESP-IDF's heap
 * (poolsim's TLSF model, byte-exact on 32-bit overheads) that the WebSocket
 * library allocates from (lws_set_allocator in main.c): as on the device,
 * where lwIP and the HTTP server allocate from the heap while the
 * application's own buffers come from its pools. Time is CLOCK_MONOTONIC,
 * task names and the "in an ISR" flag are per thread.
 */
#define _POSIX_C_SOURCE 200809L
#include "led_sys.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "heapmodel.h"

#define PERSIST_BYTES 2048u

static pthread_mutex_t g_heap_lock = PTHREAD_MUTEX_INITIALIZER;
static ps_heap_t *g_heap;
static _Alignas(16) uint8_t g_heap_mem[LED_SYS_MAX_HEAP + 256u * 1024u];
static uint64_t g_t0_ns;
static _Thread_local char g_task[16];
static _Thread_local uint32_t g_task_id;
static _Thread_local int g_in_isr;
static _Alignas(16) uint8_t g_persist[PERSIST_BYTES];
static atomic_int g_reboot_requested;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int led_sys_init(size_t heap_bytes)
{
    ps_heap_opts_t opts;
    memset(&opts, 0, sizeof opts);
    opts.arena_size = heap_bytes;
    if (heap_bytes > LED_SYS_MAX_HEAP) {
        return -1;
    }
    size_t need = ps_heap_mem_size(&opts);
    if (need > sizeof g_heap_mem) {
        need = ps_heap_control_size() + heap_bytes;
    }
    if (ps_heap_init(&g_heap, g_heap_mem, need, &opts) != 0) {
        return -1;
    }
    g_t0_ns = now_ns();
    return 0;
}

void led_sys_set_thread(const char *name, uint32_t id)
{
    (void)snprintf(g_task, sizeof g_task, "%s", name);
    g_task_id = id;
}

void led_sys_set_in_isr(int in_isr)
{
    g_in_isr = in_isr;
}

/*
 * The model hands out 4-byte aligned blocks, as ESP-IDF's heap does on the
 * chip; a 64-bit host's structures need malloc's 16. Each block is therefore
 * taken ALIGN_PAD bytes larger, the pointer handed out is 16-aligned, and the
 * model's own pointer is kept in the 8 bytes before it. (So the host's heap
 * figures include up to 32 bytes per allocation that a device would not use.)
 */
#define ALIGN_TO 16u
#define ALIGN_PAD (ALIGN_TO + sizeof(void *) + 8u)

static void *model_of(void *user)
{
    void *raw;
    memcpy(&raw, (uint8_t *)user - sizeof raw, sizeof raw);
    return raw;
}

static void *aligned_alloc_locked(size_t size)
{
    uint8_t *raw = ps_heap_alloc(g_heap, size + ALIGN_PAD);
    if (raw == NULL) {
        return NULL;
    }
    const uintptr_t at = ((uintptr_t)raw + sizeof(void *) + ALIGN_TO - 1u) & ~(uintptr_t)(ALIGN_TO - 1u);
    uint8_t *user = raw + (at - (uintptr_t)raw);
    memcpy(user - sizeof raw, &raw, sizeof raw);
    return user;
}

static void free_locked(void *user)
{
    if (ps_heap_free(g_heap, model_of(user)) != 0) {
        fprintf(stderr, "led_sys: heap free of %p refused\n", user);
    }
}

void *led_sys_heap_realloc(void *ptr, size_t size)
{
    pthread_mutex_lock(&g_heap_lock);
    void *out = NULL;
    if (size == 0u) {
        if (ptr != NULL) {
            free_locked(ptr);
        }
    } else if (ptr == NULL) {
        out = aligned_alloc_locked(size);
    } else {
        void *raw = model_of(ptr);
        const size_t old = ps_heap_usable_size(g_heap, raw) - (size_t)((uint8_t *)ptr - (uint8_t *)raw);
        out = aligned_alloc_locked(size);
        if (out != NULL) {
            memcpy(out, ptr, old < size ? old : size);
            free_locked(ptr);
        }
    }
    pthread_mutex_unlock(&g_heap_lock);
    return out;
}

void led_sys_heap_stats(uint32_t *used_bytes, uint32_t *used_blocks, uint32_t *failed)
{
    ps_heap_stats_t st;
    pthread_mutex_lock(&g_heap_lock);
    ps_heap_stats(g_heap, &st);
    pthread_mutex_unlock(&g_heap_lock);
    *used_bytes = st.used_bytes;
    *used_blocks = st.used_blocks;
    *failed = st.failed;
}

int led_sys_reboot_requested(void)
{
    return atomic_load(&g_reboot_requested);
}

/* ---- tp_sys.h ---- */

tp_err_t tp_sys_heap_info(tp_mem_kind_t kind, tp_heap_info_t *out)
{
    if (out == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    if (kind == TP_MEM_SPIRAM) {
        return TP_ERR_UNSUPPORTED;
    }
    ps_heap_stats_t st;
    pthread_mutex_lock(&g_heap_lock);
    ps_heap_stats(g_heap, &st);
    pthread_mutex_unlock(&g_heap_lock);
    out->total_free = st.total_free;
    out->largest_free = st.largest_free;
    out->min_free_ever = st.min_free_ever;
    out->total_size = st.total_free + st.used_bytes;
    return TP_OK;
}

uint32_t tp_sys_heap_free(tp_mem_kind_t kind)
{
    tp_heap_info_t info;
    return tp_sys_heap_info(kind, &info) == TP_OK ? info.total_free : 0u;
}

void *tp_sys_heap_alloc(tp_mem_kind_t kind, size_t size)
{
    return kind == TP_MEM_SPIRAM ? NULL : led_sys_heap_realloc(NULL, size);
}

void tp_sys_heap_release(void *ptr)
{
    (void)led_sys_heap_realloc(ptr, 0);
}

uint64_t tp_sys_time_us(void)
{
    return (now_ns() - g_t0_ns) / 1000u;
}

int tp_sys_in_isr(void)
{
    return g_in_isr;
}

const char *tp_sys_task_name(void)
{
    return g_task;
}

uint32_t tp_sys_task_id(void)
{
    return g_task_id;
}

tp_err_t tp_sys_stack_unused(const char *name, uint32_t *unused_bytes)
{
    (void)name;
    (void)unused_bytes;
    return TP_ERR_UNSUPPORTED;
}

void *tp_sys_persist_region(size_t *size)
{
    if (size != NULL) {
        *size = sizeof g_persist; /* RAM only: a host process keeps nothing across restarts */
    }
    return g_persist;
}

tp_err_t tp_sys_persist_flush(void)
{
    return TP_OK;
}

tp_reset_reason_t tp_sys_reset_reason(void)
{
    return TP_RESET_POWER_ON;
}

void tp_sys_reboot(void)
{
    /* A controlled reboot of the device: the host ends its main loop (exit code 3). */
    atomic_store(&g_reboot_requested, 1);
}

/* A host process has no fault hooks (a crash is the process's end); the
 * handler is kept only so tp_crash_boot can install it. */
static tp_fault_fn g_fault_fn;

void tp_sys_set_fault_handler(tp_fault_fn fn)
{
    g_fault_fn = fn;
    (void)g_fault_fn;
}

void tp_sys_log(int level, const char *line)
{
    static const char tag[3] = { 'E', 'W', 'I' };
    fprintf(stderr, "%c %s\n", tag[level >= 0 && level <= 2 ? level : 2], line);
}
