// How to start the language server: which Python runs it, and whether the bundled packages fit that Python.
// The .vsix carries the server's dependencies per CPython version (libcst is compiled per version), so the first
// Python >= 3.10 that has a bundle wins; a Python that already has alembic-ls installed is the fallback.

import * as path from "node:path";

export const MIN_PYTHON: readonly [number, number] = [3, 10];

export interface PythonInfo {
  major: number;
  minor: number;
  executable: string;
}

export interface LaunchInputs {
  /** alembicLs.serverCommand: replaces everything below when set. */
  serverCommand: string[];
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

export type ServerLaunch =
  | { kind: "command"; command: string; args: string[]; description: string }
  | { kind: "missing-python"; message: string; tried: string[] };

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
  const override = inputs.serverCommand.filter((part) => part.trim() !== "");
  if (override.length > 0) {
    return {
      kind: "command",
      command: override[0],
      args: override.slice(1),
      description: `alembicLs.serverCommand: ${override.join(" ")}`,
    };
  }
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
        args: ["-I", path.join(inputs.bundleDir, "launch.py")],
        description: `bundled server on ${describe(info)}`,
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
