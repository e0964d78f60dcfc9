/*
 * led_pattern.h - the LED pattern wire format and its validator.
 *
 * The seed's pattern_t (section 3.2) is a C struct with implicit padding and
 * host byte order, so its bytes differ between compilers and chips. On the
 * wire (a WebSocket binary message, a file in the patterns directory) a
 * pattern is this byte layout instead, little-endian, no padding; the seed's
 * fields keep their order and meaning, and the fields a device needs to play
 * a pattern (LED count, frame period, name) and an integrity check are added:
 *
 *   offset size  field
 *        0    4  magic          "LEDP"
 *        4    1  version        1
 *        5    1  type           0 static (exactly 1 frame), 1 animation
 *        6    2  frame_count    1 .. LED_PATTERN_MAX_FRAMES
 *        8    4  total_size     bytes of the whole pattern, CRC included
 *       12    1  compression    0 raw RGB (3 bytes per LED), 1 palette indices (1 byte per LED)
 *       13    1  palette_count  0 .. 15; >= 1 with compression 1
 *       14    2  led_count      LEDs per frame, 1 .. LED_PATTERN_MAX_LEDS
 *       16    2  frame_ms       time per frame, 10 .. 60000 ms
 *       18    2  reserved       0
 *       20   24  name           1 .. 23 characters [A-Za-z0-9_-], NUL-padded
 *       44   45  palette        15 x (R, G, B); entries at or above palette_count are 0
 *       89    N  frames         frame_count x led_count x (3 or 1) bytes
 *   89 + N    4  crc32          CRC-32 (IEEE, tp_crc32) of bytes 0 .. 88 + N
 *
 * A pattern is valid only if every rule above holds and total_size equals
 * the number of bytes received: no trailing bytes, no short read.
 */
#ifndef LED_PATTERN_H
#define LED_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#define LED_PATTERN_MAGIC "LEDP"
#define LED_PATTERN_VERSION 1u
#define LED_PATTERN_HEADER_BYTES 89u
#define LED_PATTERN_CRC_BYTES 4u
#define LED_PATTERN_OVERHEAD (LED_PATTERN_HEADER_BYTES + LED_PATTERN_CRC_BYTES)
#define LED_PATTERN_NAME_BYTES 24u
#define LED_PATTERN_PALETTE_MAX 15u
#define LED_PATTERN_MAX_LEDS 300u
#define LED_PATTERN_MAX_FRAMES 1024u
#define LED_PATTERN_MIN_FRAME_MS 10u
#define LED_PATTERN_MAX_FRAME_MS 60000u
/* The largest pattern a device accepts: one frame-intake block (4 KiB tier). */
#define LED_PATTERN_MAX_BYTES 4096u

typedef enum {
    LED_PATTERN_OK = 0,
    LED_PATTERN_SHORT,   /* fewer bytes than a header and a CRC */
    LED_PATTERN_TOO_BIG, /* more than LED_PATTERN_MAX_BYTES */
    LED_PATTERN_BAD_MAGIC,
    LED_PATTERN_BAD_VERSION,
    LED_PATTERN_BAD_TYPE, /* unknown type, or a static pattern with frame_count != 1 */
    LED_PATTERN_BAD_SIZE, /* total_size differs from the bytes received */
    LED_PATTERN_BAD_COMPRESSION,
    LED_PATTERN_BAD_PALETTE,  /* palette_count > 15, 0 with indices, unused entry not 0 */
    LED_PATTERN_BAD_GEOMETRY, /* frame_count, led_count or frame_ms out of range, or the
                                 frame bytes do not match frame_count x led_count */
    LED_PATTERN_BAD_RESERVED,
    LED_PATTERN_BAD_NAME,
    LED_PATTERN_BAD_INDEX, /* a palette index >= palette_count */
    LED_PATTERN_BAD_CRC
} led_pattern_err_t;

typedef struct {
    uint8_t r, g, b;
} led_rgb_t;

/* What a valid pattern says about itself (filled by led_pattern_validate). */
typedef struct {
    uint8_t type;
    uint8_t compression;
    uint8_t palette_count;
    uint16_t frame_count;
    uint16_t led_count;
    uint16_t frame_ms;
    uint32_t total_size;
    char name[LED_PATTERN_NAME_BYTES];
} led_pattern_info_t;

/*
 * Check len bytes at data against every rule of the wire format. Reads only
 * [data, data + len); never trusts a length field before checking it.
 * info (may be NULL) is filled only for a valid pattern.
 */
led_pattern_err_t led_pattern_validate(const uint8_t *data, size_t len, led_pattern_info_t *info);

/* A short English description of err ("ok" for LED_PATTERN_OK). */
const char *led_pattern_strerror(led_pattern_err_t err);

/* 1 when name is 1..23 characters of [A-Za-z0-9_-] (also what a file may be called). */
int led_pattern_name_ok(const char *name, size_t len);

/*
 * The colour of LED `led` (any index: patterns repeat along a longer strip)
 * in frame `frame` (taken modulo frame_count) of a VALID pattern.
 */
led_rgb_t led_pattern_pixel(const uint8_t *data, const led_pattern_info_t *info, uint32_t frame, uint32_t led);

/*
 * Write a pattern header + CRC around frame bytes already placed at
 * out + LED_PATTERN_HEADER_BYTES (a test and tool helper; the device only reads).
 * Returns the total size, or 0 when it does not fit out_size.
 */
size_t led_pattern_build(uint8_t *out, size_t out_size, const led_pattern_info_t *info, const led_rgb_t *palette,
                         size_t frame_bytes);

#endif /* LED_PATTERN_H */
