// VS Code activates the extension for any folder with a pyproject.toml (activation events cannot look inside a
// file); the server is started only when the folder really holds an Alembic project.

import * as vscode from "vscode";

const EXCLUDE = "**/{node_modules,.venv,venv,.git,.tox,.nox,site-packages}/**";
export const PROJECT_MARKERS = ["**/alembic.ini", "**/migrations/env.py"];

export async function workspaceHasAlembicProject(): Promise<boolean> {
  for (const marker of PROJECT_MARKERS) {
    if ((await vscode.workspace.findFiles(marker, EXCLUDE, 1)).length > 0) {
      return true;
    }
  }
  for (const uri of await vscode.workspace.findFiles("**/pyproject.toml", EXCLUDE, 50)) {
    try {
      const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString("utf8");
      if (/^\s*\[tool\.alembic\]/m.test(text)) {
        return true;
      }
    } catch {
      // unreadable file: not a project we can serve
    }
  }
  return false;
}

/** Calls `found` once an Alembic project appears in a workspace that had none at activation. */
export function watchForProject(found: () => void): vscode.Disposable {
  const watchers = [...PROJECT_MARKERS, "**/pyproject.toml"].map((glob) =>
    vscode.workspace.createFileSystemWatcher(glob, false, false, true),
  );
  const check = async () => {
    if (await workspaceHasAlembicProject()) {
      disposable.dispose();
      found();
    }
  };
  const disposable = vscode.Disposable.from(
    ...watchers.flatMap((watcher) => [watcher.onDidCreate(check), watcher.onDidChange(check), watcher]),
  );
  return disposable;
}
