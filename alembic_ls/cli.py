"""Command line: `alembic-ls check | init | rules | explain | graph | rebase | serve`."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from alembic_ls import __version__
from alembic_ls.docs import doc_text
from alembic_ls.graphview.formats import FORMATS as GRAPH_FORMATS
from alembic_ls.reporting import FORMATS, render
from alembic_ls.rules.code_patterns import unknown_code_problem
from alembic_ls.rules.registry import RULES, lookup
from alembic_ls.settings import Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
CHECK_EXIT_CODES = f"""\
exit codes:
  {EXIT_CLEAN}  no findings
  {EXIT_FINDINGS}  findings remain (after --fix: the ones it could not fix)
  {EXIT_USAGE}  usage or configuration error: a bad flag, a PATH that does not exist, no Alembic
     project found, a bad [tool.alembic-ls] setting or alembic.ini"""


INIT_SHAPES = """\
what it writes:
  one project under PATH      baseline = ["<head>"]            (every head, when there are several)
  several projects            [tool.alembic-ls.baseline]
                              "services/a/migrations" = ["<head>"]   (script location relative to PATH)
Running it again records the heads as they are then, or says the file is already up to date.
exit codes: 0 written or up to date, 2 nothing written (no project, a configuration error, or
another pyproject.toml holds these projects' settings)"""


REBASE_REFUSALS = """\
refused, nothing written (exit 2), when:
  REV is not a head                 its children would lose their place
  ONTO is REV or comes after it     the history would loop
  REV is at the git base            others have it (merge-base of HEAD with origin/HEAD, main or
                                    master); --force overrides this one
exit codes: 0 rewritten (it prints the change and the heads now), 2 refused or usage error"""


def _codes(value: str) -> tuple[str, ...]:
    codes = tuple(c.strip().upper() for c in value.split(",") if c.strip())
    problem = unknown_code_problem(codes, None)  # argparse names the flag
    if problem is not None:  # a usage error: exit 2, and no check runs
        raise argparse.ArgumentTypeError(problem)
    return codes


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alembic-ls", description="Lint Alembic migrations; run the language server."
    )
    parser.add_argument("--version", action="version", version=f"alembic-ls {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser(
        "check",
        help="check the Alembic projects under PATH (default: .)",
        description="Check the Alembic projects under each PATH.",
        epilog=CHECK_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[Path(".")],
        metavar="PATH",
        help="a folder holding Alembic projects (found by alembic.ini, pyproject.toml [tool.alembic] or "
        "migrations/env.py), or revision files to check alone (default: .)",
    )
    check.add_argument(
        "--output-format",
        choices=FORMATS,
        default="text",
        help="text: one `path:line:col: CODE message` line per finding and a summary (default); json: a "
        "list of findings; github: GitHub Actions annotations; sarif: SARIF 2.1.0 for code scanning; "
        "markdown: a pull-request comment (a table per rule, then each finding with its fix)",
    )
    check.add_argument("--select", type=_codes, help="comma-separated codes or prefixes")
    check.add_argument("--ignore", type=_codes, help="comma-separated codes or prefixes")
    check.add_argument("--baseline", help="only check revisions after this revision id")
    check.add_argument(
        "--diff-base",
        metavar="REF",
        help="only check revision files added or changed since git REF (e.g. origin/main; the graph "
        "rules still see every revision), and report edits of revisions that existed there (AM105)",
    )
    check.add_argument("--fix", action="store_true", help="apply the fixes marked safe")
    check.add_argument(
        "--no-cache", action="store_true", help="do not read or write the index and findings caches"
    )
    check.add_argument(
        "--database",
        choices=("scratch",),
        help="also run the migrations on a scratch database (upgrade, drift check, up/down round trip)",
    )
    check.add_argument(
        "--database-url", help="server to create the scratch database on (default: sqlalchemy.url)"
    )
    check.add_argument(
        "--trace",
        action="store_true",
        help="with --database scratch on PostgreSQL: also trace each revision's locks (AM704, AM705; "
        "see `alembic-ls trace`)",
    )
    check.add_argument(
        "--interpreter", type=shlex.split, help='how to run the project\'s Python, e.g. "uv run python"'
    )
    check.add_argument(
        "--agent-timeout", type=float, default=600.0, help="seconds per Alembic step (default 600)"
    )

    init = sub.add_parser(
        "init",
        help="record each project's current heads as its baseline (adopt alembic-ls on an existing history)",
        description="Find the Alembic projects under PATH as `check` does and record each one's current\n"
        "head(s) as `baseline` in [tool.alembic-ls] of PATH/pyproject.toml (created if missing; nothing\n"
        "else in the file changes). `check` then reports only revisions written afterwards.",
        epilog=INIT_SHAPES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    init.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=Path("."),
        metavar="PATH",
        help="the folder to search for projects, whose pyproject.toml gets the baseline (default: .)",
    )

    trace = sub.add_parser(
        "trace",
        help="run each revision's upgrade on a scratch PostgreSQL database and show what each op locks",
        description="Run each revision's upgrade (or only --revision's) in one transaction on a scratch "
        "PostgreSQL database created for the purpose (never the project's own), record the locks each "
        "statement takes, the tables it rewrites and how long it runs, then roll back and apply the "
        "revision for real before the next. Exit 0 when every revision was traced, 1 when an upgrade "
        "failed, 2 on a usage error.",
    )
    trace.add_argument("path", nargs="?", type=Path, default=Path("."), metavar="PATH")
    trace.add_argument("--revision", metavar="REV", help="trace this revision only (after upgrading to it)")
    trace.add_argument(
        "--database-url", help="PostgreSQL server to create the scratch database on (default: sqlalchemy.url)"
    )
    trace.add_argument("--output-format", choices=("text", "json"), default="text")
    trace.add_argument("--no-seed", action="store_true", help="do not insert sample rows before tracing")
    trace.add_argument(
        "--interpreter", type=shlex.split, help='how to run the project\'s Python, e.g. "uv run python"'
    )
    trace.add_argument("--agent-timeout", type=float, default=600.0, help="seconds per Alembic step")

    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument(
        "--output-format", choices=("text", "markdown"), default="text", help="markdown: the README's table"
    )
    explain = sub.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("code", help="a rule code (AM104) or name (uncommented-manual-sql)")

    graph = sub.add_parser("graph", help="draw the revision graph (text, mermaid, dot or svg)")
    graph.add_argument("path", nargs="?", type=Path, default=Path("."), metavar="PATH")
    graph.add_argument("--format", choices=GRAPH_FORMATS, default="text")
    graph.add_argument("--full", action="store_true", help="do not collapse long linear runs")
    graph.add_argument("--since", metavar="REV", help="draw only REV and its descendants")
    graph.add_argument("-o", "--output", type=Path, help="write to a file instead of stdout")

    rebase = sub.add_parser(
        "rebase",
        help="move your head revision after another (rewrite its down_revision and `Revises:`)",
        description="Rewrite REV's down_revision, and its docstring's `Revises:` header, to ONTO: the\n"
        "straight-line alternative to `alembic merge heads` when two heads appear (AM301).",
        epilog=REBASE_REFUSALS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rebase.add_argument(
        "rev", metavar="REV", help="the head to move: your own revision (id or unique prefix)"
    )
    rebase.add_argument("--onto", required=True, metavar="REV", help="the revision REV will follow")
    rebase.add_argument("path", nargs="?", type=Path, default=None, metavar="PATH", help="default: .")
    rebase.add_argument(
        "--force", action="store_true", help="rebase REV even though it is at the git base (others have it)"
    )

    serve = sub.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead (debugging)")
    # vscode-languageclient and other clients append --stdio; stdio is already the default.
    serve.add_argument("--stdio", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # `alembic-ls explain X | head`: the reader left; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_CLEAN


def _main(argv: Sequence[str] | None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "rebase" and args.path is None and len(extra) == 1 and not extra[0].startswith("-"):
        # `rebase REV --onto ONTO PATH`: argparse ends REV [PATH] at the option, so PATH comes back here.
        args.path, extra = Path(extra[0]), []
    if extra:
        parser.parse_args(argv)  # argparse's own message and exit status for what it did not take
    if args.command == "check":
        return _check(args)
    if args.command == "init":
        from alembic_ls.adoption.init_command import run_init

        if _report_missing([args.path]):
            return EXIT_USAGE
        return run_init(args.path)
    if args.command == "trace":
        from alembic_ls.operations.trace_command import trace_command

        if _report_missing([args.path]):
            return EXIT_USAGE
        return trace_command(args)
    if args.command == "graph":
        from alembic_ls.graphview.command import draw_graph

        if _report_missing([args.path]):
            return EXIT_USAGE
        return draw_graph(args.path, args.format, args.full, args.since, args.output)
    if args.command == "rebase":
        from alembic_ls.rebase_command import run_rebase

        path = args.path or Path(".")
        if _report_missing([path]):
            return EXIT_USAGE
        return run_rebase(args.rev, args.onto, path, args.force)
    if args.command == "rules":
        if args.output_format == "markdown":
            from alembic_ls.rules.registry import markdown_table

            print(markdown_table())
            return EXIT_CLEAN
        for rule in RULES.values():
            fix = " (fix)" if rule.fixable else ""
            opt_in = " (opt-in: select it)" if rule.opt_in else ""
            print(f"{rule.code}  {rule.name:<28} {rule.severity.value:<8} {rule.summary}{fix}{opt_in}")
        return EXIT_CLEAN
    if args.command == "explain":
        found = lookup(args.code)
        text = doc_text(found.code) if found else None
        if found is None or text is None:
            print(f"alembic-ls: unknown rule {args.code!r} (see `alembic-ls rules`)", file=sys.stderr)
            return EXIT_USAGE
        print(text)
        return EXIT_CLEAN
    from alembic_ls.server.main import serve

    serve(args.tcp)
    return EXIT_CLEAN


def _report_missing(paths: Sequence[Path]) -> bool:
    """One message for a PATH that does not exist, whichever command was given it."""
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        print(f"alembic-ls: error: no such file or directory: {path}", file=sys.stderr)
    return bool(missing)


def _check(args: argparse.Namespace) -> int:
    from alembic_ls.workspace_check import run_check

    if _report_missing(args.paths):
        return EXIT_USAGE
    overrides = Settings(select=args.select, ignore=args.ignore or (), baseline=args.baseline)
    base = None
    if args.diff_base is not None:
        from alembic_ls.vcs.diff_base import BaseRefError, diff_base

        try:
            base = diff_base(args.paths[0].resolve(), args.diff_base)
        except BaseRefError as exc:
            print(f"alembic-ls: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    traced = None
    if args.trace:
        if args.database != "scratch":
            print("alembic-ls: error: --trace needs --database scratch", file=sys.stderr)
            return EXIT_USAGE
        from alembic_ls.operations.trace_command import traces_for

        traced = traces_for(args.paths, overrides, args.interpreter, args.agent_timeout, args.database_url)
    result = run_check(
        args.paths, overrides, fix=args.fix, use_cache=not args.no_cache, base=base, traced=traced
    )
    if args.database == "scratch" and result.projects:
        from alembic_ls.operations.ci import scratch_findings
        from alembic_ls.workspace_check import project_settings

        pairs = [(p, project_settings(p, overrides)) for p in result.projects]
        result.findings.extend(
            scratch_findings(pairs, args.interpreter, args.agent_timeout, args.database_url)
        )
    for note in result.notes:
        print(f"alembic-ls: note: {note}", file=sys.stderr)
    for warning in result.warnings:
        print(f"alembic-ls: warning: {warning}", file=sys.stderr)
    for error in result.errors:
        print(f"alembic-ls: error: {error}", file=sys.stderr)
    if result.errors and not result.findings:
        return EXIT_USAGE  # a project went unchecked: never "All checks passed"
    output = render(result.findings, args.output_format, result.fixed, result.files_checked)
    if output:
        print(output)
    if result.errors:
        return EXIT_USAGE
    return EXIT_FINDINGS if result.findings else EXIT_CLEAN
