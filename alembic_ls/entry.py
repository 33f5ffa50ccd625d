"""The `alembic-ls` command. For `serve`, and for `check` when it may use its cache, the modules
the command needs are imported first with the generated methods of their attrs classes and
dataclasses taken from the cache directory (generated_code_cache: ~0.15 s of every server start,
~20 ms of every `check`); then the command line is read as usual (cli). `check` ends without the
interpreter's clean-up (see `exit_at_once`)."""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import sys

# What each command imports under the hook: the modules defining its classes, directly or not.
MODULES_OF = {
    "serve": ("alembic_ls.server.main",),
    "check": ("alembic_ls.cli", "alembic_ls.workspace_check", "alembic_ls.rules.registry"),
}
# Commands whose modules define attrs classes (lsprotocol's types); `check` defines none, and
# importing attrs only to hook it took 18 ms of every check (a warm one takes 0.13 s).
DEFINES_ATTRS_CLASSES = frozenset({"serve"})
# Commands that leave nothing for the interpreter's clean-up to finish (no atexit work of their
# own: their worker pools are shut down, their files closed) but a heap worth skipping. They run
# without the cyclic collector: `run_check` pauses it anyway while it builds the summaries (and
# fixes files), and once resumed, its first pass walked the whole heap again (~0.15 s) for garbage
# the exit frees.
EXITS_AT_ONCE = frozenset({"check"})


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else None
    if command in EXITS_AT_ONCE:
        gc.disable()
    # `--no-cache` promises that nothing is read from or written to the cache directory.
    if command in MODULES_OF and "--no-cache" not in sys.argv[2:]:
        import_with_kept_code(command)
    from alembic_ls.cli import main as run

    status = run()
    if command in EXITS_AT_ONCE:
        exit_at_once(status)
    return status


def exit_at_once(status: int) -> None:
    """End the process once its output is out, skipping the interpreter's clean-up: a cold `check`
    of 1,000 revisions holds some two million objects, and the last collection and freeing them
    one by one took ~1 s more than the check itself (as mypy does with `hard_exit`)."""
    for stream in (sys.stdout, sys.stderr):
        # A reader that left (`check | head`) or a closed stream: nothing more to say.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)


def import_with_kept_code(command: str) -> None:
    from alembic_ls.cache_dir import default_cache_dir
    from alembic_ls.generated_code_cache import generated_code_kept

    with generated_code_kept(default_cache_dir(), command, attrs=command in DEFINES_ATTRS_CLASSES):
        for module in MODULES_OF[command]:
            importlib.import_module(module)
