import * as assert from "node:assert/strict";
import { graphSummary, GraphView, nodeTarget, openableIds, parseGraphResult, RefreshScheduler, Timers } from "../src/logic/graph";
import { graphPage, makeNonce, parseFromPage } from "../src/logic/graphHtml";
import { asResult } from "../src/logic/results";

/** A node as the server's GraphModel.to_json() writes it. */
const node = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  label: `${id} change`,
  message: "change",
  path: `/w/blog/migrations/versions/${id}_change.py`,
  line: 14,
  branch_labels: [],
  head: false,
  base: false,
  merge: false,
  branch_point: false,
  missing: false,
  severity: null,
  codes: [],
  applied: null,
  current: false,
  collapsed: [],
  ...overrides,
});

const answer = (nodes: unknown[], extra: Record<string, unknown> = {}) =>
  asResult({
    ok: true,
    message: "3 revision(s), 1 head",
    project: "/w/blog/migrations",
    graph: { nodes, edges: [] },
    svg: "<svg xmlns='http://www.w3.org/2000/svg'/>",
    current: null,
    databaseError: null,
    driftNotCompared: null,
    ...extra,
  });

function viewOf(nodes: unknown[], extra: Record<string, unknown> = {}): GraphView {
  const outcome = parseGraphResult(answer(nodes, extra));
  assert.ok("view" in outcome, JSON.stringify(outcome));
  return outcome.view;
}

describe("parseGraphResult", () => {
  it("reads the nodes, the picture and the database state", () => {
    const view = viewOf([node("a1", { head: true, applied: true, current: true })], { current: ["a1"] });
    assert.equal(view.project, "/w/blog/migrations");
    assert.deepEqual(view.current, ["a1"]);
    assert.deepEqual(
      { id: view.nodes[0].id, head: view.nodes[0].head, applied: view.nodes[0].applied, line: view.nodes[0].line },
      { id: "a1", head: true, applied: true, line: 14 },
    );
  });
  it("says why when the command failed or answered without a graph", () => {
    assert.deepEqual(parseGraphResult(asResult({ ok: false, message: "No Alembic project found." })), {
      error: "No Alembic project found.",
    });
    const noGraph = parseGraphResult(asResult({ ok: true, message: "x" }));
    assert.ok("error" in noGraph && /no graph/.test(noGraph.error));
  });
  it("drops malformed nodes and normalises odd fields", () => {
    const view = viewOf([null, { label: "no id" }, node("b2", { line: -3, codes: ["AM101", 7], applied: "yes" })]);
    assert.equal(view.nodes.length, 1);
    assert.deepEqual([view.nodes[0].line, view.nodes[0].codes, view.nodes[0].applied], [0, ["AM101"], null]);
  });
});

describe("graphSummary", () => {
  it("counts folded revisions, heads, problems and what the database lacks", () => {
    const view = viewOf(
      [
        node("c3", { head: true, applied: false, codes: ["AM301"], severity: "warning" }),
        node("b2", { head: true, applied: true, current: true }),
        node("run", { collapsed: ["r1", "r2", "r3", "r4"], applied: false }),
        node("a1", { applied: true, codes: ["AM104"], severity: "warning" }),
      ],
      { current: ["b2aaaaaaaaaaaaaa"] },
    );
    assert.equal(graphSummary(view), "7 revisions · 2 heads · database at b2aaaaaaaaaa, 5 not applied · 2 with problems");
  });
  it("says base, up to date, unknown or unreachable", () => {
    assert.equal(graphSummary(viewOf([node("a1", { head: true, applied: false })], { current: [] })), "1 revision · 1 head · database at base, 1 not applied");
    assert.equal(graphSummary(viewOf([node("a1", { head: true, applied: true })], { current: ["a1"] })), "1 revision · 1 head · database at a1, up to date");
    assert.equal(graphSummary(viewOf([node("a1", { head: true })])), "1 revision · 1 head");
    assert.equal(
      graphSummary(viewOf([node("a1", { head: true })], { databaseError: "Cannot reach the database" })),
      "1 revision · 1 head · database not reachable",
    );
  });
  it("counts a missing parent apart from the revisions", () => {
    const view = viewOf([node("a1", { head: true }), node("gone", { missing: true, path: null, severity: "error" })]);
    assert.equal(graphSummary(view), "1 revision · 1 head · 1 missing");
  });
});

