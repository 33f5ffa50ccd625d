"""The editor's "Disable CODE for this line / file" fixes write suppressions the checker honours."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from alembic_ls.fixes import FixRefused, apply_edits, build_edits

SQL = "    op.execute('UPDATE t SET c = 1')"


def suppress(lab, text: str, kind: str, params: dict[str, object]) -> str:
    return apply_edits(text, build_edits(str(lab.path), text, kind, params))


def test_suppress_line_appends_a_comment_that_silences_the_finding(
    lab, make_revision: Callable[..., str]
) -> None:
    text = make_revision("b2", None, upgrade=SQL, downgrade="    pass")
    finding = lab.one(text, "AM104")
    fixed = suppress(lab, text, "suppress-line", {"code": "AM104", "end_line": finding.span.end_line})
    assert SQL + "  # alembic-ls: ignore[AM104]\n" in fixed
    assert "AM104" not in lab.codes(fixed) and "AM001" not in lab.codes(fixed)


def test_suppress_line_extends_an_existing_suppression(lab, make_revision: Callable[..., str]) -> None:
    up = "    op.execute(sqlmodel.text('UPDATE t SET c = 1'))  # alembic-ls: ignore[AM104]"
    text = make_revision("b2", None, upgrade=up, downgrade="    pass")
    finding = lab.one(text, "AM501")
    fixed = suppress(lab, text, "suppress-line", {"code": "AM501", "end_line": finding.span.end_line})
    assert "# alembic-ls: ignore[AM104, AM501]" in fixed
    assert lab.codes(fixed) == []


def test_suppress_line_refuses_inside_a_multiline_string(lab, make_revision: Callable[..., str]) -> None:
    up = '    op.execute("""\n        UPDATE t SET c = 1\n    """)'
    text = make_revision("b2", None, upgrade=up, downgrade="    pass")
    finding = lab.one(text, "AM104")
    with pytest.raises(FixRefused, match="ignore-file"):
        build_edits(
            str(lab.path), text, "suppress-line", {"code": "AM104", "end_line": finding.span.end_line}
        )


def test_suppress_line_refuses_after_a_backslash_continuation(lab, make_revision: Callable[..., str]) -> None:
    up = "    op.execute('UPDATE t ' \\\n               'SET c = 1')"
    text = make_revision("b2", None, upgrade=up, downgrade="    pass")
    finding = lab.one(text, "AM104")
    with pytest.raises(FixRefused):
        build_edits(
            str(lab.path), text, "suppress-line", {"code": "AM104", "end_line": finding.span.end_line}
        )


def test_suppress_file_goes_below_the_header(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None, upgrade=SQL, downgrade="    pass")
    fixed = suppress(lab, text, "suppress-file", {"code": "AM104"})
    assert '"""\n# alembic-ls: ignore-file[AM104]\nfrom alembic import op' in fixed
    assert "AM104" not in lab.codes(fixed)


def test_suppress_file_in_a_file_that_is_only_a_docstring(lab) -> None:
    text = '"""just a header"""'
    fixed = suppress(lab, text, "suppress-file", {"code": "AM101"})
    assert fixed == '"""just a header"""\n# alembic-ls: ignore-file[AM101]'


def test_remove_suppression_refuses_when_it_is_gone(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None)
    with pytest.raises(FixRefused, match="no longer there"):
        build_edits(str(lab.path), text, "remove-suppression", {"line": 3, "code": "AM104"})


def test_unknown_fix_kind_is_refused(lab) -> None:
    with pytest.raises(FixRefused, match="unknown fix 'teleport'"):
        build_edits(str(lab.path), "", "teleport", {})


def test_replace_text_refuses_when_the_text_changed(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", "zz")
    line = text.splitlines().index("down_revision = 'zz'")
    params = {"line": line, "col": 17, "end_col": 19, "old": "zz", "new": "a1"}
    assert "down_revision = 'a1'" in suppress(lab, text, "replace-text", params)
    with pytest.raises(FixRefused, match="changed since the check"):
        build_edits(str(lab.path), text.replace("'zz'", "'yy'"), "replace-text", params)
