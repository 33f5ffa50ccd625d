import * as assert from "node:assert/strict";
import * as path from "node:path";
import { InterpreterInputs, isOnPath, resolveAgentInterpreter } from "../src/logic/interpreter";

const FOLDER = "/work/shop";

function inputs(overrides: Partial<InterpreterInputs> & { files?: string[]; tools?: string[] } = {}): InterpreterInputs {
  const files = new Set((overrides.files ?? []).map((f) => path.join(FOLDER, f)));
  const tools = new Set(overrides.tools ?? []);
  return {
    configured: [],
    folder: FOLDER,
    platform: "linux",
    exists: (file) => files.has(file),
    onPath: (name) => tools.has(name),
    ...overrides,
  };
}

describe("resolveAgentInterpreter", () => {
  it("uses alembicLs.interpreter first, expanding ${workspaceFolder}", async () => {
    const found = await resolveAgentInterpreter(
      inputs({
        configured: ["${workspaceFolder}/env/bin/python"],
        pythonExtension: async () => "/usr/bin/python3.12",
        files: ["uv.lock"],
        tools: ["uv"],
      }),
    );
    assert.deepEqual(found, { command: ["/work/shop/env/bin/python"], source: "setting" });
  });

  it("uses the Python extension's selected interpreter when there is no setting", async () => {
    const found = await resolveAgentInterpreter(
      inputs({ pythonExtension: async () => "/home/me/.pyenv/versions/3.12.4/bin/python", files: [".venv/bin/python"] }),
    );
    assert.deepEqual(found, { command: ["/home/me/.pyenv/versions/3.12.4/bin/python"], source: "python-extension" });
  });

  it("goes on to detection when the Python extension has nothing or throws", async () => {
    const empty = await resolveAgentInterpreter(inputs({ pythonExtension: async () => undefined, files: [".venv/bin/python"] }));
    assert.equal(empty.source, "venv");
    const broken = await resolveAgentInterpreter(
      inputs({
        pythonExtension: async () => {
          throw new Error("extension host gone");
        },
        files: [".venv/bin/python"],
      }),
    );
    assert.equal(broken.source, "venv");
  });

  it("uses python.defaultInterpreterPath unless it is VS Code's bare default", async () => {
    const set = await resolveAgentInterpreter(inputs({ defaultInterpreterPath: "${workspaceFolder}/py/bin/python" }));
    assert.deepEqual(set, { command: ["/work/shop/py/bin/python"], source: "python-default-path" });
    const bare = await resolveAgentInterpreter(inputs({ defaultInterpreterPath: "python", files: ["venv/bin/python"] }));
    assert.equal(bare.source, "venv");
  });

  it("runs through uv when the project has uv.lock and uv is installed", async () => {
    const found = await resolveAgentInterpreter(inputs({ files: ["uv.lock", ".venv/bin/python"], tools: ["uv"] }));
    assert.deepEqual(found, { command: ["uv", "run", "--project", FOLDER, "python"], source: "uv" });
  });

  it("skips uv.lock when uv is not installed and uses the .venv uv made", async () => {
    const found = await resolveAgentInterpreter(inputs({ files: ["uv.lock", ".venv/bin/python"], tools: [] }));
    assert.deepEqual(found, { command: [path.join(FOLDER, ".venv/bin/python")], source: "venv" });
  });

  it("runs through poetry when the project has poetry.lock and poetry is installed", async () => {
    const found = await resolveAgentInterpreter(inputs({ files: ["poetry.lock"], tools: ["poetry", "uv"] }));
    assert.deepEqual(found, { command: ["poetry", "run", "python"], source: "poetry" });
  });

  it("prefers .venv over venv, and uses Scripts\\python.exe on Windows", async () => {
    const both = await resolveAgentInterpreter(inputs({ files: ["venv/bin/python", ".venv/bin/python"] }));
    assert.deepEqual(both.command, [path.join(FOLDER, ".venv", "bin", "python")]);
    const windows = await resolveAgentInterpreter({
      ...inputs({ platform: "win32" }),
      folder: "C:\\work\\shop",
      exists: (file) => file === "C:\\work\\shop\\.venv\\Scripts\\python.exe",
    });
    assert.deepEqual(windows.command, ["C:\\work\\shop\\.venv\\Scripts\\python.exe"]);
  });

  it("leaves the choice to the server when nothing is found", async () => {
    assert.deepEqual(await resolveAgentInterpreter(inputs()), { command: [], source: "none" });
  });
});

describe("isOnPath", () => {
  it("looks through PATH entries", () => {
    const exists = (file: string) => file === "/opt/tools/uv";
    assert.equal(isOnPath("uv", { PATH: "/usr/bin:/opt/tools" }, "linux", exists), true);
    assert.equal(isOnPath("poetry", { PATH: "/usr/bin:/opt/tools" }, "linux", exists), false);
    assert.equal(isOnPath("uv", {}, "linux", exists), false);
  });

  it("tries PATHEXT suffixes on Windows", () => {
    const exists = (file: string) => file === "C:\\tools\\uv.EXE";
    assert.equal(isOnPath("uv", { Path: "C:\\tools", PATHEXT: ".COM;.EXE" }, "win32", exists), true);
  });
});
