"""Rapid edits: the last diagnostics describe the last text, and no older result arrives after it."""

from __future__ import annotations

from pathlib import Path

from e2e_support import RecordingClient, change_document, open_document, wait_for
from lsprotocol import types

from alembic_ls.analysis.index import IndexCache, ProjectIndex
from alembic_ls.checker import Checker
from alembic_ls.project import discover_projects
from alembic_ls.server.paths import path_to_uri
from alembic_ls.settings import load_settings

VERSIONS = Path("migrations/versions")
SLUG = VERSIONS / "4d5e6f708192_add_slug_to_post.py"
TAG = VERSIONS / "3c4d5e6f7081_create_tag_table.py"
OLD, NEW = "'3c4d5e6f7081'", "'2b3c4d5e6f70'"


def typing_steps(text: str) -> list[str]:
    """Delete the down_revision id a key at a time, type another, then a comment: 30 texts."""
    start = text.index(OLD) + 1
    steps = [text[: start + n] + text[start + 12 :] for n in range(11, -1, -1)]
    steps += [text[:start] + NEW[1 : 2 + n] + text[start + 12 :] for n in range(12)]
    final = steps[-1]
    comment = "# branched"
    steps += [final + comment[: n + 1] for n in range(len(comment) - 4)]
    return steps


def cold_check(root: Path, path: Path, texts: dict[Path, str]) -> list[tuple[object, ...]]:
    (project,), _errors = discover_projects([root])
    index = ProjectIndex.build(project, IndexCache(None))
    for edited, text in texts.items():
        index.update(str(edited.resolve()), text)
    rev = index.get(str(path.resolve()))
    assert rev is not None
    findings = Checker(index, load_settings(root)).check_file(rev)
    return sorted(
        (f.code, f.span.line, f.span.col, f.span.end_line, f.span.end_col, f.message) for f in findings
    )


def seen(diagnostics: list[types.Diagnostic] | tuple[types.Diagnostic, ...]) -> list[tuple[object, ...]]:
    return sorted(
        (
            d.code,
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
            d.message,
        )
        for d in diagnostics
    )


async def test_thirty_rapid_edits_end_in_the_cold_result(client: RecordingClient, demo_copy: Path) -> None:
    uri, text = open_document(client, demo_copy / SLUG)
    await wait_for(client, uri, version=1)
    mark = len(client.publications)
    steps = typing_steps(text)
    assert len(steps) == 30
    for step in steps:
        version = change_document(client, uri, step)
    final = await wait_for(client, uri, version=version)
    expected = cold_check(demo_copy, demo_copy / SLUG, {demo_copy / SLUG: steps[-1]})
    assert seen(list(final)) == expected
    assert [code for code, *_ in expected] == ["AM104"]  # the header agrees with the new parent
    versions = [p.version for p in client.publications[mark:] if p.uri == uri]
    assert versions == sorted(versions) and versions[-1] == version
    # The graph change reached the closed sibling that became a head.
    tag = path_to_uri(str((demo_copy / TAG).resolve()))
    tag_final = await wait_for(client, tag, after=mark, where=lambda d: "AM301" in [x.code for x in d])
    assert seen(list(tag_final)) == cold_check(demo_copy, demo_copy / TAG, {demo_copy / SLUG: steps[-1]})
