"""AM104's rule for an explaining comment, as its message and page state it: a comment explains when
it says something beyond a placeholder."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from alembic_ls.docs import doc_text

SQL = '    op.execute("UPDATE post SET slug = lower(title)")'


def with_comment(make_revision: Callable[..., str], comment: str) -> str:
    return make_revision("b2", None, upgrade=f"    {comment}\n{SQL}", downgrade="    pass")


@pytest.mark.parametrize(
    "comment",
    ["# why: backfill", "# backfill slug", "# WHY: backfill", "# MANUAL: existing posts need a slug"],
)
def test_a_comment_that_says_something_explains(lab, make_revision: Callable[..., str], comment: str) -> None:
    assert "AM104" not in lab.codes(with_comment(make_revision, comment))


@pytest.mark.parametrize(
    "comment", ["# TODO", "# manual", "# MANUAL: <why>", "# MANUAL:", "# FIXME XXX", "# why?", "# todo: wip"]
)
def test_placeholders_do_not_explain(lab, make_revision: Callable[..., str], comment: str) -> None:
    finding = lab.one(with_comment(make_revision, comment), "AM104")
    assert "A comment explains when it says something beyond a placeholder: `# why: backfill` does; " in (
        finding.message
    )
    assert "`# TODO`, `# manual` and the template `# MANUAL: <why>` do not." in finding.message


def test_the_fix_template_still_needs_a_person(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None, upgrade=SQL, downgrade="    pass")
    fixed = lab.apply(text, lab.one(text, "AM104"))
    assert "    # MANUAL: <why>\n" + SQL in fixed
    assert "AM104" in lab.codes(fixed)
    assert "AM104" not in lab.codes(fixed.replace("<why>", "backfill"))


def test_the_page_states_the_rule_with_both_examples() -> None:
    page = doc_text("AM104") or ""
    assert "says something beyond a placeholder" in page
    assert "| `# why: backfill` | yes |" in page and "| `# backfill slug` | yes |" in page
    assert "`# MANUAL: <why>` (the fix's template" in page
