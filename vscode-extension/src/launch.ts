// Real-world inputs for the server launch decision (logic/serverLaunch.ts) and the agent interpreter
// (logic/interpreter.ts): child processes, the file system, settings, the Python extension.

import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { AgentInterpreter, isOnPath, resolveAgentInterpreter } from "./logic/interpreter";
import {
  chooseServerLaunch,
  EnvironmentServer,
  ImportStrategy,
  parseProbeOutput,
  PROBE_SCRIPT,
  PythonInfo,
  ServerLaunch,
} from "./logic/serverLaunch";
import { pythonExtensionInstalled, selectedInterpreter } from "./pythonExtension";

const PROBE_TIMEOUT_MS = 15000;

function run(command: string, args: string[]): Promise<{ ok: boolean; stdout: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: PROBE_TIMEOUT_MS, windowsHide: true }, (error, stdout) => {
      resolve({ ok: !error, stdout: String(stdout) });
    });
  });
}

async function probe(python: string): Promise<PythonInfo | undefined> {
  const result = await run(python, ["-I", "-c", PROBE_SCRIPT]);
  return result.ok ? parseProbeOutput(result.stdout) : undefined;
}

async function canImportServer(python: string): Promise<boolean> {
  return (await run(python, ["-c", "import alembic_ls.server"])).ok;
}

function fileExists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export async function agentInterpreterFor(folder: vscode.WorkspaceFolder): Promise<AgentInterpreter> {
  const config = vscode.workspace.getConfiguration("alembicLs", folder.uri);
  const pythonConfig = vscode.workspace.getConfiguration("python", folder.uri);
  return resolveAgentInterpreter({
    configured: config.get<string[]>("interpreter", []),
    pythonExtension: pythonExtensionInstalled() ? () => selectedInterpreter(folder.uri) : undefined,
    defaultInterpreterPath: pythonConfig.get<string>("defaultInterpreterPath"),
    folder: folder.uri.fsPath,
    platform: process.platform,
    exists: fileExists,
    onPath: (name) => isOnPath(name, process.env, process.platform, fileExists),
  });
}

/** The alembic-ls version installed in the project's interpreter (undefined: not installed or not runnable). */
async function environmentServer(interpreter: AgentInterpreter | undefined): Promise<EnvironmentServer | undefined> {
  if (!interpreter || interpreter.command.length === 0) {
    return undefined;
  }
  const [command, ...prefix] = interpreter.command;
  const result = await run(command, [...prefix, "-c", "import alembic_ls; print(alembic_ls.__version__)"]);
  const version = result.ok ? result.stdout.trim().split(/\r?\n/).pop() : undefined;
  return { command: interpreter.command, version: version || undefined };
}

export async function serverLaunch(
  extensionPath: string,
  extensionVersion: string,
  preferred: string[],
  projectInterpreter: AgentInterpreter | undefined,
): Promise<ServerLaunch> {
  const config = vscode.workspace.getConfiguration("alembicLs");
  const bundleDir = path.join(extensionPath, "bundled");
  return chooseServerLaunch({
    path: config.get<string[]>("path", []),
    importStrategy: config.get<ImportStrategy>("importStrategy", "useBundled"),
    extensionVersion,
    // Never runs the project's interpreter in an untrusted workspace: the caller passes none there.
    environment: () => environmentServer(projectInterpreter),
    exists: fileExists,
    serverCommand: config.get<string[]>("serverCommand", []),
    serverPython: config.get<string>("serverPython", ""),
    preferred,
    platform: process.platform,
    bundleDir,
    hasBundle: (tag) => fs.existsSync(path.join(bundleDir, "libs", tag)),
    probe,
    canImportServer,
  });
}
