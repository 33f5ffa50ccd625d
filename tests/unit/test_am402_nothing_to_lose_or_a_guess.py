"""AM402 says nothing where a drop + add loses no value, or where calling it a rename would be a
guess: the same upgrade adds a NOT NULL column without a default to the table (it only succeeds on
an empty table), or the names share nothing while other new columns could as well have taken the
values. The real shapes are from the dev corpus, written here as fixtures of their own."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from alembic_ls.settings import Settings

# pepys-import 4899e94653f1 "Alter Extractions table", as autogenerate wrote it.
EXTRACTIONS_UP = (
    "    op.add_column('Extractions', sa.Column('destination_table', sa.String(length=150), nullable=True))\n"
    "    op.add_column('Extractions', sa.Column('text', sa.Text(), nullable=False))\n"
    "    op.add_column('Extractions', sa.Column('importer', sa.String(length=150), nullable=False))\n"
    "    op.drop_column('Extractions', 'chars')\n"
    "    op.drop_column('Extractions', 'table')"
)
EXTRACTIONS_DOWN = (
    "    op.add_column('Extractions', sa.Column('table', sa.VARCHAR(length=150), nullable=False))\n"
    "    op.add_column('Extractions', sa.Column('chars', sa.VARCHAR(length=150), nullable=False))\n"
    "    op.drop_column('Extractions', 'importer')\n"
    "    op.drop_column('Extractions', 'text')\n"
    "    op.drop_column('Extractions', 'destination_table')"
)
# The same columns added nullable: rows may be there, and their values in `chars` and `table`.
NULLABLE_UP = EXTRACTIONS_UP.replace("nullable=False", "nullable=True")


def _renamed(lab, make_revision: Callable[..., str], up: str, down: str, settings=None) -> list[str]:
    text = make_revision("b2", None, upgrade=up, downgrade=down)
    found = [f for f in lab.check(text, settings) if f.code == "AM402"]
    return [f.message.split(" (line")[0] for f in found]


def test_am402_quiet_where_the_upgrade_needs_an_empty_table(lab, make_revision) -> None:
    assert _renamed(lab, make_revision, EXTRACTIONS_UP, EXTRACTIONS_DOWN) == []
    # The batch form, as the SQLite history writes it (pepys feb548c7c6c0).
    batch = "    with op.batch_alter_table('Extractions', schema=None) as batch_op:\n" + "\n".join(
        "        batch_op." + line.strip()[len("op.") :].replace("'Extractions', ", "")
        for line in EXTRACTIONS_UP.splitlines()
    )
    assert _renamed(lab, make_revision, batch, "    pass") == []


def test_am402_still_fires_where_rows_may_be_there(lab, make_revision) -> None:
    # `chars` -> `text` shares no name part, and `importer` could as well have taken the values: a
    # guess, not reported; `table` -> `destination_table` is.
    expected = ["Drops `Extractions.table` and adds `destination_table`"]
    assert _renamed(lab, make_revision, NULLABLE_UP, EXTRACTIONS_DOWN) == expected
    # A default fills the existing rows: the table may have had some.
    with_default = EXTRACTIONS_UP.replace("nullable=False", "nullable=False, server_default=''")
    assert _renamed(lab, make_revision, with_default, EXTRACTIONS_DOWN) == expected
    # MySQL fills a NOT NULL column added without a default (0, ''), rows and all.
    mysql = Settings(dialect="mysql")
    assert _renamed(lab, make_revision, EXTRACTIONS_UP, EXTRACTIONS_DOWN, mysql) == expected
    # A NOT NULL add to another table says nothing about this one.
    elsewhere = NULLABLE_UP + "\n    op.add_column('Logs', sa.Column('x', sa.Text(), nullable=False))"
    assert _renamed(lab, make_revision, elsewhere, EXTRACTIONS_DOWN) == expected


# ckan 027 "Adjust harvester": `url` dropped, three UnicodeText columns added.
HARVESTER_UP = (
    "    op.add_column('harvested_document', sa.Column('guid', sa.UnicodeText, server_default=u''))\n"
    "    op.add_column('harvested_document', sa.Column('source_id', sa.UnicodeText,"
    " sa.ForeignKey('harvest_source.id')))\n"
    "    op.add_column('harvested_document', sa.Column('package_id', sa.UnicodeText,"
    " sa.ForeignKey('package.id')))\n"
    "    op.drop_column('harvested_document', 'url')"
)
HARVESTER_DOWN = (
    "    op.drop_column('harvested_document', 'package_id')\n"
    "    op.drop_column('harvested_document', 'source_id')\n"
    "    op.drop_column('harvested_document', 'guid')\n"
    "    op.add_column('harvested_document', sa.Column('url', sa.UnicodeText, nullable=False))"
)


def test_am402_quiet_when_names_share_nothing_and_several_columns_fit(lab, make_revision) -> None:
    assert _renamed(lab, make_revision, HARVESTER_UP, HARVESTER_DOWN) == []


@pytest.mark.parametrize(
    ("added", "renamed"),
    [
        # the one new column: nothing else could have taken the values
        ("guid", ["Drops `harvested_document.url` and adds `guid`"]),
        # a name that keeps a part of the old one is evidence, whatever else was added
        ("url_text", ["Drops `harvested_document.url` and adds `url_text`"]),
    ],
)
def test_am402_still_fires_without_a_competing_column_or_with_a_shared_name(
    lab, make_revision, added: str, renamed: list[str]
) -> None:
    lines = HARVESTER_UP.splitlines()
    alone = "\n".join([lines[0], lines[-1]])
    up = alone if added == "guid" else HARVESTER_UP.replace("'guid'", f"'{added}'")
    assert _renamed(lab, make_revision, up, HARVESTER_DOWN) == renamed
