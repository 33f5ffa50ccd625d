// The `alembic-ls/status` notification (server -> client) and how the status bar shows it.

export interface ProjectStatus {
  scriptLocation: string;
  /** Revisions the database is at; null when unknown (no agent, untrusted, unreachable). */
  current: string[] | null;
  heads: string[];
  pending: number;
  drift: number;
  databaseError: string | null;
  /** Why the models could not be compared with the migrations (database behind head, or not created yet). */
  driftNotCompared: string | null;
}

export interface StatusParams {
  projects: ProjectStatus[];
}

/** A command the tooltip offers as a link, e.g. Upgrade Head when revisions are not applied. */
export interface StatusAction {
  title: string;
  command: string;
}

export interface StatusView {
  text: string;
  tooltip: string;
  warning: boolean;
  actions: StatusAction[];
}

export const ACTIONS = {
  trust: { title: "Manage Workspace Trust", command: "workbench.trust.manage" },
  upgradeHead: { title: "Upgrade Head", command: "alembicLs.upgradeHead" },
  mergeHeads: { title: "Merge Heads", command: "alembicLs.mergeHeads" },
  generateMigration: { title: "Generate Migration…", command: "alembicLs.generateMigration" },
} satisfies Record<string, StatusAction>;

const RESTRICTED =
  "Restricted Mode: static checks only; the database is not read. Trust the folder (Manage Workspace Trust) " +
  "to use the database commands.";

const SHORT = 12;

export function shortRevision(revision: string): string {
  return revision.length > SHORT ? revision.slice(0, SHORT) : revision;
}

function revisions(list: string[]): string {
  return list.length === 0 ? "base" : list.map(shortRevision).join("+");
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** Accepts only well-formed entries: a server that sends something else must not break the status bar. */
export function parseStatus(params: unknown): ProjectStatus[] {
  if (params === null || typeof params !== "object") {
    return [];
  }
  const projects = (params as { projects?: unknown }).projects;
  if (!Array.isArray(projects)) {
    return [];
  }
  const strings = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
  const count = (value: unknown): number => (typeof value === "number" && value > 0 ? Math.floor(value) : 0);
  return projects
    .filter((p): p is Record<string, unknown> => p !== null && typeof p === "object")
    .filter((p) => typeof p.scriptLocation === "string")
    .map((p) => ({
      scriptLocation: p.scriptLocation as string,
      current: Array.isArray(p.current) ? strings(p.current) : null,
      heads: strings(p.heads),
      pending: count(p.pending),
      drift: count(p.drift),
      databaseError: typeof p.databaseError === "string" && p.databaseError !== "" ? p.databaseError : null,
      driftNotCompared:
        typeof p.driftNotCompared === "string" && p.driftNotCompared !== "" ? p.driftNotCompared : null,
    }));
}

export function projectView(project: ProjectStatus, trusted: boolean): StatusView {
  const parts: string[] = [];
  const lines: string[] = [`Alembic project: ${project.scriptLocation}`];
  const actions: StatusAction[] = [];
  let warning = false;
  if (project.current === null) {
    parts.push(`$(database) head ${revisions(project.heads)}`);
    lines.push(`Head: ${project.heads.join(", ") || "(none)"}`);
    if (!trusted) {
      lines.push(RESTRICTED);
      actions.push(ACTIONS.trust);
    } else if (project.databaseError) {
      warning = true;
      parts[0] = `$(warning) head ${revisions(project.heads)}`;
      lines.push(`Database: ${project.databaseError}`);
    } else {
      lines.push("Database revision not known yet.");
    }
  } else {
    const atHead =
      project.pending === 0 &&
      project.current.length === project.heads.length &&
      project.current.every((rev) => project.heads.includes(rev));
    if (atHead) {
      parts.push(`$(database) ${revisions(project.current)} $(check)`);
    } else {
      parts.push(`$(database) ${revisions(project.current)} → ${revisions(project.heads)}`);
    }
    lines.push(`Database at: ${project.current.join(", ") || "base (empty)"}`);
    lines.push(`Head: ${project.heads.join(", ") || "(none)"}`);
    if (project.pending > 0) {
      parts.push(`$(arrow-up)${project.pending}`);
      lines.push(`${plural(project.pending, "revision")} not applied yet (Alembic: Upgrade Head).`);
      actions.push(ACTIONS.upgradeHead);
    }
  }
  if (project.heads.length > 1) {
    warning = true;
    lines.push(`${project.heads.length} heads: Alembic: Merge Heads joins them.`);
    actions.push(ACTIONS.mergeHeads);
  }
  if (project.drift > 0) {
    warning = true;
    parts.push(`$(diff) ${project.drift}`);
    lines.push(`${plural(project.drift, "model change")} with no migration (Alembic: Generate Migration…).`);
    actions.push(ACTIONS.generateMigration);
  } else if (trusted && project.driftNotCompared) {
    // Not "no drift": the models were not compared at all, and upgrading is what makes the comparison possible.
    lines.push(`Models not compared with the migrations: ${project.driftNotCompared}`);
    if (!actions.includes(ACTIONS.upgradeHead)) actions.push(ACTIONS.upgradeHead);
  }
  lines.push("", "Click for Alembic commands.");
  return { text: parts.join(" "), tooltip: lines.join("\n"), warning, actions };
}

/** Chooses the project to show: the one holding the active file, else the first. */
export function pickProject(projects: ProjectStatus[], activeFile: string | undefined): ProjectStatus | undefined {
  if (activeFile) {
    const owners = projects
      .filter((p) => activeFile.startsWith(projectRoot(p.scriptLocation)))
      .sort((a, b) => b.scriptLocation.length - a.scriptLocation.length);
    if (owners.length > 0) {
      return owners[0];
    }
  }
  return projects[0];
}

/** The folder holding alembic.ini is usually the parent of script_location; both count as "inside". */
export function projectRoot(scriptLocation: string): string {
  const trimmed = scriptLocation.replace(/[\\/]+$/, "");
  const cut = Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\"));
  return cut > 0 ? trimmed.slice(0, cut) : trimmed;
}

export function statusView(projects: ProjectStatus[], activeFile: string | undefined, trusted: boolean): StatusView {
  const shown = pickProject(projects, activeFile);
  if (!shown) {
    return {
      text: trusted ? "$(database) Alembic" : "$(shield) Alembic",
      tooltip: trusted ? "alembic-ls is running. Click for Alembic commands." : RESTRICTED,
      warning: false,
      actions: trusted ? [] : [ACTIONS.trust],
    };
  }
  const view = projectView(shown, trusted);
  if (projects.length > 1) {
    view.tooltip = `${view.tooltip}\n(${projects.length} Alembic projects in this workspace; showing the active file's.)`;
  }
  return view;
}
