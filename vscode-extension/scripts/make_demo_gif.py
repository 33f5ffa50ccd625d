"""Animate the quick-fix frames recorded in real VS Code (e2e/record-demo.js): the Marketplace README's GIF.

    python vscode-extension/scripts/make_demo_gif.py FRAMES [OUT] [--width 1000]   # a Python with Pillow

FRAMES holds the screenshots and `frames.json` ([{"file": "01-finding.png", "ms": 1400}, ...]: each frame
and how long it stays on screen), as `e2e/record-demo.js` writes them. Frames wider than `--width` are
scaled down; the whole is written with one shared palette (no flicker between frames, a smaller file).
OUT defaults to docs/screenshots/quick-fix.gif. Pillow is needed only here, so it is not a dependency of
the project (e2e/record-demo.sh installs it in a throwaway venv).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[2]
COLORS = 256
MAX_BYTES = 1_500_000  # the Marketplace page loads it with the README


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("frames", type=Path)
    parser.add_argument("out", type=Path, nargs="?", default=REPO / "docs" / "screenshots" / "quick-fix.gif")
    parser.add_argument("--width", type=int, default=1000)
    args = parser.parse_args(argv)
    manifest = args.frames / "frames.json"
    if not manifest.is_file():
        print(
            f"no frames.json in {args.frames} (record them: node vscode-extension/e2e/record-demo.js)",
            file=sys.stderr,
        )
        return 1
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    frames: list[Image.Image] = []
    durations: list[int] = []
    for entry in entries:
        image = Image.open(args.frames / entry["file"]).convert("RGB")
        if image.width > args.width:
            height = round(image.height * args.width / image.width)
            image = image.resize((args.width, height), Image.Resampling.LANCZOS)
        frames.append(image)
        durations.append(int(entry["ms"]))
    # One palette for every frame (from a strip of all of them): no flicker, and a smaller file.
    width = max(f.width for f in frames)
    strip = Image.new("RGB", (width, sum(f.height for f in frames)))
    top = 0
    for image in frames:
        strip.paste(image, (0, top))
        top += image.height
    palette = strip.quantize(colors=COLORS, method=Image.Quantize.MEDIANCUT)
    quantized = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    quantized[0].save(
        args.out, save_all=True, append_images=quantized[1:], duration=durations, loop=0, optimize=True
    )
    size = args.out.stat().st_size
    print(
        f"{args.out}: {len(frames)} frames, {frames[0].width}x{frames[0].height}, "
        f"{sum(durations) / 1000:.1f} s, {size / 1024:.0f} KiB"
    )
    if size > MAX_BYTES:
        print(f"larger than {MAX_BYTES / 1e6:.1f} MB: fewer frames or a smaller --width", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
