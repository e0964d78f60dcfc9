/*
 * ps_read_plain.c - tierpool's plain event format (revisions 1 and 2), line by
 * line through tp_evline_parse: the format's one definition, shared with the
 * tracking layer that writes it.
 */
#include <stdio.h>

#include "ps_trace_internal.h"
#include "tp_evline.h"

int ps__plain_line(ps_reader_t *r, const char *line, size_t len)
{
    if (len == 0u) {
        return 0;
    }
    const unsigned version =
        line[0] == 't' || line[0] == ' ' || line[0] == '\t' ? tp_evline_header_version(line, len) : 0u;
    if (version > 0u) {
        /* the first header, or a later one (a device that restarted its stream) */
        if (version > TP_EVLINE_VERSION) {
            char msg[120];
            snprintf(msg, sizeof msg, "tierpool plain format revision %u: this poolsim reads revisions 1 to %u",
                     version, TP_EVLINE_VERSION);
            return ps__fail(r, msg);
        }
        r->plain.version = version;
        r->info.plain_version = version;
        r->info.trace_lines++;
        return 0;
    }
    if (line[0] == '#') {
        r->info.trace_lines++;
        return 0;
    }
    tp_evline_t e;
    char name[PS_TASK_NAME_MAX];
    const char *why = "";
    switch (tp_evline_parse(line, len, r->plain.version, &e, name, sizeof name - 1u, &why)) {
    case TP_EVLINE_EVENT: break;
    case TP_EVLINE_MALFORMED: {
        char msg[200];
        snprintf(msg, sizeof msg, "%s; expected 'A <time_us> <addr> <size> [task]' or 'F <time_us> <addr> [task]'",
                 why);
        return ps__fail(r, msg);
    }
    default:
        r->info.skipped++; /* not an event: text around the stream */
        return 0;
    }
    if (e.time_us > UINT64_MAX / 1000u) {
        return ps__fail(r, "time beyond 2^64 ns (18446744073709551 us)");
    }
    ps_event_t ev = {
        e.time_us * 1000u, e.addr, e.size, e.kind == 'A' ? PS_EV_ALLOC : PS_EV_FREE, 0, ps__task(r, e.task, e.task_len)
    };
    ps__emit(r, &ev);
    return 0;
}
