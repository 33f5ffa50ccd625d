"""Draw the extension's icon, images/icon.png (256x256 RGBA), with nothing but the standard library.

The picture is a small revision graph: a trunk of three revisions, a branch that leaves and merges back, on a
rounded dark square. Shapes are sampled 4x4 per pixel for smooth edges. Run it again after changing a colour:
    python3 vscode-extension/scripts/make_icon.py
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

SIZE = 256
SAMPLES = 4
OUT = Path(__file__).resolve().parent.parent / "images" / "icon.png"

Colour = tuple[int, int, int]
BACKGROUND: Colour = (0x1F, 0x2A, 0x44)
EDGE: Colour = (0xCB, 0xD5, 0xE1)
TRUNK: Colour = (0x38, 0xB2, 0xAC)
BRANCH: Colour = (0xF6, 0xAD, 0x55)

TRUNK_NODES = [(96.0, 62.0), (96.0, 128.0), (96.0, 194.0)]
BRANCH_NODE = (162.0, 128.0)
EDGES = [(TRUNK_NODES[0], TRUNK_NODES[2]), (TRUNK_NODES[0], BRANCH_NODE), (BRANCH_NODE, TRUNK_NODES[2])]
NODE_RADIUS = 19.0
RING = 6.0  # background-coloured gap between a node and the edges it sits on
EDGE_HALF_WIDTH = 6.0


def in_rounded_square(x: float, y: float, margin: float = 12.0, radius: float = 44.0) -> bool:
    lo, hi = margin + radius, SIZE - margin - radius
    dx = max(lo - x, 0.0, x - hi)
    dy = max(lo - y, 0.0, y - hi)
    return dx * dx + dy * dy <= radius * radius


def distance_to_segment(x: float, y: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    ax, ay = a
    bx, by = b
    length2 = (bx - ax) ** 2 + (by - ay) ** 2
    t = max(0.0, min(1.0, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / length2))
    return math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay)))


def sample(x: float, y: float) -> Colour | None:
    """The colour at one point, or None outside the icon (transparent)."""
    if not in_rounded_square(x, y):
        return None
    for node, colour in [*((n, TRUNK) for n in TRUNK_NODES), (BRANCH_NODE, BRANCH)]:
        distance = math.hypot(x - node[0], y - node[1])
        if distance <= NODE_RADIUS:
            return colour
        if distance <= NODE_RADIUS + RING:
            return BACKGROUND
    if any(distance_to_segment(x, y, a, b) <= EDGE_HALF_WIDTH for a, b in EDGES):
        return EDGE
    return BACKGROUND


def render() -> bytes:
    rows = []
    step = 1.0 / SAMPLES
    for py in range(SIZE):
        row = bytearray([0])  # PNG filter type 0 for this row
        for px in range(SIZE):
            red = green = blue = alpha = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    colour = sample(px + (sx + 0.5) * step, py + (sy + 0.5) * step)
                    if colour is not None:
                        red, green, blue = red + colour[0], green + colour[1], blue + colour[2]
                        alpha += 1
            count = SAMPLES * SAMPLES
            if alpha:
                row += bytes([red // alpha, green // alpha, blue // alpha, 255 * alpha // count])
            else:
                row += bytes(4)
        rows.append(bytes(row))
    return png(b"".join(rows))


def png(raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)  # 8-bit RGBA
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


if __name__ == "__main__":
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_bytes(render())
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
