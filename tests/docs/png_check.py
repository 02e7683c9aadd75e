#!/usr/bin/env python3
"""png_check.py PNG [MIN_COLOURS]: fails unless PNG is a drawing, not a blank.

Decodes the PNG with the standard library (zlib; 8-bit greyscale, RGB, grey +
alpha or RGBA, non-interlaced: what rsvg-convert and gnuplot's pngcairo
write), composites it on white, and requires that more than 1% of the pixels
differ from the most common colour (the background) and that at least
MIN_COLOURS (default 3) distinct strong colours appear, so a plot whose
series are all one colour, or an empty canvas, fails."""
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG")
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or interlace or ctype not in (0, 2, 4, 6):
                sys.exit(f"{path}: unsupported PNG (depth {depth}, type {ctype})")
            bpp = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    pixels = []
    for line in rows:
        for x in range(w):
            px = line[x * bpp:(x + 1) * bpp]
            if ctype in (0, 4):
                rgb, alpha = (px[0],) * 3, (px[1] if ctype == 4 else 255)
            else:
                rgb, alpha = tuple(px[:3]), (px[3] if ctype == 6 else 255)
            pixels.append(tuple((v * alpha + 255 * (255 - alpha)) // 255 for v in rgb))
    return w, h, pixels


def main():
    path = sys.argv[1]
    want = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    w, h, px = decode(path)
    counts = {}
    for p in px:
        counts[p] = counts.get(p, 0) + 1
    bg, nbg = max(counts.items(), key=lambda kv: kv[1])
    drawn = len(px) - nbg
    # strong colours: saturated enough to be a series, seen on 50+ pixels
    strong = {p for p, n in counts.items()
              if n >= 50 and max(p) - min(p) >= 60}
    hues = {(p[0] // 64, p[1] // 64, p[2] // 64) for p in strong}
    print(f"{path}: {w}x{h}, background {bg}, {drawn} drawn pixels "
          f"({100 * drawn / len(px):.1f}%), {len(hues)} strong colours")
    if drawn < len(px) // 100:
        sys.exit(f"{path}: blank (under 1% of the pixels drawn)")
    if len(hues) < want:
        sys.exit(f"{path}: {len(hues)} strong colours, want at least {want}")


main()
