"""alembic-ls next to its peers on the same corpus: what they find in the rules we share, and we miss.

    .venv/bin/python bench/ecosystem_peers.py CORPUS [--alembic-guard PATH] [--migsafe PATH] [--out FILE]

alembic-guard and migsafe (both on PyPI; install them in a venv of their own and pass their
executables) are run on every version location alembic-ls finds in each repository of CORPUS. Their
findings in the rules that overlap ours are matched with ours:
  - alembic-guard reports file and line: one of its findings is matched when alembic-ls reports the
    mapped rule in the same file within two lines of it;
  - migsafe reports file and operation index (no line): matched per file, by count of the mapped rule.
Printed per peer and rule: their findings, matched, theirs only, ours only. `--out` writes every finding
of theirs that alembic-ls does not make (JSON lines) to judge them one by one: a peer's finding we lack
is either a miss of ours or a false alarm of theirs. Not run in CI; it needs the corpus and the peers.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic_ls.rules.base import Finding
from alembic_ls.workspace_check import run_check

# Their rule -> ours, for the rules both sides have.
ALEMBIC_GUARD = {
    "AG001": "AM401",  # add-not-null-column
    "AG002": "AM403",  # index-not-concurrent
    "AG004": "AM409",  # rename
    "AG005": "AM408",  # drop
    "AG006": "AM405",  # column-type-change
    "AG007": "AM406",  # set-not-null
    "AG008": "AM404",  # constraint-validated-under-lock
    "AG009": "AM407",  # volatile-default
}
MIGSAFE = {
    "add_column_not_null": "AM401",
    "create_index_without_concurrently": "AM403",
    "drop_column": "AM408",
    "alter_column_type": "AM405",
}
LINE_SLACK = 2
PEER_TIMEOUT_S = 600


@dataclass(frozen=True)
class PeerFinding:
    peer: str
    rule: str  # theirs
    ours: str  # the alembic-ls rule it maps to
    path: str  # absolute
    line: int | None  # 1-based; None when the peer gives none
    message: str


def _json(command: list[str], cwd: Path) -> Any:
    done = subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, timeout=PEER_TIMEOUT_S, check=False
    )
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        return None


def alembic_guard(executable: str, location: Path) -> Iterator[PeerFinding]:
    found = _json([executable, "--format", "json", str(location)], location)
    for item in found or []:
        ours = ALEMBIC_GUARD.get(item.get("rule", ""))
        if ours is not None:
            path = (
                str((location / item["path"]).resolve())
                if not Path(item["path"]).is_absolute()
                else item["path"]
            )
            yield PeerFinding(
                "alembic-guard", item["rule"], ours, path, item.get("line"), item.get("message", "")
            )


def migsafe(executable: str, location: Path) -> Iterator[PeerFinding]:
    found = _json([executable, "analyze", "--format", "json", str(location)], location)
    for migration in (found or {}).get("migrations", []):
        path = Path(migration["file"])
        path = path if path.is_absolute() else (location / path)
        for issue in migration.get("issues", []):
            ours = MIGSAFE.get(issue.get("type", ""))
            if ours is not None:
                yield PeerFinding(
                    "migsafe", issue["type"], ours, str(path.resolve()), None, issue.get("message", "")
                )


def compare(
    theirs: list[PeerFinding], ours: list[Finding]
) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]], list[PeerFinding]]:
    """(their count, matched count) per (peer rule, our rule), and their findings we lack."""
    lines: dict[tuple[str, str], list[int]] = defaultdict(list)
    for finding in ours:
        lines[(str(Path(finding.path).resolve()), finding.code)].append(finding.span.line + 1)
    total: Counter[tuple[str, str]] = Counter()
    matched: Counter[tuple[str, str]] = Counter()
    missed: list[PeerFinding] = []
    budget: Counter[tuple[str, str]] = Counter({key: len(found) for key, found in lines.items()})
    for finding in theirs:
        key = (finding.rule, finding.ours)
        total[key] += 1
        where = (finding.path, finding.ours)
        hit = (
            budget[where] > 0
            if finding.line is None
            else any(abs(line - finding.line) <= LINE_SLACK for line in lines.get(where, []))
        )
        if hit:
            matched[key] += 1
            if finding.line is None:
                budget[where] -= 1
        else:
            missed.append(finding)
    return total, matched, missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--alembic-guard", dest="guard", default="alembic-guard")
    parser.add_argument("--migsafe", default="migsafe")
    parser.add_argument("--out", type=Path, help="their findings alembic-ls lacks (JSON lines)")
    args = parser.parse_args(argv)

    total: Counter[tuple[str, str]] = Counter()
    matched: Counter[tuple[str, str]] = Counter()
    ours_counts: Counter[str] = Counter()
    missed: list[PeerFinding] = []
    for repository in sorted(p for p in args.corpus.iterdir() if p.is_dir() and not p.name.startswith(".")):
        result = run_check([repository], use_cache=False)
        mapped = set(ALEMBIC_GUARD.values()) | set(MIGSAFE.values())
        ours = [f for f in result.findings if f.code in mapped]
        ours_counts.update(f.code for f in ours)
        for project in result.projects:
            for location in project.version_locations:
                if not location.is_dir():
                    continue
                for peer in (alembic_guard(args.guard, location), migsafe(args.migsafe, location)):
                    theirs = list(peer)
                    t, m, lost = compare(theirs, ours)
                    total.update(t)
                    matched.update(m)
                    missed.extend(lost)
    print(f"{'peer rule':<36} {'ours':<6} {'theirs':>7} {'matched':>8} {'theirs only':>12}")
    for (rule, code), count in sorted(total.items()):
        print(
            f"{rule:<36} {code:<6} {count:>7} {matched[(rule, code)]:>8} {count - matched[(rule, code)]:>12}"
        )
    print(
        "alembic-ls findings in these rules: " + "  ".join(f"{c} {n}" for c, n in sorted(ours_counts.items()))
    )
    if args.out:
        with args.out.open("w", encoding="utf-8") as handle:
            for finding in missed:
                handle.write(json.dumps(finding.__dict__) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
