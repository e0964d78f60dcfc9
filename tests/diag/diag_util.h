/* Shared helpers of the diagnostics tests (host). */
#ifndef DIAG_UTIL_H
#define DIAG_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapmodel.h"
#include "tp_crash.h"
#include "tp_stack.h"
#include "tp_sys_host.h"

/* Captured log lines. */
static char diag_log[8192];
static size_t diag_log_len;
static void diag_log_fn(int level, const char *line, void *user)
{
    (void)user;
    int n = snprintf(diag_log + diag_log_len, sizeof diag_log - diag_log_len, "%d %s\n", level, line);
    if (n > 0 && (size_t)n < sizeof diag_log - diag_log_len) {
        diag_log_len += (size_t)n;
    }
}

static int diag_reboots_seen;
static void diag_reboot_fn(void *user)
{
    (void)user;
    diag_reboots_seen++;
}

/* A fresh simulated device: 164 KiB heap, clock 0, no tasks, region garbage. */
static inline void diag_fresh(void)
{
    tp_sys_host_reset_controls();
    (void)tp_sys_host_heap_reset(0);
    (void)tp_sys_host_set_persist_path(NULL);
    tp_crash_reset_state();
    tp_stack_reset_state();
    diag_log_len = 0;
    diag_log[0] = '\0';
    diag_reboots_seen = 0;
    tp_sys_host_set_log(diag_log_fn, NULL);
    tp_sys_host_set_reboot_handler(diag_reboot_fn, NULL);
}

/*
 * Shape the heap: n holes of hole bytes (each followed by a 16-byte pin), one
 * free run of big bytes (0 = none), everything else allocated.
 * Free ~= n*hole + big, largest ~= max(hole, big).
 */
static inline void diag_shape_heap(unsigned n, size_t hole, size_t big)
{
    (void)tp_sys_host_heap_reset(0);
    ps_heap_t *h = tp_sys_host_heap();
    void *holes[256];
    for (unsigned i = 0; i < n && i < 256u; i++) {
        holes[i] = ps_heap_alloc(h, hole);
        (void)ps_heap_alloc(h, 16);
    }
    void *b = big ? ps_heap_alloc(h, big) : NULL;
    (void)ps_heap_alloc(h, 16);
    ps_heap_stats_t st;
    ps_heap_stats(h, &st);
    while (st.largest_free > 0u && ps_heap_alloc(h, st.largest_free) != NULL) {
        ps_heap_stats(h, &st);
    }
    for (unsigned i = 0; i < n && i < 256u; i++) {
        (void)ps_heap_free(h, holes[i]);
    }
    if (b != NULL) {
        (void)ps_heap_free(h, b);
    }
}

/* A path for a persistent file in the build directory. */
static inline const char *diag_tmp(const char *name)
{
    static char path[512];
    const char *dir = getenv("TP_DIAG_TMP");
    snprintf(path, sizeof path, "%s/%s", dir != NULL ? dir : ".", name);
    return path;
}

#endif
