/* libFuzzer target: one line into tp_evline_parse (library code: the plain
 * format's one definition), both revisions. An event that parses is written
 * back with tp_evline_format and must parse to the same event, task included. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tp_evline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *line = (const char *)data;
    (void)tp_evline_header_version(line, size);
    for (unsigned version = 1; version <= 2; version++) {
        tp_evline_t ev, back;
        char name[256], name2[256], out[TP_EVLINE_SIZE(255)];
        const char *why = NULL;
        const int rc = tp_evline_parse(line, size, version, &ev, name, sizeof name - 1u, &why);
        if (rc == TP_EVLINE_MALFORMED && (why == NULL || why[0] == '\0'))
            __builtin_trap(); /* a refusal says why */
        if (rc != TP_EVLINE_EVENT)
            continue;
        if (ev.task_len > sizeof name - 1u)
            __builtin_trap();
        name[ev.task_len] = '\0';
        if (memchr(name, '\0', ev.task_len) != NULL)
            continue; /* a NUL inside a name cannot be passed as a C string */
        ev.task = name;
        const size_t n = tp_evline_format(out, sizeof out, &ev);
        if (n == 0 || out[n - 1u] != '\n' || memchr(out, '\n', n - 1u) != NULL)
            __builtin_trap(); /* one whole line */
        if (tp_evline_parse(out, n - 1u, 2, &back, name2, sizeof name2, &why) != TP_EVLINE_EVENT)
            __builtin_trap();
        if (back.kind != ev.kind || back.time_us != ev.time_us || back.addr != ev.addr || back.size != ev.size ||
            back.task_len != ev.task_len || memcmp(name2, name, ev.task_len) != 0)
            __builtin_trap(); /* what is written reads back the same */
    }
    return 0;
}
