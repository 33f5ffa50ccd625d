"""Rule documentation pages shipped inside the package (`alembic-ls explain CODE`)."""

from __future__ import annotations

from pathlib import Path

DOCS_DIR = Path(__file__).parent / "rules" / "docs"


def doc_path(code: str) -> Path:
    return DOCS_DIR / f"{code.upper()}.md"


def doc_text(code: str) -> str | None:
    path = doc_path(code)
    return path.read_text(encoding="utf-8") if path.is_file() else None


def doc_uri(code: str) -> str:
    """Where an editor can open the page: the copy installed with the package."""
    return doc_path(code).resolve().as_uri()
