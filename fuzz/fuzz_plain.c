/* libFuzzer target: any bytes as the body of tierpool's plain events, revision 2 (the format fixed
 * by a header). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader("tpev 2\n", data, size);
    return 0;
}
