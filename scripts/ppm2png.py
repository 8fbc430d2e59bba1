#!/usr/bin/env python3
"""Converts a binary PPM (P6, maxval 255: what QEMU's screendump writes)
to a PNG, with the standard library only: a PNG is a signature and three
chunks, IHDR (size, 8-bit RGB), IDAT (the rows, each after a filter byte
0, zlib-compressed) and IEND, each chunk with its CRC-32 (PNG spec, ISO
15948, 5 and 11.2).

usage: python3 scripts/ppm2png.py IN.ppm OUT.png
"""
import re
import struct
import sys
import zlib


def read_ppm(data):
    """(width, height, rgb bytes); comments in the header are allowed."""
    header = re.match(rb"P6(?:\s+|#[^\n]*\n)+(\d+)(?:\s+|#[^\n]*\n)+(\d+)"
                      rb"(?:\s+|#[^\n]*\n)+(\d+)\s", data)
    if not header or header.group(3) != b"255":
        raise ValueError("not a P6 PPM with maxval 255")
    w, h = int(header.group(1)), int(header.group(2))
    rgb = data[header.end():header.end() + w * h * 3]
    if len(rgb) != w * h * 3:
        raise ValueError(f"PPM {w}x{h}: {len(rgb)} bytes of pixels, {w * h * 3} expected")
    return w, h, rgb


def png(w, h, rgb):
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))
    rows = b"".join(b"\0" + rgb[y * w * 3:(y + 1) * w * 3] for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    with open(sys.argv[1], "rb") as f:
        w, h, rgb = read_ppm(f.read())
    with open(sys.argv[2], "wb") as f:
        f.write(png(w, h, rgb))


if __name__ == "__main__":
    main()
