// How to start the language server. In order: alembicLs.path (an alembic-ls executable), alembicLs.serverCommand,
// then by alembicLs.importStrategy: `fromEnvironment` runs the alembic-ls installed in the project's interpreter
// when its version is compatible with this extension's (else the bundled one, saying why once); `useBundled`
// goes straight to the bundle. The .vsix carries the server's dependencies per CPython version (libcst is
// compiled per version), so the first Python >= 3.10 that has a bundle wins; a Python that already has
// alembic-ls installed is the fallback.

import * as path from "node:path";
import { compatibleVersions } from "./versionCheck";

export const MIN_PYTHON: readonly [number, number] = [3, 10];

export interface PythonInfo {
  major: number;
  minor: number;
  executable: string;
}

export type ImportStrategy = "useBundled" | "fromEnvironment";

/** The project's interpreter (the agent's) and the alembic-ls version installed in it, if any. */
export interface EnvironmentServer {
  command: string[];
  version: string | undefined;
}

export interface LaunchInputs {
  /** alembicLs.path: alembic-ls executables; the first that exists runs `serve`. */
  path?: string[];
  /** alembicLs.serverCommand: replaces everything below when set. */
  serverCommand: string[];
  importStrategy?: ImportStrategy;
  /** This extension's version, which an environment's alembic-ls must be compatible with. */
  extensionVersion?: string;
  /** Asked only with importStrategy fromEnvironment (and only in a trusted workspace: the caller's duty). */
  environment?: () => Promise<EnvironmentServer | undefined>;
  exists?(file: string): boolean;
  /** alembicLs.serverPython. */
  serverPython: string;
  /** Interpreters worth trying before PATH (the Python extension's selection, the agent's plain python). */
  preferred: string[];
  platform: NodeJS.Platform;
  /** The extension's bundled/ directory (holds launch.py and libs/cpXY). */
  bundleDir: string;
  hasBundle(tag: string): boolean;
  probe(python: string): Promise<PythonInfo | undefined>;
  canImportServer(python: string): Promise<boolean>;
}

export type ServerSource = "path" | "serverCommand" | "environment" | "bundled" | "installed";

export type ServerLaunch =
  | {
      kind: "command";
      command: string;
      args: string[];
      description: string;
      source: ServerSource;
      /** Why the strategy asked for was not followed, to tell the user once. */
      note?: string;
    }
  | { kind: "missing-python"; message: string; tried: string[]; note?: string };

/** Node's path functions for the platform the extension runs on (tests pass Windows inputs on Linux). */
export function pathFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === "win32" ? path.win32 : path.posix;
}

export function pythonTag(info: PythonInfo): string {
  return `cp${info.major}${info.minor}`;
}

export function isSupported(info: PythonInfo): boolean {
  return info.major > MIN_PYTHON[0] || (info.major === MIN_PYTHON[0] && info.minor >= MIN_PYTHON[1]);
}

/** Interpreter names to look for on PATH, newest first. */
export function pathCandidates(platform: NodeJS.Platform): string[] {
  if (platform === "win32") {
    return ["python3", "python", "py"];
  }
  const versioned = [];
  for (let minor = 14; minor >= MIN_PYTHON[1]; minor--) {
    versioned.push(`python3.${minor}`);
  }
  return [...versioned, "python3", "python"];
}

function describe(info: PythonInfo): string {
  return `Python ${info.major}.${info.minor} (${info.executable})`;
}

export async function chooseServerLaunch(inputs: LaunchInputs): Promise<ServerLaunch> {
  const executables = (inputs.path ?? []).map((part) => part.trim()).filter(Boolean);
  const executable = executables.find((file) => inputs.exists?.(file) ?? false);
  if (executable !== undefined) {
    return {
      kind: "command",
      command: executable,
      args: ["serve"],
      description: `alembicLs.path: ${executable}`,
      source: "path",
    };
  }
  const override = inputs.serverCommand.filter((part) => part.trim() !== "");
  if (override.length > 0) {
    return {
      kind: "command",
      command: override[0],
      args: override.slice(1),
      description: `alembicLs.serverCommand: ${override.join(" ")}`,
      source: "serverCommand",
    };
  }
  let note = executables.length > 0 ? `None of alembicLs.path exists (${executables.join(", ")}).` : undefined;
  if (inputs.importStrategy === "fromEnvironment") {
    const environment = await inputs.environment?.().catch(() => undefined);
    const chosen = environmentLaunch(environment, inputs.extensionVersion ?? "");
    if (chosen.kind === "command") {
      return note ? { ...chosen, note } : chosen;
    }
    note = [note, chosen.note].filter(Boolean).join(" ");
  }
  const bundled = await bundledLaunch(inputs);
  return note ? { ...bundled, note } : bundled;
}

