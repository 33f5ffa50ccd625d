"""The checker applies selection, severities, the baseline and inline suppressions (AM001/AM002)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from alembic_ls.checker import enabled_rules
from alembic_ls.rules.base import Severity
from alembic_ls.rules.registry import RULES
from alembic_ls.settings import ConfigError, Settings

# Seeds a row: a data statement AM104 asks a comment for, in a revision AM101 still calls hand-written
# (rewriting the existing rows would make it a data migration).
SQL = "    op.execute(\"INSERT INTO t (c) VALUES ('x')\")"
BARE = "    op.create_table('tag', sa.Column('id', sa.Integer()))"


# -- selection and severity ------------------------------------------------------------------


def test_select_takes_codes_and_prefixes_and_ignore_wins() -> None:
    codes = [r.code for r in enabled_rules(Settings(select=("AM1", "AM201"), ignore=("AM103",)))]
    assert codes == ["AM101", "AM102", "AM104", "AM105", "AM201"]
    # The default is every rule but the opt-in ones, which `select` must name.
    assert [r.code for r in enabled_rules(Settings())] == [c for c, r in RULES.items() if not r.opt_in]
    assert "AM412" not in [r.code for r in enabled_rules(Settings())]
    assert "AM412" in [r.code for r in enabled_rules(Settings(select=("AM412",)))]
    assert [r.code for r in enabled_rules(Settings(select=("ALL",), ignore=("AM3",)))] == [
        c for c in RULES if not c.startswith("AM3")
    ]


def test_selection_and_severity_reach_the_findings(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None, upgrade=BARE + "\n" + SQL, downgrade="    pass")
    assert sorted(lab.codes(text)) == ["AM101", "AM104", "AM201"]
    assert lab.codes(text, Settings(select=("AM104",))) == ["AM104"]
    assert sorted(lab.codes(text, Settings(ignore=("AM1",)))) == ["AM201"]
    (finding,) = lab.check(text, Settings(select=("AM104",), severity={"AM104": Severity.ERROR}))
    assert finding.severity is Severity.ERROR
    assert RULES["AM104"].severity is Severity.WARNING


# -- baseline --------------------------------------------------------------------------------


def test_baseline_silences_it_and_everything_before(write_history) -> None:
    bad = {"upgrade": BARE, "downgrade": "    pass"}
    history = write_history(("a1", None, bad), ("b2", "a1", bad), ("c3", "b2", bad), ("d4", "c3", bad))
    everything = history.findings(codes=["AM201"])
    assert len(everything) == 4
    after = history.findings(Settings(baseline="b2"), codes=["AM101", "AM201"])
    assert sorted({f.path.rsplit("/", 1)[1] for f in after}) == ["c3_change.py", "d4_change.py"]


def test_baseline_on_a_branch_skips_only_its_ancestors(write_history) -> None:
    bad = {"upgrade": BARE, "downgrade": "    pass"}
    history = write_history(("a1", None, bad), ("b2", "a1", bad), ("c3", "a1", bad), ("m4", ("b2", "c3")))
    files = {f.path.rsplit("/", 1)[1] for f in history.findings(Settings(baseline="b2"), codes=["AM201"])}
    assert files == {"c3_change.py"}


def test_baseline_accepts_a_unique_prefix(write_history) -> None:
    bad = {"upgrade": BARE, "downgrade": "    pass"}
    history = write_history(("a1b2c3", None, bad), ("d4e5f6", "a1b2c3", bad))
    files = {f.path.rsplit("/", 1)[1] for f in history.findings(Settings(baseline="a1b"), codes=["AM101"])}
    assert files == {"d4e5f6_change.py"}


def test_unknown_baseline_is_a_config_error(write_history) -> None:
    history = write_history(("a1", None))
    with pytest.raises(ConfigError, match="`baseline` names revision 'zz9', which is not in"):
        history.findings(Settings(baseline="zz9", source="pyproject.toml [tool.alembic-ls]"))


def test_several_baseline_heads_skip_what_is_before_any_of_them(write_history) -> None:
    bad = {"upgrade": BARE, "downgrade": "    pass"}
    history = write_history(
        ("a1", None, bad), ("b2", "a1", bad), ("c3", "a1", bad), ("d4", "b2", bad), ("e5", "c3", bad)
    )
    files = {
        f.path.rsplit("/", 1)[1] for f in history.findings(Settings(baseline=("b2", "e5")), codes=["AM201"])
    }
    assert files == {"d4_change.py"}


def test_baseline_table_applies_to_the_project_at_its_key(write_history) -> None:
    bad = {"upgrade": BARE, "downgrade": "    pass"}
    history = write_history(("a1", None, bad), ("b2", "a1", bad), ("c3", "b2", bad))
    outer = history.root.parent

    def files(baseline: dict[str, tuple[str, ...]]) -> set[str]:
        settings = Settings(baseline=baseline, baseline_root=outer)
        return {f.path.rsplit("/", 1)[1] for f in history.findings(settings, codes=["AM101"])}

    key = f"{history.root.name}/migrations"
    assert files({key: ("b2",)}) == {"c3_change.py"}
    # The project's folder is the default root, so a table from a client may name `migrations`.
    assert {
        f.path.rsplit("/", 1)[1] for f in history.findings(Settings(baseline={"migrations": ("c3",)}))
    } == set()
    assert len(files({"elsewhere/migrations": ("zz9",)})) == 3  # no entry: checked in full


def test_unknown_revision_in_a_baseline_table_names_the_entry(write_history) -> None:
    history = write_history(("a1", None))
    settings = Settings(baseline={"migrations": ("a1", "zz9")}, source="pyproject.toml [tool.alembic-ls]")
    with pytest.raises(
        ConfigError, match=re.escape("""`baseline."migrations"` names revision 'zz9', which is not in""")
    ):
        history.findings(settings)


# -- inline suppressions ---------------------------------------------------------------------


def test_line_suppression_silences_only_its_line(lab, make_revision: Callable[..., str]) -> None:
    up = SQL + "  # alembic-ls: ignore[AM104]\n" + SQL
    text = make_revision("b2", None, upgrade=up, downgrade="    pass")
    second = text.splitlines().index(SQL)
    findings = lab.check(text)
    assert [f.span.line for f in findings if f.code == "AM104"] == [second]
    assert "AM001" not in [f.code for f in findings]


def test_line_suppression_of_a_multi_line_finding(lab, make_revision: Callable[..., str]) -> None:
    up = "    op.create_table('tag',  # alembic-ls: ignore[AM101]\n        sa.Column('id', sa.Integer()))"
    codes = lab.codes(make_revision("b2", None, upgrade=up, downgrade="    op.drop_table('tag')"))
    assert "AM101" not in codes and "AM001" not in codes


def test_file_suppression(lab, make_revision: Callable[..., str]) -> None:
    text = "# alembic-ls: ignore-file[AM101, AM201]\n" + make_revision(
        "b2", None, upgrade=BARE, downgrade="    pass"
    )
    assert lab.codes(text) == []


def test_unused_suppression_is_reported_and_removed_by_its_fix(
    lab, make_revision: Callable[..., str]
) -> None:
    up = "    op.add_column('t', sa.Column('c', sa.Integer()))  # alembic-ls: ignore[AM104]"
    text = make_revision("b2", None, upgrade=up)
    finding = lab.one(text, "AM001")
    line = next(i for i, t in enumerate(text.splitlines()) if "alembic-ls:" in t)
    col = text.splitlines()[line].index("# alembic-ls")
    assert finding.span.line == line and finding.span.col == col
    assert "Unused suppression: AM104 reports nothing on this line" in finding.message
    assert finding.fix is not None and finding.fix.safe
    fixed = lab.fix_clears(text, "AM001")
    assert fixed == text.replace("  # alembic-ls: ignore[AM104]", "")


def test_removing_one_unused_code_keeps_the_used_one(lab, make_revision: Callable[..., str]) -> None:
    up = SQL + "  # alembic-ls: ignore[AM104, AM501]"
    text = make_revision("b2", None, upgrade=up, downgrade="    pass")
    fixed = lab.fix_clears(text, "AM001")
    assert SQL + "  # alembic-ls: ignore[AM104]\n" in fixed


def test_removing_a_suppression_keeps_the_explanation_beside_it(
    lab, make_revision: Callable[..., str]
) -> None:
    up = "    # existing rows need a value  # alembic-ls: ignore[AM103]\n" + SQL
    text = make_revision("b2", None, upgrade=up, downgrade="    pass")
    fixed = lab.fix_clears(text, "AM001")
    assert "    # existing rows need a value\n" + SQL + "\n" in fixed


def test_removing_a_whole_line_suppression(lab, make_revision: Callable[..., str]) -> None:
    text = "# alembic-ls: ignore-file[AM303]\n" + make_revision("b2", None)
    finding = lab.one(text, "AM001")
    assert "in this file" in finding.message
    assert lab.fix_clears(text, "AM001") == make_revision("b2", None)


def test_unknown_code_in_a_suppression(lab, make_revision: Callable[..., str]) -> None:
    up = SQL + "  # alembic-ls: ignore[AM14]"
    findings = lab.check(make_revision("b2", None, upgrade=up, downgrade="    pass"))
    (unknown,) = [f for f in findings if f.code == "AM002"]
    assert "Unknown rule code `AM14`" in unknown.message and unknown.fix is None
    assert "AM104" in [f.code for f in findings]  # the typo silenced nothing


def test_suppressing_a_disabled_rule_is_not_unused(lab, make_revision: Callable[..., str]) -> None:
    up = "    op.add_column('t', sa.Column('c', sa.Integer()))  # alembic-ls: ignore[AM104]"
    text = make_revision("b2", None, upgrade=up)
    assert "AM001" not in lab.codes(text, Settings(ignore=("AM104",)))
    assert "AM001" not in lab.codes(text, Settings(ignore=("AM001",)))
