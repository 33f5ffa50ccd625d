// Records the Marketplace README's animated quick fix in real VS Code (code-server in Chromium, the .vsix
// installed, a scratch copy of examples/blog): a revision whose downgrade() does nothing (AM201), its squiggle,
// the finding's hover, the Ctrl+. menu, "Derive downgrade() from upgrade()" applied, the finding gone, saved.
// Each moment is one screenshot (editor, Problems panel, status bar; 1000 px wide), taken once the workbench shows
// it (every step waits for its state, none sleeps); frames.json gives each the time the GIF holds it.
// scripts/make_demo_gif.py animates them.
//
//   node e2e/record-demo.js [path/to/alembic-ls-linux-x64.vsix] [FRAMES_DIR]    (default /tmp/alembic-ls-demo-frames)
//
// bash vscode-extension/e2e/record-demo.sh does the build, this and the GIF in one command.
// Environment: as vscode.e2e.js (CODE_SERVER, NODE24, CHROMIUM); KEEP=1 keeps the scratch folder.

"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { EXTENSION_DIR, checkTools, prepareWorkspace, installExtension, startCodeServer, launchBrowser } = require("./codeserver");
const { Workbench } = require("./workbench");

const VSIX = path.resolve(process.argv[2] || path.join(EXTENSION_DIR, "alembic-ls-linux-x64.vsix"));
const FRAMES = path.resolve(process.argv[3] || "/tmp/alembic-ls-demo-frames");
const REVISION = "5e6f708192a3_add_bio_to_user.py"; // AM201 on `def downgrade()`, line 31, column 5
const FIX = "Derive downgrade() from upgrade()";
const VIEWPORT = { width: 1000, height: 790 };
// For the picture only: no banner or activity bar, a cursor that does not blink between frames.
const DEMO_SETTINGS = {
  "security.workspace.trust.banner": "never",
  "workbench.activityBar.location": "hidden",
  "editor.cursorBlinking": "solid",
  "workbench.layoutControl.enabled": false,
};

async function main() {
  checkTools(VSIX);
  fs.mkdirSync(FRAMES, { recursive: true });
  for (const name of fs.readdirSync(FRAMES)) {
    if (/^\d\d-.*\.png$|^frames\.json$/.test(name)) fs.rmSync(path.join(FRAMES, name)); // an earlier recording's
  }
  const { scratch, workspace } = prepareWorkspace(DEMO_SETTINGS);
  const file = path.join(workspace, "migrations", "versions", REVISION);
  installExtension(scratch, VSIX);
  const server = await startCodeServer(scratch, workspace);
  const browser = await launchBrowser();
  const frames = [];
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    const wb = new Workbench(page);
    const editor = page.locator(".editor-group-container.active .editor-instance .monaco-editor").first();
    const squiggles = editor.locator(".squiggly-error");

    /** Saves what the editor and panel show now; `ms`: how long the GIF holds it. */
    async function frame(what, ms) {
      const top = await page.locator(".part.editor").boundingBox();
      const bottom = await page.locator(".part.statusbar").boundingBox();
      const clip = { x: 0, y: top.y, width: VIEWPORT.width, height: bottom.y + bottom.height - top.y };
      const name = `${String(frames.length + 1).padStart(2, "0")}-${what}.png`;
      await page.screenshot({ path: path.join(FRAMES, name), clip });
      frames.push({ file: name, ms });
      console.log(`frame ${name} (${ms} ms)`);
    }

    await page.goto(server.url);
    await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
    await wb.until("the planted findings (5 problems)", async () => (await wb.problemCount()) === 5, 90000);
    // The editor and the Problems panel only: close the side bar, open the panel.
    await page.keyboard.press("Control+B");
    await wb.until("the side bar closed", async () => !(await page.locator(".part.sidebar").isVisible()), 10000);
    await page.keyboard.press("Control+Shift+M");
    await wb.until("the Problems panel", async () => (await wb.problemRows()).some((row) => row.includes("AM201")), 10000);
    await wb.openFile(REVISION);
    // Ctrl+G centres line 31 (upgrade() and downgrade() in view); the cursor at its start, before the finding.
    await wb.goToLine(31, 1);
    await page.mouse.move(0, VIEWPORT.height - 1); // no hover where the pointer rests
    await wb.until("the squiggle under downgrade", async () => (await squiggles.count()) > 0, 30000);
    await frame("finding", 1400);

    // Onto the finding (arrow keys do not scroll): the light bulb, in its "preferred quick fix" form.
    for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowRight");
    await wb.until("the cursor on the finding", async () =>
      ((await page.locator('[id="status.editor.selection"]').textContent()) || "").includes("Ln 31, Col 5"), 10000);
    const bulb = page.locator(".lightBulbWidget.codicon-lightbulb-autofix").first();
    await wb.until("the light bulb", () => bulb.isVisible(), 45000);
    await frame("cursor", 700);

    await page.keyboard.press("Control+K");
    await page.keyboard.press("Control+I");
    const hover = page.locator(".monaco-hover", { hasText: "AM201" }).first();
    await wb.until("the finding's hover", () => hover.isVisible(), 10000);
    await frame("hover", 2500);
    await page.keyboard.press("Escape");
    await wb.until("the hover closed", async () => !(await hover.isVisible()), 10000);

    const item = page.locator(".action-widget .monaco-list-row", { hasText: FIX }).first();
    await wb.pressUntilVisible("Control+.", item);
    await wb.until("the fix chosen", async () => /\bfocused\b/.test((await item.getAttribute("class")) || ""), 10000);
    await frame("menu", 1700);

    await page.keyboard.press("Enter");
    await wb.until("the derived downgrade() and the finding gone (squiggle, Problems row, the tab's count)", async () =>
      (await editor.locator(".view-lines").innerText()).includes("drop_column('bio')") &&
      (await squiggles.count()) === 0 && (await wb.problemCount()) === 4 &&
      (await page.locator(".tabs-container .tab.active .monaco-decoration-itemColor").count()) === 0, 30000);
    await frame("fixed", 1200);

    // Saved, and the cursor down on the derived lines (the light bulb goes with the finding).
    await page.keyboard.press("Control+S");
    await wb.until("the file saved", () => fs.readFileSync(file, "utf8").includes("drop_column('bio')"), 30000);
    for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowDown");
    await wb.until("the cursor on drop_column, no light bulb", async () =>
      ((await page.locator('[id="status.editor.selection"]').textContent()) || "").includes("Ln 35,") &&
      !(await page.locator(".lightBulbWidget").isVisible()), 10000);
    await frame("derived", 2500);
  } catch (error) {
    const shot = path.join(scratch, "failure.png");
    await browser.contexts()[0]?.pages()[0]?.screenshot({ path: shot }).catch(() => {});
    console.log(`failed: the page as it was is in ${shot} (KEEP=1 keeps it)`);
    throw error;
  } finally {
    await browser.close().catch(() => {});
    server.child.kill("SIGTERM");
    if (!process.env.KEEP) fs.rmSync(scratch, { recursive: true, force: true });
    else console.log(`kept ${scratch}`);
  }
  fs.writeFileSync(path.join(FRAMES, "frames.json"), JSON.stringify(frames, null, 2) + "\n");
  console.log(`${frames.length} frames in ${FRAMES}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
