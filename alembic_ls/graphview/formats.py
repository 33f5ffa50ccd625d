"""The picture formats `alembic-ls graph --format` offers, apart from the renderers: the command line
names them on every run, and the SVG renderer pulls in xml.sax (and with it urllib.request)."""

FORMATS = ("text", "mermaid", "dot", "svg")
