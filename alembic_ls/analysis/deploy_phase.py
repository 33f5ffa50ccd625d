"""Revisions the expand/contract convention runs with the application stopped.

OpenStack projects (Neutron, and the networking-* plugins on its tooling) split their history into
an `expand` branch, run while the old code still serves traffic, and a `contract` branch, run only
once every server is stopped (`neutron-db-manage upgrade --contract` refuses otherwise). A lock
held or a column dropped in a contract revision meets no query and no running code, so the rules
about live traffic have nothing to say there. The phase is read from the branch label a revision
carries or inherits (`branch_labels = (cli.CONTRACT_BRANCH,)`, read as written) and from a
`contract` folder in its path (`versions/liberty/contract/`).
"""

from __future__ import annotations

import re
from pathlib import PurePath

from alembic_ls.analysis.graph import RevisionGraph
from alembic_ls.analysis.revision_file import RevisionFile

CONTRACT = "contract"


def runs_offline(rev: RevisionFile, graph: RevisionGraph) -> bool:
    """Is this a contract revision of the expand/contract convention?"""
    if CONTRACT in (part.lower() for part in PurePath(rev.path).parent.parts[-3:]):
        return True
    rid = rev.revision_id
    labels = graph.labels[rid] if rid is not None and rid in graph.labels else frozenset(rev.labels)
    # A word of the label, not a substring: `contracts` (a billing feature's branch) is not the phase.
    return any(CONTRACT in re.split(r"[^a-z0-9]+", label.lower()) for label in labels)
