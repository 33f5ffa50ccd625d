"""The findings cache of `check`: a cached run reports exactly what a run without the cache
reports, after any change to the history, and reuses the findings nothing changed."""

from __future__ import annotations

import os
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from synth import SynthProject, generate_history

from alembic_ls.analysis.graph import RevisionGraph
from alembic_ls.analysis.index import IndexCache, ProjectIndex
from alembic_ls.analysis.read_facts import ALL, FILE, HISTORY, RecordingGraph, recording
from alembic_ls.project import discover_projects
from alembic_ls.rules.base import Finding
from alembic_ls.settings import Settings
from alembic_ls.workspace_check import CheckResult, run_check

POSTGRES = Settings(dialect="postgresql")  # the lock rules fire on the synthetic history too


def _check(root: Path, use_cache: bool = True, settings: Settings = POSTGRES) -> CheckResult:
    result = run_check([root], settings, use_cache=use_cache)
    assert not result.errors, result.errors
    return result


def _seen(findings: list[Finding]) -> list[tuple[object, ...]]:
    return [(f.path, f.code, f.span, f.message, f.severity, f.fix, f.related) for f in findings]


def _same_as_uncached(root: Path, settings: Settings = POSTGRES) -> CheckResult:
    cached = _check(root, settings=settings)
    assert _seen(cached.findings) == _seen(_check(root, use_cache=False, settings=settings).findings)
    return cached


_stamp = iter(range(1, 10_000))


def _write(path: Path, text: str) -> None:
    """Write and give the file an mtime of its own: two writes in one clock tick must not look
    like one file to a cache keyed by mtime and size."""
    path.write_text(text, encoding="utf-8")
    when = 1_700_000_000_000_000_000 + next(_stamp) * 1_000_000_000
    os.utime(path, ns=(when, when))


@pytest.fixture
def synth(tmp_path: Path) -> SynthProject:
    return generate_history(tmp_path / "project", 40, seed=11)


def test_an_unchanged_history_reuses_every_finding(synth: SynthProject) -> None:
    first = _same_as_uncached(synth.root)
    assert first.findings, "the synthetic history should give the lock rules something to report"
    again = _same_as_uncached(synth.root)
    assert again.files_reused == again.files_checked == first.files_checked


def test_a_new_head_re_checks_its_parent_not_the_history(synth: SynthProject, make_revision) -> None:
    _check(synth.root)
    head = next(r for r in synth.revisions if r.revision == sorted(synth.heads)[0])
    new = synth.script_location / "versions" / "f00d_new.py"
    upgrade = "    op.add_column('widget', sa.Column('size', sa.Integer(), nullable=False))"
    _write(new, make_revision("f00d", head.revision, upgrade=upgrade))
    after = _same_as_uncached(synth.root)
    assert any(f.path == str(new) and f.code == "AM401" for f in after.findings)
    # The new file, the old head that gained a child, and the files that read what a new head
    # changes (the head groups) are checked again; the rest of the history is not.
    assert after.files_checked - after.files_reused <= 6, after.files_checked - after.files_reused


def test_an_edit_to_an_early_revision_re_checks_what_its_history_reaches(write_history) -> None:
    history = write_history(
        ("a1", None, {"upgrade": "    op.create_table('post', sa.Column('title', sa.String(50)))"}),
        ("b2", "a1", {"upgrade": "    op.alter_column('post', 'title', type_=sa.Text())"}),
        ("c3", "b2"),
        ("d4", None, {"labels": "other"}),
    )
    ini = history.root / "alembic.ini"
    _write(ini, re.sub(r"sqlalchemy.url = .*", "sqlalchemy.url = postgresql://db/app", _text(ini)))
    assert not [f for f in _same_as_uncached(history.root).findings if f.code == "AM405"]
    _write(  # an integer is rewritten to become text: the type change in b2 now rewrites the table
        history.files["a1"],
        history.files["a1"].read_text(encoding="utf-8").replace("sa.String(50)", "sa.Integer()"),
    )
    after = _same_as_uncached(history.root)
    assert [f.path for f in after.findings if f.code == "AM405"] == [str(history.files["b2"])]
    assert after.files_reused >= 1  # the other base's revision read nothing a1 changed


