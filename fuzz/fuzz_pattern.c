/*
 * libFuzzer target: the LED controller's pattern wire-format validator
 * (examples/led-controller/app/led_pattern.c) on any bytes. A pattern is
 * valid or refused, never a crash or a read outside the input; a valid one
 * is entirely readable (every pixel of every frame, through
 * led_pattern_pixel) and is rebuilt byte for byte from what the validator
 * reported (led_pattern_build): the validator accepts exactly the layout the
 * format defines, nothing else.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "led_pattern.h"
#include "tp_crash.h" /* tp_crc32 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)              \
    do {                      \
        if (!(c))             \
            __builtin_trap(); \
    } while (0)

static void one(const uint8_t *data, size_t size);

/* Every input twice: as it is, and with its CRC made right, so that the rules
 * behind the CRC check are reached by mutations too. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one(data, size);
    if (size >= LED_PATTERN_OVERHEAD && size <= LED_PATTERN_MAX_BYTES) {
        static uint8_t fixed[LED_PATTERN_MAX_BYTES];
        memcpy(fixed, data, size);
        const uint32_t crc = tp_crc32(fixed, size - 4u);
        for (int i = 0; i < 4; i++) {
            fixed[size - 4u + (size_t)i] = (uint8_t)(crc >> (8 * i));
        }
        one(fixed, size);
    }
    return 0;
}

static void one(const uint8_t *data, size_t size)
{
    led_pattern_info_t info;
    memset(&info, 0xA5, sizeof info);
    const led_pattern_err_t err = led_pattern_validate(data, size, &info);
    CHECK(led_pattern_strerror(err) != NULL);
    if (err != LED_PATTERN_OK) {
        return;
    }
    CHECK(info.total_size == size && size <= LED_PATTERN_MAX_BYTES);
    CHECK(led_pattern_name_ok(info.name, strlen(info.name)));
    uint32_t sum = 0;
    for (uint32_t f = 0; f < info.frame_count; f++) {
        for (uint32_t i = 0; i < info.led_count; i++) {
            const led_rgb_t c = led_pattern_pixel(data, &info, f, i);
            sum += c.r + c.g + c.b;
        }
    }
    (void)sum;
    /* rebuild from the reported fields, the palette and the frame bytes */
    static uint8_t out[LED_PATTERN_MAX_BYTES];
    led_rgb_t palette[LED_PATTERN_PALETTE_MAX];
    for (uint32_t p = 0; p < LED_PATTERN_PALETTE_MAX; p++) {
        palette[p].r = data[44 + 3 * p];
        palette[p].g = data[45 + 3 * p];
        palette[p].b = data[46 + 3 * p];
    }
    const size_t frame_bytes = size - LED_PATTERN_OVERHEAD;
    memcpy(out + LED_PATTERN_HEADER_BYTES, data + LED_PATTERN_HEADER_BYTES, frame_bytes);
    CHECK(led_pattern_build(out, sizeof out, &info, palette, frame_bytes) == size);
    CHECK(memcmp(out, data, size) == 0);
}
