"""Our RevisionGraph against Alembic's own ScriptDirectory on generated histories.

Each history is written by bench/synth.py; the generator's own bookkeeping (which revision names
which parent) is a third opinion on heads, bases, branch and merge points.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from alembic import __version__ as alembic_version
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.script.revision import CycleDetected, LoopDetected
from graph_facts import alembic_facts, our_facts
from synth import SynthProject, generate_history

from alembic_ls.analysis.graph import MissingReference
from alembic_ls.analysis.index import IndexCache, ProjectIndex
from alembic_ls.project import load_ini

ALEMBIC_VERSION = tuple(int(part) for part in alembic_version.split(".")[:2])


def build_index(synth: SynthProject) -> ProjectIndex:
    project = load_ini(synth.ini_path)
    assert project is not None
    return ProjectIndex.build(project, IndexCache(None))


def assert_matches_alembic(synth: SynthProject) -> None:
    ours = our_facts(build_index(synth).graph)
    theirs = alembic_facts(synth.ini_path)
    assert ours.heads == theirs.heads == synth.heads
    assert ours.bases == theirs.bases == synth.bases
    assert ours.branch_points == theirs.branch_points == synth.branch_points
    assert ours.merge_points == theirs.merge_points == synth.merge_points
    assert ours.children == theirs.children
    assert ours.labels == theirs.labels


def test_linear_history(tmp_path: Path) -> None:
    synth = generate_history(tmp_path, 40, branches=False, labels=False, merges=False, depends_on=False)
    assert len(synth.heads) == 1 and len(synth.bases) == 1 and not synth.branch_points
    assert_matches_alembic(synth)


def _label_shapes(synth: SynthProject) -> tuple[int, int]:
    """Labelled revisions whose descendants fork, and those whose label climbs to the parent
    (an unbroken line below, a parent with no other child): Alembic treats the two differently."""
    children: dict[str, list[str]] = {}
    for rev in synth.revisions:
        for parent in rev.down_revision:
            children.setdefault(parent, []).append(rev.revision)

    def unbroken(rid: str) -> bool:
        while len(children.get(rid, ())) == 1:
            rid = children[rid][0]
        return not children.get(rid)

    labelled = [r for r in synth.revisions if r.branch_labels]
    forked = sum(1 for r in labelled if not unbroken(r.revision))
    climbing = sum(
        1
        for r in labelled
        if unbroken(r.revision) and r.down_revision and len(children[r.down_revision[0]]) == 1
    )
    return forked, climbing


@pytest.mark.parametrize("seed", [2, 6])
def test_labelled_branches(tmp_path: Path, seed: int) -> None:
    synth = generate_history(tmp_path, 150, seed=seed, merges=False, depends_on=False)
    assert synth.branch_points and len(synth.heads) > 1
    forked, climbing = _label_shapes(synth)
    assert forked and climbing
    assert_matches_alembic(synth)


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_merges(tmp_path: Path, seed: int) -> None:
    synth = generate_history(tmp_path, 150, seed=seed, labels=False, depends_on=False)
    assert synth.merge_points and not synth.declared_labels
    assert_matches_alembic(synth)


@pytest.mark.parametrize("seed", [8, 9, 10])
def test_everything_with_depends_on(tmp_path: Path, seed: int) -> None:
    synth = generate_history(tmp_path, 200, seed=seed)
    assert synth.dependencies and synth.merge_points and synth.declared_labels
    labels_as_dependencies = {dep for _rev, dep in synth.dependencies if dep in synth.declared_labels}
    assert labels_as_dependencies, "the history should depend on a branch label too"
    assert_matches_alembic(synth)


@pytest.mark.skipif(
    ALEMBIC_VERSION < (1, 16),
    reason="the synthetic alembic.ini joins version_locations with `path_separator = os` (Alembic 1.16+)",
)
@pytest.mark.parametrize("seed", [11, 12])
def test_several_bases_in_separate_version_locations(tmp_path: Path, seed: int) -> None:
    synth = generate_history(tmp_path, 160, seed=seed, roots=3, separate_locations=True)
    assert len(synth.bases) == 3 and len(synth.version_locations) == 3
    project = load_ini(synth.ini_path)
    assert project is not None and set(project.version_locations) == set(synth.version_locations)
    assert_matches_alembic(synth)


def _first_tokens(output: str) -> set[str]:
    return {line.split()[0] for line in output.splitlines() if line.strip() and not line[0].isspace()}


def test_same_answers_as_alembic_heads_and_branches_commands(tmp_path: Path) -> None:
    synth = generate_history(tmp_path, 150, seed=3)
    heads_out, branches_out = io.StringIO(), io.StringIO()
    command.heads(Config(str(synth.ini_path), stdout=heads_out))
    command.branches(Config(str(synth.ini_path), stdout=branches_out))
    graph = build_index(synth).graph
    assert _first_tokens(heads_out.getvalue()) == set(graph.heads)
    assert _first_tokens(branches_out.getvalue()) == set(graph.branch_points)


# -- histories Alembic refuses --------------------------------------------------------------------


def _set_down_revision(synth: SynthProject, rid: str, down: str | tuple[str, ...]) -> None:
    path = synth.by_id[rid].path
    text = path.read_text(encoding="utf-8")
    new_text, count = re.subn(r"(?m)^(down_revision: .*= ).*$", lambda m: m.group(1) + repr(down), text)
    assert count == 1
    path.write_text(new_text, encoding="utf-8")


def _set_depends_on(synth: SynthProject, rid: str, depends: str) -> None:
    path = synth.by_id[rid].path
    text = path.read_text(encoding="utf-8")
    new_text, count = re.subn(r"(?m)^(depends_on: .*= ).*$", lambda m: m.group(1) + repr(depends), text)
    assert count == 1
    path.write_text(new_text, encoding="utf-8")


def _linear(tmp_path: Path, n: int) -> tuple[SynthProject, list[str]]:
    synth = generate_history(tmp_path, n, branches=False, labels=False, merges=False, depends_on=False)
    return synth, [r.revision for r in synth.revisions]


def test_missing_parent(tmp_path: Path) -> None:
    synth, ids = _linear(tmp_path, 12)
    _set_down_revision(synth, ids[6], "deadbeefcafe")
    with pytest.warns(UserWarning, match="deadbeefcafe"), pytest.raises(KeyError):
        ScriptDirectory.from_config(Config(str(synth.ini_path))).get_heads()
    graph = build_index(synth).graph
    assert graph.missing == [MissingReference(ids[6], "deadbeefcafe", "down_revision")]
    assert set(graph.heads) == {ids[5], ids[-1]}  # ids[5] lost its only child
    assert not graph.cycles


def test_missing_dependency(tmp_path: Path) -> None:
    synth, ids = _linear(tmp_path, 12)
    _set_depends_on(synth, ids[8], "no_such_label")
    with pytest.raises(KeyError):
        ScriptDirectory.from_config(Config(str(synth.ini_path))).get_heads()
    graph = build_index(synth).graph
    assert graph.missing == [MissingReference(ids[8], "no_such_label", "depends_on")]
    assert set(graph.heads) == {ids[-1]}


def test_cycle(tmp_path: Path) -> None:
    synth, ids = _linear(tmp_path, 12)
    _set_down_revision(synth, ids[3], ids[6])  # 3 -> 6 -> 5 -> 4 -> 3
    with pytest.raises(CycleDetected) as raised:
        ScriptDirectory.from_config(Config(str(synth.ini_path))).get_heads()
    graph = build_index(synth).graph
    assert graph.cycles == [sorted(ids[3:7])]
    assert set(graph.cycles[0]) <= set(raised.value.revisions)
    assert not graph.missing


def test_self_loop(tmp_path: Path) -> None:
    synth, ids = _linear(tmp_path, 6)
    _set_down_revision(synth, ids[2], ids[2])
    with pytest.raises(LoopDetected):
        ScriptDirectory.from_config(Config(str(synth.ini_path))).get_heads()
    graph = build_index(synth).graph
    assert graph.cycles == [[ids[2]]]


# -- incremental updates ----------------------------------------------------------------------------


def _fresh_graph_facts(synth: SynthProject) -> tuple[object, ...]:
    graph = build_index(synth).graph
    return (our_facts(graph), sorted(graph.by_id), graph.missing, graph.cycles)


def _incremental_facts(index: ProjectIndex) -> tuple[object, ...]:
    graph = index.graph
    return (our_facts(graph), sorted(graph.by_id), graph.missing, graph.cycles)


def test_update_gives_the_same_graph_as_a_fresh_build(tmp_path: Path) -> None:
    synth = generate_history(tmp_path, 70, seed=21)
    index = build_index(synth)
    ids = [r.revision for r in synth.revisions]

    def edit(rid: str, old: str, new: str) -> None:
        path = synth.by_id[rid].path
        text = path.read_text(encoding="utf-8")
        assert old in text
        text = text.replace(old, new, 1)
        index.update(str(path), text)  # the editor's text first; the disk catches up after
        path.write_text(text, encoding="utf-8")
        assert _incremental_facts(index) == _fresh_graph_facts(synth)

    target = synth.by_id[ids[40]]
    edit(ids[40], f"= {target.down_revision[0]!r}", f"= {ids[20]!r}")  # re-parent: a new branch
    edit(ids[50], "branch_labels: Union[str, Sequence[str], None] = None",
         "branch_labels: Union[str, Sequence[str], None] = ('hotfix',)")  # fmt: skip
    merged = synth.by_id[ids[60]]
    edit(ids[60], f"= {merged.down_revision[0]!r}", f"= ({merged.down_revision[0]!r}, {ids[40]!r})")
    edit(ids[30], f"revision: str = {ids[30]!r}", "revision: str = 'renamed0000'")  # orphans children

    removed = synth.by_id[ids[65]].path
    removed.unlink()
    assert index.update(str(removed), None) is None
    assert _incremental_facts(index) == _fresh_graph_facts(synth)

    added = removed.with_name("0123456789ab_added.py")
    text = synth.by_id[ids[10]].path.read_text(encoding="utf-8")
    text = text.replace(f"revision: str = {ids[10]!r}", "revision: str = '0123456789ab'")
    added.write_text(text, encoding="utf-8")
    assert index.update(str(added), None) is not None
    assert _incremental_facts(index) == _fresh_graph_facts(synth)
