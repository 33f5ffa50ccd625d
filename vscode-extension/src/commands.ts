// The "Alembic: …" palette commands. Each asks what it needs (a message, a confirmation, a revision), runs the
// server's `alembic-ls.*` command with a progress notification, then opens what it produced or explains failure.

import * as path from "node:path";
import * as vscode from "vscode";
import { AlembicClient } from "./client";
import {
  alreadyShown,
  CommandResult,
  errorDetails,
  filesIn,
  FIXING_COMMAND,
  historyEntries,
  revisionOfSource,
} from "./logic/results";
import { offered } from "./logic/palette";
import { projectRoot } from "./logic/status";

interface PaletteEntry {
  id: string;
  title: string;
  detail: string;
  needsTrust: boolean;
}

export const PALETTE: PaletteEntry[] = [
  { id: "alembicLs.generateMigration", title: "Generate Migration…", detail: "alembic revision --autogenerate -m …", needsTrust: true },
  { id: "alembicLs.upgradeHead", title: "Upgrade Head", detail: "alembic upgrade head", needsTrust: true },
  { id: "alembicLs.downgradeOne", title: "Downgrade One", detail: "alembic downgrade -1 (asks first)", needsTrust: true },
  { id: "alembicLs.testCycle", title: "Test Up/Down Cycle", detail: "upgrade → downgrade → upgrade on a scratch database", needsTrust: true },
  { id: "alembicLs.mergeHeads", title: "Merge Heads", detail: "alembic merge heads -m …", needsTrust: true },
  { id: "alembicLs.showSql", title: "Show SQL for Revision", detail: "alembic upgrade --sql for one revision", needsTrust: true },
  { id: "alembicLs.showHistory", title: "Show History", detail: "pick a revision to open its file", needsTrust: true },
  { id: "alembicLs.showRevisionGraph", title: "Show Revision Graph", detail: "heads, branches, findings, what is applied", needsTrust: false },
  { id: "alembicLs.showCurrent", title: "Show Current Revision", detail: "alembic current", needsTrust: true },
  { id: "alembicLs.restartServer", title: "Restart Server", detail: "", needsTrust: false },
  { id: "alembicLs.showOutput", title: "Show Output", detail: "the server's log", needsTrust: false },
  { id: "alembicLs.showDebugInfo", title: "Show Debug Information", detail: "versions, interpreter, server, projects", needsTrust: false },
];

export function registerCommands(client: AlembicClient): vscode.Disposable {
  const commands = new Commands(client);
  const handlers: Record<string, () => Promise<unknown>> = {
    "alembicLs.generateMigration": () => commands.generateMigration(),
    "alembicLs.upgradeHead": () => commands.upgradeHead(),
    "alembicLs.downgradeOne": () => commands.downgradeOne(),
    "alembicLs.testCycle": () => commands.testCycle(),
    "alembicLs.mergeHeads": () => commands.mergeHeads(),
    "alembicLs.showSql": () => commands.showSql(),
    "alembicLs.showHistory": () => commands.showHistory(),
    "alembicLs.showCurrent": () => commands.showCurrent(),
    "alembicLs.restartServer": () => client.restart(),
    "alembicLs.showOutput": async () => client.output.show(true),
    "alembicLs.showDebugInfo": async () => {
      const document = await vscode.workspace.openTextDocument({
        language: "markdown",
        content: await client.debugInformation(),
      });
      await vscode.window.showTextDocument(document);
    },
    "alembicLs.showCommands": () => commands.showCommands(),
  };
  return vscode.Disposable.from(
    ...Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler)),
  );
}

class Commands {
  constructor(private readonly client: AlembicClient) {}

