"""Rules about live traffic stay quiet in the contract branch of an expand/contract history
(OpenStack Neutron: `branch_labels = (cli.CONTRACT_BRANCH,)`, `versions/<release>/contract/`), and
in a project whose settings say `deploy = "offline"`; every other rule still runs there."""

from __future__ import annotations

from pathlib import Path

from alembic_ls.analysis.deploy_phase import runs_offline
from alembic_ls.analysis.graph import RevisionGraph
from alembic_ls.analysis.parser import parse_revision
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.rules.registry import RULES
from alembic_ls.settings import Settings, parse_settings

DROP = "    op.drop_column('ports', 'ip_allocation')"
RENAME = "    op.alter_column('ports', 'mac', new_column_name='mac_address')"


def _codes(history) -> set[str]:
    return {f.code for f in history.findings()}


def test_a_revision_under_a_contract_label_skips_the_live_traffic_rules(write_history) -> None:
    # (The project runs on SQLite: the PostgreSQL lock rules are off; AM408 and AM409 are not.)
    body = {"upgrade": DROP + "\n" + RENAME, "downgrade": "    pass"}
    contract = write_history(
        ("base0", None, {"upgrade": "    pass", "downgrade": "    pass"}),
        ("c1", "base0", {**body, "labels": "contract"}),
        ("c2", "c1", body),  # inherits the label
    )
    codes = _codes(contract)
    assert not codes & {"AM408", "AM409"}
    assert "AM201" in codes  # a missing downgrade is wrong whoever is serving
    expand = write_history(
        ("base0", None, {"upgrade": "    pass", "downgrade": "    pass"}),
        ("e1", "base0", {**body, "labels": "expand"}),
    )
    assert {"AM408", "AM409"} <= _codes(expand)


def test_the_phase_is_read_from_a_label_word_or_a_contract_folder(tmp_path: Path) -> None:
    def rev(path: str, labels: str) -> RevisionFile:
        text = f"revision = 'r1'\ndown_revision = None\nbranch_labels = {labels}\n"
        return parse_revision(str(tmp_path / path), text)

    graph = RevisionGraph([])
    assert runs_offline(rev("versions/liberty/contract/r1.py", "None"), graph)
    assert runs_offline(rev("versions/r1.py", "('contract',)"), graph)
    # A label as written in code (neutron's cli.CONTRACT_BRANCH) names the phase as a word.
    assert runs_offline(rev("versions/r1.py", "(cli.CONTRACT_BRANCH,)"), graph)
    assert not runs_offline(rev("versions/r1.py", "('contracts',)"), graph)
    assert not runs_offline(rev("versions/expand/r1.py", "None"), graph)


def test_the_rules_about_live_traffic_are_the_lock_and_deploy_rules() -> None:
    live = sorted(code for code, rule in RULES.items() if rule.about_live_traffic)
    assert live == [
        *("AM403", "AM404", "AM405", "AM406", "AM407", "AM408", "AM409"),
        *("AM411", "AM412", "AM414", "AM704", "AM705"),
    ]


def test_a_project_that_deploys_offline_skips_the_live_traffic_rules_everywhere(write_history) -> None:
    body = {"upgrade": DROP + "\n" + RENAME, "downgrade": "    pass"}
    base = ("base0", None, {"upgrade": "    pass", "downgrade": "    pass"})
    history = write_history(base, ("d1", "base0", body))
    assert {"AM408", "AM409", "AM201"} <= _codes(history)
    offline = parse_settings({"deploy": "offline"}, "pyproject.toml [tool.alembic-ls]")
    codes = {f.code for f in history.findings(offline)}
    assert not codes & {code for code, rule in RULES.items() if rule.about_live_traffic}
    assert "AM201" in codes
    assert Settings().deploy == "online"
