import * as assert from "node:assert/strict";
import { chooseServerLaunch, environmentLaunch, LaunchInputs, PythonInfo } from "../src/logic/serverLaunch";

const py = (minor: number, executable = `/usr/bin/python3.${minor}`): PythonInfo => ({ major: 3, minor, executable });

function inputs(overrides: Partial<LaunchInputs> = {}): LaunchInputs {
  return {
    serverCommand: [],
    serverPython: "",
    preferred: [],
    platform: "linux",
    bundleDir: "/ext/bundled",
    hasBundle: () => true,
    probe: async (python) => (python === "python3.12" ? py(12) : undefined),
    canImportServer: async () => false,
    extensionVersion: "0.1.0",
    ...overrides,
  };
}

describe("where the server comes from (alembicLs.path, importStrategy)", () => {
  it("runs the first alembicLs.path entry that exists, with `serve`, before anything else", async () => {
    const launch = await chooseServerLaunch(
      inputs({
        path: ["/missing/alembic-ls", "/home/me/.local/bin/alembic-ls"],
        serverCommand: ["other", "serve"],
        importStrategy: "fromEnvironment",
        exists: (file) => file === "/home/me/.local/bin/alembic-ls",
      }),
    );
    assert.deepEqual(launch, {
      kind: "command",
      command: "/home/me/.local/bin/alembic-ls",
      args: ["serve"],
      description: "alembicLs.path: /home/me/.local/bin/alembic-ls",
      source: "path",
    });
  });

  it("says once that no alembicLs.path entry exists, and goes on to the bundle", async () => {
    const launch = await chooseServerLaunch(inputs({ path: ["/nowhere/alembic-ls"], exists: () => false }));
    assert.equal(launch.kind === "command" && launch.source, "bundled");
    assert.equal(launch.note, "None of alembicLs.path exists (/nowhere/alembic-ls).");
  });

  it("useBundled never asks the environment", async () => {
    let asked = false;
    const launch = await chooseServerLaunch(
      inputs({
        importStrategy: "useBundled",
        environment: async () => {
          asked = true;
          return { command: ["/proj/.venv/bin/python"], version: "0.1.0" };
        },
      }),
    );
    assert.equal(asked, false);
    assert.equal(launch.kind === "command" && launch.source, "bundled");
    assert.equal(launch.note, undefined);
  });

  it("fromEnvironment runs a compatible alembic-ls through the project's interpreter command", async () => {
    const launch = await chooseServerLaunch(
      inputs({
        importStrategy: "fromEnvironment",
        environment: async () => ({ command: ["uv", "run", "--project", "/proj", "python"], version: "0.1.3" }),
      }),
    );
    assert.deepEqual(launch, {
      kind: "command",
      command: "uv",
      args: ["run", "--project", "/proj", "python", "-m", "alembic_ls", "serve"],
      description: "alembic-ls 0.1.3 from the project's environment (uv run --project /proj python)",
      source: "environment",
    });
  });

  it("fromEnvironment falls back to the bundle, saying why, when the version is not compatible", async () => {
    const launch = await chooseServerLaunch(
      inputs({
        importStrategy: "fromEnvironment",
        environment: async () => ({ command: ["/proj/.venv/bin/python"], version: "0.2.0" }),
      }),
    );
    assert.equal(launch.kind === "command" && launch.source, "bundled");
    assert.equal(
      launch.note,
      "alembic-ls 0.2.0 in /proj/.venv/bin/python is not compatible with this extension (0.1.0); using the bundled server.",
    );
  });

  it("fromEnvironment falls back when alembic-ls is not installed, there is no interpreter, or asking fails", async () => {
    assert.deepEqual(environmentLaunch({ command: ["/p/python"], version: undefined }, "0.1.0"), {
      kind: "fallback",
      note: "alembic-ls is not installed in /p/python; using the bundled server.",
    });
    assert.deepEqual(environmentLaunch(undefined, "0.1.0"), {
      kind: "fallback",
      note: "No project interpreter was found; using the bundled server.",
    });
    const launch = await chooseServerLaunch(
      inputs({ importStrategy: "fromEnvironment", environment: () => Promise.reject(new Error("spawn ENOENT")) }),
    );
    assert.equal(launch.kind === "command" && launch.source, "bundled");
  });
});
