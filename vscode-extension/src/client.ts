// One language client for the whole window: finds a Python for the bundled server, resolves each folder's
// project interpreter, answers the server's configuration requests and relays its status notification.

import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from "vscode-languageclient/node";
import { agentInterpreterFor, serverLaunch } from "./launch";
import { AgentInterpreter } from "./logic/interpreter";
import { asResult, CommandResult } from "./logic/results";
import { formatDebugInfo } from "./logic/debugInfo";
import { ServerLaunch } from "./logic/serverLaunch";
import { buildServerSettings, ServerSettings } from "./logic/settings";
import { versionMismatchWarning } from "./logic/versionCheck";
import { plannedExitLine } from "./logic/plannedStop";
import { tabOptions } from "./logic/showDocument";
import { parseStatus, ProjectStatus } from "./logic/status";
import { onInterpreterChanged, selectedInterpreter } from "./pythonExtension";

export const STATUS_NOTIFICATION = "alembic-ls/status";
const SECTION = "alembicLs";
/** Settings read only when the server process starts. */
const RESTART_SETTINGS = [
  "alembicLs.serverPython",
  "alembicLs.serverCommand",
  "alembicLs.path",
  "alembicLs.importStrategy",
  "alembicLs.trace.server",
];
/** Settings that change which interpreter the agent uses. */
const INTERPRETER_SETTINGS = ["alembicLs.interpreter", "python.defaultInterpreterPath"];

export type ClientState = "stopped" | "starting" | "running" | "failed";

/** The library's client, told when a stop is the extension's own doing (see logic/plannedStop.ts). */
class AlembicLanguageClient extends LanguageClient {
  stopping = false;

  override error(message: string, data?: unknown, showNotification?: boolean | "force"): void {
    const planned = plannedExitLine(message, this.stopping);
    if (planned !== undefined) {
      this.info(planned);
    } else {
      super.error(message, data, showNotification);
    }
  }
}

export class AlembicClient implements vscode.Disposable {
  private client: AlembicLanguageClient | undefined;
  private interpreters = new Map<string, AgentInterpreter>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly stateEmitter = new vscode.EventEmitter<ClientState>();
  private readonly statusEmitter = new vscode.EventEmitter<ProjectStatus[]>();
  private readonly hasProjectEmitter = new vscode.EventEmitter<boolean>();
  private startup: Promise<void> | undefined;
  state: ClientState = "stopped";
  projects: ProjectStatus[] = [];
  readonly onState = this.stateEmitter.event;
  readonly onStatus = this.statusEmitter.event;
  /**
   * Whether the workspace has an Alembic project, which decides the commands offered: first as the extension's
   * own look found it (the server's first status can wait for a slow database), then as the server reports it
   * (none: a pyproject.toml without Alembic, or a configuration the server could not read). Not reset when the
   * client forgets the statuses on stop.
   */
  hasProject = false;
  readonly onHasProject = this.hasProjectEmitter.event;

  /** How the running (or last) server was started, and the version it reported at initialize. */
  private launch: Extract<ServerLaunch, { kind: "command" }> | undefined;
  private serverVersion: string | undefined;
  /** Notes and warnings already shown this session (each is said once). */
  private readonly told = new Set<string>();

