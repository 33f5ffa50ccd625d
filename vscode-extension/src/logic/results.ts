// Reading the `{ok, message, ...}` objects the server's commands return, without trusting their shape.

export interface CommandResult {
  ok: boolean;
  message: string;
  fields: Record<string, unknown>;
}

export function asResult(value: unknown): CommandResult {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, message: "The server returned no result.", fields: {} };
  }
  const fields = value as Record<string, unknown>;
  return {
    ok: fields.ok === true,
    message: typeof fields.message === "string" && fields.message !== "" ? fields.message : "Done.",
    fields,
  };
}

const FILE_KEYS = ["path", "paths", "files"];

/**
 * Files a result points at (a new revision, a merge revision), as paths or file URIs, in the order given:
 * `created: [{path}]` as the agent reports new revisions, or a plain `path`/`file`/`paths`/`files` field.
 */
export function filesIn(result: CommandResult): string[] {
  const found: string[] = [];
  const add = (item: unknown) => {
    if (typeof item === "string" && item !== "" && !found.includes(item)) {
      found.push(item);
    }
  };
  const created = result.fields.created;
  if (Array.isArray(created)) {
    for (const entry of created) {
      if (entry !== null && typeof entry === "object") {
        add((entry as Record<string, unknown>).path);
      } else {
        add(entry);
      }
    }
  }
  for (const key of FILE_KEYS) {
    const value = result.fields[key];
    (Array.isArray(value) ? value : [value]).forEach(add);
  }
  return found;
}

/** Error kinds the server reports (agent/protocol.py) that have a command fixing them. */
export const FIXING_COMMAND: Record<string, { title: string; command: string }> = {
  "multiple-heads": { title: "Merge Heads", command: "alembicLs.mergeHeads" },
  "not-up-to-date": { title: "Upgrade Head", command: "alembicLs.upgradeHead" },
};

export interface ErrorDetails {
  kind?: string;
  file?: string;
  line?: number;
}

/**
 * Where a failed command points: the error kind (`error: "multiple-heads"`, or an object with `kind`) and the
 * project file (env.py, a revision) that raised, with its line.
 */
export function errorDetails(result: CommandResult): ErrorDetails {
  const error = result.fields.error;
  const nested = error !== null && typeof error === "object" ? (error as Record<string, unknown>) : {};
  const kind = text(error) ?? text(nested.kind) ?? text(result.fields.kind);
  const file = text(nested.file) ?? text(result.fields.file);
  const rawLine = nested.line ?? result.fields.line;
  return { kind, file, line: typeof rawLine === "number" ? rawLine : undefined };
}

/** Whether the server already opened the result's documents itself (window/showDocument). */
export function alreadyShown(result: CommandResult): boolean {
  return result.fields.shown === true;
}

export interface HistoryEntry {
  revision: string;
  message: string;
  file?: string;
  detail: string;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Entries of a history result (`revisions` or `history`: objects with revision, message, path/file...). */
export function historyEntries(result: CommandResult): HistoryEntry[] {
  const list = result.fields.revisions ?? result.fields.history ?? result.fields.entries;
  if (!Array.isArray(list)) {
    return [];
  }
  const entries: HistoryEntry[] = [];
  for (const item of list) {
    if (item === null || typeof item !== "object") {
      continue;
    }
    const record = item as Record<string, unknown>;
    const revision = text(record.revision) ?? text(record.id);
    if (!revision) {
      continue;
    }
    const marks: string[] = [];
    if (record.isHead === true) marks.push("head");
    if (record.isCurrent === true || record.current === true) marks.push("current");
    if (record.isMerge === true) marks.push("merge");
    if (record.applied === false) marks.push("not applied");
    const parents = record.downRevisions ?? record.downRevision ?? record.parents;
    const parentText = Array.isArray(parents) ? parents.join(", ") : text(parents);
    entries.push({
      revision,
      message: text(record.message) ?? text(record.doc) ?? "",
      file: text(record.path) ?? text(record.file),
      detail: [marks.join(", "), parentText ? `revises ${parentText}` : ""].filter(Boolean).join(" · "),
    });
  }
  return entries;
}

/** The `revision = "..."` id of a revision file's source, when it has a literal one. */
export function revisionOfSource(source: string): string | undefined {
  const match = /^revision\s*(?::\s*[^=]+)?=\s*["']([^"']+)["']/m.exec(source);
  return match ? match[1] : undefined;
}
