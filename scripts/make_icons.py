"""Draw the OnDeck icons (static/icons/*.png and icon.svg) with the standard library only.

The mark is the "on-deck circle": a white ring with a dot, on a rounded green square.
Shapes are signed-distance functions, so edges are anti-aliased without supersampling.
Run: python scripts/make_icons.py
"""

import math
import struct
import zlib
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
TOP, BOTTOM = (0x1B, 0x9A, 0x55), (0x11, 0x6E, 0x3A)  # green, lighter at the top
WHITE = (255, 255, 255)
CORNER = 0.22  # corner radius of the rounded square, as a fraction of the size
RING_R, RING_W, DOT_R = 0.235, 0.075, 0.085  # the mark, as fractions of the size


def rounded_square(x: float, y: float, size: float, radius: float) -> float:
    """Signed distance from (x, y) to a size x size square with rounded corners."""
    h = size / 2
    qx, qy = abs(x - h) - (h - radius), abs(y - h) - (h - radius)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def mark(x: float, y: float, size: float, scale: float) -> float:
    """Signed distance from (x, y) to the ring-and-dot mark centred on the canvas."""
    d = math.hypot(x - size / 2, y - size / 2)
    ring = abs(d - RING_R * size * scale) - RING_W * size * scale / 2
    dot = d - DOT_R * size * scale
    return min(ring, dot)


def coverage(distance: float) -> float:
    return min(max(0.5 - distance, 0.0), 1.0)


def pixels(size: int, corner: float, scale: float, opaque: bool):
    """Yield rows of RGBA bytes for one icon."""
    for j in range(size):
        t = j / (size - 1)
        bg = tuple(round(a + (b - a) * t) for a, b in zip(TOP, BOTTOM, strict=True))
        row = bytearray()
        for i in range(size):
            x, y = i + 0.5, j + 0.5
            shape = 1.0 if opaque else coverage(rounded_square(x, y, size, corner * size))
            m = coverage(mark(x, y, size, scale))
            rgb = (round(c + (w - c) * m) for c, w in zip(bg, WHITE, strict=True))
            row.extend((*rgb, round(255 * shape)))
        yield bytes(row)


def write_png(path: Path, size: int, rows) -> None:
    """Write an 8-bit RGBA PNG."""
    raw = b"".join(b"\x00" + row for row in rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    path.write_bytes(png)


def svg() -> str:
    """The same icon as a scalable SVG (512 units)."""
    hexes = ["#{:02x}{:02x}{:02x}".format(*c) for c in (TOP, BOTTOM)]
    s = 512
    return f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {s} {s}"
  role="img" aria-label="OnDeck">
  <defs>
    <linearGradient id="g" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="{hexes[0]}"/><stop offset="1" stop-color="{hexes[1]}"/>
    </linearGradient>
  </defs>
  <rect width="{s}" height="{s}" rx="{CORNER * s:g}" fill="url(#g)"/>
  <circle cx="{s / 2:g}" cy="{s / 2:g}" r="{RING_R * s:g}" fill="none"
    stroke="#fff" stroke-width="{RING_W * s:g}"/>
  <circle cx="{s / 2:g}" cy="{s / 2:g}" r="{DOT_R * s:g}" fill="#fff"/>
</svg>
"""


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    # name: (size, corner, mark scale, opaque). Maskable and Apple icons are full-bleed squares
    # (the platform crops them); the maskable mark stays well inside the 40% safe circle.
    icons = {
        "icon-192.png": (192, CORNER, 1.0, False),
        "icon-512.png": (512, CORNER, 1.0, False),
        "icon-maskable-512.png": (512, 0.0, 0.8, True),
        "apple-touch-icon.png": (180, 0.0, 0.9, True),
    }
    for name, (size, corner, scale, opaque) in icons.items():
        write_png(ICONS / name, size, pixels(size, corner, scale, opaque))
        print(f"static/icons/{name}")
    (ICONS / "icon.svg").write_text(svg())
    print("static/icons/icon.svg")


if __name__ == "__main__":
    main()
