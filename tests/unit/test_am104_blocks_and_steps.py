"""AM104 and explanations that reach past a blank line (real shapes from lemur, redash, dispatch,
quay): the comment over a block speaks for the block's body, and a comment heading a step that
fetches rows speaks for the paragraph that goes on to write them."""

from __future__ import annotations

from collections.abc import Callable


def _am104(lab, make_revision: Callable[..., str], upgrade: str) -> int:
    return lab.codes(make_revision("b2", None, upgrade=upgrade)).count("AM104")


LOOP = """\
    conn = op.get_bind()
    # link owner roles to their authorities
    for id, owner in conn.execute(sa.text("select id, owner from authorities")):
        if not owner:
            owner = "nobody"

        role = conn.execute(sa.text("select id from roles where name = :n"), {"n": owner}).fetchone()

        if role is None:
            conn.execute(sa.text("insert into roles (name) values (:n)"), {"n": owner})
"""


def test_a_comment_over_a_loop_explains_its_body_across_blank_lines(lab, make_revision) -> None:
    """lemur 3307381f3b88: 12 findings inside two commented loops."""
    assert _am104(lab, make_revision, LOOP) == 0


def test_the_loop_without_its_comment_still_fires(lab, make_revision) -> None:
    up = LOOP.replace("    # link owner roles to their authorities\n", "")
    assert _am104(lab, make_revision, up) == 1  # the insert (the queries change nothing)


def test_a_placeholder_over_the_loop_explains_nothing(lab, make_revision) -> None:
    up = LOOP.replace("# link owner roles to their authorities", "# TODO")
    assert _am104(lab, make_revision, up) == 1


def test_a_comment_trailing_the_loop_header_explains_its_body(lab, make_revision) -> None:
    up = LOOP.replace("    # link owner roles to their authorities\n", "").replace(
        'from authorities")):', 'from authorities")):  # give each owner a role'
    )
    assert _am104(lab, make_revision, up) == 0


def test_a_comment_over_a_with_or_if_block_explains_its_body(lab, make_revision) -> None:
    for header in (
        "with op.get_context().autocommit_block():",
        "if op.get_bind().dialect.name == 'postgresql':",
    ):
        up = (
            "    # existing posts need a slug\n"
            f"    {header}\n"
            "        op.execute('SET LOCAL statement_timeout = 0')\n\n"
            '        op.execute("UPDATE post SET slug = lower(title)")\n'
        )
        assert _am104(lab, make_revision, up) == 0, header


def test_the_comment_over_a_block_stops_at_its_end(lab, make_revision) -> None:
    up = LOOP + "\n    op.execute('DELETE FROM sessions')\n"
    assert _am104(lab, make_revision, up) == 1


def test_a_comment_inside_the_block_speaks_for_its_own_paragraph_only(lab, make_revision) -> None:
    up = (
        "    for table in ('post', 'page'):\n"
        "        # existing rows need a slug\n"
        "        op.execute(f'UPDATE {table} SET slug = lower(title)')\n\n"
        "        op.execute(f'DELETE FROM {table} WHERE title IS NULL')\n"
    )
    assert _am104(lab, make_revision, up) == 1


STEP = """\
    # generate existing slugs
    conn = op.get_bind()
    res = conn.execute(sa.text("select id, name from organization"))
    results = res.fetchall()

    for r in results:
        conn.execute(sa.text("update organization set slug = :s where id = :i"), {"s": r[1], "i": r[0]})
"""


def test_a_step_that_fetches_rows_explains_the_paragraph_writing_them(lab, make_revision) -> None:
    """dispatch c0bc938b058e: the heading's rows are read on, past the blank line."""
    assert _am104(lab, make_revision, STEP) == 0


def test_a_paragraph_sharing_only_the_connection_is_a_new_step(lab, make_revision) -> None:
    up = (
        "    # backfill slugs\n"
        "    conn = op.get_bind()\n"
        "    conn.execute(sa.text('UPDATE post SET slug = lower(title)'))\n\n"
        "    conn.execute(sa.text('DELETE FROM sessions'))\n"
    )
    assert _am104(lab, make_revision, up) == 1


def test_a_paragraph_that_does_not_read_the_rows_is_a_new_step(lab, make_revision) -> None:
    up = STEP.replace("    for r in results:\n", "    for r in [(1, 'a')]:\n")
    assert _am104(lab, make_revision, up) == 1


def test_the_step_reaches_one_paragraph_only(lab, make_revision) -> None:
    up = STEP + "\n    op.execute('DELETE FROM organization WHERE slug IS NULL')\n"
    assert _am104(lab, make_revision, up) == 1


def test_a_heading_alone_above_the_blank_line_stays_apart(lab, make_revision) -> None:
    up = STEP.replace("    # generate existing slugs\n", "    # generate existing slugs\n\n")
    assert _am104(lab, make_revision, up) == 1


def test_an_import_is_setting_up(lab, make_revision) -> None:
    """quay c059b952ed76: `# Overwrite all plaintext robot credentials.` / `from app import app` /
    blank line / the `if app.config...:` block that overwrites them."""
    up = (
        "    # Overwrite all plaintext robot credentials.\n"
        "    from app import app\n\n"
        "    if app.config.get('SETUP_COMPLETE', False):\n"
        "        op.execute(\"UPDATE robot SET token = ''\")\n"
    )
    assert _am104(lab, make_revision, up) == 0


def test_try_and_match_blocks_are_blocks_too(lab, make_revision) -> None:
    up = (
        "    # drop rows the new constraint rejects\n"
        "    try:\n"
        "        op.execute('DELETE FROM post WHERE slug IS NULL')\n\n"
        "    except Exception:\n"
        "        op.execute('DELETE FROM post WHERE title IS NULL')\n"
        "    # clear the stale cache for the current dialect\n"
        "    match op.get_bind().dialect.name:\n"
        "        case 'postgresql':\n"
        "            op.execute('TRUNCATE cache')\n\n"
        "        case _:\n"
        "            op.execute('DELETE FROM cache')\n"
    )
    assert _am104(lab, make_revision, up) == 0
    assert _am104(lab, make_revision, up.replace("    # drop rows the new constraint rejects\n", "")) == 2
