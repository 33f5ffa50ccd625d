"""AM201 follows the project's own template: neutron's script.py.mako has no downgrade() ("downgrades
are not supported"), so its 110 revisions without one are its convention, not 110 findings."""

from __future__ import annotations

from pathlib import Path

ADD = "    op.add_column('post', sa.Column('slug', sa.String(), nullable=True))"
TEMPLATE = (
    '"""${message}"""\nrevision = ${repr(up_revision)}\n\n\n'
    'def upgrade():\n    ${upgrades if upgrades else "pass"}\n'
)


def _without_downgrade(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("\n\ndef downgrade")] + "\n", encoding="utf-8")


def test_am201_quiet_when_the_projects_template_has_no_downgrade(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1", {"upgrade": ADD}))
    _without_downgrade(history.files["b2"])
    assert [f.code for f in history.findings(codes=["AM201"])] == ["AM201"]
    (history.root / "migrations" / "script.py.mako").write_text(TEMPLATE, encoding="utf-8")
    assert history.findings(codes=["AM201"]) == []


def test_am201_still_fires_when_the_template_writes_a_downgrade(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1", {"upgrade": ADD}))
    _without_downgrade(history.files["b2"])
    template = TEMPLATE + "\n\ndef downgrade():\n    ${downgrades if downgrades else 'pass'}\n"
    (history.root / "migrations" / "script.py.mako").write_text(template, encoding="utf-8")
    assert [f.code for f in history.findings(codes=["AM201"])] == ["AM201"]
