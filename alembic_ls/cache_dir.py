"""Where alembic-ls keeps what it can compute again: `ALEMBIC_LS_CACHE_DIR`, else the user's cache
directory. Its own module, with nothing to import, so the command's entry can find it first."""

from __future__ import annotations

import os
from pathlib import Path


def default_cache_dir() -> Path:
    configured = os.environ.get("ALEMBIC_LS_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "alembic-ls"
