"""AM402 says nothing where a drop + add loses no value: the same upgrade adds a NOT NULL column
without a default to the table (it only succeeds on an empty table). The real shape is from the dev
corpus, written here as a fixture of its own."""

from __future__ import annotations

from collections.abc import Callable

from alembic_ls.settings import Settings

# pepys-import 4899e94653f1 "Alter Extractions table", as autogenerate wrote it.
EXTRACTIONS_UP = (
    "    op.add_column('Extractions', sa.Column('destination_table', sa.String(length=150), nullable=True))\n"
    "    op.add_column('Extractions', sa.Column('text', sa.Text(), nullable=False))\n"
    "    op.drop_column('Extractions', 'chars')\n"
    "    op.drop_column('Extractions', 'table')"
)
EXTRACTIONS_DOWN = (
    "    op.add_column('Extractions', sa.Column('table', sa.VARCHAR(length=150), nullable=False))\n"
    "    op.add_column('Extractions', sa.Column('chars', sa.VARCHAR(length=150), nullable=False))\n"
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
    expected = [
        "Drops `Extractions.chars` and adds `text`",
        "Drops `Extractions.table` and adds `destination_table`",
    ]
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
