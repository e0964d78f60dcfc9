/*
 * tp_stack.c - stack guard (see tp_stack.h).
 */
#include "../include/tp_stack.h"

#include <stdio.h>
#include <string.h>

#include "tp_diag_util.h"
#include "../include/tp_sys.h"

typedef struct {
    char name[TP_CFG_TASK_NAME_LEN];
    uint32_t size;
} task_t;

static task_t g_tasks[TP_CFG_STACK_TASKS];
static uint32_t g_n_tasks;
/* The default policy: tp_config.h's values (one place). */
#define DEFAULT_POLICY                                                       \
    {                                                                        \
        TP_CFG_STACK_WARN_PCT, TP_CFG_STACK_GROW_PCT, TP_CFG_STACK_CAP_BYTES \
    }
static const tp_stack_policy_t default_policy = DEFAULT_POLICY;
static tp_stack_policy_t g_policy = DEFAULT_POLICY;

static int name_ok(const char *name)
{
    if (name == NULL || name[0] == '\0') {
        return 0;
    }
    for (size_t i = 0; i < TP_CFG_TASK_NAME_LEN; i++) {
        if (name[i] == '\0') {
            return 1;
        }
    }
    return 0;
}

/* Names compare over at most TP_CFG_TASK_NAME_LEN bytes, stopping at the
 * first NUL of either (a plain loop: gcc's -Wstringop-overread misjudges
 * strncmp on the shorter caller-side string). */
static int same_name(const char *a, const char *b)
{
    for (size_t i = 0; i < TP_CFG_TASK_NAME_LEN; i++) {
        if (a[i] != b[i]) {
            return 0;
        }
        if (a[i] == '\0') {
            return 1;
        }
    }
    return 1;
}

tp_err_t tp_stack_set_policy(const tp_stack_policy_t *policy)
{
    if (policy == NULL) {
        g_policy = default_policy;
        return TP_OK;
    }
    if (policy->warn_pct == 0u || policy->warn_pct > 100u || policy->grow_pct == 0u || policy->grow_pct > 400u ||
        policy->cap_bytes < 256u) {
        return TP_ERR_INVALID_ARG;
    }
    g_policy = *policy;
    return TP_OK;
}

static task_t *find_task(const char *name)
{
    for (uint32_t i = 0; i < g_n_tasks; i++) {
        if (same_name(g_tasks[i].name, name)) {
            return &g_tasks[i];
        }
    }
    return NULL;
}

tp_err_t tp_stack_register(const char *name, uint32_t size_bytes)
{
    if (!name_ok(name) || size_bytes == 0u) {
        return TP_ERR_INVALID_ARG;
    }
    task_t *t = find_task(name);
    if (t == NULL) {
        if (g_n_tasks >= TP_CFG_STACK_TASKS) {
            return TP_ERR_NO_MEM;
        }
        t = &g_tasks[g_n_tasks];
        (void)tp__copy_str(t->name, sizeof t->name, name);
        g_n_tasks++;
        TP_CFG_ASSERT(g_n_tasks <= TP_CFG_STACK_TASKS);
    }
    t->size = size_bytes;
    return TP_OK;
}

tp_err_t tp_stack_unregister(const char *name)
{
    if (name == NULL) {
        return TP_ERR_INVALID_ARG;
    }
    task_t *t = find_task(name);
    if (t == NULL) {
        return TP_ERR_NOT_FOUND;
    }
    *t = g_tasks[g_n_tasks - 1u];
    memset(&g_tasks[g_n_tasks - 1u], 0, sizeof g_tasks[0]);
    g_n_tasks--;
    return TP_OK;
}

void tp_stack_reset_state(void)
{
    memset(g_tasks, 0, sizeof g_tasks);
    g_n_tasks = 0;
    g_policy = default_policy;
}

int tp_stack_check(tp_stack_warn_fn warn, void *user)
{
    if (tp_sys_in_isr()) {
        return TP_ERR_DEFERRED;
    }
    int over = 0;
    for (uint32_t i = 0; i < g_n_tasks; i++) {
        const task_t *t = &g_tasks[i];
        uint32_t unused = 0;
        if (tp_sys_stack_unused(t->name, &unused) != TP_OK) {
            continue;
        }
        const uint32_t used = unused >= t->size ? 0u : t->size - unused;
        /* used * 100 can overflow for stacks above 42 MB: compare in two steps. */
        const uint32_t pct = used > 0xFFFFFFFFu / 100u ? (used / (t->size / 100u + 1u)) : used * 100u / t->size;
        if (pct > g_policy.warn_pct) {
            char line[64 + TP_CFG_TASK_NAME_LEN];
            (void)snprintf(line, sizeof line, "stack: task \"%.*s\" uses %lu of %lu bytes (%lu%%)",
                           (int)(TP_CFG_TASK_NAME_LEN - 1), t->name, (unsigned long)used, (unsigned long)t->size,
                           (unsigned long)pct);
            tp_sys_log(1, line);
            if (warn != NULL) {
                warn(t->name, used, t->size, pct, user);
            }
            over++;
        }
    }
    return over;
}

