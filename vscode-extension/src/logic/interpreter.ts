// Which command runs the project's own Python (the agent: current revision, upgrade, autogenerate, drift).
// Order: the explicit alembicLs.interpreter setting; the interpreter selected in the Python extension (used when
// that extension is installed, never required); python.defaultInterpreterPath; then the project's own tooling,
// as a person would run it: `uv run` with uv.lock, `poetry run` with poetry.lock, else a .venv/venv in the folder.

import { pathFor } from "./serverLaunch";

export type InterpreterSource =
  | "setting"
  | "python-extension"
  | "python-default-path"
  | "uv"
  | "poetry"
  | "venv"
  | "none";

export interface AgentInterpreter {
  command: string[];
  source: InterpreterSource;
}

export interface InterpreterInputs {
  /** alembicLs.interpreter, `${workspaceFolder}` not yet expanded. */
  configured: string[];
  /** Asks the Python extension for its selected interpreter; undefined when it is not installed. */
  pythonExtension?: () => Promise<string | undefined>;
  /** python.defaultInterpreterPath (VS Code's default for it is "python", which says nothing). */
  defaultInterpreterPath?: string;
  /** The workspace folder's path on disk. */
  folder: string;
  platform: NodeJS.Platform;
  exists(file: string): boolean;
  /** Whether an executable with this name is on PATH. */
  onPath(name: string): boolean;
}

export function expandFolderVariables(value: string, folder: string): string {
  return value.replace(/\$\{workspaceFolder\}/g, folder);
}

export function venvPython(venv: string, platform: NodeJS.Platform): string {
  const path = pathFor(platform);
  return platform === "win32" ? path.join(venv, "Scripts", "python.exe") : path.join(venv, "bin", "python");
}

export async function resolveAgentInterpreter(inputs: InterpreterInputs): Promise<AgentInterpreter> {
  const configured = inputs.configured.filter((part) => part.trim() !== "");
  if (configured.length > 0) {
    return {
      command: configured.map((part) => expandFolderVariables(part, inputs.folder)),
      source: "setting",
    };
  }
  if (inputs.pythonExtension) {
    let selected: string | undefined;
    try {
      selected = await inputs.pythonExtension();
    } catch {
      selected = undefined; // a misbehaving Python extension must not stop alembic-ls
    }
    if (selected) {
      return { command: [selected], source: "python-extension" };
    }
  }
  const defaultPath = inputs.defaultInterpreterPath?.trim();
  if (defaultPath && defaultPath !== "python") {
    return {
      command: [expandFolderVariables(defaultPath, inputs.folder)],
      source: "python-default-path",
    };
  }
  const path = pathFor(inputs.platform);
  const inFolder = (name: string) => inputs.exists(path.join(inputs.folder, name));
  if (inFolder("uv.lock") && inputs.onPath("uv")) {
    return { command: ["uv", "run", "--project", inputs.folder, "python"], source: "uv" };
  }
  if (inFolder("poetry.lock") && inputs.onPath("poetry")) {
    return { command: ["poetry", "run", "python"], source: "poetry" };
  }
  for (const name of [".venv", "venv"]) {
    const python = venvPython(path.join(inputs.folder, name), inputs.platform);
    if (inputs.exists(python)) {
      return { command: [python], source: "venv" };
    }
  }
  return { command: [], source: "none" };
}

/** Finds an executable on PATH the way a shell would (PATHEXT on Windows). */
export function isOnPath(
  name: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  exists: (file: string) => boolean,
): boolean {
  const dirs = (env.PATH ?? env.Path ?? "").split(platform === "win32" ? ";" : ":").filter(Boolean);
  const suffixes = platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  const path = pathFor(platform);
  return dirs.some((dir) => suffixes.some((suffix) => exists(path.join(dir, name + suffix))));
}
