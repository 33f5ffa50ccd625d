// The revision graph view's own logic, free of the `vscode` module: reading the server's `alembic-ls.revisionGraph`
// result, the one-line summary above the picture, where a click on a revision leads, and when to ask again.

import { CommandResult } from "./results";
import { shortRevision } from "./status";

export const GRAPH_COMMAND = "alembic-ls.revisionGraph";

/** One drawn node, as `GraphModel.to_json()` sends it (alembic_ls/graphview/model.py). */
export interface GraphNode {
  id: string;
  label: string;
  path: string | null;
  /** 0-based line of `revision = …`. */
  line: number;
  head: boolean;
  merge: boolean;
  missing: boolean;
  severity: string | null;
  codes: string[];
  /** null: the database state is unknown. */
  applied: boolean | null;
  current: boolean;
  /** Revisions folded into this node (a long linear run); empty for a single revision. */
  collapsed: string[];
}

export interface GraphView {
  project: string;
  svg: string;
  nodes: GraphNode[];
  /** Revisions the database is at; null when unknown (untrusted, no agent, unreachable). */
  current: string[] | null;
  databaseError: string | null;
}

export type GraphOutcome = { view: GraphView } | { error: string };

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);
const flag = (value: unknown): boolean => value === true;

function parseNode(value: unknown): GraphNode | null {
  if (value === null || typeof value !== "object") return null;
  const raw = value as Record<string, unknown>;
  const id = text(raw.id);
  if (!id) return null;
  const strings = (list: unknown): string[] =>
    Array.isArray(list) ? list.filter((item): item is string => typeof item === "string") : [];
  return {
    id,
    label: text(raw.label) ?? id,
    path: text(raw.path) || null,
    line: typeof raw.line === "number" && raw.line >= 0 ? Math.floor(raw.line) : 0,
    head: flag(raw.head),
    merge: flag(raw.merge),
    missing: flag(raw.missing),
    severity: text(raw.severity),
    codes: strings(raw.codes),
    applied: typeof raw.applied === "boolean" ? raw.applied : null,
    current: flag(raw.current),
    collapsed: strings(raw.collapsed),
  };
}

/** The view of a command result, or what to say instead; a malformed answer never throws. */
export function parseGraphResult(result: CommandResult): GraphOutcome {
  if (!result.ok) return { error: result.message };
  const graph = result.fields.graph;
  const svg = text(result.fields.svg);
  const rawNodes = graph !== null && typeof graph === "object" ? (graph as Record<string, unknown>).nodes : undefined;
  if (!svg || !Array.isArray(rawNodes)) {
    return { error: "The server's answer has no graph (is the language server older than the extension?)." };
  }
  const current = result.fields.current;
  return {
    view: {
      project: text(result.fields.project) ?? "",
      svg,
      nodes: rawNodes.map(parseNode).filter((node): node is GraphNode => node !== null),
      current: Array.isArray(current) ? current.filter((item): item is string => typeof item === "string") : null,
      databaseError: text(result.fields.databaseError) || null,
    },
  };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** How many revisions a node stands for. */
function weight(node: GraphNode): number {
  return node.missing ? 0 : Math.max(node.collapsed.length, 1);
}

/** "12 revisions · 2 heads · database at 5e6f708192a3, 3 not applied · 2 with problems". */
export function graphSummary(view: GraphView): string {
  const revisions = view.nodes.reduce((sum, node) => sum + weight(node), 0);
  const parts = [plural(revisions, "revision"), plural(view.nodes.filter((n) => n.head).length, "head")];
  const missing = view.nodes.filter((n) => n.missing).length;
  if (missing > 0) parts.push(`${missing} missing`);
  if (view.current !== null) {
    const pending = view.nodes.filter((n) => n.applied === false).reduce((sum, node) => sum + weight(node), 0);
    const at = view.current.length === 0 ? "base" : view.current.map(shortRevision).join(", ");
    parts.push(`database at ${at}` + (pending > 0 ? `, ${pending} not applied` : ", up to date"));
  } else if (view.databaseError !== null) {
    parts.push("database not reachable");
  }
  const withProblems = view.nodes.filter((n) => n.codes.length > 0).length;
  if (withProblems > 0) parts.push(`${withProblems} with problems`);
  return parts.join(" · ");
}

export type NodeTarget = { path: string; line: number } | { notice: string };

/** Where a click on node `id` leads: its file at `revision = …`, or a sentence saying why nowhere. */
export function nodeTarget(view: GraphView, id: string): NodeTarget {
  const node = view.nodes.find((candidate) => candidate.id === id);
  if (!node) return { notice: `Revision ${id} is no longer in the graph.` };
  if (node.missing || !node.path) {
    return { notice: `No file declares revision ${id}; it is named as a parent (down_revision) only.` };
  }
  return { path: node.path, line: node.line };
}

/** Ids the webview should make clickable. */
export function openableIds(view: GraphView): string[] {
  return view.nodes.filter((node) => node.path && !node.missing).map((node) => node.id);
}

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const REAL_TIMERS: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Asks again when things change, without flooding the server: requests within `delay` ms fold into one, at
 * most one runs at a time, and a request that arrives while one runs makes exactly one more run afterwards
 * (so the last change is always drawn, and results arrive in order).
 */
export class RefreshScheduler {
  private timer: unknown;
  private running: Promise<void> | undefined;
  private again = false;
  private disposed = false;

  constructor(
    private readonly run: () => Promise<void>,
    private readonly delay: number,
    private readonly timers: Timers = REAL_TIMERS,
  ) {}

  /** Something changed: run after `delay` ms of quiet. */
  request(): void {
    if (this.disposed) return;
    this.cancelTimer();
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      void this.now();
    }, this.delay);
  }

  /** Run now (or right after the run in progress). Resolves when the run this call asked for is done. */
  now(): Promise<void> {
    this.cancelTimer();
    if (this.disposed) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running.then(() => this.running ?? Promise.resolve());
    }
    const run = (async () => {
      try {
        await this.run();
      } catch {
        // the run reports its own failures; the next request tries again
      }
    })();
    this.running = run.then(() => {
      this.running = undefined;
      if (this.again && !this.disposed) {
        this.again = false;
        void this.now();
      }
    });
    return this.running;
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTimer();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      this.timers.clear(this.timer);
      this.timer = undefined;
    }
  }
}
