// The status bar item: database revision vs head(s), unapplied revisions, drift; a click opens the commands.

import * as vscode from "vscode";
import { AlembicClient, ClientState } from "./client";
import { statusView } from "./logic/status";

export function createStatusBar(client: AlembicClient): vscode.Disposable {
  const item = vscode.window.createStatusBarItem("alembicLs.status", vscode.StatusBarAlignment.Left, 50);
  item.name = "Alembic";
  item.command = "alembicLs.showCommands";

  const render = () => {
    const state: ClientState = client.state;
    item.backgroundColor = undefined;
    if (state === "starting") {
      item.text = "$(sync~spin) Alembic";
      item.tooltip = "alembic-ls is starting…";
    } else if (state === "failed" || state === "stopped") {
      item.text = "$(error) Alembic";
      item.tooltip = "The Alembic language server is not running. Click for commands (Restart Server, Show Output).";
      item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
    } else {
      const view = statusView(client.projects, vscode.window.activeTextEditor?.document.uri.fsPath, client.trusted);
      item.text = view.text;
      item.tooltip = view.tooltip;
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
