"""The README's rule table is made from the rules themselves, so the front page never falls behind
and each rule's summary is written once (in the rule)."""

from __future__ import annotations

from pathlib import Path

from alembic_ls.rules.registry import RULES, markdown_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_table_is_the_generated_one() -> None:
    text = README.read_text(encoding="utf-8")
    assert markdown_table() in text, "regenerate it: alembic-ls rules --output-format markdown"


def test_every_rule_has_a_row_with_its_name() -> None:
    table = markdown_table()
    assert all(f"| {code} | {rule.name} |" in table for code, rule in RULES.items())


def test_every_fixable_rule_says_what_its_fix_does() -> None:
    assert [code for code, rule in RULES.items() if rule.fixable and not rule.fix_summary] == []
