// Entry point: start the client when the workspace holds an Alembic project, wire the status bar and commands.

import * as vscode from "vscode";
import { workspaceHasAlembicProject, watchForProject } from "./activation";
import { AlembicClient } from "./client";
import { registerCommands } from "./commands";
import { registerGraphView } from "./graphView";
import { HAS_PROJECT } from "./logic/palette";
import { createStatusBar } from "./statusBar";

let client: AlembicClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("Alembic LS");
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? "");
  client = new AlembicClient(context.extensionPath, output, version);
  context.subscriptions.push(output, client, registerCommands(client), registerGraphView(client));
  context.subscriptions.push(
    client.onHasProject((found) => void vscode.commands.executeCommand("setContext", HAS_PROJECT, found)),
  );

  const begin = () => {
    client!.markProject(true); // the extension's own look found one; the server's status then says
    context.subscriptions.push(createStatusBar(client!));
    void client!.start();
  };
  if (await workspaceHasAlembicProject()) {
    begin();
  } else {
    output.appendLine("No Alembic project (alembic.ini, [tool.alembic], migrations/env.py) in this workspace yet.");
    context.subscriptions.push(watchForProject(begin));
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