  constructor(
    private readonly extensionPath: string,
    readonly output: vscode.OutputChannel,
    private readonly extensionVersion: string,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => void this.configurationChanged(event)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.restart()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refreshInterpreters()),
    );
    void onInterpreterChanged(() => void this.refreshInterpreters()).then((d) => d && this.disposables.push(d));
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  start(): Promise<void> {
    this.startup ??= this.doStart().finally(() => (this.startup = undefined));
    return this.startup;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.stopping = true;
      try {
        await client.stop(5000);
      } catch (error) {
        this.log(`Stopping the server: ${String(error)}`);
      }
      await client.dispose();
    }
    this.projects = [];
    this.statusEmitter.fire(this.projects);
    this.setState("stopped");
  }

  /** Runs one of the server's `alembic-ls.*` commands with its single object argument. */
  async execute(command: string, argument: object, token?: vscode.CancellationToken): Promise<CommandResult> {
    if (this.state !== "running") {
      await this.start();
    }
    if (!this.client) {
      return asResult({ ok: false, message: "The Alembic language server is not running (see Alembic: Show Output)." });
    }
    const value: unknown = await this.client.sendRequest(
      ExecuteCommandRequest.type,
      { command, arguments: [argument] },
      token,
    );
    return asResult(value);
  }

  markProject(found: boolean): void {
    if (this.hasProject !== found) {
      this.hasProject = found;
      this.hasProjectEmitter.fire(found);
    }
  }

  dispose(): void {
    void this.stop();
    this.disposables.forEach((d) => d.dispose());
    this.stateEmitter.dispose();
    this.statusEmitter.dispose();
    this.hasProjectEmitter.dispose();
  }

  /** One line in the Alembic LS output, timed like the client library's own lines. */
  private log(line: string): void {
    this.output.appendLine(`[${new Date().toLocaleTimeString()}] ${line}`);
  }

  private setState(state: ClientState): void {
    this.state = state;
    this.stateEmitter.fire(state);
  }

  private async doStart(): Promise<void> {
    this.setState("starting");
    const began = Date.now();
    await this.refreshInterpreters(false);
    const firstFolder = vscode.workspace.workspaceFolders?.[0];
    const projectInterpreter = firstFolder && this.trusted ? this.interpreters.get(firstFolder.uri.toString()) : undefined;
    const launch = await serverLaunch(
      this.extensionPath,
      this.extensionVersion,
      await this.preferredServerPythons(),
      projectInterpreter,
    );
    this.log(`Looked for Python in ${Date.now() - began} ms.`);
    if (launch.note) {
      this.tellOnce(launch.note);
    }
    if (launch.kind === "missing-python") {
      this.log(`${launch.message} Tried: ${launch.tried.join(", ")}`);
      this.setState("failed");
      void vscode.window.showErrorMessage(launch.message, "Open Settings", "Show Output").then((choice) => {
        if (choice === "Open Settings") {
          void vscode.commands.executeCommand("workbench.action.openSettings", "alembicLs.serverPython");
        } else if (choice === "Show Output") {
          this.output.show();
        }
      });
      return;
    }
    this.log(`Starting ${launch.description}: ${[launch.command, ...launch.args].join(" ")}`);
    const folder = vscode.workspace.workspaceFolders?.[0];
    const serverOptions: ServerOptions = {
      command: launch.command,
      args: launch.args,
      // No `transport`: TransportKind.stdio would append `--stdio`, which `alembic-ls serve` does not take.
      options: { cwd: folder?.uri.fsPath },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: "python" },
        { scheme: "file", pattern: "**/alembic.ini" },
        { scheme: "file", pattern: "**/pyproject.toml" },
        { scheme: "file", pattern: "**/script.py.mako" },
      ],
      diagnosticCollectionName: "alembic-ls",
      outputChannel: this.output,
      traceOutputChannel: this.output,
      initializationOptions: this.settingsFor(folder?.uri),
      middleware: {
        window: {
          // The library's default opens a preview tab, replaced by the next file opened; a generated revision,
          // its SQL or a merge revision must stay.
          showDocument: async (params, next) => {
            if (params.external === true) {
              const answer = await next(params, new vscode.CancellationTokenSource().token);
              return "success" in answer ? answer : { success: false };
            }
            try {
              const selection = params.selection
                ? new vscode.Range(
                    params.selection.start.line,
                    params.selection.start.character,
                    params.selection.end.line,
                    params.selection.end.character,
                  )
                : undefined;
              await vscode.window.showTextDocument(vscode.Uri.parse(params.uri), { ...tabOptions(params.takeFocus), selection });
              return { success: true };
            } catch {
              return { success: false };
            }
          },
        },
        workspace: {
          // The client library would push the raw VS Code section (empty lists for unset rule keys, no `trusted`);
          // send the same object workspace/configuration answers instead.
          didChangeConfiguration: async () => this.notifySettings(),
          configuration: async (params, token, next) => {
            const answers = await next(params, token);
            if (!Array.isArray(answers)) {
              return answers;
            }
            return params.items.map((item, i) =>
              item.section === SECTION ? this.settingsFor(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined) : answers[i],
            );
          },
        },
      },
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue }),
        closed: () => {
          // VS Code's own default: restart unless the server died repeatedly in a short time.
          const now = Date.now();
          this.crashes = this.crashes.filter((t) => now - t < 180000).concat(now);
          if (this.crashes.length > 4) {
            this.setState("failed");
            return {
              action: CloseAction.DoNotRestart,
              message: "The Alembic language server stopped 5 times in 3 minutes and will not be restarted. See Alembic: Show Output.",
            };
          }
          return { action: CloseAction.Restart };
        },
      },
    };
    const client = new AlembicLanguageClient("alembicLs", "Alembic LS", serverOptions, clientOptions);
    client.onDidChangeState((event) => {
      if (event.newState === State.Running) this.setState("running");
      else if (event.newState === State.Starting) this.setState("starting");
      else if (event.newState === State.Stopped && this.client === client) this.setState("failed");
    });
    // Registered before start: the first status is sent right after indexing, which can beat start()'s return.
    client.onNotification(STATUS_NOTIFICATION, (params: unknown) => {
      this.projects = parseStatus(params);
      this.statusEmitter.fire(this.projects);
      this.markProject(this.projects.length > 0);
    });
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.log(`The server did not start: ${String(error)}`);
      this.setState("failed");
      void vscode.window.showErrorMessage(`Alembic LS: the language server did not start (${String(error)}).`, "Show Output")
        .then((choice) => choice && this.output.show());
      return;
    }
    this.log(`The server answered initialize ${Date.now() - began} ms after the extension started it.`);
    this.launch = launch;
    this.serverVersion = client.initializeResult?.serverInfo?.version;
    const mismatch = versionMismatchWarning(this.serverVersion, this.extensionVersion, launch.description);
    if (mismatch) {
      this.tellOnce(mismatch);
    }
    this.setState("running");
  }

  /** Logs `message` and shows it once per session, as a notification that does not take focus. */
  private tellOnce(message: string): void {
    this.log(message);
    if (!this.told.has(message)) {
      this.told.add(message);
      void vscode.window.showInformationMessage(message);
    }
  }

  /** The Markdown for Alembic: Show Debug Information. */
  async debugInformation(): Promise<string> {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => {
      const interpreter = this.interpreters.get(folder.uri.toString());
      return {
        name: folder.name,
        path: folder.uri.fsPath,
        interpreter: interpreter?.command.join(" ") ?? "",
        interpreterSource: interpreter?.source ?? (this.trusted ? "none" : "untrusted: not looked for"),
        dialect: vscode.workspace.getConfiguration(SECTION, folder.uri).get<string>("dialect", ""),
      };
    });
    return formatDebugInfo({
      extensionVersion: this.extensionVersion,
      editor: `${vscode.env.appName} ${vscode.version}`,
      platform: process.platform,
      arch: process.arch,
      server: this.launch && {
        description: this.launch.description,
        commandLine: [this.launch.command, ...this.launch.args].join(" "),
        source: this.launch.source,
        version: this.serverVersion,
        state: this.state,
      },
      folders,
      projects: this.projects,
      trusted: this.trusted,
    });
  }

  private crashes: number[] = [];

  /** Interpreters worth trying for the server before PATH: only in a trusted workspace (a .venv is the repo's). */
  private async preferredServerPythons(): Promise<string[]> {
    if (!this.trusted) {
      return [];
    }
    const preferred: string[] = [];
    const selected = await selectedInterpreter(vscode.workspace.workspaceFolders?.[0]?.uri).catch(() => undefined);
    if (selected) preferred.push(selected);
    for (const interpreter of this.interpreters.values()) {
      if (interpreter.command.length === 1) preferred.push(interpreter.command[0]);
    }
    return preferred;
  }

  private settingsFor(scope: vscode.Uri | undefined): ServerSettings {
    const folder = (scope && vscode.workspace.getWorkspaceFolder(scope)) || vscode.workspace.workspaceFolders?.[0];
    const config = vscode.workspace.getConfiguration(SECTION, folder?.uri ?? scope);
    const interpreter = folder ? this.interpreters.get(folder.uri.toString()) : undefined;
    return buildServerSettings(config, this.trusted, interpreter?.command ?? []);
  }

  private async refreshInterpreters(notify = true): Promise<void> {
    const next = new Map<string, AgentInterpreter>();
    if (this.trusted) {
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        const interpreter = await agentInterpreterFor(folder);
        next.set(folder.uri.toString(), interpreter);
        const shown = interpreter.command.length > 0 ? interpreter.command.join(" ") : "(left to the server)";
        this.log(`Project interpreter for ${folder.name}: ${shown} [${interpreter.source}]`);
      }
    }
    this.interpreters = next;
    if (notify) {
      this.notifySettings();
    }
  }

  private notifySettings(): void {
    if (this.client && this.state === "running") {
      const folder = vscode.workspace.workspaceFolders?.[0];
      void this.client.sendNotification("workspace/didChangeConfiguration", {
        settings: { [SECTION]: this.settingsFor(folder?.uri) },
      });
    }
  }

  private async configurationChanged(event: vscode.ConfigurationChangeEvent): Promise<void> {
    if (RESTART_SETTINGS.some((key) => event.affectsConfiguration(key))) {
      await this.restart();
    } else if (INTERPRETER_SETTINGS.some((key) => event.affectsConfiguration(key))) {
      await this.refreshInterpreters();
    } else if (event.affectsConfiguration(SECTION)) {
      this.notifySettings();
    }
  }
}