  async generateMigration(): Promise<void> {
    const project = await this.project();
    if (project === null) return;
    const message = await vscode.window.showInputBox({
      title: "Alembic: Generate Migration",
      prompt: "Message for the new revision (alembic revision --autogenerate -m …)",
      placeHolder: "add email to user",
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() === "" ? "Say what the migration does." : undefined),
    });
    if (message === undefined) return;
    const result = await this.run("alembic-ls.generateMigration", { project, message: message.trim() }, "Generating migration…");
    if (result?.ok) await this.openCreated(result);
  }

  async upgradeHead(): Promise<void> {
    const project = await this.project();
    if (project === null) return;
    await this.run("alembic-ls.upgrade", { project, target: "head" }, "Upgrading the database to head…");
  }

  async downgradeOne(): Promise<void> {
    const project = await this.project();
    if (project === null) return;
    const choice = await vscode.window.showWarningMessage(
      "Downgrade the database by one revision?",
      {
        modal: true,
        detail:
          "This runs downgrade() of the current revision against the database env.py connects to. " +
          "Data in the tables and columns it drops is lost.",
      },
      "Downgrade",
    );
    if (choice !== "Downgrade") return;
    await this.run("alembic-ls.downgrade", { project, target: "-1", confirmed: true }, "Downgrading the database by one revision…");
  }

  async testCycle(): Promise<void> {
    const project = await this.project();
    if (project === null) return;
    await this.run("alembic-ls.testCycle", { project }, "Testing upgrade → downgrade → upgrade on a scratch database…");
  }

  async mergeHeads(): Promise<void> {
    const project = await this.project();
    if (project === null) return;
    const message = await vscode.window.showInputBox({
      title: "Alembic: Merge Heads",
      prompt: "Message for the merge revision",
      value: "merge heads",
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() === "" ? "A merge revision needs a message." : undefined),
    });
    if (message === undefined) return;
    const result = await this.run("alembic-ls.mergeHeads", { project, message: message.trim() }, "Merging heads…");
    if (result?.ok) await this.openCreated(result);
  }

  async showSql(): Promise<void> {
    const project = await this.project();
    if (project === null) return;
    const editor = vscode.window.activeTextEditor;
    let revision = editor && editor.document.languageId === "python" ? revisionOfSource(editor.document.getText()) : undefined;
    if (!revision) {
      revision = (await this.pickRevision(project, "Revision to show the SQL of"))?.revision;
    }
    if (!revision) return;
    const result = await this.run("alembic-ls.showSql", { project, revision }, `Rendering the SQL of ${revision}…`, false);
    const sql = result?.fields.sql;
    if (!result?.ok || alreadyShown(result)) return;
    const [file] = filesIn(result);
    if (file) {
      await this.open(file);
    } else if (typeof sql === "string") {
      const document = await vscode.workspace.openTextDocument({ language: "sql", content: sql });
      await vscode.window.showTextDocument(document, { preview: false });
    }
  }

  async showHistory(): Promise<void> {
    const project = await this.project();
    if (project === null) return;
    const picked = await this.pickRevision(project, "Open a revision");
    if (picked?.file) {
      await this.open(picked.file);
    }
  }

  async showCurrent(): Promise<void> {
    const project = await this.project();
    if (project === null) return;
    await this.run("alembic-ls.current", { project }, "Reading the database revision…");
  }

  async showCommands(): Promise<void> {
    const trusted = this.client.trusted;
    const hasProject = this.client.hasProject;
    const items = PALETTE.filter((entry) => offered(entry.id, trusted, hasProject)).map((entry) => ({
      label: entry.title,
      detail: entry.detail || undefined,
      id: entry.id,
    }));
    if (!trusted) {
      items.unshift({ label: "Manage Workspace Trust", detail: "trust this folder to use the database commands", id: "workbench.trust.manage" });
    }
    const picked = await vscode.window.showQuickPick(items, {
      title: "Alembic",
      placeHolder: !hasProject
        ? "No Alembic project in this workspace (alembic.ini, [tool.alembic] or migrations/env.py)"
        : trusted
          ? "Run an Alembic command"
          : "Restricted Mode: the database commands need a trusted folder (Manage Workspace Trust)",
    });
    if (picked) {
      await vscode.commands.executeCommand(picked.id);
    }
  }

  private async pickRevision(project: string | undefined, title: string) {
    const result = await this.run("alembic-ls.history", { project }, "Reading the history…", false);
    if (!result?.ok) return undefined;
    const entries = historyEntries(result);
    if (entries.length === 0) {
      void vscode.window.showInformationMessage("Alembic: this project has no revisions yet.");
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      entries.map((entry) => ({
        label: `$(git-commit) ${entry.revision}`,
        description: entry.message,
        detail: entry.detail || undefined,
        entry,
      })),
      { title, matchOnDescription: true, matchOnDetail: true },
    );
    return picked?.entry;
  }

  /**
   * The `project` argument: the active file when it is in the workspace, else the only project, else one the
   * user picks. Undefined lets the server choose (one project); null means the user cancelled.
   */
  private async project(): Promise<string | undefined | null> {
    const document = vscode.window.activeTextEditor?.document;
    if (document && document.uri.scheme === "file" && vscode.workspace.getWorkspaceFolder(document.uri)) {
      const owner = this.client.projects.find((p) => document.uri.fsPath.startsWith(projectRoot(p.scriptLocation)));
      if (owner || this.client.projects.length <= 1) {
        return document.uri.toString();
      }
    }
    const projects = this.client.projects;
    if (projects.length <= 1) {
      return projects[0]?.scriptLocation;
    }
    const picked = await vscode.window.showQuickPick(
      projects.map((p) => ({ label: vscode.workspace.asRelativePath(p.scriptLocation), location: p.scriptLocation })),
      { title: "Which Alembic project?" },
    );
    return picked ? picked.location : null;
  }

  /** Runs a server command under a progress notification; reports the outcome unless `announce` is false. */
  private async run(command: string, argument: object, title: string, announce = true): Promise<CommandResult | undefined> {
    let result: CommandResult;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Alembic: ${title}`, cancellable: true },
        (_progress, token) => this.client.execute(command, argument, token),
      );
    } catch (error) {
      if (error instanceof Error && /cancel/i.test(error.message)) return undefined;
      void this.showError(`Alembic: ${error instanceof Error ? error.message : String(error)}`, undefined);
      return undefined;
    }
    if (!result.ok) {
      void this.showError(`Alembic: ${result.message}`, result);
    } else if (announce) {
      void vscode.window.showInformationMessage(`Alembic: ${result.message}`);
    }
    return result;
  }

  private async showError(message: string, result: CommandResult | undefined): Promise<void> {
    const details = result ? errorDetails(result) : {};
    const actions: string[] = [];
    const fixing = details.kind ? FIXING_COMMAND[details.kind] : undefined;
    if (fixing) actions.push(fixing.title);
    if (details.file) actions.push("Open File");
    actions.push("Show Output");
    const choice = await vscode.window.showErrorMessage(message, ...actions);
    if (choice === "Show Output") {
      this.client.output.show(true);
    } else if (choice === "Open File" && details.file) {
      await this.open(details.file, details.line);
    } else if (fixing && choice === fixing.title) {
      await vscode.commands.executeCommand(fixing.command);
    }
  }

  /** Opens the revisions a command wrote, unless the server already did (window/showDocument). */
  private async openCreated(result: CommandResult): Promise<void> {
    if (alreadyShown(result)) return;
    for (const file of filesIn(result)) {
      await this.open(file);
    }
  }

  private async open(file: string, line?: number): Promise<void> {
    const uri = /^[a-z][a-z0-9+.-]+:\/\//i.test(file) ? vscode.Uri.parse(file) : vscode.Uri.file(path.resolve(file));
    const selection = line && line > 0 ? new vscode.Range(line - 1, 0, line - 1, 0) : undefined;
    await vscode.window.showTextDocument(uri, { preview: false, selection });
  }
}
