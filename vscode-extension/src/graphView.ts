// "Alembic: Show Revision Graph": a webview with the server's picture of the revision graph (findings, heads,
// labels, merges, what the database has applied). It draws again when diagnostics change, a file is saved or the
// database status moves, and a click on a revision opens its file at `revision = …`.

import * as vscode from "vscode";
import { AlembicClient } from "./client";
import { GRAPH_COMMAND, graphSummary, GraphView, nodeTarget, openableIds, parseGraphResult, RefreshScheduler } from "./logic/graph";
import { graphPage, makeNonce, parseFromPage, ToPage } from "./logic/graphHtml";

export const SHOW_GRAPH_COMMAND = "alembicLs.showRevisionGraph";
const VIEW_TYPE = "alembicLs.revisionGraph";
/** Quiet time before drawing again: a burst of keystrokes (and their diagnostics) makes one request. */
const REFRESH_DELAY_MS = 250;

export function registerGraphView(client: AlembicClient): vscode.Disposable {
  let panel: GraphPanel | undefined;
  return vscode.Disposable.from(
    vscode.commands.registerCommand(SHOW_GRAPH_COMMAND, () => {
      const project = activeProject();
      if (panel) {
        panel.show(project);
      } else {
        panel = new GraphPanel(client, project, () => (panel = undefined));
      }
    }),
    { dispose: () => panel?.dispose() },
  );
}

/** The active file when it is a workspace file (its project is drawn); otherwise the server picks the only one. */
function activeProject(): string | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (document && document.uri.scheme === "file" && vscode.workspace.getWorkspaceFolder(document.uri)) {
    return document.uri.toString();
  }
  return undefined;
}

class GraphPanel {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly scheduler: RefreshScheduler;
  private view: GraphView | undefined;
  private lastMessage: ToPage | undefined;
  private full = false;
  private stale = false;

  constructor(
    private readonly client: AlembicClient,
    private project: string | undefined,
    private readonly onDisposed: () => void,
  ) {
    this.panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      "Revision Graph",
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      { enableScripts: true, localResourceRoots: [] },
    );
    this.scheduler = new RefreshScheduler(() => this.refresh(), REFRESH_DELAY_MS);
    this.panel.webview.html = graphPage(makeNonce());
    const later = () => this.scheduler.request();
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((message) => void this.received(message)),
      this.panel.onDidChangeViewState(() => {
        if (this.panel.visible && this.stale) later();
      }),
      this.panel.onDidDispose(() => this.dispose()),
      vscode.languages.onDidChangeDiagnostics((event) => event.uris.some((uri) => uri.path.endsWith(".py")) && later()),
      vscode.workspace.onDidSaveTextDocument(later),
      client.onStatus(later),
      client.onState((state) => state === "running" && later()),
    );
  }

  show(project: string | undefined): void {
    if (project !== undefined && project !== this.project) {
      this.project = project;
      void this.scheduler.now();
    }
    this.panel.reveal(undefined, false);
  }

  dispose(): void {
    this.scheduler.dispose();
    this.disposables.splice(0).forEach((d) => d.dispose());
    this.panel.dispose();
    this.onDisposed();
  }

  private async refresh(): Promise<void> {
    if (!this.panel.visible) {
      this.stale = true; // drawn when shown again
      return;
    }
    this.stale = false;
    if (this.client.state !== "running") {
      // Never start the server from here (this also runs while the window closes); `running` draws again.
      if (this.client.state !== "starting") {
        this.post({ type: "error", message: "The Alembic language server is not running (see Alembic: Show Output)." });
      }
      return;
    }
    let message: ToPage;
    try {
      const result = await this.client.execute(GRAPH_COMMAND, { project: this.project, full: this.full });
      const outcome = parseGraphResult(result);
      if ("error" in outcome) {
        message = { type: "error", message: outcome.error };
      } else {
        this.view = outcome.view;
        message = {
          type: "graph",
          svg: outcome.view.svg,
          summary: graphSummary(outcome.view),
          openable: openableIds(outcome.view),
          full: this.full,
        };
      }
    } catch (error) {
      message = { type: "error", message: `The server did not answer: ${error instanceof Error ? error.message : String(error)}` };
    }
    this.post(message);
  }

  private post(message: ToPage): void {
    this.lastMessage = message;
    void this.panel.webview.postMessage(message);
  }

  private async received(raw: unknown): Promise<void> {
    const message = parseFromPage(raw);
    if (message === null) return;
    if (message.type === "ready") {
      // A fresh page (first load, or shown again after being hidden): the last picture at once, then a new one.
      if (this.lastMessage) void this.panel.webview.postMessage(this.lastMessage);
      void this.scheduler.now();
    } else if (message.type === "options") {
      this.full = message.full;
      void this.scheduler.now();
    } else if (message.type === "open" && this.view) {
      await this.open(message.id, this.view);
    }
  }

  private async open(id: string, view: GraphView): Promise<void> {
    const target = nodeTarget(view, id);
    if ("notice" in target) {
      void vscode.window.showInformationMessage(`Alembic: ${target.notice}`);
      return;
    }
    const position = new vscode.Position(target.line, 0);
    // Beside the graph, not over it: the picture stays in view while the file is read.
    const column = this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
    await vscode.window.showTextDocument(vscode.Uri.file(target.path), {
      viewColumn: column,
      selection: new vscode.Range(position, position),
      preview: false,
    });
  }
}
