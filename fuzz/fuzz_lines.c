/* libFuzzer target: the line splitter (ps_lines.c) with chunks and line limits
 * chosen by the input, against a plain reference split: the same lines, cut at
 * the limit, whatever the chunk edges. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ps_lines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const size_t chunk = 1u + data[0] % 16u, line_max = 1u + data[1] % 32u;
    const char *text = (const char *)data + 2;
    const size_t len = size - 2;
    ps_lines_t in;
    if (ps_lines_open_mem_chunk(&in, text, len, line_max, chunk) != 0)
        return 0;
    size_t at = 0; /* the reference: where the next line starts */
    char *line, msg[64];
    size_t n;
    int cut;
    while (ps_lines_next(&in, &line, &n, &cut, msg, sizeof msg) == 1) {
        const char *nl = memchr(text + at, '\n', len - at);
        const size_t full = nl != NULL ? (size_t)(nl - (text + at)) : len - at;
        if (at >= len || cut != (full > line_max) || n != (cut ? line_max : full) || memcmp(line, text + at, n) != 0)
            __builtin_trap();
        at += full + (nl != NULL);
    }
    if (at != len)
        __builtin_trap(); /* every byte was in a line */
    ps_lines_close(&in);
    return 0;
}
