// The Python extension's selected interpreter, when that extension is installed. It is never a dependency of
// this one (it cannot be installed offline, and other editors lack it): every call here tolerates its absence.

import * as vscode from "vscode";

const PYTHON_EXTENSION_ID = "ms-python.python";

interface EnvironmentPath {
  path: string;
}

interface ResolvedEnvironment {
  executable?: { uri?: vscode.Uri };
}

interface PythonApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): EnvironmentPath;
    resolveEnvironment(env: EnvironmentPath | string): Promise<ResolvedEnvironment | undefined>;
    onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
  };
  settings?: {
    getExecutionDetails(resource?: vscode.Uri): { execCommand: string[] | undefined };
  };
}

async function api(): Promise<PythonApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonApi>(PYTHON_EXTENSION_ID);
  if (!extension) {
    return undefined;
  }
  try {
    return extension.isActive ? extension.exports : await extension.activate();
  } catch {
    return undefined;
  }
}

export function pythonExtensionInstalled(): boolean {
  return vscode.extensions.getExtension(PYTHON_EXTENSION_ID) !== undefined;
}

/** The interpreter the Python extension has selected for `resource`, as an executable path. */
export async function selectedInterpreter(resource: vscode.Uri | undefined): Promise<string | undefined> {
  const python = await api();
  if (!python) {
    return undefined;
  }
  if (python.environments) {
    const active = python.environments.getActiveEnvironmentPath(resource);
    const resolved = await python.environments.resolveEnvironment(active);
    return resolved?.executable?.uri?.fsPath ?? active.path;
  }
  const command = python.settings?.getExecutionDetails(resource).execCommand;
  return command && command.length === 1 ? command[0] : undefined;
}

/** Calls `listener` when the user picks another interpreter in the Python extension. */
export async function onInterpreterChanged(listener: () => void): Promise<vscode.Disposable | undefined> {
  const python = await api();
  return python?.environments?.onDidChangeActiveEnvironmentPath(() => listener());
}
