"""Start the bundled alembic-ls language server with the running interpreter.

The extension runs this file as `python -I launch.py`: -I keeps the environment variables, user site and
current directory out of sys.path, and the bundled packages are put in front of the interpreter's own
site-packages, so whatever the user has installed cannot replace the server's dependencies.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TAG = f"cp{sys.version_info[0]}{sys.version_info[1]}"
LIBS = os.path.join(HERE, "libs", TAG)

if not os.path.isdir(LIBS):
    sys.stderr.write(f"alembic-ls: this extension build has no server packages for Python {TAG}\n")
    sys.exit(3)

sys.path[0:0] = [os.path.join(HERE, "tool"), LIBS, os.path.join(HERE, "libs", "common")]

from alembic_ls.cli import main  # noqa: E402  (importable only once the paths above are in place)

sys.exit(main(["serve", *sys.argv[1:]]))
