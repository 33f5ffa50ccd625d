"""Graph rules on small written histories: AM301 multiple-heads, AM302 missing-down-revision,
AM303 duplicate-revision-id, AM304 revision-cycle, AM305 outside-version-locations."""

from __future__ import annotations

from pathlib import Path

from alembic_ls.analysis.revision_file import Span
from alembic_ls.workspace_check import run_check


def by_file(history, code: str) -> dict[str, list[str]]:
    """{file name: [messages]} for one code."""
    found: dict[str, list[str]] = {}
    for finding in history.findings(codes=[code]):
        found.setdefault(Path(finding.path).name, []).append(finding.message)
    return found


def revision_line(path: Path) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines()) if line.startswith("revision ="))


# -- AM301 -----------------------------------------------------------------------------------


def test_am301_fires_on_both_unlabelled_heads(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"), ("c3", "a1"))
    findings = history.findings(codes=["AM301"])
    assert sorted(Path(f.path).name for f in findings) == ["b2_change.py", "c3_change.py"]
    b2 = next(f for f in findings if f.path.endswith("b2_change.py"))
    line = revision_line(history.files["b2"])
    assert b2.span == Span(line, 0, line, len("revision = 'b2'"))
    assert "Multiple heads: b2 and c3" in b2.message
    assert "Multiple head revisions are present for given argument 'head'" in b2.message
    assert "alembic merge heads" in b2.message
    assert [(Path(path).name, note) for path, _span, note in b2.related] == [
        ("c3_change.py", "other head c3")
    ]


def test_am301_quiet_for_labelled_expand_and_contract_heads(write_history) -> None:
    history = write_history(
        ("a1", None),
        ("e1", "a1", {"labels": "expand"}),
        ("e2", "e1"),
        ("k1", "a1", {"labels": ("contract",)}),
    )
    assert history.findings(codes=["AM301"]) == []
    assert history.index().graph.heads == ("e2", "k1")


def test_am301_fires_for_two_heads_on_the_same_label(write_history) -> None:
    history = write_history(
        ("a1", None),
        ("e1", "a1", {"labels": "expand"}),
        ("e2", "e1"),
        ("e3", "e1"),
        ("k1", "a1", {"labels": "contract"}),
    )
    found = by_file(history, "AM301")
    assert sorted(found) == ["e2_change.py", "e3_change.py"]
    assert "'expand@head'" in found["e2_change.py"][0]


def test_am301_quiet_after_a_merge(write_history) -> None:
    history = write_history(
        ("a1", None),
        ("b2", "a1"),
        ("c3", "a1"),
        ("m4", ("b2", "c3"), {"upgrade": "    pass", "downgrade": "    pass"}),
    )
    assert history.findings(codes=["AM301"]) == []


def test_am301_separate_roots_are_two_heads(write_history) -> None:
    history = write_history(("a1", None), ("z1", None))
    assert sorted(by_file(history, "AM301")) == ["a1_change.py", "z1_change.py"]


# -- AM302 -----------------------------------------------------------------------------------


def test_am302_file_name_as_down_revision_gets_a_safe_fix(write_history) -> None:
    history = write_history(("1a2b3c4d5e6f", None), ("2b3c4d5e6f70", "1a2b3c4d5e6f_change"))
    (finding,) = history.findings(codes=["AM302"])
    assert "down_revision names revision '1a2b3c4d5e6f_change'" in finding.message
    assert "KeyError" in finding.message and "Did you mean '1a2b3c4d5e6f'?" in finding.message
    assert finding.fix is not None and finding.fix.safe
    text = history.files["2b3c4d5e6f70"].read_text()
    line = next(i for i, t in enumerate(text.splitlines()) if t.startswith("down_revision"))
    assert finding.span == Span(line, 16, line, 16 + len("'1a2b3c4d5e6f_change'"))

    result = run_check([history.root], fix=True, use_cache=False)
    assert result.fixed == 1 and result.findings == []
    fixed = history.files["2b3c4d5e6f70"].read_text()
    # The header said the same wrong id: it is corrected with the code, so no AM306 follows.
    assert fixed == text.replace("'1a2b3c4d5e6f_change'", "'1a2b3c4d5e6f'").replace(
        "Revises: 1a2b3c4d5e6f_change", "Revises: 1a2b3c4d5e6f"
    )


def test_am302_fix_leaves_a_header_that_said_something_else(write_history) -> None:
    history = write_history(
        ("1a2b3c4d5e6f", None), ("2b3c4d5e6f70", "1a2b3c4d5e6f_change", {"revises": "zz"})
    )
    (finding,) = history.findings(codes=["AM302"])
    assert finding.fix is not None and finding.fix.params["also"] == []


def test_am302_file_name_with_extension_and_unique_prefix(write_history) -> None:
    history = write_history(
        ("1a2b3c4d5e6f", None),
        ("2b3c4d5e6f70", "1a2b3c4d5e6f_change.py"),
        ("3c4d5e6f7081", "2b3c4d"),
    )
    targets = sorted(f.fix.params["new"] for f in history.findings(codes=["AM302"]) if f.fix and f.fix.safe)
    assert targets == ["1a2b3c4d5e6f", "2b3c4d5e6f70"]


def test_am302_close_spelling_is_offered_but_not_safe(write_history) -> None:
    history = write_history(("1a2b3c4d5e6f", None), ("2b3c4d5e6f70", "1a2b3c4d5e7f"))
    (finding,) = history.findings(codes=["AM302"])
    assert finding.fix is not None and not finding.fix.safe
    assert finding.fix.params["new"] == "1a2b3c4d5e6f"
    assert run_check([history.root], fix=True, use_cache=False).fixed == 0


def test_am302_unrelated_id_gets_no_fix(write_history) -> None:
    history = write_history(("1a2b3c4d5e6f", None), ("2b3c4d5e6f70", "ffffeeeedddd"))
    (finding,) = history.findings(codes=["AM302"])
    assert finding.fix is None and "Did you mean" not in finding.message


def test_am302_missing_merge_parent_and_depends_on(write_history) -> None:
    history = write_history(
        ("a1", None),
        ("b2", "a1", {"labels": "feature"}),
        ("m3", ("b2", "gone99"), {"depends_on": ("feature", "nowhere1")}),
    )
    kinds = sorted(f.message.split(" names ")[0] for f in history.findings(codes=["AM302"]))
    assert kinds == ["depends_on", "down_revision"]
    names = sorted(f.message.split("'")[1] for f in history.findings(codes=["AM302"]))
    assert names == ["gone99", "nowhere1"]


def test_am302_quiet_for_a_whole_history(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"), ("c3", "b2", {"depends_on": "a1"}))
    assert history.findings(codes=["AM302"]) == []


# -- AM303 -----------------------------------------------------------------------------------


def test_am303_fires_on_both_files_of_a_duplicate_id(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"))
    history.add("b2", "a1", filename="b2_copy.py")
    found = history.findings(codes=["AM303"])
    assert sorted(Path(f.path).name for f in found) == ["b2_change.py", "b2_copy.py"]
    first = next(f for f in found if f.path.endswith("b2_change.py"))
    assert "Revision id 'b2' is also declared in migrations/versions/b2_copy.py" in first.message
    assert [note for _path, _span, note in first.related] == ["same revision id"]


def test_am303_quiet_for_unique_ids(write_history) -> None:
    assert write_history(("a1", None), ("b2", "a1")).findings(codes=["AM303"]) == []


# -- AM304 -----------------------------------------------------------------------------------


def test_am304_fires_on_every_member_of_a_cycle(write_history) -> None:
    history = write_history(("a1", None), ("b2", "d4"), ("c3", "b2"), ("d4", "c3"))
    found = history.findings(codes=["AM304"])
    assert sorted(Path(f.path).name for f in found) == ["b2_change.py", "c3_change.py", "d4_change.py"]
    assert all("Revision cycle: b2 → c3 → d4 → b2" in f.message for f in found)
    b2 = next(f for f in found if f.path.endswith("b2_change.py"))
    line = next(
        i for i, t in enumerate(history.files["b2"].read_text().splitlines()) if t.startswith("down_")
    )
    assert b2.span.line == line


def test_am304_self_reference(write_history) -> None:
    history = write_history(("a1", "a1"))
    (finding,) = history.findings(codes=["AM304"])
    assert "a1 → a1" in finding.message


def test_am304_quiet_for_a_diamond(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"), ("c3", "a1"), ("d4", ("b2", "c3")))
    assert history.findings(codes=["AM304"]) == []


# -- AM305 -----------------------------------------------------------------------------------


def test_am305_fires_for_a_sub_folder_without_recursive_locations(write_history) -> None:
    history = write_history(("a1", None))
    history.add("b2", "a1", filename="2024/b2_change.py")
    (finding,) = history.findings(codes=["AM305"])
    assert finding.path.endswith("2024/b2_change.py")
    assert "recursive_version_locations = true" in finding.message
    line = revision_line(history.files["b2"])
    assert finding.span.line == line
    # Not loaded, so it is nobody's parent or head either.
    assert history.index().graph.heads == ("a1",)


def test_am305_quiet_when_recursive_version_locations_is_true(write_history) -> None:
    history = write_history(("a1", None), ini_extra="recursive_version_locations = true\n")
    history.add("b2", "a1", filename="2024/b2_change.py")
    assert history.findings(codes=["AM305"]) == []
    assert history.index().graph.heads == ("b2",)


def test_am305_fires_for_a_revision_beside_env_py(write_history) -> None:
    history = write_history(("a1", None))
    stray = history.root / "migrations" / "b2_change.py"
    history.add("b2", "a1").rename(stray)
    (finding,) = history.findings(codes=["AM305"])
    assert finding.path == str(stray.resolve()) or Path(finding.path).resolve() == stray.resolve()
    assert "move it into migrations/versions" in finding.message


def test_am305_quiet_for_env_py_and_helpers(write_history) -> None:
    history = write_history(("a1", None))
    (history.root / "migrations" / "helpers.py").write_text("def revision_of(x):\n    return x\n")
    assert history.findings(codes=["AM305"]) == []
