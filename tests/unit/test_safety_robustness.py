"""The schema-safety rules and their fixes on odd but valid code: no rule may raise, and every fix
offered either refuses with a reason or leaves a file that still parses."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from alembic_ls.analysis.index import ProjectIndex
from alembic_ls.analysis.parser import parse_revision
from alembic_ls.fixes import FixRefused, apply_edits, build_edits
from alembic_ls.project import Project
from alembic_ls.rules.base import CheckContext
from alembic_ls.rules.registry import RULES

CODES = (
    "AM202",
    "AM401",
    "AM402",
    "AM403",
    "AM404",
    "AM405",
    "AM406",
    "AM407",
    "AM408",
    "AM409",
    "AM410",
    "AM411",
)
OPS = (
    "op.rename_table()",
    "op.rename_table('a')",
    "op.add_column('t')",
    "op.add_column('t', 5)",
    "op.add_column('t', sa.Column())",
    "op.add_column('t', sa.Column(name='c', type_=sa.String(), nullable=False))",
    "op.add_column('t', sa.Column('c', sa.Integer(), nullable=False))",
    "op.add_column('t', sa.Column('d', sa.Integer(), server_default=sa.text()))",
    "op.alter_column('t')",
    "op.alter_column(t, c, nullable=False, new_column_name=n)",
    "op.alter_column('t', 'c', type_=sa.String(x), existing_type=sa.String(y), nullable=False)",
    "op.alter_column('t', 'c', new_column_name='e')",
    "op.create_index(None, 't', [])",
    "op.create_index('ix', 't', ['c'])",
    "op.create_index(op.f('ix'), 't', ['c'], postgresql_concurrently=flag)",
    "op.drop_index()",
    "op.drop_index('ix')",
    "op.drop_column('t')",
    "op.drop_column('t', 'c')",
    "op.drop_table(name)",
    "op.drop_table('t')",
    "op.create_table('t', sa.Column('a', sa.Integer(), sa.ForeignKey()), sa.ForeignKeyConstraint())",
    "op.create_table('t', *columns)",
    "op.create_foreign_key(None, 't', 'u', ['a'], ['b'])",
    "op.create_foreign_key('fk', 't', 'u', ['a'], ['b'])",
    "op.create_check_constraint('ck')",
    "op.drop_constraint()",
    "op.execute()",
    "op.execute(sql)",
    "op.execute(sa.text())",
    "op.create_sequence(sa.Sequence('s'))",
    "op.create_table_comment('t')",
)
BATCH_OPS = (
    "batch_op.add_column()",
    "batch_op.drop_column()",
    "batch_op.create_index()",
    "batch_op.create_index('ix', ['c'])",
    "batch_op.drop_index('ix')",
    "batch_op.alter_column('c', new_column_name='d')",
    "batch_op.add_column(sa.Column('c', sa.Integer(), nullable=False))",
    "batch_op.create_foreign_key('fk', 'u', ['a'], ['b'])",
    "batch_op.drop_column('c')",
)
BATCH_TABLES = ("'t'", "name", "'u', schema='s'", "table_name='t'")


def _body(rng: random.Random) -> str:
    lines: list[str] = []
    for _ in range(rng.randint(1, 4)):
        if rng.random() < 0.3:
            lines.append(f"    with op.batch_alter_table({rng.choice(BATCH_TABLES)}) as batch_op:")
            lines.extend("        " + rng.choice(BATCH_OPS) for _ in range(rng.randint(1, 3)))
        else:
            lines.append("    " + rng.choice(OPS))
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(8))
def test_rules_and_fixes_survive_odd_operations(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    ctx = CheckContext(ProjectIndex(Project(tmp_path, None, tmp_path, (tmp_path,))))
    path = str(tmp_path / "x.py")
    offered = 0
    for _ in range(60):
        text = (
            "from alembic import op\nimport sqlalchemy as sa\n\nrevision = 'x'\ndown_revision = None\n\n\n"
            f"def upgrade():\n{_body(rng)}\n\n\ndef downgrade():\n{_body(rng)}\n"
        )
        rev = parse_revision(path, text)
        assert rev.parse_error is None, text
        for code in CODES:
            for finding in RULES[code].check(rev, ctx):
                if finding.fix is None:
                    continue
                offered += 1
                try:
                    edits = build_edits(path, text, finding.fix.kind, finding.fix.params)
                except FixRefused as refused:
                    assert str(refused), text
                    continue
                ast.parse(apply_edits(text, edits))
    assert offered > 0
