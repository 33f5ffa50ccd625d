// The revision graph webview's page: the server's SVG, themed with VS Code's colours, clickable revisions.
// No network and nothing inline without the nonce: the Content-Security-Policy allows only this page's own style
// and script. The SVG is parsed with DOMParser (never innerHTML) and its revisions become links (click / Enter).

/** Messages from the extension to the page. */
export type ToPage =
  | { type: "graph"; svg: string; summary: string; openable: string[]; full: boolean }
  | { type: "error"; message: string };

/** Messages from the page to the extension. */
export type FromPage = { type: "ready" } | { type: "open"; id: string } | { type: "options"; full: boolean };

export function parseFromPage(value: unknown): FromPage | null {
  if (value === null || typeof value !== "object") return null;
  const message = value as Record<string, unknown>;
  if (message.type === "ready") return { type: "ready" };
  if (message.type === "open" && typeof message.id === "string" && message.id !== "") {
    return { type: "open", id: message.id };
  }
  if (message.type === "options" && typeof message.full === "boolean") return { type: "options", full: message.full };
  return null;
}

/** A nonce for the page's style and script: 32 characters from [A-Za-z0-9]. */
export function makeNonce(random: () => number = Math.random): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let nonce = "";
  for (let i = 0; i < 32; i++) nonce += alphabet.charAt(Math.floor(random() * alphabet.length));
  return nonce;
}

// render_svg draws the neutral ink #24292e on a white card; in the editor the card takes the theme's colours.
// (CSS beats SVG presentation attributes; the severity colours on <tspan> and circles stay as drawn.)
const STYLE = `
body { padding: 0 16px 16px; color: var(--vscode-foreground); font-family: var(--vscode-font-family); }
header { position: sticky; top: 0; display: flex; gap: 16px; align-items: center; flex-wrap: wrap;
  padding: 8px 0; background: var(--vscode-editor-background); z-index: 1; }
#summary { font-weight: 600; }
#error { color: var(--vscode-errorForeground); white-space: pre-wrap; }
#graph svg > rect:first-child { fill: var(--vscode-editor-background); }
#graph svg text { fill: var(--vscode-editor-foreground); font-family: var(--vscode-editor-font-family, monospace); }
#graph svg circle[stroke="#24292e"] { stroke: var(--vscode-editor-foreground); }
#graph svg circle[fill="#24292e"] { fill: var(--vscode-editor-foreground); }
#graph svg circle[fill="white"] { fill: var(--vscode-editor-background); }
#graph g.openable { cursor: pointer; }
#graph g.openable:hover text, #graph g.openable:focus text { text-decoration: underline; }
#graph g.openable:focus { outline: 1px solid var(--vscode-focusBorder); }
`;

const SCRIPT = `
(function () {
  const vscode = acquireVsCodeApi();
  const graph = document.getElementById("graph");
  const summary = document.getElementById("summary");
  const error = document.getElementById("error");
  const full = document.getElementById("full");
  full.addEventListener("change", function () {
    vscode.postMessage({ type: "options", full: full.checked });
  });
  window.addEventListener("message", function (event) {
    const message = event.data;
    if (!message || typeof message !== "object") return;
    if (message.type === "error") {
      error.textContent = message.message;
      error.hidden = false;
      summary.textContent = "";
      graph.replaceChildren();
      return;
    }
    if (message.type !== "graph") return;
    const parsed = new DOMParser().parseFromString(message.svg, "image/svg+xml");
    const svg = parsed.documentElement;
    if (svg.nodeName !== "svg" || parsed.getElementsByTagName("parsererror").length > 0) {
      error.textContent = "The server sent a picture this view cannot read.";
      error.hidden = false;
      return;
    }
    const openable = new Set(message.openable);
    for (const node of svg.querySelectorAll("g.revision")) {
      if (openable.has(node.getAttribute("data-id"))) {
        node.classList.add("openable");
        node.setAttribute("tabindex", "0");
        node.setAttribute("role", "link");
      }
    }
    graph.replaceChildren(document.importNode(svg, true));
    summary.textContent = message.summary;
    full.checked = message.full;
    error.hidden = true;
  });
  function open(target) {
    const node = target && target.closest ? target.closest("g.revision.openable") : null;
    if (node) vscode.postMessage({ type: "open", id: node.getAttribute("data-id") });
  }
  graph.addEventListener("click", function (event) { open(event.target); });
  graph.addEventListener("keydown", function (event) {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      open(event.target);
    }
  });
  vscode.postMessage({ type: "ready" });
})();
`;

export function graphPage(nonce: string): string {
  const csp = `default-src 'none'; img-src data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Revision Graph</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>
<span id="summary" role="status" aria-live="polite">Reading the revision graph…</span>
<label><input type="checkbox" id="full"> Show every revision</label>
</header>
<div id="error" role="alert" hidden></div>
<main id="graph" aria-label="Revision graph: click a revision to open its file"></main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}
