/* libFuzzer target: any bytes as the body of sysviewtrace_proc.py output (the format fixed by a
 * first LOG record). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader("[0.000000000] LOG: fuzz\n", data, size);
    return 0;
}
