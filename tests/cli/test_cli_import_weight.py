"""What `alembic-ls check` and the server load: the picture renderers (xml.sax, and with it
urllib.request and http.client) only when a graph is drawn; libcst (about half the command's
start-up) only when a fix is built; attrs (lsprotocol's classes) only in the server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = ("xml.sax.saxutils", "urllib.request", "http.client", "alembic_ls.graphview.render", "libcst")


def test_the_command_line_loads_no_renderer() -> None:
    probe = f"import sys, alembic_ls.cli\nprint([name for name in {HEAVY!r} if name in sys.modules])"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_check_without_fixes_never_loads_libcst() -> None:
    demo = Path(__file__).resolve().parents[2] / "examples" / "blog"
    probe = (
        "import sys\nfrom pathlib import Path\nfrom alembic_ls.settings import Settings\n"
        "from alembic_ls.workspace_check import run_check\n"
        "result = run_check([Path(sys.argv[1])], Settings(), fix=False, use_cache=False)\n"
        "assert result.findings\nprint('libcst' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe, str(demo)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_server_loads_no_renderer_until_a_graph_is_drawn() -> None:
    renderers = HEAVY[:4]  # libcst aside: the server's code actions build fixes
    probe = f"import sys, alembic_ls.server.main\nprint([m for m in {renderers!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_check_never_loads_attrs() -> None:
    # It defines no attrs class: importing attrs to hook its code generation cost every check 18 ms.
    probe = (
        "import sys\nfrom alembic_ls.entry import import_with_kept_code\n"
        "import_with_kept_code('check')\nimport alembic_ls.cli\nprint('attr' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