describe("nodeTarget and openableIds", () => {
  const view = viewOf([node("a1"), node("gone", { missing: true, path: null })]);
  it("opens a revision's file at its `revision =` line", () => {
    assert.deepEqual(nodeTarget(view, "a1"), { path: "/w/blog/migrations/versions/a1_change.py", line: 14 });
  });
  it("explains instead of opening a missing parent or a node that left the graph", () => {
    assert.match((nodeTarget(view, "gone") as { notice: string }).notice, /No file declares revision gone/);
    assert.match((nodeTarget(view, "zz") as { notice: string }).notice, /no longer in the graph/);
  });
  it("makes only revisions with a file clickable", () => {
    assert.deepEqual(openableIds(view), ["a1"]);
  });
});

describe("graphPage", () => {
  const nonce = makeNonce(() => 0.5);
  const page = graphPage(nonce);
  it("allows only its own nonce'd style and script, and no network", () => {
    assert.match(page, new RegExp(`content="default-src 'none'; img-src data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';"`));
    assert.equal((page.match(/<script/g) || []).length, 1);
    assert.ok(page.includes(`<script nonce="${nonce}">`) && page.includes(`<style nonce="${nonce}">`));
    assert.ok(!/https?:\/\//.test(page.replace("http://www.w3.org/2000/svg", "")), "no URL the page could load");
    assert.ok(!/innerHTML/.test(page), "the SVG is parsed, not assigned as HTML");
  });
  it("makes 32-character alphanumeric nonces", () => {
    assert.match(makeNonce(), /^[A-Za-z0-9]{32}$/);
    assert.notEqual(makeNonce(), makeNonce());
  });
});

describe("parseFromPage", () => {
  it("accepts the page's three messages and nothing else", () => {
    assert.deepEqual(parseFromPage({ type: "ready" }), { type: "ready" });
    assert.deepEqual(parseFromPage({ type: "open", id: "a1" }), { type: "open", id: "a1" });
    assert.deepEqual(parseFromPage({ type: "options", full: true }), { type: "options", full: true });
    for (const bad of [null, "open", { type: "open" }, { type: "open", id: "" }, { type: "options", full: "yes" }, { type: "run" }]) {
      assert.equal(parseFromPage(bad), null, JSON.stringify(bad));
    }
  });
});

/** Timers the test fires by hand. */
class ManualTimers implements Timers {
  pending = new Map<number, { callback: () => void; ms: number }>();
  private next = 0;
  set(callback: () => void, ms: number): unknown {
    this.pending.set(++this.next, { callback, ms });
    return this.next;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    due.forEach((timer) => timer.callback());
  }
}

/** A run the test finishes by hand. */
function controlledRuns() {
  const finishers: (() => void)[] = [];
  let started = 0;
  const run = () => {
    started++;
    return new Promise<void>((resolve) => finishers.push(resolve));
  };
  return { run, finishers, started: () => started };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("RefreshScheduler", () => {
  it("folds a burst of requests into one run after the delay", async () => {
    const timers = new ManualTimers();
    const runs = controlledRuns();
    const scheduler = new RefreshScheduler(runs.run, 250, timers);
    scheduler.request();
    scheduler.request();
    scheduler.request();
    assert.equal(timers.pending.size, 1);
    assert.equal([...timers.pending.values()][0].ms, 250);
    assert.equal(runs.started(), 0);
    timers.fireAll();
    assert.equal(runs.started(), 1);
  });
  it("runs one at a time, and once more after a run that requests arrived during", async () => {
    const runs = controlledRuns();
    const scheduler = new RefreshScheduler(runs.run, 250, new ManualTimers());
    const first = scheduler.now();
    const second = scheduler.now();
    void scheduler.now();
    assert.equal(runs.started(), 1);
    runs.finishers[0]();
    await first;
    await settle();
    assert.equal(runs.started(), 2, "exactly one more run for the two requests made meanwhile");
    runs.finishers[1]();
    await second;
    await settle();
    assert.equal(runs.started(), 2);
  });
  it("keeps going after a failed run, and stops when disposed", async () => {
    const timers = new ManualTimers();
    let calls = 0;
    const scheduler = new RefreshScheduler(async () => {
      calls++;
      throw new Error("server gone");
    }, 250, timers);
    await scheduler.now();
    await scheduler.now();
    assert.equal(calls, 2);
    scheduler.request();
    scheduler.dispose();
    assert.equal(timers.pending.size, 0);
    scheduler.request();
    await scheduler.now();
    assert.equal(calls, 2);
  });
});
