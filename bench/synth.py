"""Synthetic Alembic histories for benchmarks and graph tests.

`generate_history(root, n)` writes a complete Alembic project: alembic.ini, migrations/env.py and
script.py.mako copied from Alembic's `generic` template, and N revision files in the shape
`alembic revision --autogenerate` writes them (docstring header, typed identifiers, markers,
create_table / add_column / create_index / batch blocks / alter_column, the occasional commented
`op.execute`, downgrades reversed). The history has linear runs, branch points, labelled branches,
merge revisions and depends_on, and optionally several bases kept in separate version locations.

Everything is drawn from `random.Random(seed)`: the same arguments write the same bytes. The
returned `SynthProject` knows the shape it wrote (heads, bases, branch points, declared labels),
computed from the generator's own bookkeeping, never by reading the files back.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import alembic

_TEMPLATE_DIR = Path(alembic.__file__).parent / "templates" / "generic"

_TABLE_WORDS = (
    "account", "address", "audit_log", "invoice", "customer", "order", "order_line", "product",
    "category", "payment", "refund", "shipment", "warehouse", "stock", "supplier", "employee",
    "team", "project", "task", "comment", "attachment", "tag", "session", "token", "webhook",
    "subscription", "plan", "coupon", "review", "notification",
)  # fmt: skip
_COLUMN_WORDS = (
    "name", "title", "email", "status", "note", "amount", "currency", "quantity", "price",
    "description", "slug", "code", "reference", "external_id", "is_active", "archived",
    "priority", "score", "color", "locale", "timezone", "phone", "country", "city", "zip_code",
    "started_at", "finished_at", "due_date", "version", "payload", "checksum", "source",
)  # fmt: skip
_LABEL_WORDS = (
    "billing", "reporting", "audit", "search", "analytics", "inventory", "payments", "identity",
)  # fmt: skip
_TYPES = (
    ("sa.Integer()", "sa.INTEGER()"),
    ("sa.String(length=120)", "sa.VARCHAR(length=120)"),
    ("sa.String(length=32)", "sa.VARCHAR(length=32)"),
    ("sa.Text()", "sa.TEXT()"),
    ("sa.Boolean()", "sa.BOOLEAN()"),
    ("sa.DateTime(timezone=True)", "sa.DateTime(timezone=True)"),
    ("sa.Numeric(precision=12, scale=2)", "sa.NUMERIC(precision=12, scale=2)"),
    ("sa.Uuid()", "sa.UUID()"),
    ("postgresql.JSONB(astext_type=sa.Text())", "postgresql.JSONB(astext_type=sa.Text())"),
)
_WIDENINGS = (
    ("sa.VARCHAR(length=32)", "sa.String(length=120)"),
    ("sa.INTEGER()", "sa.BigInteger()"),
    ("sa.VARCHAR(length=120)", "sa.Text()"),
)
_MAX_OPEN_BRANCHES = 6


@dataclass(frozen=True)
class SynthRevision:
    revision: str
    down_revision: tuple[str, ...]  # () for a base, two ids for a merge
    branch_labels: tuple[str, ...]
    depends_on: tuple[str, ...]  # revision ids or branch labels
    message: str
    path: Path


@dataclass
class SynthProject:
    root: Path
    ini_path: Path
    script_location: Path
    version_locations: tuple[Path, ...]
    revisions: list[SynthRevision] = field(default_factory=list)

    @property
    def by_id(self) -> dict[str, SynthRevision]:
        return {r.revision: r for r in self.revisions}

    @property
    def paths(self) -> list[Path]:
        return [r.path for r in self.revisions]

    @property
    def heads(self) -> set[str]:
        named = {parent for r in self.revisions for parent in r.down_revision}
        return {r.revision for r in self.revisions} - named

    @property
    def bases(self) -> set[str]:
        return {r.revision for r in self.revisions if not r.down_revision}

    @property
    def branch_points(self) -> set[str]:
        counts: dict[str, int] = {}
        for rev in self.revisions:
            for parent in rev.down_revision:
                counts[parent] = counts.get(parent, 0) + 1
        return {rid for rid, count in counts.items() if count > 1}

    @property
    def merge_points(self) -> set[str]:
        return {r.revision for r in self.revisions if len(r.down_revision) > 1}

    @property
    def declared_labels(self) -> dict[str, str]:
        """Branch label -> the revision that declares it."""
        return {label: r.revision for r in self.revisions for label in r.branch_labels}

    @property
    def dependencies(self) -> set[tuple[str, str]]:
        return {(r.revision, dep) for r in self.revisions for dep in r.depends_on}


@dataclass
class _Table:
    name: str
    columns: list[tuple[str, str, str]]  # (name, type, reflected type)
    indexed: set[str] = field(default_factory=set)


@dataclass
class _Branch:
    tip: str | None
    location: Path
    label: str | None = None
    label_delay: int = 0  # the label goes on this branch's n-th new revision (a later `--branch-label`)
    length: int = 0


class _Writer:
    def __init__(self, rng: random.Random, body_lines: int) -> None:
        self.rng = rng
        self.body_lines = body_lines
        self.tables: list[_Table] = []
        self.used_tables: set[str] = set()
        self.needs_postgresql = False

    # -- names --------------------------------------------------------------------------------

    def _fresh_table_name(self) -> str:
        word = self.rng.choice(_TABLE_WORDS)
        name, suffix = word, 2
        while name in self.used_tables:
            name, suffix = f"{word}_{suffix}", suffix + 1
        self.used_tables.add(name)
        return name

    def _fresh_column(self, table: _Table) -> tuple[str, str, str]:
        taken = {c[0] for c in table.columns}
        word = self.rng.choice(_COLUMN_WORDS)
        name, suffix = word, 2
        while name in taken:
            name, suffix = f"{word}_{suffix}", suffix + 1
        declared, reflected = self.rng.choice(_TYPES)
        if declared.startswith("postgresql."):
            self.needs_postgresql = True
        return name, declared, reflected

    # -- operations: each returns (upgrade lines, downgrade lines, summary words) -------------

    def create_table(self) -> tuple[list[str], list[str], str]:
        table = _Table(self._fresh_table_name(), [("id", "sa.Integer()", "sa.INTEGER()")])
        for _ in range(self.rng.randint(2, 6)):
            table.columns.append(self._fresh_column(table))
        parent = self.rng.choice(self.tables) if self.tables and self.rng.random() < 0.6 else None
        up = [f"    op.create_table('{table.name}',"]
        for name, declared, _ in table.columns:
            nullable = "False" if name == "id" else self.rng.choice(("True", "False"))
            up.append(f"    sa.Column('{name}', {declared}, nullable={nullable}),")
        if parent is not None:
            fk = f"{parent.name}_id"
            up.append(f"    sa.Column('{fk}', sa.Integer(), nullable=False),")
            up.append(f"    sa.ForeignKeyConstraint(['{fk}'], ['{parent.name}.id'], ),")
            table.columns.append((fk, "sa.Integer()", "sa.INTEGER()"))
        up.append("    sa.PrimaryKeyConstraint('id')")
        up.append("    )")
        down = [f"    op.drop_table('{table.name}')"]
        if parent is not None:
            fk = f"{parent.name}_id"
            index = f"ix_{table.name}_{fk}"
            up.append(f"    op.create_index(op.f('{index}'), '{table.name}', ['{fk}'], unique=False)")
            down.insert(0, f"    op.drop_index(op.f('{index}'), table_name='{table.name}')")
            table.indexed.add(fk)
        self.tables.append(table)
        return up, down, f"create {table.name} table"

    def add_column(self) -> tuple[list[str], list[str], str]:
        table = self.rng.choice(self.tables)
        name, declared, _ = column = self._fresh_column(table)
        table.columns.append(column)
        up = [f"    op.add_column('{table.name}', sa.Column('{name}', {declared}, nullable=True))"]
        down = [f"    op.drop_column('{table.name}', '{name}')"]
        return up, down, f"add {name} to {table.name}"

    def create_index(self) -> tuple[list[str], list[str], str]:
        table = self.rng.choice(self.tables)
        candidates = [c[0] for c in table.columns if c[0] != "id" and c[0] not in table.indexed]
        if not candidates:
            return self.add_column()
        column = self.rng.choice(candidates)
        table.indexed.add(column)
        index = f"ix_{table.name}_{column}"
        unique = self.rng.choice(("True", "False"))
        up = [f"    op.create_index(op.f('{index}'), '{table.name}', ['{column}'], unique={unique})"]
        down = [f"    op.drop_index(op.f('{index}'), table_name='{table.name}')"]
        return up, down, f"index {table.name} {column}"

    def batch_block(self) -> tuple[list[str], list[str], str]:
        table = self.rng.choice(self.tables)
        up = [f"    with op.batch_alter_table('{table.name}', schema=None) as batch_op:"]
        down_inner: list[str] = []
        added: list[str] = []
        for _ in range(self.rng.randint(1, 3)):
            name, declared, _ = column = self._fresh_column(table)
            table.columns.append(column)
            added.append(name)
            up.append(f"        batch_op.add_column(sa.Column('{name}', {declared}, nullable=True))")
            down_inner.insert(0, f"        batch_op.drop_column('{name}')")
            if self.rng.random() < 0.4:
                index = f"ix_{table.name}_{name}"
                table.indexed.add(name)
                up.append(f"        batch_op.create_index(batch_op.f('{index}'), ['{name}'], unique=False)")
                down_inner.insert(0, f"        batch_op.drop_index(batch_op.f('{index}'))")
        up.append("")
        down = [f"    with op.batch_alter_table('{table.name}', schema=None) as batch_op:", *down_inner, ""]
        return up, down, f"add {' '.join(added)} to {table.name}"

    def alter_column(self) -> tuple[list[str], list[str], str]:
        table = self.rng.choice(self.tables)
        column = self.rng.choice(table.columns)[0]
        old, new = self.rng.choice(_WIDENINGS)
        nullable = self.rng.choice(("True", "False"))

        def alter(from_type: str, to_type: str) -> list[str]:
            return [
                f"    op.alter_column('{table.name}', '{column}',",
                f"               existing_type={from_type},",
                f"               type_={to_type},",
                f"               existing_nullable={nullable})",
            ]

        reflected_new = new.replace("sa.String", "sa.VARCHAR").replace("sa.BigInteger", "sa.BIGINT")
        reflected_old = old.replace("sa.VARCHAR", "sa.String").replace("sa.INTEGER", "sa.Integer")
        return alter(old, new), alter(reflected_new, reflected_old), f"widen {table.name} {column}"

    def manual_sql(self) -> list[str]:
        table = self.rng.choice(self.tables)
        column = self.rng.choice(table.columns)[0]
        return [
            f"    # MANUAL: backfill {table.name}.{column} for rows written before the application set it",
            f'    op.execute("UPDATE {table.name} SET {column} = DEFAULT WHERE {column} IS NULL")',
        ]

    # -- one revision -------------------------------------------------------------------------

    def bodies(self) -> tuple[list[str], list[str], str]:
        """Autogenerate-shaped upgrade and downgrade bodies of at least `body_lines` lines."""
        up: list[str] = ["    # ### commands auto generated by Alembic - please adjust! ###"]
        down_chunks: list[list[str]] = []
        summary: str | None = None
        while len(up) < self.body_lines - 1:
            if not self.tables or self.rng.random() < 0.2:
                chunk_up, chunk_down, words = self.create_table()
            else:
                operation = self.rng.choice(
                    (self.add_column, self.add_column, self.create_index, self.batch_block, self.alter_column)
                )
                chunk_up, chunk_down, words = operation()
            up.extend(chunk_up)
            down_chunks.append(chunk_down)
            summary = summary or words
        up.append("    # ### end Alembic commands ###")
        if self.rng.random() < 0.08:
            up.extend(self.manual_sql())
        down = ["    # ### commands auto generated by Alembic - please adjust! ###"]
        for chunk in reversed(down_chunks):
            down.extend(chunk)
        down.append("    # ### end Alembic commands ###")
        return up, down, summary or "update schema"


def _repr_ids(values: tuple[str, ...]) -> str:
    if not values:
        return "None"
    return repr(values[0]) if len(values) == 1 else repr(values)


def _slug(message: str) -> str:
    slug = "".join(c if c.isalnum() else "_" for c in message.lower()).strip("_")
    return slug[:40].rstrip("_")


def _render(
    rev: str,
    down: tuple[str, ...],
    labels: tuple[str, ...],
    depends: tuple[str, ...],
    message: str,
    created: dt.datetime,
    up_body: list[str],
    down_body: list[str],
    extra_imports: list[str],
) -> str:
    """The text `alembic revision` renders from the generic script.py.mako."""
    branch_labels = repr(labels) if labels else "None"
    lines = [
        f'"""{message}',
        "",
        f"Revision ID: {rev}",
        f"Revises: {', '.join(down)}",
        f"Create Date: {created.isoformat(sep=' ', timespec='microseconds')}",
        "",
        '"""',
        "from typing import Sequence, Union",
        "",
        "from alembic import op",
        "import sqlalchemy as sa",
        *extra_imports,
        "",
        "# revision identifiers, used by Alembic.",
        f"revision: str = {rev!r}",
        f"down_revision: Union[str, Sequence[str], None] = {_repr_ids(down)}",
        f"branch_labels: Union[str, Sequence[str], None] = {branch_labels}",
        f"depends_on: Union[str, Sequence[str], None] = {_repr_ids(depends)}",
        "",
        "",
        "def upgrade() -> None:",
        '    """Upgrade schema."""',
        *up_body,
        "",
        "",
        "def downgrade() -> None:",
        '    """Downgrade schema."""',
        *down_body,
        "",
    ]
    return "\n".join(lines)


