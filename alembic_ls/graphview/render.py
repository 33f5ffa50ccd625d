"""Renderers: text (terminal), Mermaid, Graphviz dot, and SVG drawn directly (no browser, no Graphviz)."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from alembic_ls.graphview.layout import assign_lanes, lanes_and_edges, topological_rows
from alembic_ls.graphview.model import GraphModel, Node

SEVERITY_COLOURS = {"error": "#d73a49", "warning": "#dbab09", "info": "#0366d6", "hint": "#6a737d"}


def marks(node: Node) -> list[str]:
    out = []
    if node.head:
        out.append("head")
    if node.base:
        out.append("base")
    if node.merge:
        out.append("merge")
    if node.branch_point:
        out.append("branch point")
    if node.branch_labels:
        out.append("labels: " + ", ".join(node.branch_labels))
    if node.current:
        out.append("current")
    elif node.applied is False:
        out.append("not applied")
    if node.missing:
        out.append("MISSING")
    if node.codes:
        out.append(f"{node.severity}: " + ", ".join(node.codes))
    return out


def render(model: GraphModel, fmt: str) -> str:
    return {"text": render_text, "mermaid": render_mermaid, "dot": render_dot, "svg": render_svg}[fmt](model)


# What each mark of the text drawing means, in the order the legend lists them.
TEXT_LEGEND = {
    "o": "revision",
    "!": "revision with an error finding",
    "@": "the database's current revision",
    "|": "a parent link passing by",
    "…": "linear run folded into one line (--full draws every revision)",
}


def render_text(model: GraphModel) -> str:
    placed, passing = lanes_and_edges(model)
    width = max((p.lane for p in placed.values()), default=0) + 1
    by_id = {n.id: n for n in model.nodes}
    lines = []
    used: set[str] = set()
    for rid in topological_rows(model):
        node, place = by_id[rid], placed[rid]
        symbol = "@" if node.current else ("!" if node.severity == "error" else "o")
        through = passing[place.row]
        cells = [symbol if lane == place.lane else ("|" if lane in through else " ") for lane in range(width)]
        used.update(cells)
        if node.collapsed:
            used.add("…")
        detail = f"  [{'; '.join(marks(node))}]" if marks(node) else ""
        lines.append(" ".join(cells).rstrip() + "  " + node.label + detail)
    legend = [f"{mark} {meaning}" for mark, meaning in TEXT_LEGEND.items() if mark in used]
    if legend:
        lines.extend(["", "Legend: " + "; ".join(legend) + "."])
    return "\n".join(lines)


def _mermaid_id(rid: str) -> str:
    return "r_" + "".join(c if c.isalnum() else "_" for c in rid)


def render_mermaid(model: GraphModel) -> str:
    out = ["graph BT"]
    for node in model.nodes:
        text = node.label + ("<br/>" + "; ".join(marks(node)) if marks(node) else "")
        text = text.replace('"', "'")
        shape = f'(["{text}"])' if node.head else f'["{text}"]'
        out.append(f"  {_mermaid_id(node.id)}{shape}")
        if node.severity:
            colour = SEVERITY_COLOURS.get(node.severity, "#999")
            out.append(f"  style {_mermaid_id(node.id)} stroke:{colour},stroke-width:3px")
    for child, parent in model.edges:
        out.append(f"  {_mermaid_id(parent)} --> {_mermaid_id(child)}")
    return "\n".join(out)


def render_dot(model: GraphModel) -> str:
    out = ["digraph revisions {", "  rankdir=BT;", '  node [shape=box, fontname="monospace"];']
    for node in model.nodes:
        label = node.label + ("\\n" + "; ".join(marks(node)) if marks(node) else "")
        attrs = [f"label={quoteattr(label)}"]
        if node.severity:
            attrs.append(f'color="{SEVERITY_COLOURS.get(node.severity, "#999")}"')
        if node.head:
            attrs.append("style=bold")
        if node.missing:
            attrs.append("style=dashed")
        out.append(f"  {quoteattr(node.id)} [{', '.join(attrs)}];")
    for child, parent in model.edges:
        out.append(f"  {quoteattr(parent)} -> {quoteattr(child)};")
    out.append("}")
    return "\n".join(out)


ROW, LANE, PAD, RADIUS = 28, 22, 20, 6


def render_svg(model: GraphModel) -> str:
    placed = assign_lanes(model)
    lanes = max((p.lane for p in placed.values()), default=0) + 1
    rows = len(placed)
    text_x = PAD + lanes * LANE + 10
    longest = max((len(n.label) + len("; ".join(marks(n))) + 4 for n in model.nodes), default=10)
    width = text_x + longest * 7 + PAD
    height = PAD * 2 + rows * ROW

    def xy(rid: str) -> tuple[int, int]:
        p = placed[rid]
        return PAD + p.lane * LANE + LANE // 2, PAD + p.row * ROW + ROW // 2

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="monospace" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
    ]
    for child, parent in model.edges:
        (x1, y1), (x2, y2) = xy(child), xy(parent)
        mid = (y1 + y2) / 2
        dashed = ' stroke-dasharray="4 3"' if any(n.id == parent and n.missing for n in model.nodes) else ""
        parts.append(
            f'<path d="M{x1},{y1} C{x1},{mid} {x2},{mid} {x2},{y2}" fill="none" '
            f'stroke="#586069" stroke-width="1.5"{dashed}/>'
        )
    for node in model.nodes:
        x, y = xy(node.id)
        colour = SEVERITY_COLOURS.get(node.severity or "", "#24292e")
        fill = "white" if node.applied is False or node.missing else colour
        title = escape(node.label + ("\n" + "\n".join(marks(node)) if marks(node) else ""))
        radius = RADIUS + 2 if node.head or node.merge else RADIUS
        parts.append(
            f'<g class="revision" data-id={quoteattr(node.id)}><title>{title}</title>'
            f'<circle cx="{x}" cy="{y}" r="{radius}" fill="{fill}" stroke="{colour}" stroke-width="2"/>'
        )
        detail = "; ".join(marks(node))
        parts.append(
            f'<text x="{text_x}" y="{y + 4}" fill="#24292e">{escape(node.label)}'
            + (f'<tspan fill="{colour}">  [{escape(detail)}]</tspan>' if detail else "")
            + "</text></g>"
        )
    parts.append("</svg>")
    return "\n".join(parts)
