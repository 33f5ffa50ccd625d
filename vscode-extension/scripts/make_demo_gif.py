"""Animate the quick-fix frames the real-VS-Code e2e saves (DEMO_FRAMES) into the Marketplace README's GIF.

    python vscode-extension/scripts/make_demo_gif.py FRAMES [OUT] [--width 960]   # a Python with Pillow

FRAMES holds `NN-<moment>.png` screenshots (finding, menu, choice, saved, import), taken by
`e2e/vscode.e2e.js` when DEMO_FRAMES names that folder. Each frame is scaled to `--width`, shown
for the time its moment needs to be read, and the whole is written with one shared palette so the
GIF stays small (OUT defaults to docs/screenshots/quick-fix.gif). Pillow is needed only here, so it
is not a dependency of the project.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[2]
# Milliseconds per moment: long enough to find the squiggle, read the menu, see the result.
HOLD_MS = {"finding": 1800, "menu": 1600, "choice": 900, "saved": 2000, "import": 2400}
DEFAULT_HOLD_MS = 1500


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("frames", type=Path)
    parser.add_argument("out", type=Path, nargs="?", default=REPO / "docs" / "screenshots" / "quick-fix.gif")
    parser.add_argument("--width", type=int, default=960)
    args = parser.parse_args(argv)
    paths = sorted(args.frames.glob("[0-9][0-9]-*.png"))
    if not paths:
        print(f"no NN-<moment>.png frames in {args.frames}", file=sys.stderr)
        return 1
    frames: list[Image.Image] = []
    durations: list[int] = []
    for path in paths:
        image = Image.open(path).convert("RGB")
        height = round(image.height * args.width / image.width)
        frames.append(image.resize((args.width, height), Image.Resampling.LANCZOS))
        durations.append(HOLD_MS.get(path.stem.split("-", 1)[1], DEFAULT_HOLD_MS))
    # One palette for every frame (from a strip of all of them): no flicker, and a smaller file.
    strip = Image.new("RGB", (args.width, sum(f.height for f in frames)))
    top = 0
    for image in frames:
        strip.paste(image, (0, top))
        top += image.height
    palette = strip.quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    quantized = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    quantized[0].save(
        args.out, save_all=True, append_images=quantized[1:], duration=durations, loop=0, optimize=True
    )
    total = sum(durations) / 1000
    size = args.out.stat().st_size / 1024
    print(f"{args.out}: {len(frames)} frames, {args.width}x{frames[0].height}, {total:.1f} s, {size:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
