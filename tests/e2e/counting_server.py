"""`alembic-ls serve`, counting every full analysis of each text (test_one_analysis_per_version.py).

Every analysis of a revision text passes through `parser._Analyzer.run`; this process counts them
by the SHA-1 of the text analysed and answers the counts to the `alembic-ls.test.analyses`
command, so a test can see through the real server whether one version was analysed twice.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from alembic_ls.analysis import parser
from alembic_ls.server import main
from alembic_ls.server.server import AlembicLanguageServer

ANALYSES: Counter[str] = Counter()
_run = parser._Analyzer.run


def _counted_run(self: Any) -> None:
    ANALYSES[hashlib.sha1("\n".join(self.lines).encode()).hexdigest()] += 1
    _run(self)


def _create_server(cache: Any = None) -> AlembicLanguageServer:
    server = _create(cache)

    @server.command("alembic-ls.test.analyses")
    def analyses(*_args: Any) -> dict[str, int]:
        return dict(ANALYSES)

    return server


parser._Analyzer.run = _counted_run  # type: ignore[method-assign]
_create = main.create_server
main.create_server = _create_server

if __name__ == "__main__":
    main.serve(None)
