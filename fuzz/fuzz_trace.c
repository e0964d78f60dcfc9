/* libFuzzer target: any bytes into the trace parsers. A trace or an error,
 * never a crash, a leak or an out-of-bounds read. */
#include <stddef.h>
#include <stdint.h>

#include "ps_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ps_trace_t trace;
    ps_trace_error_t err;
    if (ps_trace_parse("fuzz", (const char *)data, size, &trace, &err) == 0) {
        for (size_t i = 0; i < trace.n; i++) {
            if (trace.ev[i].task >= trace.n_tasks) {
                __builtin_trap(); /* an event must name an interned task */
            }
        }
        ps_trace_free(&trace);
    }
    return 0;
}
