/*
 * led_pattern.c - the pattern wire format (see led_pattern.h). Portable C11,
 * no allocation; every field is read byte by byte, little-endian.
 */
#include "led_pattern.h"

#include <string.h>

#include "tp_crash.h" /* tp_crc32 */

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (uint16_t)(p[1] << 8));
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void wr16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Field offsets (the table in led_pattern.h). */
enum {
    OFF_MAGIC = 0,
    OFF_VERSION = 4,
    OFF_TYPE = 5,
    OFF_FRAMES = 6,
    OFF_TOTAL = 8,
    OFF_COMPRESSION = 12,
    OFF_PALETTE_COUNT = 13,
    OFF_LEDS = 14,
    OFF_FRAME_MS = 16,
    OFF_RESERVED = 18,
    OFF_NAME = 20,
    OFF_PALETTE = 44,
    OFF_FRAME_DATA = 89
};

int led_pattern_name_ok(const char *name, size_t len)
{
    if (name == NULL || len == 0u || len >= LED_PATTERN_NAME_BYTES) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        const char c = name[i];
        const int ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) {
            return 0;
        }
    }
    return 1;
}

led_pattern_err_t led_pattern_validate(const uint8_t *data, size_t len, led_pattern_info_t *info)
{
    if (data == NULL || len < LED_PATTERN_OVERHEAD) {
        return LED_PATTERN_SHORT;
    }
    if (len > LED_PATTERN_MAX_BYTES) {
        return LED_PATTERN_TOO_BIG;
    }
    if (memcmp(data + OFF_MAGIC, LED_PATTERN_MAGIC, 4) != 0) {
        return LED_PATTERN_BAD_MAGIC;
    }
    if (data[OFF_VERSION] != LED_PATTERN_VERSION) {
        return LED_PATTERN_BAD_VERSION;
    }
    if (rd32(data + OFF_TOTAL) != len) {
        return LED_PATTERN_BAD_SIZE;
    }
    /* The CRC first: a corrupted pattern is reported as such, whatever field it hit. */
    if (tp_crc32(data, len - LED_PATTERN_CRC_BYTES) != rd32(data + len - LED_PATTERN_CRC_BYTES)) {
        return LED_PATTERN_BAD_CRC;
    }
    const uint8_t type = data[OFF_TYPE];
    const uint16_t frames = rd16(data + OFF_FRAMES);
    if (type > 1u || (type == 0u && frames != 1u)) {
        return LED_PATTERN_BAD_TYPE;
    }
    const uint8_t compression = data[OFF_COMPRESSION];
    if (compression > 1u) {
        return LED_PATTERN_BAD_COMPRESSION;
    }
    const uint8_t palette_count = data[OFF_PALETTE_COUNT];
    if (palette_count > LED_PATTERN_PALETTE_MAX || (compression == 1u && palette_count == 0u)) {
        return LED_PATTERN_BAD_PALETTE;
    }
    for (uint32_t i = (uint32_t)palette_count * 3u; i < LED_PATTERN_PALETTE_MAX * 3u; i++) {
        if (data[OFF_PALETTE + i] != 0u) {
            return LED_PATTERN_BAD_PALETTE;
        }
    }
    const uint16_t leds = rd16(data + OFF_LEDS);
    const uint16_t frame_ms = rd16(data + OFF_FRAME_MS);
    const uint32_t per_led = compression == 1u ? 1u : 3u;
    if (frames == 0u || frames > LED_PATTERN_MAX_FRAMES || leds == 0u || leds > LED_PATTERN_MAX_LEDS ||
        frame_ms < LED_PATTERN_MIN_FRAME_MS || frame_ms > LED_PATTERN_MAX_FRAME_MS ||
        (size_t)frames * leds * per_led != len - LED_PATTERN_OVERHEAD) {
        return LED_PATTERN_BAD_GEOMETRY;
    }
    if (rd16(data + OFF_RESERVED) != 0u) {
        return LED_PATTERN_BAD_RESERVED;
    }
    /* name: 1..23 allowed characters, then only NULs */
    size_t name_len = 0;
    while (name_len < LED_PATTERN_NAME_BYTES && data[OFF_NAME + name_len] != 0u) {
        name_len++;
    }
    if (!led_pattern_name_ok((const char *)data + OFF_NAME, name_len)) {
        return LED_PATTERN_BAD_NAME;
    }
    for (size_t i = name_len; i < LED_PATTERN_NAME_BYTES; i++) {
        if (data[OFF_NAME + i] != 0u) {
            return LED_PATTERN_BAD_NAME;
        }
    }
    if (compression == 1u) {
        const uint8_t *px = data + OFF_FRAME_DATA;
        const uint32_t n = (uint32_t)frames * leds;
        for (uint32_t i = 0; i < n; i++) {
            if (px[i] >= palette_count) {
                return LED_PATTERN_BAD_INDEX;
            }
        }
    }
    if (info != NULL) {
        memset(info, 0, sizeof *info);
        info->type = type;
        info->compression = compression;
        info->palette_count = palette_count;
        info->frame_count = frames;
        info->led_count = leds;
        info->frame_ms = frame_ms;
        info->total_size = (uint32_t)len;
        memcpy(info->name, data + OFF_NAME, name_len);
    }
    return LED_PATTERN_OK;
}

