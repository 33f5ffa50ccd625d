"""Every rule has a documentation page, and each page's examples do what the page says.

The Bad example of a page must make its rule fire and the Good example must keep it quiet, so a
page cannot drift away from the implementation unnoticed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from alembic_ls.analysis.index import IndexCache, ProjectIndex
from alembic_ls.checker import Checker
from alembic_ls.cli import main
from alembic_ls.docs import doc_path, doc_text, doc_uri
from alembic_ls.project import discover_projects
from alembic_ls.rules.registry import RULES
from alembic_ls.settings import Settings

SECTIONS = ("What it finds", "Why", "Bad", "Good", "Fix", "Configuration")
# Multi-file examples name each file in a comment line: `# versions/<name>.py`.
FILE_HEADER = re.compile(r"^# (?:migrations/)?versions/(\S+\.py)", re.M)
DEFAULT_INI = "[alembic]\nscript_location = %(here)s/migrations\n"
RULE_BOOK = Path(__file__).resolve().parents[3] / "shared" / "seed" / "alembic-migrations.md"
# Quotes of Alembic's own messages, which the pages also cite.
ALEMBIC_MESSAGES = {
    "Multiple head revisions are present for given argument 'head'; please specify a specific target "
    "revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads",
    "Revision <id> is present more than once",
}


def sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def code_blocks(section: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.S)


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_a_page_with_every_section(code: str) -> None:
    text = doc_text(code)
    assert text is not None, f"missing {doc_path(code)}"
    rule = RULES[code]
    assert text.splitlines()[0] == f"# {code} {rule.name}"
    found = sections(text)
    assert list(found) == list(SECTIONS)
    for name in SECTIONS:
        assert found[name].strip(), f"{code}: empty section {name}"
    assert code_blocks(found["Bad"], "python"), f"{code}: Bad has no python example"
    assert code_blocks(found["Good"], "python"), f"{code}: Good has no python example"
    assert doc_uri(code).startswith("file://") and doc_uri(code).endswith(f"{code}.md")


def test_no_page_without_a_rule() -> None:
    pages = {p.stem for p in doc_path("AM000").parent.glob("*.md")}
    assert pages == set(RULES)


def test_pages_quote_the_rule_book_verbatim() -> None:
    if not RULE_BOOK.is_file():
        pytest.skip("the rule book is not next to this checkout")
    # The book puts bold markers inside some phrases; compare without them.
    book = " ".join(RULE_BOOK.read_text(encoding="utf-8").replace("**", "").split())
    checked = 0
    for code in RULES:
        why = re.sub(r"```.*?```", "", sections(doc_text(code) or "")["Why"], flags=re.S)
        # Inline code holding quote marks (`-m "..."`) is not a quote: blank it out.
        spans = why.split("`")
        why = "`".join("code" if odd % 2 and '"' in part else part for odd, part in enumerate(spans))
        for quoted in (" ".join(q.split()) for q in re.findall(r'"([^"]{12,})"', why)):
            if quoted in ALEMBIC_MESSAGES or not (quoted[0].isupper() or "`" in quoted):
                continue
            assert quoted in book, f"{code} quotes {quoted!r}, which the rule book does not say"
            checked += 1
    assert checked >= 15


def _write_example(root: Path, section: str) -> None:
    """Lay out one example as a project: its ini block (if any) and one or more revision files."""
    ini = code_blocks(section, "ini")
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "migrations" / "env.py").write_text("", encoding="utf-8")
    (root / "alembic.ini").write_text(ini[0] if ini else DEFAULT_INI, encoding="utf-8")
    source = code_blocks(section, "python")[0]
    headers = list(FILE_HEADER.finditer(source))
    if not headers:
        (root / "migrations" / "versions" / "example.py").write_text(source, encoding="utf-8")
        return
    for number, header in enumerate(headers):
        end = headers[number + 1].start() if number + 1 < len(headers) else len(source)
        target = root / "migrations" / "versions" / header.group(1)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source[header.start() : end], encoding="utf-8")


def _codes_for(root: Path) -> set[str]:
    projects, errors = discover_projects([root])
    assert not errors and len(projects) == 1
    index = ProjectIndex.build(projects[0], IndexCache(None))
    findings = Checker(index, Settings(select=("ALL",))).check_all()  # opt-in rules too
    return {f.code for per_file in findings.values() for f in per_file}


@pytest.mark.parametrize("code", sorted(RULES))
def test_bad_example_fires_and_good_example_is_quiet(code: str, tmp_path: Path) -> None:
    if getattr(RULES[code], "reported_by_agent", False):
        pytest.skip("found by running the project's Alembic (tests/integration/test_agent_*), not from files")
    if getattr(RULES[code], "needs_git_history", False):
        pytest.skip("needs a git base to compare with (tests/cli/test_cli_diff_base.py)")
    if getattr(RULES[code], "needs_trace", False):
        pytest.skip("needs a trace on PostgreSQL (tests/integration/test_trace_postgres.py)")
    page = sections(doc_text(code) or "")
    _write_example(tmp_path / "bad", page["Bad"])
    _write_example(tmp_path / "good", page["Good"])
    assert code in _codes_for(tmp_path / "bad")
    assert code not in _codes_for(tmp_path / "good")


def test_explain_prints_the_page(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "AM104"]) == 0
    assert capsys.readouterr().out.strip() == (doc_text("AM104") or "").strip()


def test_explain_accepts_a_rule_name_and_lower_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "missing-downgrade"]) == 0
    assert capsys.readouterr().out.startswith("# AM201 missing-downgrade")
    assert main(["explain", "am306"]) == 0
    assert capsys.readouterr().out.startswith("# AM306 revises-header-mismatch")


def test_explain_unknown_code_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "AM999"]) == 2
    captured = capsys.readouterr()
    assert "unknown rule 'AM999'" in captured.err and not captured.out
