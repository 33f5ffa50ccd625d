import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { COMMAND_NEEDS, HAS_PROJECT, offered, whenClause } from "../src/logic/palette";

interface Manifest {
  contributes: {
    commands: { command: string; enablement?: string }[];
    menus?: { commandPalette?: { command: string; when?: string }[] };
  };
}

const manifest: Manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));

describe("which commands are offered", () => {
  it("hides every command that needs the agent in Restricted Mode, Show History included", () => {
    assert.equal(offered("alembicLs.showHistory", false, true), false);
    for (const [command, needs] of Object.entries(COMMAND_NEEDS)) {
      assert.equal(offered(command, false, true), needs !== "agent", command);
      assert.equal(offered(command, true, true), true, command);
    }
  });

  it("hides every project command when the server reports no Alembic project", () => {
    for (const [command, needs] of Object.entries(COMMAND_NEEDS)) {
      assert.equal(offered(command, true, false), needs === "nothing", command);
    }
    assert.equal(offered("alembicLs.restartServer", false, false), true);
  });

  it("package.json's Command Palette `when` clauses say the same", () => {
    const palette = new Map((manifest.contributes.menus?.commandPalette ?? []).map((entry) => [entry.command, entry.when]));
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.keys(COMMAND_NEEDS).sort());
    for (const [command, needs] of Object.entries(COMMAND_NEEDS)) {
      assert.equal(palette.get(command), whenClause(needs), command);
    }
    assert.ok(whenClause("agent")!.includes("isWorkspaceTrusted") && whenClause("agent")!.includes(HAS_PROJECT));
  });

  it("the agent commands are also disabled (not only hidden) in Restricted Mode", () => {
    for (const command of manifest.contributes.commands) {
      if (COMMAND_NEEDS[command.command] === "agent") {
        assert.equal(command.enablement, "isWorkspaceTrusted", command.command);
      }
    }
  });
});

describe("rule pages", () => {
  it("open in the Markdown preview (rendered, read-only), not as an editable file", () => {
    const defaults = (manifest.contributes as { configurationDefaults?: Record<string, Record<string, string>> })
      .configurationDefaults;
    const associations = defaults?.["workbench.editorAssociations"] ?? {};
    // The server links each finding to alembic_ls/rules/docs/AMxxx.md in the bundled (or installed) package.
    assert.equal(associations["**/alembic_ls/rules/docs/AM*.md"], "vscode.markdown.preview.editor");
  });
});
