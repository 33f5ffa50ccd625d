"""Run alembic-ls over a corpus of real projects, as ruff's ecosystem check does, and diff a snapshot.

    .venv/bin/python bench/ecosystem.py CORPUS [--snapshot bench/ecosystem_snapshot.json] [--update]
                                        [--findings FILE] [--only NAME ...]

CORPUS holds one folder per public repository (a checkout, or just its Python and configuration
files). For each repository it prints:
  - what `alembic-ls check` found there: projects, revision files, findings per rule, errors;
  - the graph disagreements between alembic-ls and Alembic's own `ScriptDirectory` loading the same
    version locations (`ecosystem_alembic.py`, in a subprocess, with stand-ins for imports the
    repository's application needs): revisions one side has and the other lacks, different parents
    or dependencies, different heads or bases. Files Alembic could not execute even with stand-ins
    are counted, not compared.
Then it compares the counts with the committed snapshot and prints every change, so a change to a
rule shows what it did on real code; `--update` rewrites the snapshot instead. `--findings FILE`
writes every finding (JSON lines: repository, code, path relative to the corpus, line, message) for
reading them one by one. Exit 1 when the counts differ from the snapshot (without `--update`).

A corpus folder may hold a file `.corpus-source` with one line, `owner/name@commit`; it is recorded in
the snapshot so a difference caused by a new checkout is told apart from one caused by a change here.
Not run in CI: it needs the corpus (see bench/README.md for the list of repositories).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic_ls.analysis.index import IndexCache, ProjectIndex
from alembic_ls.project import Project
from alembic_ls.workspace_check import run_check

HERE = Path(__file__).resolve().parent
ALEMBIC_LOADER = HERE / "ecosystem_alembic.py"
DEFAULT_SNAPSHOT = HERE / "ecosystem_snapshot.json"
ALEMBIC_TIMEOUT_S = 300


@dataclass
class RepositoryReport:
    name: str
    source: str | None = None
    projects: int = 0
    files: int = 0
    findings: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    not_executed: int = 0  # revision files Alembic could not execute even with stand-ins
    partly_executed: int = 0  # only their imports and identifier assignments executed

    def counts(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "projects": self.projects,
            "files": self.files,
            "findings": dict(sorted(self.findings.items())),
            "errors": len(self.errors),
            "graph_disagreements": len(self.disagreements),
            "not_executed_by_alembic": self.not_executed,
            "partly_executed_by_alembic": self.partly_executed,
        }


def _source(folder: Path) -> str | None:
    marker = folder / ".corpus-source"
    return marker.read_text(encoding="utf-8").strip() if marker.is_file() else None


def alembic_graph(project: Project) -> dict[str, Any]:
    command = [
        sys.executable,
        str(ALEMBIC_LOADER),
        str(project.script_location),
        *(str(location) for location in project.version_locations),
    ]
    if project.recursive_version_locations:
        command.append("--recursive")
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=ALEMBIC_TIMEOUT_S, cwd=project.root, check=False
        )
    except subprocess.TimeoutExpired:
        return {"error": f"Alembic's loader did not finish within {ALEMBIC_TIMEOUT_S} s"}
    if done.returncode != 0 or not done.stdout.strip():
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"Alembic's loader failed: {tail}"}
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def graph_disagreements(project: Project, alembic: dict[str, Any]) -> tuple[list[str], int]:
    """What alembic-ls's graph and Alembic's say differently about one project, and files not executed."""
    failed: dict[str, str] = alembic.get("failed", {})
    if "error" in alembic:
        return [f"{project.script_location}: {alembic['error']}"], len(failed)
    graph = ProjectIndex.build(project, IndexCache(None), save=False).graph
    theirs: dict[str, dict[str, Any]] = alembic["revisions"]
    skipped = {Path(path).resolve() for path in failed}
    ours = {rid: rev for rid, rev in graph.revisions.items() if Path(rev.path).resolve() not in skipped}
    where = project.script_location
    found: list[str] = []
    for rid in sorted(set(ours) - set(theirs)):
        found.append(f"{where}: only alembic-ls sees revision {rid} ({ours[rid].path})")
    for rid in sorted(set(theirs) - set(ours)):
        found.append(f"{where}: only Alembic sees revision {rid}")
    for rid in sorted(set(ours) & set(theirs)):
        rev = ours[rid]
        if sorted(rev.parents) != theirs[rid]["parents"]:
            found.append(
                f"{where}: {rid} parents {sorted(rev.parents)} vs Alembic's {theirs[rid]['parents']}"
            )
        if sorted(rev.dependencies) != theirs[rid]["depends_on"]:
            theirs_deps = theirs[rid]["depends_on"]
            found.append(f"{where}: {rid} depends_on {sorted(rev.dependencies)} vs Alembic's {theirs_deps}")
        labelled = bool(graph.labels.get(rid))  # labels climb the unbroken line below, as Alembic's do
        if labelled != bool(theirs[rid]["labels"]):
            found.append(f"{where}: {rid} labelled {labelled} vs Alembic's {bool(theirs[rid]['labels'])}")
    if not failed:  # with files missing on Alembic's side its heads and bases mean nothing
        if sorted(graph.heads) != alembic["heads"]:
            found.append(f"{where}: heads {sorted(graph.heads)} vs Alembic's {alembic['heads']}")
        if sorted(graph.bases) != alembic["bases"]:
            found.append(f"{where}: bases {sorted(graph.bases)} vs Alembic's {alembic['bases']}")
    return found, len(failed)


def check_repository(folder: Path, corpus: Path, findings_out: list[dict[str, Any]]) -> RepositoryReport:
    report = RepositoryReport(folder.name, _source(folder))
    result = run_check([folder], use_cache=False)
    report.projects = len(result.projects)
    report.files = result.files_checked
    report.errors = list(result.errors)
    for finding in result.findings:
        report.findings[finding.code] += 1
        findings_out.append(
            {
                "repository": folder.name,
                "code": finding.code,
                "path": str(Path(finding.path).resolve().relative_to(corpus.resolve())),
                "line": finding.span.line + 1,
                "message": finding.message,
            }
        )
    for project in result.projects:
        alembic = alembic_graph(project)
        disagreements, not_executed = graph_disagreements(project, alembic)
        report.disagreements.extend(disagreements)
        report.not_executed += not_executed
        report.partly_executed += len(alembic.get("partly", {}))
    return report


def print_report(report: RepositoryReport) -> None:
    total = sum(report.findings.values())
    print(f"== {report.name}  ({report.source or 'source unknown'})")
    print(f"   {report.projects} project(s), {report.files} file(s), {total} finding(s)")
    if report.findings:
        print("   " + "  ".join(f"{code} {n}" for code, n in sorted(report.findings.items())))
    for error in report.errors:
        print(f"   error: {error}")
    if report.not_executed:
        print(f"   {report.not_executed} revision file(s) Alembic could not execute even with stand-ins")
    if report.partly_executed:
        print(f"   {report.partly_executed} revision file(s) Alembic executed only the identifiers of")
    for line in report.disagreements:
        print(f"   graph: {line}")


def diff_counts(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    changes: list[str] = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old is None or new is None:
            changes.append(f"{name}: {'added to' if old is None else 'missing from'} the corpus")
            continue
        if old.get("source") != new.get("source"):
            changes.append(f"{name}: source {old.get('source')} -> {new.get('source')}")
        keys = ("projects", "files", "errors", "graph_disagreements", "not_executed_by_alembic")
        for key in keys:
            if old.get(key) != new.get(key):
                changes.append(f"{name}: {key} {old.get(key)} -> {new.get(key)}")
        codes = sorted(set(old["findings"]) | set(new["findings"]))
        for code in codes:
            a, b = old["findings"].get(code, 0), new["findings"].get(code, 0)
            if a != b:
                changes.append(f"{name}: {code} {a} -> {b} ({b - a:+d})")
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--snapshot", type=Path, default=DEFAULT_SNAPSHOT)
    parser.add_argument("--update", action="store_true", help="rewrite the snapshot with this run's counts")
    parser.add_argument("--findings", type=Path, help="write every finding here (JSON lines)")
    parser.add_argument("--only", nargs="*", default=None, help="these repositories only")
    args = parser.parse_args(argv)

    folders = sorted(p for p in args.corpus.iterdir() if p.is_dir() and not p.name.startswith("."))
    if args.only:
        folders = [p for p in folders if p.name in args.only]
    findings: list[dict[str, Any]] = []
    counts: dict[str, Any] = {}
    for folder in folders:
        report = check_repository(folder, args.corpus, findings)
        print_report(report)
        counts[report.name] = report.counts()

    totals: Counter[str] = Counter()
    for entry in counts.values():
        totals.update(entry["findings"])
    print(
        f"== all: {sum(totals.values())} finding(s)  "
        + "  ".join(f"{c} {n}" for c, n in sorted(totals.items()))
    )

    if args.findings:
        args.findings.write_text("".join(json.dumps(f) + "\n" for f in findings), encoding="utf-8")
    snapshot: dict[str, Any] = {}
    if args.snapshot.is_file():
        snapshot = json.loads(args.snapshot.read_text(encoding="utf-8"))
    if args.only:
        snapshot = {k: v for k, v in snapshot.items() if k in counts}
    if args.update:
        merged = {**json.loads(args.snapshot.read_text(encoding="utf-8"))} if args.snapshot.is_file() else {}
        merged.update(counts)
        args.snapshot.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"snapshot written: {args.snapshot}")
        return 0
    changes = diff_counts(snapshot, counts)
    if not changes:
        print("no change against the snapshot")
        return 0
    print(f"{len(changes)} change(s) against the snapshot:")
    for change in changes:
        print(f"   {change}")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
