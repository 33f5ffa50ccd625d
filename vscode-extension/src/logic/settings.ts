// The settings object sent to the server (initializationOptions and workspace/configuration answers).
// Keys are the camelCase names agreed with the server. Rule-selection keys are sent only when the user set them,
// so an untouched VS Code default never overrides what the team committed in pyproject.toml.

export interface Inspected<T> {
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/** The part of vscode.WorkspaceConfiguration this module needs (kept small so tests can fake it). */
export interface ConfigReader {
  get<T>(key: string, defaultValue: T): T;
  inspect<T>(key: string): Inspected<T> | undefined;
}

export interface ServerSettings {
  select?: string[];
  ignore?: string[];
  severity?: Record<string, string>;
  baseline?: string;
  dialect?: string;
  /** A straight history (AM307): merges and branch points are findings. */
  linear?: boolean;
  alembicConfig?: string;
  diagnoseClosedFiles: boolean;
  driftOnSave: boolean;
  agentTimeout: number;
  interpreter: string[];
  trusted: boolean;
  /** Messages name VS Code's actions (palette commands, quick fixes, Manage Workspace Trust), not the CLI's. */
  editorActions: "vscode";
}

export const DEFAULT_AGENT_TIMEOUT = 60;

function userSet<T>(config: ConfigReader, key: string): T | undefined {
  const found = config.inspect<T>(key);
  if (!found) {
    return undefined;
  }
  return found.workspaceFolderValue ?? found.workspaceValue ?? found.globalValue;
}

function nonEmptyList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  const items = value.filter((item): item is string => typeof item === "string" && item.trim() !== "");
  return items.length > 0 ? items.map((item) => item.trim()) : undefined;
}

function nonEmptyText(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function severityTable(value: unknown): Record<string, string> | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return undefined;
  }
  const entries = Object.entries(value).filter(([, level]) => typeof level === "string");
  return entries.length > 0 ? Object.fromEntries(entries as [string, string][]) : undefined;
}

/**
 * Build the server settings for one scope.
 * `interpreter` is the already-resolved agent command prefix (see interpreter.ts); `trusted` comes from VS Code's
 * workspace trust. In an untrusted workspace the interpreter is never sent: the server must not start one.
 */
export function buildServerSettings(
  config: ConfigReader,
  trusted: boolean,
  interpreter: string[],
): ServerSettings {
  const settings: ServerSettings = {
    diagnoseClosedFiles: config.get<boolean>("diagnoseClosedFiles", true) !== false,
    driftOnSave: trusted && config.get<boolean>("driftOnSave", true) !== false,
    agentTimeout: positiveNumber(config.get<number>("agentTimeout", DEFAULT_AGENT_TIMEOUT)),
    interpreter: trusted ? interpreter : [],
    trusted,
    editorActions: "vscode",
  };
  const select = nonEmptyList(userSet(config, "select"));
  const ignore = nonEmptyList(userSet(config, "ignore"));
  const severity = severityTable(userSet(config, "severity"));
  const baseline = nonEmptyText(userSet(config, "baseline"));
  const dialect = nonEmptyText(userSet(config, "dialect"));
  const alembicConfig = nonEmptyText(userSet(config, "alembicConfig"));
  if (select) settings.select = select;
  if (ignore) settings.ignore = ignore;
  if (severity) settings.severity = severity;
  if (baseline) settings.baseline = baseline;
  if (dialect) settings.dialect = dialect;
  const linear = userSet<boolean>(config, "linear");
  if (typeof linear === "boolean") settings.linear = linear;
  if (alembicConfig) settings.alembicConfig = alembicConfig;
  return settings;
}

function positiveNumber(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : DEFAULT_AGENT_TIMEOUT;
}
