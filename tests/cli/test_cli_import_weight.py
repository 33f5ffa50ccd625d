"""What `alembic-ls check` loads before it reads a file: the picture renderers (xml.sax, and with it
urllib.request and http.client) only when `graph` draws one."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("xml.sax.saxutils", "urllib.request", "http.client", "alembic_ls.graphview.render")


def test_the_command_line_loads_no_renderer() -> None:
    probe = f"import sys, alembic_ls.cli\nprint([name for name in {HEAVY!r} if name in sys.modules])"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
