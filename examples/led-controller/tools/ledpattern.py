#!/usr/bin/env python3
"""Build LED patterns in the wire format of app/led_pattern.h (little-endian,
no padding, CRC-32 at the end), and the sample patterns shipped in ../patterns.

    ledpattern.py samples DIR     write the sample patterns into DIR
    ledpattern.py show FILE...    print a pattern's header fields

Also imported by the tests (build(), the field offsets) to craft uploads,
truncated and corrupted patterns.
"""
import colorsys
import struct
import sys
import zlib
from pathlib import Path

MAGIC = b"LEDP"
HEADER = 89
CRC = 4
NAME_BYTES = 24
PALETTE_MAX = 15
MAX_BYTES = 4096


def build(name, frames, leds, frame_ms=50, palette=None, type_=None, version=1, reserved=0,
          total_size=None):
    """frames: list of frames; a frame is a list of (r, g, b) (raw) or of
    palette indices (when palette is given). Returns the pattern's bytes."""
    indexed = palette is not None
    body = bytearray()
    for f in frames:
        assert len(f) == leds
        for px in f:
            body += bytes([px]) if indexed else bytes(px)
    pal = bytearray(PALETTE_MAX * 3)
    for i, (r, g, b) in enumerate(palette or []):
        pal[3 * i:3 * i + 3] = bytes((r, g, b))
    if type_ is None:
        type_ = 0 if len(frames) == 1 else 1
    total = HEADER + len(body) + CRC if total_size is None else total_size
    nm = name.encode()
    head = (MAGIC + struct.pack("<BBHIBBHHH", version, type_, len(frames), total,
                                1 if indexed else 0, len(palette or []), leds, frame_ms, reserved)
            + nm + bytes(NAME_BYTES - len(nm)) + bytes(pal))
    assert len(head) == HEADER, len(head)
    data = head + bytes(body)
    return data + struct.pack("<I", zlib.crc32(data) & 0xFFFFFFFF)


def samples():
    out = {}
    # rainbow: 30 LEDs, 10 frames of a rotating hue wheel, raw RGB (993 bytes: the seed's 1 KiB class)
    frames = []
    for f in range(10):
        frame = []
        for i in range(30):
            r, g, b = colorsys.hsv_to_rgb(((i / 30) + f / 10) % 1.0, 1.0, 1.0)
            frame.append((int(r * 255), int(g * 255), int(b * 255)))
        frames.append(frame)
    out["rainbow"] = build("rainbow", frames, 30, frame_ms=40)
    # breathe: 60 LEDs, palette of 15 blues from dim to bright, 16 frames up and down
    pal = [(0, int(8 + 16 * k * 0.6), 8 + 17 * k) for k in range(15)]
    levels = list(range(15)) + [14]
    frames = [[lv] * 60 for lv in levels[:8] + levels[7::-1]]
    out["breathe"] = build("breathe", frames, 60, frame_ms=60, palette=pal)
    # solid-warm: one static warm-white LED, repeated along any strip (96 bytes)
    out["solid-warm"] = build("solid-warm", [[(255, 147, 41)]], 1, frame_ms=1000)
    # chase: 60 LEDs, one red dot with a fading tail running along the strip (3693 bytes)
    pal = [(0, 0, 0), (255, 0, 0), (120, 0, 0), (40, 0, 0)]
    frames = []
    for f in range(60):
        frame = [0] * 60
        for k, idx in enumerate((1, 2, 3)):
            frame[(f - k) % 60] = idx
        frames.append(frame)
    out["chase"] = build("chase", frames, 60, frame_ms=30, palette=pal)
    return out


def show(path):
    data = Path(path).read_bytes()
    (version, type_, frames, total, comp, npal, leds, frame_ms,
     reserved) = struct.unpack_from("<BBHIBBHHH", data, 4)
    name = data[20:44].rstrip(b"\0").decode(errors="replace")
    crc_ok = zlib.crc32(data[:-4]) & 0xFFFFFFFF == struct.unpack_from("<I", data, len(data) - 4)[0]
    print(f"{path}: {name!r} v{version} type {type_} {frames} frames x {leds} LEDs, "
          f"{frame_ms} ms/frame, compression {comp}, palette {npal}, total_size {total} "
          f"({len(data)} bytes), crc {'ok' if crc_ok else 'BAD'}")


def main(argv):
    if len(argv) >= 3 and argv[1] == "samples":
        d = Path(argv[2])
        d.mkdir(parents=True, exist_ok=True)
        for name, data in samples().items():
            (d / (name + ".ledp")).write_bytes(data)
            print(f"{d / (name + '.ledp')}: {len(data)} bytes")
        return 0
    if len(argv) >= 3 and argv[1] == "show":
        for p in argv[2:]:
            show(p)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
