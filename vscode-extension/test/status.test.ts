import * as assert from "node:assert/strict";
import { ACTIONS, parseStatus, pickProject, projectView, ProjectStatus, statusView } from "../src/logic/status";

const project = (overrides: Partial<ProjectStatus> = {}): ProjectStatus => ({
  scriptLocation: "/w/blog/migrations",
  current: ["5e6f708192a3"],
  heads: ["6f708192a3b4"],
  pending: 1,
  drift: 0,
  databaseError: null,
  driftNotCompared: null,
  ...overrides,
});

describe("parseStatus", () => {
  it("keeps well-formed projects and normalises the rest", () => {
    const parsed = parseStatus({
      projects: [
        { scriptLocation: "/a", current: null, heads: ["x", 3], pending: -2, drift: 1.7, databaseError: "" },
        { current: [] },
        "junk",
      ],
    });
    assert.deepEqual(parsed, [
      { scriptLocation: "/a", current: null, heads: ["x"], pending: 0, drift: 1, databaseError: null, driftNotCompared: null },
    ]);
  });
  it("returns nothing for a malformed notification", () => {
    assert.deepEqual(parseStatus(null), []);
    assert.deepEqual(parseStatus({ projects: 5 }), []);
  });
});

describe("projectView", () => {
  it("shows current → head and the pending count", () => {
    const view = projectView(project(), true);
    assert.equal(view.text, "$(database) 5e6f708192a3 → 6f708192a3b4 $(arrow-up)1");
    assert.match(view.tooltip, /1 revision not applied yet/);
    assert.equal(view.warning, false);
  });

  it("shows a check mark when the database is at head", () => {
    const view = projectView(project({ current: ["6f708192a3b4"], pending: 0 }), true);
    assert.equal(view.text, "$(database) 6f708192a3b4 $(check)");
  });

  it("shows the drift count as a warning", () => {
    const view = projectView(project({ current: ["6f708192a3b4"], pending: 0, drift: 2 }), true);
    assert.equal(view.text, "$(database) 6f708192a3b4 $(check) $(diff) 2");
    assert.equal(view.warning, true);
    assert.match(view.tooltip, /2 model changes with no migration/);
  });

  it("shows only the head when the database revision is unknown, and why", () => {
    const untrusted = projectView(project({ current: null, pending: 0 }), false);
    assert.equal(untrusted.text, "$(database) head 6f708192a3b4");
    assert.match(untrusted.tooltip, /Restricted Mode/);
    const unreachable = projectView(project({ current: null, databaseError: "could not connect to 127.0.0.1:5432" }), true);
    assert.equal(unreachable.text, "$(warning) head 6f708192a3b4");
    assert.equal(unreachable.warning, true);
    assert.match(unreachable.tooltip, /could not connect/);
  });

  it("calls an empty database base and joins several heads", () => {
    const view = projectView(project({ current: [], heads: ["aaa", "bbb"], pending: 4 }), true);
    assert.equal(view.text, "$(database) base → aaa+bbb $(arrow-up)4");
    assert.equal(view.warning, true);
    assert.match(view.tooltip, /2 heads/);
  });
});

describe("what the tooltip says and offers", () => {
  it("in Restricted Mode points at Manage Workspace Trust (no setting) and offers it", () => {
    for (const view of [projectView(project({ current: null, pending: 0 }), false), statusView([], undefined, false)]) {
      assert.match(view.tooltip, /Manage Workspace Trust/);
      assert.doesNotMatch(view.tooltip, /setting/);
      assert.deepEqual(view.actions, [ACTIONS.trust]);
    }
  });

  it("says when drift could not be compared, and offers Upgrade Head", () => {
    const reason = "Not compared: the database does not exist yet; upgrade it first.";
    const view = projectView(project({ current: [], pending: 6, driftNotCompared: reason }), true);
    assert.match(view.tooltip, /Models not compared with the migrations: Not compared: the database does not exist yet/);
    assert.deepEqual(view.actions, [ACTIONS.upgradeHead]);
    const behind = projectView(project({ driftNotCompared: "Not compared: 1 revision behind." }), true);
    assert.match(behind.tooltip, /Models not compared/);
    assert.deepEqual(behind.actions, [ACTIONS.upgradeHead]);
  });

  it("offers the command for each thing to do", () => {
    const view = projectView(project({ heads: ["a", "b"], drift: 1 }), true);
    assert.deepEqual(view.actions, [ACTIONS.upgradeHead, ACTIONS.mergeHeads, ACTIONS.generateMigration]);
    assert.deepEqual(projectView(project({ current: ["6f708192a3b4"], pending: 0 }), true).actions, []);
  });

  it("reads driftNotCompared from the notification", () => {
    const [parsed] = parseStatus({ projects: [{ scriptLocation: "/a", current: [], heads: [], driftNotCompared: "why" }] });
    assert.equal(parsed.driftNotCompared, "why");
  });
});

describe("pickProject / statusView", () => {
  const blog = project();
  const shop = project({ scriptLocation: "/w/shop/migrations", heads: ["s1"], current: ["s1"], pending: 0 });

  it("shows the project holding the active file", () => {
    assert.equal(pickProject([blog, shop], "/w/shop/app/models.py"), shop);
    assert.equal(pickProject([blog, shop], "/elsewhere/x.py"), blog);
    assert.equal(pickProject([], undefined), undefined);
  });

  it("has a plain item before the first status and in Restricted Mode", () => {
    assert.equal(statusView([], undefined, true).text, "$(database) Alembic");
    assert.equal(statusView([], undefined, false).text, "$(shield) Alembic");
  });

  it("mentions the other projects in the tooltip", () => {
    assert.match(statusView([blog, shop], undefined, true).tooltip, /2 Alembic projects/);
  });
});
