/*
 * tp_sys_host.c - tp_sys.h for the host (see tp_sys_host.h).
 * Not part of the tierpool libraries: built as tierpool_host_sys.
 */
#include "tp_sys_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOST_TASKS 8
#define NAME_MAX_ 32

static tp_sys_host_heap_t g_heap; /* all NULL: no heap installed */
static _Alignas(16) uint8_t g_persist[TP_SYS_HOST_PERSIST_BYTES];
static char g_path[256];
static void (*g_reboot_fn)(void *);
static void *g_reboot_user;
static uint32_t g_reboots;
static uint64_t g_time;
static uint32_t g_task_id;
static char g_task_name[NAME_MAX_];
static int g_in_isr;
static tp_reset_reason_t g_reset = TP_RESET_POWER_ON;
static void (*g_log_fn)(int, const char *, void *);
static void *g_log_user;
static struct {
    char name[NAME_MAX_];
    uint32_t unused;
} g_stacks[HOST_TASKS];
static uint32_t g_n_stacks;
static tp_fault_fn g_fault_fn;

tp_err_t tp_sys_host_set_heap(const tp_sys_host_heap_t *heap)
{
    if (heap == NULL) {
        memset(&g_heap, 0, sizeof g_heap);
        return TP_OK;
    }
    if (heap->alloc == NULL || heap->release == NULL || heap->info == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    g_heap = *heap;
    return TP_OK;
}

/* The installed heap serves internal RAM and its DMA-capable part. */
static int heap_serves(tp_mem_kind_t kind)
{
    return g_heap.info != NULL && (kind == TP_MEM_INTERNAL || kind == TP_MEM_DMA);
}

tp_err_t tp_sys_heap_info(tp_mem_kind_t kind, tp_heap_info_t *out)
{
    if (out == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    if (!heap_serves(kind)) {
        return TP_ERR_UNSUPPORTED;
    }
    g_heap.info(g_heap.ctx, out);
    return TP_OK;
}

uint32_t tp_sys_heap_free(tp_mem_kind_t kind)
{
    if (!heap_serves(kind)) {
        return 0u;
    }
    tp_heap_info_t info;
    g_heap.info(g_heap.ctx, &info);
    return info.total_free;
}

void *tp_sys_heap_alloc(tp_mem_kind_t kind, size_t size)
{
    return heap_serves(kind) ? g_heap.alloc(g_heap.ctx, size) : NULL;
}

void tp_sys_heap_release(void *ptr)
{
    if (ptr != NULL && g_heap.release != NULL) {
        g_heap.release(g_heap.ctx, ptr);
    }
}

uint64_t tp_sys_time_us(void)
{
    return g_time;
}
void tp_sys_host_set_time_us(uint64_t t)
{
    g_time = t;
}
void tp_sys_host_advance_us(uint64_t dt)
{
    g_time += dt;
}
int tp_sys_in_isr(void)
{
    return g_in_isr;
}
void tp_sys_host_set_in_isr(int in_isr)
{
    g_in_isr = in_isr;
}
const char *tp_sys_task_name(void)
{
    return g_task_name;
}
uint32_t tp_sys_task_id(void)
{
    return g_task_id;
}

void tp_sys_host_set_task(uint32_t id, const char *name)
{
    g_task_id = id;
    g_task_name[0] = '\0';
    if (name != NULL) {
        (void)snprintf(g_task_name, sizeof g_task_name, "%s", name);
    }
}

tp_err_t tp_sys_host_set_stack_unused(const char *name, uint32_t unused_bytes)
{
    if (name == NULL || strlen(name) >= NAME_MAX_) {
        return TP_ERR_INVALID_ARG;
    }
    for (uint32_t i = 0; i < g_n_stacks; i++) {
        if (strcmp(g_stacks[i].name, name) == 0) {
            g_stacks[i].unused = unused_bytes;
            return TP_OK;
        }
    }
    if (g_n_stacks >= HOST_TASKS) {
        return TP_ERR_NO_MEM;
    }
    (void)snprintf(g_stacks[g_n_stacks].name, NAME_MAX_, "%s", name);
    g_stacks[g_n_stacks].unused = unused_bytes;
    g_n_stacks++;
    return TP_OK;
}

tp_err_t tp_sys_stack_unused(const char *name, uint32_t *unused_bytes)
{
    if (name == NULL || unused_bytes == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    for (uint32_t i = 0; i < g_n_stacks; i++) {
        if (strcmp(g_stacks[i].name, name) == 0) {
            *unused_bytes = g_stacks[i].unused;
            return TP_OK;
        }
    }
    return TP_ERR_NOT_FOUND;
}

void tp_sys_host_persist_garbage(uint32_t seed)
{
    uint32_t x = seed != 0u ? seed : 0x9E3779B9u;
    for (size_t i = 0; i < sizeof g_persist; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        g_persist[i] = (uint8_t)x;
    }
}

tp_err_t tp_sys_host_set_persist_path(const char *path)
{
    if (path != NULL && strlen(path) >= sizeof g_path) {
        return TP_ERR_INVALID_ARG;
    }
    tp_sys_host_persist_garbage(0x1234567u);
    if (path == NULL) {
        g_path[0] = '\0';
        return TP_OK;
    }
    (void)snprintf(g_path, sizeof g_path, "%s", path);
    FILE *f = fopen(g_path, "rb");
    if (f == NULL) {
        return TP_OK; /* no file yet: a power-on */
    }
    uint8_t tmp[TP_SYS_HOST_PERSIST_BYTES];
    const size_t n = fread(tmp, 1, sizeof tmp, f);
    const int err = ferror(f);
    (void)fclose(f);
    if (err) {
        return TP_ERR_IO;
    }
    if (n == sizeof tmp) {
        memcpy(g_persist, tmp, sizeof tmp);
    }
    return TP_OK;
}

void *tp_sys_persist_region(size_t *size)
{
    if (size != NULL) {
        *size = sizeof g_persist;
    }
    return g_persist;
}

tp_err_t tp_sys_persist_flush(void)
{
    if (g_path[0] == '\0') {
        return TP_OK;
    }
    FILE *f = fopen(g_path, "wb");
    if (f == NULL) {
        return TP_ERR_IO;
    }
    const size_t n = fwrite(g_persist, 1, sizeof g_persist, f);
    const int bad = fclose(f) != 0 || n != sizeof g_persist;
    return bad ? TP_ERR_IO : TP_OK;
}

tp_reset_reason_t tp_sys_reset_reason(void)
{
    return g_reset;
}
void tp_sys_host_set_reset_reason(tp_reset_reason_t r)
{
    g_reset = r;
}

void tp_sys_host_set_reboot_handler(void (*fn)(void *user), void *user)
{
    g_reboot_fn = fn;
    g_reboot_user = user;
}

uint32_t tp_sys_host_reboots(void)
{
    return g_reboots;
}

void tp_sys_reboot(void)
{
    g_reboots++;
    if (g_reboot_fn != NULL) {
        g_reboot_fn(g_reboot_user);
        return;
    }
    (void)fflush(stdout);
    exit(3);
}

void tp_sys_host_set_log(void (*fn)(int level, const char *line, void *user), void *user)
{
    g_log_fn = fn;
    g_log_user = user;
}

void tp_sys_log(int level, const char *line)
{
    if (g_log_fn != NULL) {
        g_log_fn(level, line, g_log_user);
        return;
    }
    (void)printf("%c %s\n", level <= 0 ? 'E' : level == 1 ? 'W' : 'I', line != NULL ? line : "");
}

void tp_sys_set_fault_handler(tp_fault_fn fn)
{
    g_fault_fn = fn;
}

void tp_sys_host_raise_fault(tp_fault_t fault, uint32_t detail)
{
    if (g_fault_fn != NULL) {
        g_fault_fn(fault, g_task_name, detail);
    }
}

void tp_sys_host_reset_controls(void)
{
    memset(g_stacks, 0, sizeof g_stacks);
    g_n_stacks = 0;
    g_in_isr = 0;
    g_time = 0;
    g_reboots = 0;
    g_task_id = 0;
    g_task_name[0] = '\0';
    g_reboot_fn = NULL;
    g_reboot_user = NULL;
    g_log_fn = NULL;
    g_log_user = NULL;
    g_fault_fn = NULL;
    g_reset = TP_RESET_POWER_ON;
}
