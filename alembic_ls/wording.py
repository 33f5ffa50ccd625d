"""How a message names the next step: the shell command (CLI, most editors) or the editor's own action.

A VS Code user cannot act on "run `alembic upgrade head`" without leaving the editor, and has no `trusted`
setting to flip; the extension says so explicitly (client setting `editorActions: "vscode"`), so every
other client keeps the command-line wording. Every message that names an action takes it from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Wording:
    upgrade_head: str
    merge_heads: str
    current: str
    add_missing_import: str
    upgrade_to_template: str  # "{rid}" is the revision to upgrade to
    trust_workspace: str
    restricted: str  # what the untrusted state is called where the user sees it
    # The bare actions, for sentences that name the step without explaining it.
    upgrade_head_command: str
    merge_heads_command: str
    generate_template: str  # "{message}" is the new revision's message
    setting_template: str  # "{name}" is the client setting's key, e.g. interpreter
    rebase_template: str  # "{rid}" is moved after "{onto}"

    def upgrade_to(self, rid: str) -> str:
        return self.upgrade_to_template.format(rid=rid)

    def generate(self, message: str) -> str:
        return self.generate_template.format(message=message)

    def setting(self, name: str) -> str:
        return self.setting_template.format(name=name)

    def rebase(self, rid: str, onto: str) -> str:
        return self.rebase_template.format(rid=rid, onto=onto)


CLI = Wording(
    upgrade_head='command "Upgrade", or `alembic upgrade head`',
    merge_heads='command "Merge heads", or `alembic merge heads -m "merge heads"`',
    current="current (`alembic current`)",
    add_missing_import="for a missing import, `alembic-ls check --fix` adds it",
    upgrade_to_template='Run `alembic upgrade {rid}` (or "Upgrade to here")',
    trust_workspace="Trust the workspace (setting `trusted`) to use database commands.",
    restricted="This workspace is not trusted",
    upgrade_head_command="`alembic upgrade head`",
    merge_heads_command='`alembic merge heads -m "merge heads"`',
    generate_template='`alembic revision --autogenerate -m "{message}"`',
    setting_template="`{name}`",
    rebase_template="`alembic-ls rebase {rid} --onto {onto}`",
)

VSCODE = Wording(
    upgrade_head='"Alembic: Upgrade Head" in the Command Palette',
    merge_heads='"Alembic: Merge Heads" in the Command Palette',
    current='"Alembic: Show Current Revision"',
    add_missing_import='for a missing import, the quick fix (Ctrl+.) on the "not defined" problem adds it',
    upgrade_to_template='Use the quick fix or the "Upgrade to here" code lens ({rid})',
    trust_workspace=(
        'Trust the folder ("Workspaces: Manage Workspace Trust" in the Command Palette) to use the database '
        "commands."
    ),
    restricted="This folder is open in Restricted Mode",
    upgrade_head_command='"Alembic: Upgrade Head"',
    merge_heads_command='"Alembic: Merge Heads"',
    generate_template='"Alembic: Generate Migration…" with the message "{message}"',
    setting_template="`alembicLs.{name}`",  # the name the Settings editor finds
    rebase_template='the quick fix "Rebase onto {onto}"',
)

EDITORS = {"vscode": VSCODE}


def wording_for(editor_actions: str | None) -> Wording:
    """The client setting `editorActions` ("vscode"); anything else keeps the command-line wording."""
    return EDITORS.get(editor_actions or "", CLI)
