"""What the project's own revision template (`script.py.mako`) says about its conventions.

A team that removed `def downgrade()` from its template (neutron: "downgrades are not supported")
decided that revisions have none; reporting every revision for it would be noise, not news.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

_DOWNGRADE = re.compile(rb"^\s*def\s+downgrade\s*\(", re.M)


def writes_downgrade(script_location: Path) -> bool:
    """Does the template Alembic fills for new revisions define downgrade()? (True without one.)"""
    template = script_location / "script.py.mako"
    try:
        stat = os.stat(template)
    except OSError:
        return True
    return _defines_downgrade(str(template), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _defines_downgrade(path: str, _mtime_ns: int, _size: int) -> bool:
    try:
        with open(path, "rb") as handle:
            return _DOWNGRADE.search(handle.read()) is not None
    except OSError:
        return True
