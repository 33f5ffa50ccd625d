import * as assert from "node:assert/strict";
import { buildServerSettings, ConfigReader, Inspected } from "../src/logic/settings";

/** A fake vscode.WorkspaceConfiguration: `user` holds what the user set, at the given level. */
function config(user: Record<string, unknown>, level: keyof Inspected<unknown> = "globalValue"): ConfigReader {
  return {
    get<T>(key: string, defaultValue: T): T {
      return key in user ? (user[key] as T) : defaultValue;
    },
    inspect<T>(key: string): Inspected<T> {
      return key in user ? { [level]: user[key] as T } : {};
    },
  };
}

describe("buildServerSettings", () => {
  it("sends the defaults agreed with the server and no rule keys when the user set none", () => {
    assert.deepEqual(buildServerSettings(config({}), true, []), {
      diagnoseClosedFiles: true,
      driftOnSave: true,
      agentTimeout: 60,
      interpreter: [],
      trusted: true,
      editorActions: "vscode",
    });
  });

  it("passes the rule keys the user set, in camelCase, trimmed", () => {
    const settings = buildServerSettings(
      config({
        select: ["AM1", " AM201 "],
        ignore: ["AM103"],
        severity: { AM104: "error" },
        baseline: "3f2a9c1d7e4b",
        dialect: "postgresql",
        alembicConfig: "db/alembic.ini",
      }),
      true,
      [],
    );
    assert.deepEqual(settings.select, ["AM1", "AM201"]);
    assert.deepEqual(settings.ignore, ["AM103"]);
    assert.deepEqual(settings.severity, { AM104: "error" });
    assert.equal(settings.baseline, "3f2a9c1d7e4b");
    assert.equal(settings.dialect, "postgresql");
    assert.equal(settings.alembicConfig, "db/alembic.ini");
  });

  it("sends `linear` only when the user set it, true or false", () => {
    assert.equal("linear" in buildServerSettings(config({}), true, []), false);
    assert.equal(buildServerSettings(config({ linear: true }), true, []).linear, true);
    assert.equal(buildServerSettings(config({ linear: false }), true, []).linear, false);
    assert.equal("linear" in buildServerSettings(config({ linear: "yes" }), true, []), false);
  });

  it("reads folder-level values as set by the user", () => {
    const settings = buildServerSettings(config({ ignore: ["AM101"] }, "workspaceFolderValue"), true, []);
    assert.deepEqual(settings.ignore, ["AM101"]);
  });

  it("leaves out empty lists, blank strings and empty tables so pyproject.toml decides", () => {
    const settings = buildServerSettings(
      config({ select: [], ignore: [""], severity: {}, baseline: "  ", dialect: "", alembicConfig: "" }),
      true,
      [],
    );
    for (const key of ["select", "ignore", "severity", "baseline", "dialect", "alembicConfig"]) {
      assert.equal(key in settings, false, key);
    }
  });

  it("maps the booleans and the timeout, falling back to 60 s for a bad timeout", () => {
    const settings = buildServerSettings(
      config({ diagnoseClosedFiles: false, driftOnSave: false, agentTimeout: 5 }),
      true,
      [],
    );
    assert.equal(settings.diagnoseClosedFiles, false);
    assert.equal(settings.driftOnSave, false);
    assert.equal(settings.agentTimeout, 5);
    assert.equal(buildServerSettings(config({ agentTimeout: -3 }), true, []).agentTimeout, 60);
    assert.equal(buildServerSettings(config({ agentTimeout: "x" }), true, []).agentTimeout, 60);
  });

  it("sends the resolved interpreter in a trusted workspace", () => {
    const settings = buildServerSettings(config({}), true, ["/p/.venv/bin/python"]);
    assert.deepEqual(settings.interpreter, ["/p/.venv/bin/python"]);
    assert.equal(settings.trusted, true);
  });

  it("in an untrusted workspace sends trusted=false, no interpreter and no drift on save", () => {
    const settings = buildServerSettings(config({ driftOnSave: true }), false, ["/p/.venv/bin/python"]);
    assert.equal(settings.trusted, false);
    assert.deepEqual(settings.interpreter, []);
    assert.equal(settings.driftOnSave, false);
  });
});
