// End-to-end test in real VS Code: code-server (VS Code in a browser) with only the built .vsix installed,
// driven by Chromium through playwright-core. A fresh copy of examples/blog is opened the way a new user opens a
// folder; the test checks the Problems panel, applies a quick fix with Ctrl+., trusts the folder, runs palette
// commands and reads the status bar, saving screenshots for the docs.
//
//   node e2e/vscode.e2e.js [path/to/alembic-ls-linux-x64.vsix]
//
// Environment: CODE_SERVER (code-server package dir), NODE24 (a Node >= 22 binary for it), CHROMIUM,
// SCREENSHOTS (default docs/screenshots at the repository root), KEEP=1 keeps the scratch folder.
// Prints one line per step and a closing "N passed, N failed" line; exits 1 when a step failed.

"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { REPO, EXTENSION_DIR, checkTools, prepareWorkspace, installExtension, startCodeServer, launchBrowser } = require("./codeserver");
const { STATUS_ITEM, Workbench } = require("./workbench");

const VSIX = path.resolve(process.argv[2] || path.join(EXTENSION_DIR, "alembic-ls-linux-x64.vsix"));
const SCREENSHOTS = path.resolve(process.env.SCREENSHOTS || path.join(REPO, "docs", "screenshots"));
const PLANTED = [
  ["AM101", "3c4d5e6f7081_create_tag_table.py", 23],
  ["AM104", "4d5e6f708192_add_slug_to_post.py", 30],
  ["AM306", "4d5e6f708192_add_slug_to_post.py", 4],
  ["AM201", "5e6f708192a3_add_bio_to_user.py", 31],
  ["AM501", "6f708192a3b4_add_subtitle_to_post.py", 25],
];
const HEAD = "6f708192a3b4";
// The palette commands that run the project's code (the agent): hidden in Restricted Mode.
const AGENT_COMMANDS = ["Generate Migration…", "Upgrade Head", "Downgrade One", "Test Up/Down Cycle", "Merge Heads", "Show SQL for Revision", "Show History", "Show Current Revision"];
const PARENT = "5e6f708192a3";

/** The active tab when it is a preview tab (its label in italics). */
const PREVIEW_TAB = ".tabs-container .tab.active .monaco-icon-label.italic";
const results = [];
let restrictedProblems = 0; // the problem count before the folder is trusted
const figures = {};

