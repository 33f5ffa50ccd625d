// Small helpers that drive the VS Code workbench (code-server in Chromium) the way a person does: keyboard
// shortcuts, the palette, quick open, the Problems panel, the status bar. Every wait polls the DOM for the
// state it needs, with a deadline; nothing sleeps a fixed time.

"use strict";

const STATUS_ITEM = '[id="alembic-ls.alembic-ls.alembicLs.status"]';

class Workbench {
  constructor(page) {
    this.page = page;
  }

  /** Polls `probe` (run in Node) until it returns a truthy value; throws `what` after `timeout` ms. */
  async until(what, probe, timeout = 30000) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        last = await probe();
        if (last) return last;
      } catch (error) {
        last = error;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${describe(last)})`);
      }
      await this.page.waitForTimeout(100);
    }
  }

  async problemsLabel() {
    return this.page.getAttribute('[id="status.problems"]', "aria-label");
  }

  /** Total errors + warnings shown by the status bar's Problems item. */
  async problemCount() {
    const label = (await this.problemsLabel()) || "";
    return [...label.matchAll(/(Errors|Warnings|Infos?): (\d+)/g)].reduce((sum, m) => sum + Number(m[2]), 0);
  }

  async statusItem() {
    const item = this.page.locator(STATUS_ITEM);
    if ((await item.count()) === 0) return { text: "", label: "" };
    return {
      text: ((await item.textContent()) || "").trim(),
      label: (await item.getAttribute("aria-label")) || "",
    };
  }

  /**
   * Runs a palette command by its title, e.g. "Alembic: Upgrade Head". It starts from a closed quick input (one
   * still closing, or an editor opened by the previous step taking focus, would close a palette opened now), and
   * opens the palette again when it closed under it before the row was clicked, as a person would.
   */
  async runCommand(title) {
    const row = await this.openPalette(`>${title}`, title);
    await this.until(`"${title}" clicked`, async () => {
      if (!(await row.isVisible())) await this.openPalette(`>${title}`, title);
      await row.click({ timeout: 2000 });
      return true;
    });
  }

  /** Opens the palette filtered by `filter`; resolves with the first row showing `expected` once it is visible. */
  async openPalette(filter, expected) {
    const widget = this.page.locator(".quick-input-widget");
    const input = widget.locator("input.input");
    const row = widget.locator(".monaco-list-row", { hasText: expected }).first();
    await this.until("no quick input left open", async () => !(await widget.isVisible()), 10000);
    await this.until(`the palette row "${expected}"`, async () => {
      if (!(await input.isVisible())) {
        await this.page.keyboard.press("F1");
        await input.waitFor({ state: "visible", timeout: 2000 });
      }
      if ((await input.inputValue()) !== filter) await input.fill(filter);
      try {
        await row.waitFor({ state: "visible", timeout: 2000 });
      } catch (error) {
        // The list is computed when the palette opens: commands registered since then need it opened again.
        await this.page.keyboard.press("Escape");
        throw error;
      }
      return true;
    });
    return row;
  }

  /** The titles the palette offers for `prefix` (e.g. "Alembic:"), read once `always` (a command shown everywhere) is listed. */
  async paletteTitles(prefix, always) {
    await this.openPalette(`>${prefix}`, always);
    const titles = await this.page.$$eval(".quick-input-widget .monaco-list-row", (rows) =>
      rows.map((row) => row.getAttribute("aria-label") || row.textContent || ""),
    );
    await this.page.keyboard.press("Escape");
    await this.until("the palette closed", async () => !(await this.page.locator(".quick-input-widget").isVisible()), 10000);
    return titles;
  }

  /** Opens a workspace file with quick open (Ctrl+P) and waits for its tab. */
  async openFile(name) {
    await this.page.keyboard.press("Control+P");
    const input = this.page.locator(".quick-input-widget input.input");
    await input.waitFor({ state: "visible", timeout: 10000 });
    await input.fill(name);
    const row = this.page.locator(".quick-input-widget .monaco-list-row", { hasText: name }).first();
    await row.waitFor({ state: "visible", timeout: 10000 });
    await this.page.keyboard.press("Enter");
    await this.until(`the editor tab for ${name}`, () => this.activeTab().then((tab) => tab.includes(name)));
    await this.page.locator(".editor-instance .monaco-editor textarea").first().focus();
  }

  /**
   * Presses `key` until `target` shows, as a person presses Ctrl+. again when the light bulb was not ready yet
   * (the first code action request also waits for the server to import its fix machinery).
   */
  async pressUntilVisible(key, target, timeout = 45000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      await this.page.keyboard.press(key);
      try {
        await target.waitFor({ state: "visible", timeout: 5000 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await this.page.keyboard.press("Escape");
      }
    }
  }

  /** The active tab's label, "" when no tab is open (read in one go: a tab closing between two reads would
   * leave the second waiting for it until its timeout). */
  async activeTab() {
    return this.page.$$eval(".tabs-container .tab.active", (tabs) => (tabs[0] && tabs[0].getAttribute("aria-label")) || "");
  }

  async goToLine(line, column) {
    await this.page.keyboard.press("Control+G");
    const input = this.page.locator(".quick-input-widget input.input");
    await input.waitFor({ state: "visible", timeout: 10000 });
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press("Enter");
    await this.until(`the cursor on line ${line}`, async () => {
      const text = await this.page.locator('[id="status.editor.selection"]').textContent().catch(() => "");
      return (text || "").includes(`Ln ${line}, Col ${column}`);
    }, 10000);
  }

  /** The rows of the Problems panel as shown: "message  alembic-ls(AM101) [Ln 23, Col 5]". */
  async problemRows() {
    return this.page.$$eval(".markers-panel .monaco-list-row", (rows) => rows.map((row) => row.textContent || ""));
  }

  async notifications() {
    return this.page.$$eval(".notifications-toasts .notification-toast, .notifications-center .notification-list-item", (items) =>
      items.map((item) => item.textContent || ""),
    );
  }
}

function describe(value) {
  if (value instanceof Error) return value.message.split("\n")[0];
  return JSON.stringify(value);
}

module.exports = { Workbench, STATUS_ITEM };
