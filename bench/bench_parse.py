"""Time the single-file parser (`parse_revision`) against bare `ast.parse` of the same text.

    .venv/bin/python bench/bench_parse.py [--n 300] [--seed 0] [--repeat 31]

Measured in one run, median of `--repeat` runs each, with the garbage collector enabled as in
the language server:
  big file      parse_revision of the 593-line revision bench_server.py edits (40 create_table
                calls of 10 columns each): what every keystroke in that file costs before the rules
  typical file  parse_revision of every revision file of a synthetic history (bench/synth.py,
                `--n` revisions), per file: what a cold index build costs per file
Each row also times `ast.parse` of the same text, and prints the analysis overhead as
parse_revision / ast.parse: the part above 1.0 is our lexer and AST analysis, which is what this
benchmark is for (ast.parse itself is a floor no change to the parser can lower).
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_server import big_revision
from synth import generate_history

from alembic_ls.analysis.parser import parse_revision


def median_seconds(repeat: int, run: Callable[[], object]) -> float:
    samples: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=300, help="revisions to generate (default 300)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=31, help="runs per measurement; the median counts")
    args = parser.parse_args(argv)

    big = big_revision("a" * 12, "b" * 12)
    with tempfile.TemporaryDirectory() as tmp:
        generate_history(Path(tmp), args.n, seed=args.seed)
        paths = sorted((Path(tmp) / "migrations" / "versions").glob("*.py"))
        typical = [(str(path), path.read_text(encoding="utf-8")) for path in paths]

    def parse_all() -> None:
        for path, text in typical:
            parse_revision(path, text)

    def ast_all() -> None:
        for path, text in typical:
            ast.parse(text, filename=path)

    rows = [
        (
            f"big file ({big.count(chr(10)) + 1} lines)",
            median_seconds(args.repeat, lambda: parse_revision("big.py", big)),
            median_seconds(args.repeat, lambda: ast.parse(big, filename="big.py")),
        ),
        (
            f"typical file (mean of {len(typical)})",
            median_seconds(args.repeat, parse_all) / len(typical),
            median_seconds(args.repeat, ast_all) / len(typical),
        ),
    ]
    print(f"median of {args.repeat} runs, gc enabled")
    print(f"{'':<34}{'parse_revision ms':>18}{'ast.parse ms':>14}{'overhead':>10}")
    for name, parse_s, ast_s in rows:
        print(f"{name:<34}{parse_s * 1000:>18.3f}{ast_s * 1000:>14.3f}{parse_s / ast_s:>9.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