/** The environment's alembic-ls when compatible, else why not (the caller falls back to the bundle). */
export function environmentLaunch(
  environment: EnvironmentServer | undefined,
  extensionVersion: string,
): ServerLaunch | { kind: "fallback"; note: string } {
  if (!environment || environment.command.length === 0) {
    return { kind: "fallback", note: "No project interpreter was found; using the bundled server." };
  }
  const shown = environment.command.join(" ");
  if (environment.version === undefined) {
    return { kind: "fallback", note: `alembic-ls is not installed in ${shown}; using the bundled server.` };
  }
  if (!compatibleVersions(environment.version, extensionVersion)) {
    return {
      kind: "fallback",
      note:
        `alembic-ls ${environment.version} in ${shown} is not compatible with this extension ` +
        `(${extensionVersion}); using the bundled server.`,
    };
  }
  return {
    kind: "command",
    command: environment.command[0],
    args: [...environment.command.slice(1), "-m", "alembic_ls", "serve"],
    description: `alembic-ls ${environment.version} from the project's environment (${shown})`,
    source: "environment",
  };
}

async function bundledLaunch(inputs: LaunchInputs): Promise<ServerLaunch> {
  const explicit = inputs.serverPython.trim();
  const candidates = explicit
    ? [explicit]
    : unique([...inputs.preferred.filter(Boolean), ...pathCandidates(inputs.platform)]);
  // Probed all at once (each is a process start, slow behind pyenv shims), then taken in order of preference.
  const probed = await Promise.all(candidates.map((candidate) => inputs.probe(candidate).catch(() => undefined)));
  const found = probed.filter((info): info is PythonInfo => info !== undefined);
  for (const info of found) {
    if (isSupported(info) && inputs.hasBundle(pythonTag(info))) {
      return {
        kind: "command",
        command: info.executable,
        args: ["-I", pathFor(inputs.platform).join(inputs.bundleDir, "launch.py")],
        description: `bundled server on ${describe(info)}`,
        source: "bundled",
      };
    }
  }
  for (const info of found) {
    if (isSupported(info) && (await inputs.canImportServer(info.executable))) {
      return {
        kind: "command",
        command: info.executable,
        args: ["-m", "alembic_ls", "serve"],
        description: `alembic-ls installed in ${describe(info)}`,
        source: "installed",
      };
    }
  }
  const seen = found.length > 0 ? ` Found: ${unique(found.map(describe)).join(", ")}.` : " No Python was found.";
  const where = explicit ? `alembicLs.serverPython (${explicit})` : "PATH";
  return {
    kind: "missing-python",
    message:
      `Alembic LS needs Python ${MIN_PYTHON.join(".")} or newer to run its language server (looked at ${where}).` +
      `${seen} Install Python 3.10+ or set "alembicLs.serverPython" to one.`,
    tried: candidates,
  };
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/** The script given to a candidate interpreter to learn its version; prints JSON on one line. */
export const PROBE_SCRIPT =
  "import json, sys; print(json.dumps([sys.version_info[0], sys.version_info[1], sys.executable]))";

export function parseProbeOutput(stdout: string): PythonInfo | undefined {
  try {
    const value: unknown = JSON.parse(stdout.trim().split(/\r?\n/).pop() ?? "");
    if (
      Array.isArray(value) &&
      typeof value[0] === "number" &&
      typeof value[1] === "number" &&
      typeof value[2] === "string" &&
      value[2] !== ""
    ) {
      return { major: value[0], minor: value[1], executable: value[2] };
    }
  } catch {
    // not JSON: not a Python we can use
  }
  return undefined;
}