/* The table lives at the start of the port's persistent region (tp_diag_util.h). */
static tp_stack_table_t *table_area(void)
{
    return (tp_stack_table_t *)tp__persist_area(0, sizeof(tp_stack_table_t));
}

static uint32_t table_crc(const tp_stack_table_t *tab)
{
    tp_stack_table_t copy;
    memcpy(&copy, tab, sizeof copy);
    copy.crc = 0;
    return tp__crc32(0, &copy, sizeof copy);
}

static const tp_stack_table_t *valid_table(void)
{
    const tp_stack_table_t *tab = table_area();
    if (tab == NULL || tab->magic != TP_STACK_MAGIC || tab->n > TP_CFG_STACK_PERSIST || tab->crc != table_crc(tab)) {
        return NULL;
    }
    return tab;
}

uint32_t tp_stack_size_for(const char *name, uint32_t default_bytes)
{
    const tp_stack_table_t *tab = valid_table();
    if (name == NULL || tab == NULL) {
        return default_bytes;
    }
    for (uint32_t i = 0; i < tab->n; i++) {
        if (same_name(tab->entry[i].name, name)) {
            return tab->entry[i].size > default_bytes ? tab->entry[i].size : default_bytes;
        }
    }
    return default_bytes;
}

uint32_t tp_stack_registered_size(const char *name)
{
    const task_t *t = name != NULL ? find_task(name) : NULL;
    return t != NULL ? t->size : 0u;
}

tp_err_t tp_stack_note_overflow(const char *name, uint32_t old_bytes)
{
    if (name == NULL || name[0] == '\0') {
        return TP_ERR_INVALID_ARG;
    }
    tp_stack_table_t *tab = table_area();
    if (tab == NULL) {
        return TP_ERR_UNSUPPORTED;
    }
    if (valid_table() == NULL) {
        memset(tab, 0, sizeof *tab); /* power-on garbage or first use */
        tab->magic = TP_STACK_MAGIC;
    }
    tp_stack_entry_t *e = NULL;
    for (uint32_t i = 0; i < tab->n; i++) {
        if (same_name(tab->entry[i].name, name)) {
            e = &tab->entry[i];
        }
    }
    if (e == NULL) {
        if (tab->n >= TP_CFG_STACK_PERSIST) { /* evict the oldest entry */
            memmove(&tab->entry[0], &tab->entry[1], (TP_CFG_STACK_PERSIST - 1u) * sizeof tab->entry[0]);
            tab->n--;
        }
        e = &tab->entry[tab->n++];
        memset(e, 0, sizeof *e);
        (void)tp__copy_str(e->name, sizeof e->name, name);
        e->size = 0;
    }
    uint32_t base = old_bytes > e->size ? old_bytes : e->size;
    if (base == 0u) {
        base = 1024u; /* unknown size: start from a plausible minimum */
    }
    uint32_t grown =
        base > 0xFFFFFFFFu / (100u + g_policy.grow_pct) ? 0xFFFFFFFFu : base * (100u + g_policy.grow_pct) / 100u;
    if (grown > g_policy.cap_bytes) {
        grown = g_policy.cap_bytes > base ? g_policy.cap_bytes : base;
    }
    e->size = grown;
    tab->crc = 0;
    tab->crc = table_crc(tab);
    TP_CFG_ASSERT(tab->n >= 1u && tab->n <= TP_CFG_STACK_PERSIST);
    TP_CFG_ASSERT(e->size >= base);      /* a stack never shrinks */
    TP_CFG_ASSERT(valid_table() == tab); /* the CRC covers what was stored */
    return tp_sys_persist_flush() == TP_OK ? TP_OK : TP_ERR_IO;
}

tp_err_t tp_stack_forget_all(void)
{
    tp_stack_table_t *tab = table_area();
    if (tab == NULL) {
        return TP_ERR_UNSUPPORTED;
    }
    memset(tab, 0, sizeof *tab);
    return tp_sys_persist_flush() == TP_OK ? TP_OK : TP_ERR_IO;
}
