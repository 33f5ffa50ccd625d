"""The `alembic-ls` command. For `serve`, and for `check` when it may use its cache, the modules
the command needs are imported first with the generated methods of their attrs classes and
dataclasses taken from the cache directory (generated_code_cache: ~0.15 s of every server start,
~20 ms of every `check`); then the command line is read as usual (cli)."""

from __future__ import annotations

import importlib
import sys

# What each command imports under the hook: the modules defining its classes, directly or not.
MODULES_OF = {
    "serve": ("alembic_ls.server.main",),
    "check": ("alembic_ls.cli", "alembic_ls.workspace_check", "alembic_ls.rules.registry"),
}


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else None
    # `--no-cache` promises that nothing is read from or written to the cache directory.
    if command in MODULES_OF and "--no-cache" not in sys.argv[2:]:
        import_with_kept_code(command)
    from alembic_ls.cli import main as run

    return run()


def import_with_kept_code(command: str) -> None:
    from alembic_ls.cache_dir import default_cache_dir
    from alembic_ls.generated_code_cache import generated_code_kept

    with generated_code_kept(default_cache_dir(), command):
        for module in MODULES_OF[command]:
            importlib.import_module(module)
