import * as assert from "node:assert/strict";
import * as path from "node:path";
import {
  chooseServerLaunch,
  LaunchInputs,
  parseProbeOutput,
  pathCandidates,
  PythonInfo,
} from "../src/logic/serverLaunch";

const BUNDLE = "/ext/bundled";

/** `pythons` maps a command to what probing it reports; unknown commands are not installed. */
function inputs(
  pythons: Record<string, PythonInfo>,
  overrides: Partial<LaunchInputs> & { bundles?: string[]; withServer?: string[] } = {},
): LaunchInputs & { probed: string[] } {
  const probed: string[] = [];
  const bundles = new Set(overrides.bundles ?? ["cp310", "cp311", "cp312", "cp313", "cp314"]);
  return {
    serverCommand: [],
    serverPython: "",
    preferred: [],
    platform: "linux",
    bundleDir: BUNDLE,
    hasBundle: (tag) => bundles.has(tag),
    probe: async (python) => {
      probed.push(python);
      return pythons[python];
    },
    canImportServer: async (python) => (overrides.withServer ?? []).includes(python),
    probed,
    ...overrides,
  };
}

const py = (minor: number, executable = `/usr/bin/python3.${minor}`): PythonInfo => ({ major: 3, minor, executable });

describe("chooseServerLaunch", () => {
  it("runs the bundled launcher, isolated (-I), with the newest Python on PATH", async () => {
    const launch = await chooseServerLaunch(inputs({ "python3.11": py(11), "python3.12": py(12), python3: py(11) }));
    assert.deepEqual(launch, {
      kind: "command",
      command: "/usr/bin/python3.12",
      args: ["-I", path.join(BUNDLE, "launch.py")],
      description: "bundled server on Python 3.12 (/usr/bin/python3.12)",
      source: "bundled",
    });
  });

  it("tries the preferred interpreters (the selected one) before PATH", async () => {
    const launch = await chooseServerLaunch(
      inputs({ "/proj/.venv/bin/python": py(11, "/proj/.venv/bin/python"), "python3.13": py(13) }, { preferred: ["/proj/.venv/bin/python"] }),
    );
    assert.equal(launch.kind === "command" && launch.command, "/proj/.venv/bin/python");
  });

  it("skips Pythons older than 3.10", async () => {
    const launch = await chooseServerLaunch(
      inputs({ "/old/python": { major: 3, minor: 9, executable: "/old/python" }, python3: py(10, "/usr/bin/python3") }, { preferred: ["/old/python"] }),
    );
    assert.equal(launch.kind === "command" && launch.command, "/usr/bin/python3");
  });

  it("falls back to a Python that has alembic-ls installed when no bundle fits its version", async () => {
    const launch = await chooseServerLaunch(
      inputs({ python3: py(15, "/usr/bin/python3") }, { bundles: ["cp312"], withServer: ["/usr/bin/python3"] }),
    );
    assert.deepEqual(launch, {
      kind: "command",
      command: "/usr/bin/python3",
      args: ["-m", "alembic_ls", "serve"],
      description: "alembic-ls installed in Python 3.15 (/usr/bin/python3)",
      source: "installed",
    });
  });

  it("uses only alembicLs.serverPython when it is set", async () => {
    const setup = inputs({ "/opt/py/bin/python": py(13, "/opt/py/bin/python"), "python3.12": py(12) }, { serverPython: "/opt/py/bin/python" });
    const launch = await chooseServerLaunch(setup);
    assert.equal(launch.kind === "command" && launch.command, "/opt/py/bin/python");
    assert.deepEqual(setup.probed, ["/opt/py/bin/python"]);
  });

  it("alembicLs.serverCommand replaces the search entirely", async () => {
    const setup = inputs({}, { serverCommand: ["/src/.venv/bin/alembic-ls", "serve"] });
    const launch = await chooseServerLaunch(setup);
    assert.deepEqual(launch, {
      kind: "command",
      command: "/src/.venv/bin/alembic-ls",
      args: ["serve"],
      description: "alembicLs.serverCommand: /src/.venv/bin/alembic-ls serve",
      source: "serverCommand",
    });
    assert.deepEqual(setup.probed, []);
  });

  it("explains what it found when no usable Python exists", async () => {
    const launch = await chooseServerLaunch(inputs({ python3: { major: 3, minor: 8, executable: "/usr/bin/python3" } }));
    assert.equal(launch.kind, "missing-python");
    assert.match(launch.kind === "missing-python" ? launch.message : "", /Python 3\.10 or newer.*Found: Python 3\.8 \(\/usr\/bin\/python3\)/);
  });

  it("says so when no Python at all was found, naming the setting it tried", async () => {
    const launch = await chooseServerLaunch(inputs({}, { serverPython: "/nope/python" }));
    assert.equal(launch.kind, "missing-python");
    const message = launch.kind === "missing-python" ? launch.message : "";
    assert.match(message, /alembicLs\.serverPython \(\/nope\/python\)/);
    assert.match(message, /No Python was found/);
  });
});

describe("pathCandidates", () => {
  it("lists versioned names newest first, then python3 and python", () => {
    const names = pathCandidates("linux");
    assert.equal(names[0], "python3.14");
    assert.ok(names.indexOf("python3.10") < names.indexOf("python3"));
    assert.equal(names.includes("python3.9"), false);
    assert.equal(names[names.length - 1], "python");
  });
});

describe("parseProbeOutput", () => {
  it("reads the last line of JSON", () => {
    assert.deepEqual(parseProbeOutput('noise\n[3, 12, "/usr/bin/python3.12"]\n'), py(12));
  });
  it("rejects anything else", () => {
    assert.equal(parseProbeOutput("Python 3.12.1"), undefined);
    assert.equal(parseProbeOutput('[3, "12", "/x"]'), undefined);
    assert.equal(parseProbeOutput('[3, 12, ""]'), undefined);
  });
});