async function step(name, body, { needs = [] } = {}) {
  const missing = needs.filter((dependency) => !results.find((r) => r.name === dependency && r.ok));
  if (missing.length > 0) {
    results.push({ name, ok: false, skipped: true });
    console.log(`SKIP  ${name} (needs: ${missing.join(", ")})`);
    return;
  }
  const started = Date.now();
  try {
    await body();
    results.push({ name, ok: true });
    console.log(`PASS  ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(`FAIL  ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)\n      ${String(error.stack || error).split("\n").slice(0, 4).join("\n      ")}`);
    await shot(`failure-${name.replace(/\W+/g, "-").toLowerCase()}`, { failure: true }).catch(() => {});
  }
}

let page;
let scratch;

async function shot(name, { failure = false } = {}) {
  const dir = failure ? path.join(scratch, "failures") : SCREENSHOTS;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

/** The Alembic LS output channel as the workbench logged it to disk (empty before the channel exists). */
function outputLog() {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.includes("Alembic LS")) found.push(full);
    }
  };
  walk(path.join(scratch, "user-data", "logs"));
  return found.map((file) => fs.readFileSync(file, "utf8")).join("\n");
}

async function main() {
  checkTools(VSIX);
  const began = Date.now();
  let workspace;
  ({ scratch, workspace } = prepareWorkspace());
  const hasVenv = fs.existsSync(path.join(workspace, ".venv"));
  installExtension(scratch, VSIX);
  const server = await startCodeServer(scratch, workspace);
  const browser = await launchBrowser();
  try {
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const wb = new Workbench(page);
    const opened = Date.now();
    await page.goto(server.url);
    await page.waitForSelector(".monaco-workbench", { timeout: 60000 });

    await step("diagnostics appear on folder open (Restricted Mode: static checks)", async () => {
      await wb.until("5 problems in the status bar", async () => (await wb.problemCount()) === PLANTED.length, 60000);
      figures.firstDiagnosticsSeconds = (Date.now() - opened) / 1000;
      await wb.until("the Restricted Mode status item", async () => (await wb.statusItem()).label.includes("Restricted Mode"));
    });

    await step("Restricted Mode hides every command that needs the agent and points at Manage Workspace Trust", async () => {
      // The project is known (the server says so even untrusted): the graph is offered, the database commands are not.
      const titles = await wb.paletteTitles("Alembic:", "Alembic: Show Revision Graph");
      const offered = AGENT_COMMANDS.filter((title) => titles.some((row) => row.includes(`Alembic: ${title}`)));
      if (offered.length > 0) throw new Error(`offered in Restricted Mode: ${offered.join(", ")}`);
      const label = (await wb.statusItem()).label;
      if (!label.includes("Manage Workspace Trust") || /setting/.test(label)) throw new Error(`status item: ${label}`);
    }, { needs: ["diagnostics appear on folder open (Restricted Mode: static checks)"] });

    await step("Problems panel lists the planted findings", async () => {
      await page.keyboard.press("Control+Shift+M");
      const rows = await wb.until("every planted code in the Problems panel", async () => {
        const labels = await wb.problemRows();
        return PLANTED.every(([code]) => labels.some((l) => l.includes(code))) ? labels : null;
      });
      for (const [code, , line] of PLANTED) {
        const row = rows.find((l) => l.includes(code));
        if (!row.includes(`[Ln ${line}, Col`)) {
          throw new Error(`${code}: expected line ${line} in "${row}"`);
        }
      }
      await shot("problems-panel");
    }, { needs: ["diagnostics appear on folder open (Restricted Mode: static checks)"] });

    await step("a rule link in the Problems panel opens the rendered page, read-only", async () => {
      const link = page.locator(".markers-panel .monaco-list-row", { hasText: "AM104" }).locator("a", { hasText: "AM104" }).first();
      await link.click();
      await wb.until("the AM104 page in the active tab", async () => (await wb.activeTab()).includes("AM104"), 30000);
      // The preview is a webview (laid over the editor area, outside the group's DOM); a raw file would be a text editor.
      const textEditor = page.locator(".editor-group-container.active .editor-instance .monaco-editor");
      await wb.until("the Markdown preview (a webview, no text editor)", async () =>
        (await page.locator("iframe.webview.ready").count()) > 0 && (await textEditor.count()) === 0, 30000);
      // VS Code opens a link in a preview tab: proof that Generate Migration's not-a-preview-tab check sees one.
      if ((await page.locator(PREVIEW_TAB).count()) === 0) throw new Error(`no preview tab matched ${PREVIEW_TAB}`);
      await page.keyboard.press("Control+W");
      await wb.until("the page closed", async () => !(await wb.activeTab()).includes("AM104"));
    }, { needs: ["Problems panel lists the planted findings"] });

    await step("quick fix with Ctrl+. (AM501: add the missing import)", async () => {
      await wb.openFile("6f708192a3b4_add_subtitle_to_post.py");
      await wb.goToLine(25, 55);
      const item = page.locator(".action-widget .monaco-list-row", { hasText: /import sqlmodel/i }).first();
      await wb.pressUntilVisible("Control+.", item);
      await shot("quick-fix");
      await item.click();
      await wb.until("AM501 to leave the Problems panel", async () => (await wb.problemCount()) === PLANTED.length - 1);
      await page.keyboard.press("Control+S");
      const file = path.join(workspace, "migrations", "versions", "6f708192a3b4_add_subtitle_to_post.py");
      await wb.until("the fixed file saved with `import sqlmodel`", async () => /^import sqlmodel$/m.test(fs.readFileSync(file, "utf8")));
    }, { needs: ["diagnostics appear on folder open (Restricted Mode: static checks)"] });

    await step("trusting the folder starts the database features", async () => {
      restrictedProblems = await wb.problemCount();
      // From the status bar's quick pick, which offers Manage Workspace Trust and no database command.
      await page.click(STATUS_ITEM);
      const manage = page.locator(".quick-input-widget .monaco-list-row", { hasText: "Manage Workspace Trust" }).first();
      await manage.waitFor({ state: "visible", timeout: 10000 });
      const rows = await page.$$eval(".quick-input-widget .monaco-list-row", (r) => r.map((row) => row.textContent || ""));
      const offered = AGENT_COMMANDS.filter((title) => rows.some((row) => row.includes(title)));
      if (offered.length > 0) throw new Error(`the status bar offers in Restricted Mode: ${offered.join(", ")}`);
      await manage.click();
      const trust = page.locator(".workspace-trust-editor .monaco-button", { hasText: /^Trust$/ }).first();
      await trust.waitFor({ state: "visible", timeout: 15000 });
      await trust.click();
      await wb.until("the status item to leave Restricted Mode", async () => !(await wb.statusItem()).label.includes("Restricted Mode"), 60000);
      await page.keyboard.press("Control+W");
    });

    await step("status bar shows the database revision against the head", async () => {
      const status = await wb.until(`a status item naming ${HEAD}`, async () => {
        const item = await wb.statusItem();
        return item.text.includes(HEAD) && item.label.includes("Database at") ? item : null;
      }, 60000);
      figures.statusBeforeUpgrade = status.text;
      // No database file yet: the drift cannot be compared, and the status says so (with Upgrade Head as the action).
      await wb.until("the status tooltip saying the models were not compared", async () => {
        const label = (await wb.statusItem()).label;
        return label.includes("Models not compared") && label.includes("does not exist yet") && label.includes("Upgrade Head");
      }, 90000);
      // …consistently with AM602 on every revision not applied (all six).
      await wb.until("AM602 (information) on the six revisions", async () =>
        (await wb.problemCount()) === restrictedProblems + 6, 60000);
      await page.hover(STATUS_ITEM);
      await wb.until("the status tooltip", async () => (await page.locator(".monaco-hover", { hasText: "Database at" }).count()) > 0, 10000);
      await shot("status-bar-pending");
      await page.mouse.move(700, 300);
    }, { needs: ["trusting the folder starts the database features"] });

    const atHead = (revision) => async () => {
      const item = await wb.statusItem();
      return item.text.includes(revision) && !item.text.includes("→") ? item : null;
    };

    await step("Alembic: Upgrade Head from the palette", async () => {
      await wb.runCommand("Alembic: Upgrade Head");
      await wb.until("the status item at head", atHead(HEAD), 90000);
      await wb.until("the success notification", async () => (await wb.notifications()).some((n) => n.includes(`Upgraded to ${HEAD}`)));
    }, { needs: ["status bar shows the database revision against the head", "quick fix with Ctrl+. (AM501: add the missing import)"] });

    await step("Alembic: Downgrade One asks first (modal), then steps back one revision", async () => {
      await wb.runCommand("Alembic: Downgrade One");
      const confirm = page.locator(".monaco-dialog-box .monaco-button", { hasText: /^Downgrade$/ }).first();
      await confirm.waitFor({ state: "visible", timeout: 15000 });
      await shot("downgrade-confirmation");
      await confirm.click();
      await wb.until(`the status item at ${PARENT} → ${HEAD}`, async () => {
        const item = await wb.statusItem();
        return item.text.includes(`${PARENT} → ${HEAD}`) ? item : null;
      }, 90000);
    }, { needs: ["Alembic: Upgrade Head from the palette"] });

    await step("a command refused because the database is behind names VS Code's Upgrade Head, not the CLI", async () => {
      await wb.runCommand("Alembic: Generate Migration…");
      const input = page.locator(".quick-input-widget input.input");
      await input.waitFor({ state: "visible", timeout: 10000 });
      await input.fill("not generated while behind");
      await page.keyboard.press("Enter");
      const note = await wb.until("the not-up-to-date error", async () =>
        (await wb.notifications()).find((n) => n.includes("not up to date")), 90000);
      if (!note.includes('"Alembic: Upgrade Head"') || note.includes("alembic upgrade head")) throw new Error(`message: ${note}`);
      await wb.runCommand("Notifications: Clear All Notifications");
      await wb.until("the notifications cleared", async () => (await page.locator(".notifications-toasts .notification-toast").count()) === 0);
    }, { needs: ["Alembic: Downgrade One asks first (modal), then steps back one revision"] });

    await step("clicking the status bar item offers the commands (Upgrade Head again)", async () => {
      await page.click(STATUS_ITEM);
      const input = page.locator(".quick-input-widget input.input");
      await input.waitFor({ state: "visible", timeout: 10000 });
      await input.fill("Upgrade Head");
      await wb.until("one matching command", async () => (await page.locator(".quick-input-widget .monaco-list-row").count()) === 1);
      await page.keyboard.press("Enter");
      await wb.until("the status item back at head", atHead(HEAD), 90000);
    }, { needs: ["Alembic: Downgrade One asks first (modal), then steps back one revision"] });

    await step("saving a model change reports drift (AM601 on the model, count in the status bar)", async () => {
      if (!hasVenv) throw new Error("no .venv with alembic and sqlmodel in the repository (run the README set-up)");
      await wb.openFile("models.py");
      await wb.goToLine(25, 5); // `created_at: ...`, the last field of Post
      await page.keyboard.press("End");
      await page.keyboard.press("Enter");
      await page.keyboard.type("views: int = 0");
      await page.keyboard.press("Control+S");
      await wb.until("AM601 for post.views in the Problems panel", async () =>
        (await wb.problemRows()).some((row) => row.includes("AM601") && row.includes("post.views")), 90000);
      const status = await wb.until("the drift count in the status bar", async () => {
        const item = await wb.statusItem();
        return item.label.includes("1 model change") ? item : null;
      }, 60000);
      figures.statusWithDrift = status.text;
      await page.keyboard.press("Control+Shift+M");
      await shot("drift");
    }, { needs: ["clicking the status bar item offers the commands (Upgrade Head again)"] });

    await step("Alembic: Generate Migration… opens the new revision", async () => {
      await wb.runCommand("Alembic: Generate Migration…");
      const input = page.locator(".quick-input-widget input.input");
      await input.waitFor({ state: "visible", timeout: 10000 });
      await input.fill("add views to post");
      await page.keyboard.press("Enter");
      await wb.until("the new revision's tab", async () => (await wb.activeTab()).includes("add_views_to_post.py"), 90000);
      // A normal tab (preview tabs are italic and replaced by the next file opened).
      if ((await page.locator(PREVIEW_TAB).count()) > 0) throw new Error("the new revision opened in a preview tab");
      const versions = path.join(workspace, "migrations", "versions");
      const created = fs.readdirSync(versions).find((f) => f.endsWith("_add_views_to_post.py"));
      if (!created) throw new Error("no new revision file on disk");
      const source = fs.readFileSync(path.join(versions, created), "utf8");
      if (!/add_column\(.*'views'/s.test(source)) throw new Error(`the new revision does not add post.views:\n${source}`);
      await wb.until("the Generated notification", async () => (await wb.notifications()).some((n) => n.includes(`Generated ${created}`)), 30000);
      await shot("generate-migration");
    }, { needs: ["saving a model change reports drift (AM601 on the model, count in the status bar)"] });

    await step("Alembic: Show History opens a revision from the quick pick", async () => {
      await wb.runCommand("Alembic: Show History");
      const rows = page.locator(".quick-input-widget .monaco-list-row");
      await wb.until("the history quick pick", async () => (await rows.count()) >= 6, 60000);
      await shot("history");
      // Filter the way a person would, by the revision's message, then take the one row left.
      await page.locator(".quick-input-widget input.input").fill("create tag table");
      await wb.until("one matching revision", async () => (await rows.count()) === 1);
      await page.keyboard.press("Enter");
      await wb.until("the picked revision's tab", async () => (await wb.activeTab()).includes("3c4d5e6f7081_create_tag_table.py"));
      // Done only once the opened editor has the focus: until then it can take it from the next step's palette.
      await wb.until("the picked revision's editor focused", async () =>
        (await page.locator(".editor-group-container.active .monaco-editor.focused").count()) > 0);
    }, { needs: ["trusting the folder starts the database features"] });

    await step("Alembic: Show Revision Graph draws the history, follows a new head, opens a revision on click", async () => {
      const began = Date.now();
      await wb.runCommand("Alembic: Show Revision Graph");
      const graph = page.frameLocator("iframe.webview.ready").frameLocator("#active-frame");
      const summary = () => graph.locator("#summary").textContent({ timeout: 1000 });
      const drawn = (id) => graph.locator(`g.revision[data-id="${id}"]`);
      await wb.until("the graph with the database marks", async () =>
        (await drawn(HEAD).count()) > 0 && /1 head · database at/.test(await summary()), 60000);
      figures.graphOpenSeconds = (Date.now() - began) / 1000;

      // A teammate's revision on the same parent as the head, written to disk: the view draws the second head.
      const versions = path.join(workspace, "migrations", "versions");
      const teammate = path.join(versions, "0a1b2c3d4e5f_add_rating_to_post.py");
      const written = Date.now();
      fs.writeFileSync(teammate, fs.readFileSync(path.join(versions, `${HEAD}_add_subtitle_to_post.py`), "utf8")
        .replaceAll(HEAD, "0a1b2c3d4e5f").replaceAll("subtitle", "rating"));
      await wb.until("the second head in the graph", async () =>
        (await drawn("0a1b2c3d4e5f").count()) > 0 && (await summary()).includes("2 heads"), 60000);
      figures.graphFollowsSeconds = (Date.now() - written) / 1000;
      // For the picture: room for the graph beside the file, no toasts, no hover over the tabs.
      await wb.runCommand("View: Toggle Panel Visibility");
      await wb.runCommand("View: Toggle Primary Side Bar Visibility");
      await wb.runCommand("Notifications: Clear All Notifications");
      await wb.until("the panel, the side bar and the toasts gone", async () =>
        (await page.locator(".notifications-toasts .notification-toast").count()) === 0 &&
        !(await page.locator(".part.panel").isVisible()) && !(await page.locator(".part.sidebar").isVisible()));
      const box = await page.locator("iframe.webview.ready").boundingBox();
      await page.mouse.move(box.x + box.width - 20, box.y + box.height - 20);
      await shot("revision-graph");
      await wb.runCommand("View: Toggle Primary Side Bar Visibility");

      // A click on a revision opens its file beside the graph, at `revision = …`.
      await drawn("1a2b3c4d5e6f").click();
      const activeTab = page.locator(".editor-group-container.active .tab.active");
      await wb.until("the clicked revision's file in the active editor group", async () =>
        ((await activeTab.getAttribute("aria-label", { timeout: 1000 })) || "").includes("1a2b3c4d5e6f_create_user_and_post.py"));
      await wb.until("the cursor on its `revision =` line", async () =>
        ((await page.locator('[id="status.editor.selection"]').textContent()) || "").includes("Ln 16, Col 1"), 10000);

      fs.rmSync(teammate);
      await wb.until("the graph back to one head", async () =>
        (await drawn("0a1b2c3d4e5f").count()) === 0 && (await summary()).includes("1 head"), 60000);
    }, { needs: ["trusting the folder starts the database features"] });

    await step("Alembic: Restart Server restarts it, Alembic: Show Output shows its log", async () => {
      // Every text the status item takes, so the short-lived "starting" state cannot be missed.
      await page.evaluate((selector) => {
        const item = document.querySelector(selector);
        window.__alembicStatusTexts = [];
        new MutationObserver(() => window.__alembicStatusTexts.push(item.getAttribute("aria-label") || "")).observe(item, {
          subtree: true, childList: true, characterData: true, attributes: true,
        });
      }, STATUS_ITEM);
      const logBefore = outputLog().length;
      await wb.runCommand("Alembic: Restart Server");
      await wb.until("the status item to show the server starting", () =>
        page.evaluate(() => window.__alembicStatusTexts.some((label) => label.includes("starting"))), 30000);
      await wb.until("the status item back with the database revision", async () => {
        const item = await wb.statusItem();
        return item.label.includes("Database at") ? item : null;
      }, 60000);
      // A restart someone asked for is not an error: the log of the restart (up to the new server's first answer)
      // has no error line.
      const restartLog = await wb.until("the new server's start in the Alembic LS log", async () => {
        const added = outputLog().slice(logBefore);
        return /answered initialize/.test(added) ? added : null;
      }, 30000);
      const errors = restartLog.split("\n").filter((line) => /\[Error|\bERROR\b|Traceback/.test(line));
      if (errors.length > 0) throw new Error(`the restart was logged as an error:\n${errors.join("\n")}`);
      await wb.runCommand("Alembic: Show Output");
      await wb.until("the Alembic LS log in the Output panel", async () => {
        const text = await page.locator(".output-view .view-lines").first().innerText().catch(() => "");
        return /alembic/i.test(text); // the channel's newest lines: server, agent or client, all say so
      }, 30000);
    }, { needs: ["trusting the folder starts the database features"] });

    await step("a folder with a pyproject.toml but no Alembic project offers no Alembic project command", async () => {
      // A new folder, as a user opens one: whether or not it is trusted, no project command may be offered.
      const shop = path.join(workspace, "shop");
      fs.mkdirSync(shop);
      fs.writeFileSync(path.join(shop, "pyproject.toml"), '[project]\nname = "shop"\nversion = "0.1.0"\n');
      fs.writeFileSync(path.join(shop, "app.py"), "print('hello')\n");
      const url = new URL(server.url);
      url.searchParams.set("folder", shop);
      await page.goto(url.toString());
      await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
      const titles = await wb.paletteTitles("Alembic:", "Alembic: Restart Server");
      const offered = [...AGENT_COMMANDS, "Show Revision Graph"].filter((title) => titles.some((row) => row.includes(`Alembic: ${title}`)));
      if (offered.length > 0) throw new Error(`offered without an Alembic project: ${offered.join(", ")}`);
    }, { needs: ["trusting the folder starts the database features"] });
  } finally {
    figures.e2eSeconds = (Date.now() - began) / 1000;
    await browser.close().catch(() => {});
    server.child.kill("SIGTERM");
    if (!process.env.KEEP) fs.rmSync(scratch, { recursive: true, force: true });
    else console.log(`kept ${scratch}`);
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`figures: ${JSON.stringify(figures)}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
