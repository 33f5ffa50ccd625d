"""Where else an explanation sits (issue 15, real shapes from pgAdmin, privacyidea, ckan, redash):
a docstring speaks for its function's first paragraph, and a comment heading a paragraph that only
sets things up speaks for the paragraph after it."""

from __future__ import annotations

from collections.abc import Callable

UPDATE = "    op.execute(role.update().values(permissions='change_password'))"
REFLECT = (
    "    meta = sa.MetaData()\n"
    "    meta.reflect(op.get_bind(), only=('role',))\n"
    "    role = sa.Table('role', meta)\n"
)


def _am104(lab, make_revision: Callable[..., str], upgrade: str) -> int:
    return lab.codes(make_revision("b2", None, upgrade=upgrade)).count("AM104")


def test_a_meaningful_docstring_explains_the_first_paragraph(lab, make_revision) -> None:
    up = '    """Give every role the change_password permission."""\n' + REFLECT + UPDATE
    assert _am104(lab, make_revision, up) == 0


def test_a_docstring_does_not_reach_past_a_paragraph_with_work_in_it(lab, make_revision) -> None:
    up = (
        '    """Give every role the change_password permission."""\n'
        "    op.add_column('role', sa.Column('permissions', sa.String()))\n\n" + REFLECT + UPDATE
    )
    assert _am104(lab, make_revision, up) == 1


def test_a_placeholder_docstring_does_not_explain(lab, make_revision) -> None:
    assert _am104(lab, make_revision, '    """TODO"""\n' + REFLECT + UPDATE) == 1


def test_a_comment_over_a_setup_paragraph_explains_the_next_one(lab, make_revision) -> None:
    up = "    # Every role may now change its password.\n" + REFLECT + "\n" + UPDATE
    assert _am104(lab, make_revision, up) == 0


def test_a_comment_over_a_paragraph_that_does_work_stays_with_it(lab, make_revision) -> None:
    up = (
        "    # Add the permissions column.\n"
        "    op.add_column('role', sa.Column('permissions', sa.String()))\n" + REFLECT + "\n" + UPDATE
    )
    assert _am104(lab, make_revision, up) == 1


def test_only_one_paragraph_is_crossed(lab, make_revision) -> None:
    up = "    # Every role may now change its password.\n" + REFLECT + "\n    n = 1\n\n" + UPDATE
    assert _am104(lab, make_revision, up) == 1


def test_the_setup_paragraph_may_sit_in_a_block(lab, make_revision) -> None:
    """pgAdmin e6ed5dac37c2: the data migration runs under `if version < 13:`."""
    nested = "".join("    " + line + "\n" for line in (REFLECT + "\n" + UPDATE).splitlines())
    up = "    if True:\n        # Every role may now change its password.\n" + nested.replace(
        "\n    \n", "\n\n"
    )
    assert _am104(lab, make_revision, up) == 0
