"""The agent: code that runs in the *project's* interpreter, never in the language server's.

It lives in `payload/alembic_ls_agent/`, a folder holding nothing but that package, so it can be put on
the project interpreter's PYTHONPATH without exposing alembic-ls's own dependencies (the project may use
other SQLAlchemy/Alembic versions). It speaks JSON lines over stdio; `protocol.py` is the one module both
sides share.
"""

from __future__ import annotations

from pathlib import Path

PAYLOAD_DIR = Path(__file__).resolve().parent / "payload"
AGENT_MODULE = "alembic_ls_agent"

__all__ = ["AGENT_MODULE", "PAYLOAD_DIR"]
