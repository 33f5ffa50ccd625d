import * as assert from "node:assert/strict";
import { formatDebugInfo } from "../src/logic/debugInfo";

describe("Show Debug Information", () => {
  it("names the versions, the server's source and command, each folder's interpreter and the projects", () => {
    const text = formatDebugInfo({
      extensionVersion: "0.1.0",
      editor: "Visual Studio Code 1.99.0",
      platform: "win32",
      arch: "x64",
      trusted: true,
      server: {
        description: "bundled server on Python 3.12 (C:\\Python312\\python.exe)",
        commandLine: "C:\\Python312\\python.exe -I C:\\Users\\Jane Doe\\.vscode\\extensions\\x\\bundled\\launch.py",
        source: "bundled",
        version: "0.1.0",
        state: "running",
      },
      folders: [
        {
          name: "shop",
          path: "C:\\Users\\Jane Doe\\shop",
          interpreter: "C:\\Users\\Jane Doe\\shop\\.venv\\Scripts\\python.exe",
          interpreterSource: "venv",
          dialect: "",
        },
      ],
      projects: [
        {
          scriptLocation: "C:\\Users\\Jane Doe\\shop\\migrations",
          current: ["ab12"],
          heads: ["cd34"],
          pending: 1,
          drift: 0,
          databaseError: null,
          driftNotCompared: null,
        },
      ],
    });
    assert.match(text, /- Extension: 0\.1\.0\n/);
    assert.match(text, /- Platform: win32-x64\n/);
    assert.match(text, /- Version: 0\.1\.0\n- Source: bundled: bundled server on Python 3\.12/);
    assert.match(text, /- Command: `C:\\Python312\\python\.exe -I C:\\Users\\Jane Doe\\.*launch\.py`/);
    assert.match(text, /- Project interpreter: `C:\\Users\\Jane Doe\\shop\\\.venv\\Scripts\\python\.exe` \[venv\]/);
    assert.match(text, /- Dialect: from sqlalchemy\.url/);
    assert.match(text, /heads cd34; database at ab12; 1 pending; 0 drift/);
  });

  it("says when no server runs and no project was reported", () => {
    const text = formatDebugInfo({
      extensionVersion: "0.1.0",
      editor: "code-server",
      platform: "linux",
      arch: "arm64",
      trusted: false,
      server: undefined,
      folders: [],
      projects: [],
    });
    assert.match(text, /Workspace trusted: no \(static checks only\)/);
    assert.match(text, /Not started/);
    assert.match(text, /\(none reported yet\)/);
  });
});
