"""The README's rule table lists every registered rule, so the front page never falls behind."""

from __future__ import annotations

from pathlib import Path

from alembic_ls.rules.registry import RULES

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_rule_has_a_row_with_its_name() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [code for code, rule in RULES.items() if f"| {code} | {rule.name} |" not in text]
    assert missing == []
