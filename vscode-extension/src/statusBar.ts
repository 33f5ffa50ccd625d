// The status bar item: database revision vs head(s), unapplied revisions, drift; a click opens the commands, and
// the tooltip links the command for what it reports (Upgrade Head, Manage Workspace Trust, …).

import * as vscode from "vscode";
import { AlembicClient, ClientState } from "./client";
import { StatusView, statusView } from "./logic/status";

export function createStatusBar(client: AlembicClient): vscode.Disposable {
  const item = vscode.window.createStatusBarItem("alembicLs.status", vscode.StatusBarAlignment.Left, 50);
  item.name = "Alembic";
  item.command = "alembicLs.showCommands";

  const render = () => {
    const state: ClientState = client.state;
    item.backgroundColor = undefined;
    if (state === "starting") {
      show(item, { text: "$(sync~spin) Alembic", tooltip: "alembic-ls is starting…", warning: false, actions: [] });
    } else if (state === "failed" || state === "stopped") {
      show(item, {
        text: "$(error) Alembic",
        tooltip: "The Alembic language server is not running. Click for commands (Restart Server, Show Output).",
        warning: false,
        actions: [],
      });
      item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
    } else {
      const view = statusView(client.projects, vscode.window.activeTextEditor?.document.uri.fsPath, client.trusted);
      show(item, view);
      if (view.warning) {
        item.backgroundColor = new vscode.ThemeColor("statusBarItem.warningBackground");
      }
    }
    item.show();
  };

  render();
  return vscode.Disposable.from(
    item,
    client.onState(render),
    client.onStatus(render),
    vscode.window.onDidChangeActiveTextEditor(render),
  );
}

function show(item: vscode.StatusBarItem, view: StatusView): void {
  item.text = view.text;
  const tooltip = new vscode.MarkdownString(undefined, true);
  for (const line of view.tooltip.split("\n")) {
    tooltip.appendText(line);
    tooltip.appendMarkdown("  \n");
  }
  if (view.actions.length > 0) {
    tooltip.appendMarkdown("\n" + view.actions.map((a) => `[${a.title}](command:${a.command})`).join(" · "));
  }
  // Only the commands this tooltip links to may run from it.
  tooltip.isTrusted = { enabledCommands: view.actions.map((a) => a.command) };
  item.tooltip = tooltip;
  // A Markdown tooltip is not read out: say the same in the item's accessible name.
  const spoken = view.text.replace(/\$\([^)]*\)\s*/g, "").trim();
  item.accessibilityInformation = { label: `${spoken}, ${view.tooltip.replace(/\n+/g, " ")}` };
}
