// Windows paths (drive letters, backslashes, spaces) where a path crosses from the client to the server or the
// agent: the launch command, the project interpreter, PATH lookups. Run on any OS: the logic takes the platform
// as an input and uses Node's win32 path rules for it.
import * as assert from "node:assert/strict";
import { expandFolderVariables, isOnPath, resolveAgentInterpreter, venvPython } from "../src/logic/interpreter";
import { chooseServerLaunch, LaunchInputs } from "../src/logic/serverLaunch";

const FOLDER = "C:\\Users\\Jane Doe\\My Projects\\shop";

function files(...present: string[]): (file: string) => boolean {
  const set = new Set(present.map((f) => f.toLowerCase()));
  return (file) => set.has(file.toLowerCase());
}

describe("Windows paths", () => {
  it("finds a .venv's python.exe under Scripts, spaces and drive letter kept", async () => {
    assert.equal(venvPython(`${FOLDER}\\.venv`, "win32"), `${FOLDER}\\.venv\\Scripts\\python.exe`);
    const interpreter = await resolveAgentInterpreter({
      configured: [],
      folder: FOLDER,
      platform: "win32",
      exists: files(`${FOLDER}\\.venv\\Scripts\\python.exe`),
      onPath: () => false,
    });
    assert.deepEqual(interpreter, { command: [`${FOLDER}\\.venv\\Scripts\\python.exe`], source: "venv" });
  });

  it("passes the folder to `uv run --project` as one argument, however many spaces it has", async () => {
    const interpreter = await resolveAgentInterpreter({
      configured: [],
      folder: FOLDER,
      platform: "win32",
      exists: files(`${FOLDER}\\uv.lock`),
      onPath: (name) => name === "uv",
    });
    assert.deepEqual(interpreter.command, ["uv", "run", "--project", FOLDER, "python"]);
  });

  it("uses `poetry run` next to a poetry.lock on a UNC share", async () => {
    const share = "\\\\fileserver\\team share\\shop";
    const interpreter = await resolveAgentInterpreter({
      configured: [],
      folder: share,
      platform: "win32",
      exists: files(`${share}\\poetry.lock`),
      onPath: (name) => name === "poetry",
    });
    assert.deepEqual(interpreter, { command: ["poetry", "run", "python"], source: "poetry" });
  });

  it("expands ${workspaceFolder} in a configured interpreter to the Windows folder", async () => {
    assert.equal(expandFolderVariables("${workspaceFolder}\\.venv\\Scripts\\python.exe", FOLDER), `${FOLDER}\\.venv\\Scripts\\python.exe`);
    const interpreter = await resolveAgentInterpreter({
      configured: ["${workspaceFolder}\\env\\python.exe", "-X", "utf8"],
      folder: FOLDER,
      platform: "win32",
      exists: () => false,
      onPath: () => false,
    });
    assert.deepEqual(interpreter.command, [`${FOLDER}\\env\\python.exe`, "-X", "utf8"]);
  });

  it("looks executables up on a Windows PATH (`;`-separated, `Path` spelling, PATHEXT)", () => {
    const env = { Path: "C:\\Program Files\\Python312;C:\\Users\\Jane Doe\\.local\\bin", PATHEXT: ".COM;.EXE;.BAT" };
    const exists = files("C:\\Users\\Jane Doe\\.local\\bin\\uv.EXE");
    assert.equal(isOnPath("uv", env, "win32", exists), true);
    assert.equal(isOnPath("poetry", env, "win32", exists), false);
  });

  it("starts the bundled launcher from an extension folder with spaces, joined the Windows way", async () => {
    const bundleDir = "C:\\Users\\Jane Doe\\.vscode\\extensions\\alembic-ls.alembic-ls-0.1.0-win32-x64\\bundled";
    const inputs: LaunchInputs = {
      serverCommand: [],
      serverPython: "",
      preferred: [],
      platform: "win32",
      bundleDir,
      hasBundle: (tag) => tag === "cp312",
      probe: async (python) =>
        python === "py" ? { major: 3, minor: 12, executable: "C:\\Program Files\\Python312\\python.exe" } : undefined,
      canImportServer: async () => false,
    };
    const launch = await chooseServerLaunch(inputs);
    assert.equal(launch.kind, "command");
    assert.equal(launch.kind === "command" && launch.command, "C:\\Program Files\\Python312\\python.exe");
    assert.deepEqual(launch.kind === "command" && launch.args, ["-I", `${bundleDir}\\launch.py`]);
  });

  it("runs an alembicLs.path executable given with a drive letter and spaces", async () => {
    const exe = "D:\\Tools and Things\\alembic-ls.exe";
    const launch = await chooseServerLaunch({
      path: [exe],
      exists: files(exe),
      serverCommand: [],
      serverPython: "",
      preferred: [],
      platform: "win32",
      bundleDir: "C:\\ext\\bundled",
      hasBundle: () => true,
      probe: async () => undefined,
      canImportServer: async () => false,
    });
    assert.deepEqual(launch.kind === "command" && [launch.command, ...launch.args], [exe, "serve"]);
  });
});
