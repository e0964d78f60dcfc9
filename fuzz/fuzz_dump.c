/* libFuzzer target: any bytes as the body of heap_trace_dump() output (the format fixed by a
 * first header). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader("====== Heap Trace: 1 records (1 capacity) ======\n", data, size);
    return 0;
}
