/* Shared helpers of the diagnostics tests (host). */
#ifndef DIAG_UTIL_H
#define DIAG_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tp_crash.h"
#include "tp_stack.h"
#include "tp_sys_host.h"
#include "test_heap.h"

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

/* A fresh simulated device: 164 KiB heap (scripted, test_heap.h), clock 0,
 * no tasks, region garbage. */
static inline void diag_fresh(void)
{
    tp_sys_host_reset_controls();
    test_heap_reset(TEST_HEAP_DEFAULT_BYTES);
    (void)tp_sys_host_set_persist_path(NULL);
    tp_crash_reset_state();
    tp_stack_reset_state();
    diag_log_len = 0;
    diag_log[0] = '\0';
    diag_reboots_seen = 0;
    tp_sys_host_set_log(diag_log_fn, NULL);
    tp_sys_host_set_reboot_handler(diag_reboot_fn, NULL);
}

/* Where the persistent region keeps the stack table (offset 0) and the crash
 * record (behind the table): for tests that corrupt them on purpose. */
static inline tp_stack_table_t *diag_stack_table(void)
{
    return (tp_stack_table_t *)tp_sys_persist_region(NULL);
}
static inline tp_crash_record_t *diag_crash_record(void)
{
    return (tp_crash_record_t *)(void *)((uint8_t *)tp_sys_persist_region(NULL) + sizeof(tp_stack_table_t));
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
