/* Shared by the trace-reader fuzz targets: read prefix + data with a reader
 * over memory, twice (the second time after a rewind), and check what must
 * hold for any input: a trace or an error naming a line, never a crash, a
 * leak or an out-of-bounds read; task indexes valid; the same events and
 * counts on both passes. */
#ifndef FUZZ_READER_H
#define FUZZ_READER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ps_trace.h"

static size_t fuzz_pass(ps_reader_t *r, ps_event_t *ev, size_t max, int *rc)
{
    size_t n = 0;
    ps_event_t e;
    while ((*rc = ps_reader_next(r, &e)) > 0) {
        if (e.task != 0 && ps_reader_task(r, e.task)[0] == '\0')
            __builtin_trap(); /* an event names a task that was interned */
        if (n < max)
            ev[n] = e;
        n++;
    }
    return n;
}

static void fuzz_reader(const char *prefix, const uint8_t *data, size_t size)
{
    const size_t np = strlen(prefix);
    char *buf = malloc(np + size + 1u);
    if (buf == NULL)
        return;
    memcpy(buf, prefix, np);
    if (size > 0u)
        memcpy(buf + np, data, size);
    ps_reader_t *r = ps_reader_open_mem("fuzz", buf, np + size);
    if (r != NULL) {
        enum { MAX = 512 };
        static ps_event_t a[MAX], b[MAX];
        int rc1, rc2;
        const size_t n1 = fuzz_pass(r, a, MAX, &rc1);
        const ps_trace_info_t first = *ps_reader_info(r);
        const uint64_t line1 = ps_reader_error(r)->line;
        if (rc1 < 0 && ps_reader_error(r)->message[0] == '\0')
            __builtin_trap(); /* an error says what is wrong */
        if (ps_reader_rewind(r) != 0)
            __builtin_trap(); /* memory can always be read again */
        const size_t n2 = fuzz_pass(r, b, MAX, &rc2);
        if (n1 != n2 || rc1 != rc2 || memcmp(a, b, (n1 < MAX ? n1 : MAX) * sizeof a[0]) != 0 ||
            memcmp(&first, ps_reader_info(r), sizeof first) != 0 || line1 != ps_reader_error(r)->line)
            __builtin_trap(); /* the same input reads the same way twice */
        if (rc1 == 0 && first.events != n1)
            __builtin_trap();
        ps_reader_close(r);
    }
    free(buf);
}

#endif /* FUZZ_READER_H */