def test_settings_and_configuration_are_part_of_the_key(synth: SynthProject) -> None:
    _check(synth.root)
    fewer = _same_as_uncached(synth.root, Settings(dialect="postgresql", ignore=("AM4",)))
    assert fewer.files_reused == 0
    env = synth.script_location / "env.py"
    _write(env, env.read_text(encoding="utf-8") + "\n# lock_timeout is set by the deploy job\n")
    assert _same_as_uncached(synth.root).files_reused == 0


def test_a_corrupt_cache_is_a_cold_start(synth: SynthProject) -> None:
    _check(synth.root)
    directory = Path(os.environ["ALEMBIC_LS_CACHE_DIR"])
    for cache in directory.glob("findings-*.pickle"):
        cache.write_bytes(b"not a pickle")
    assert _same_as_uncached(synth.root).files_reused == 0
    assert _same_as_uncached(synth.root).files_reused > 0


def _mutations(synth: SynthProject, make_revision: Callable[..., str]) -> list[Callable[[], None]]:
    """Changes a team makes to a history (and some it should not): each keeps the files parseable."""
    versions = synth.script_location / "versions"
    rng = random.Random(5)
    made = iter(range(100))

    def files() -> list[Path]:
        return sorted(versions.glob("*.py"))

    def ids() -> list[str]:
        return [m.group(1) for p in files() if (m := re.search(r"^revision[^=]*= '(\w+)'", _text(p), re.M))]

    def new_revision(parent_choice: Callable[[list[str]], str]) -> None:
        rid = f"beef{next(made):04d}"
        table = rng.choice(["widget", "post", "category"])
        upgrade = rng.choice(
            [
                f"    op.create_index('ix_{rid}', '{table}', ['name'])",
                f"    op.add_column('{table}', sa.Column('c_{rid}', sa.Integer(), nullable=False))",
                f"    op.drop_table('{table}')",
                "    op.execute('UPDATE post SET flag = true')",
            ]
        )
        _write(versions / f"{rid}_x.py", make_revision(rid, parent_choice(ids()), upgrade=upgrade))

    def edit_body() -> None:
        path = rng.choice(files())
        line = "    op.drop_column('post', 'title')\n"
        text = _text(path).replace("def upgrade() -> None:\n", "def upgrade() -> None:\n" + line, 1)
        _write(path, text)

    def delete() -> None:
        os.remove(rng.choice(files()))

    def relabel() -> None:
        path = rng.choice(files())
        label = f"('lbl{next(made)}',)"
        labelled = rf"branch_labels\1= {label}"
        text = re.sub(r"^branch_labels(.*)= .*$", labelled, _text(path), count=1, flags=re.M)
        _write(path, text)

    def touch_same_bytes() -> None:
        path = rng.choice(files())
        _write(path, _text(path))

    return [
        lambda: new_revision(lambda known: known[-1]),
        lambda: new_revision(lambda known: rng.choice(known)),  # a second head, often
        edit_body,
        relabel,
        touch_same_bytes,
        delete,
        lambda: new_revision(lambda known: rng.choice(known)),
        edit_body,
        delete,
        relabel,
    ]


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_after_every_kind_of_change_the_cache_agrees_with_a_fresh_check(
    synth: SynthProject, make_revision
) -> None:
    _check(synth.root)
    reused = 0
    for mutate in _mutations(synth, make_revision):
        mutate()
        reused += _same_as_uncached(synth.root).files_reused
    assert reused > 0  # the cache took part


def test_the_recording_graph_notes_each_kind_of_read(synth: SynthProject) -> None:
    (project,), _ = discover_projects([synth.root])
    plain: RevisionGraph = ProjectIndex.build(project, IndexCache(None)).graph
    graph = RecordingGraph(plain)
    head = sorted(plain.heads)[0]
    with recording() as facts:
        assert graph.heads == plain.heads and list(graph.missing) == plain.missing
        graph.revisions.get(head)
        graph.children[head]
        graph.ancestors(head)
    assert facts == {("heads", ""), ("missing", ""), (FILE, head), ("children", head), (HISTORY, head)}
    with recording() as facts:
        list(graph.revisions.values())
    assert facts == {(ALL, "")}
    with pytest.raises(AttributeError):
        graph.no_such_fact  # noqa: B018