def _write_scaffold(root: Path, locations: list[Path]) -> tuple[Path, Path]:
    script_location = root / "migrations"
    script_location.mkdir(parents=True, exist_ok=True)
    for location in locations:
        location.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_TEMPLATE_DIR / "script.py.mako", script_location / "script.py.mako")
    shutil.copyfile(_TEMPLATE_DIR / "env.py", script_location / "env.py")
    relative = [f"%(here)s/{loc.relative_to(root).as_posix()}" for loc in locations]
    ini = root / "alembic.ini"
    ini.write_text(
        "[alembic]\n"
        "script_location = %(here)s/migrations\n"
        "prepend_sys_path = .\n"
        "path_separator = os\n"
        f"version_locations = {os.pathsep.join(relative)}\n"
        "sqlalchemy.url = sqlite:///%(here)s/app.db\n",
        encoding="utf-8",
    )
    return ini, script_location


def generate_history(
    root: Path,
    n: int,
    *,
    seed: int = 0,
    branches: bool = True,
    labels: bool = True,
    merges: bool = True,
    depends_on: bool = True,
    roots: int = 1,
    separate_locations: bool = False,
    body_lines: int = 30,
) -> SynthProject:
    """Write an N-revision Alembic project under `root` and describe what was written.

    `roots` > 1 adds independent bases (each starting a labelled branch, as `alembic revision
    --head=base --branch-label=x` makes them); with `separate_locations` each such base and its
    descendants live in their own version location listed in alembic.ini.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = random.Random(seed)
    writer = _Writer(rng, body_lines)
    main_location = root / "migrations" / "versions"
    label_names = _label_names()
    root_starts = sorted(rng.sample(range(1, n), min(roots - 1, n - 1))) if roots > 1 else []
    branches_open: list[_Branch] = [_Branch(None, main_location)]
    locations = [main_location]
    revisions: list[SynthRevision] = []
    created = dt.datetime(2023, 1, 2, 9, 0, 0, 123456)
    used_ids: set[str] = set()

    for index in range(n):
        created += dt.timedelta(hours=rng.randint(1, 60), seconds=rng.randint(0, 3599))
        rev = _fresh_id(rng, used_ids)
        unlabelled = [b for b in branches_open[1:] if b.label is None and b.tip is not None]
        own_labels: tuple[str, ...] = ()
        depends: tuple[str, ...] = ()
        if root_starts and index == root_starts[0]:
            root_starts.pop(0)
            label = next(label_names)
            location = root / "migrations" / f"{label}_versions" if separate_locations else main_location
            if location not in locations:
                locations.append(location)
            branch = _Branch(None, location, label=label)
            branches_open.append(branch)
            down: tuple[str, ...] = ()
        elif merges and unlabelled and rng.random() < 0.05:
            merged = rng.choice(unlabelled)
            branch = branches_open[0]
            assert branch.tip is not None and merged.tip is not None
            down = (branch.tip, merged.tip)
            branches_open.remove(merged)
        elif branches and len(branches_open) < _MAX_OPEN_BRANCHES and index > 2 and rng.random() < 0.06:
            source = rng.choice([b for b in branches_open if b.tip is not None])
            assert source.tip is not None
            branch = _Branch(source.tip, source.location)
            if labels and rng.random() < 0.5:
                branch.label = next(label_names)
                branch.label_delay = rng.choice((0, 0, 1, 2))
            branches_open.append(branch)
            down = (source.tip,)
        else:
            weights = [4.0 if i == 0 else 1.0 for i in range(len(branches_open))]
            branch = rng.choices(branches_open, weights=weights)[0]
            down = (branch.tip,) if branch.tip is not None else ()
        if branch.label is not None and branch.length == branch.label_delay:
            own_labels = (branch.label,)
        if depends_on and index > 5 and rng.random() < 0.04:
            depends = _pick_dependency(rng, revisions, down)
        branch.length += 1
        branch.tip = rev

        if len(down) > 1:
            message = "merge heads"
            up_body, down_body, extra = ["    pass"], ["    pass"], []
        else:
            writer.needs_postgresql = False
            up_body, down_body, message = writer.bodies()
            extra = ["from sqlalchemy.dialects import postgresql"] if writer.needs_postgresql else []
        path = branch.location / f"{rev}_{_slug(message)}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = _render(rev, down, own_labels, depends, message, created, up_body, down_body, extra)
        path.write_text(text, encoding="utf-8")
        revisions.append(SynthRevision(rev, down, own_labels, depends, message, path))

    ini, script_location = _write_scaffold(root, locations)
    return SynthProject(root, ini, script_location, tuple(locations), revisions)


def _fresh_id(rng: random.Random, used: set[str]) -> str:
    while True:
        rid = f"{rng.getrandbits(48):012x}"
        if rid not in used:
            used.add(rid)
            return rid


def _label_names() -> Iterator[str]:
    for index in itertools.count():
        word = _LABEL_WORDS[index % len(_LABEL_WORDS)]
        round_ = index // len(_LABEL_WORDS)
        yield word if round_ == 0 else f"{word}_{round_ + 1}"


def _pick_dependency(
    rng: random.Random, earlier: list[SynthRevision], down: tuple[str, ...]
) -> tuple[str, ...]:
    """An earlier revision (by id) or an earlier declared branch label; never the parent itself."""
    labelled = [r for r in earlier if r.branch_labels]
    if labelled and rng.random() < 0.3:
        return (rng.choice(labelled).branch_labels[0],)
    candidates = [r.revision for r in earlier if r.revision not in down]
    return (rng.choice(candidates),) if candidates else ()
