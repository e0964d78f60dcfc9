/* libFuzzer target: any bytes into the trace readers, the format detected from
 * the content (all three formats and the monitor-line cleaning). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader("", data, size);
    return 0;
}