const char *led_pattern_strerror(led_pattern_err_t err)
{
    switch (err) {
    case LED_PATTERN_OK: return "ok";
    case LED_PATTERN_SHORT: return "pattern shorter than its header";
    case LED_PATTERN_TOO_BIG: return "pattern larger than 4096 bytes";
    case LED_PATTERN_BAD_MAGIC: return "not a pattern (bad magic)";
    case LED_PATTERN_BAD_VERSION: return "unsupported pattern version";
    case LED_PATTERN_BAD_TYPE: return "bad pattern type";
    case LED_PATTERN_BAD_SIZE: return "total_size does not match the bytes received";
    case LED_PATTERN_BAD_COMPRESSION: return "unknown compression";
    case LED_PATTERN_BAD_PALETTE: return "bad palette";
    case LED_PATTERN_BAD_GEOMETRY: return "bad frame count, LED count or frame time";
    case LED_PATTERN_BAD_RESERVED: return "reserved bytes not zero";
    case LED_PATTERN_BAD_NAME: return "bad pattern name";
    case LED_PATTERN_BAD_INDEX: return "palette index out of range";
    case LED_PATTERN_BAD_CRC: return "CRC mismatch";
    default: return "unknown pattern error";
    }
}

led_rgb_t led_pattern_pixel(const uint8_t *data, const led_pattern_info_t *info, uint32_t frame, uint32_t led)
{
    const size_t f = frame % info->frame_count;
    const size_t i = led % info->led_count;
    const uint8_t *px = data + OFF_FRAME_DATA;
    led_rgb_t c;
    if (info->compression == 1u) {
        const uint8_t *pal = data + OFF_PALETTE + (size_t)3u * px[f * info->led_count + i];
        c.r = pal[0];
        c.g = pal[1];
        c.b = pal[2];
    } else {
        const uint8_t *p = px + 3u * (f * info->led_count + i);
        c.r = p[0];
        c.g = p[1];
        c.b = p[2];
    }
    return c;
}

size_t led_pattern_build(uint8_t *out, size_t out_size, const led_pattern_info_t *info, const led_rgb_t *palette,
                         size_t frame_bytes)
{
    const size_t total = LED_PATTERN_OVERHEAD + frame_bytes;
    if (out == NULL || info == NULL || total > out_size || total > UINT32_MAX) {
        return 0;
    }
    memset(out, 0, LED_PATTERN_HEADER_BYTES);
    for (size_t i = 0; i < 4u; i++) { /* the magic has no terminating NUL on the wire */
        out[OFF_MAGIC + i] = (uint8_t)LED_PATTERN_MAGIC[i];
    }
    out[OFF_VERSION] = LED_PATTERN_VERSION;
    out[OFF_TYPE] = info->type;
    wr16(out + OFF_FRAMES, info->frame_count);
    wr32(out + OFF_TOTAL, (uint32_t)total);
    out[OFF_COMPRESSION] = info->compression;
    out[OFF_PALETTE_COUNT] = info->palette_count;
    wr16(out + OFF_LEDS, info->led_count);
    wr16(out + OFF_FRAME_MS, info->frame_ms);
    for (size_t i = 0; i < LED_PATTERN_NAME_BYTES - 1u && info->name[i] != '\0'; i++) {
        out[OFF_NAME + i] = (uint8_t)info->name[i];
    }
    for (uint32_t i = 0; palette != NULL && i < info->palette_count && i < LED_PATTERN_PALETTE_MAX; i++) {
        out[OFF_PALETTE + 3u * i] = palette[i].r;
        out[OFF_PALETTE + 3u * i + 1u] = palette[i].g;
        out[OFF_PALETTE + 3u * i + 2u] = palette[i].b;
    }
    wr32(out + total - LED_PATTERN_CRC_BYTES, tp_crc32(out, total - LED_PATTERN_CRC_BYTES));
    return total;
}
