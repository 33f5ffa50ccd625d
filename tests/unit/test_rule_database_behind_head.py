"""AM602: the checker reports revisions the database has not applied once it knows the database's position."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from alembic_ls.checker import Checker
from alembic_ls.operations.inspect import pending_revisions
from alembic_ls.rules.base import Severity
from alembic_ls.settings import Settings

if TYPE_CHECKING:  # tests/conftest.py (another conftest may come first on sys.path at run time)
    from conftest import History

Histories = Callable[..., "History"]


def branched(write_history: Histories) -> History:
    """a <- b <- c, and a <- x <- m (merge of c and x) <- d."""
    return write_history(("a", None), ("b", "a"), ("c", "b"), ("x", "a"), ("m", ("c", "x")), ("d", "m"))


def am602(
    history: History, database: tuple[str, ...] | None, settings: Settings | None = None
) -> dict[str, int]:
    """Revision id -> line of its AM602 finding."""
    index = history.index()
    checker = Checker(index, settings or Settings(), database)
    found = {}
    for rev in index.revision_files():
        for finding in checker.check_file(rev):
            if finding.code == "AM602":
                assert rev.revision_id is not None
                found[rev.revision_id] = finding.span.line
    return found


def test_unknown_position_reports_nothing(write_history: Histories) -> None:
    assert am602(branched(write_history), None) == {}


def test_revisions_after_the_current_one_are_reported_on_their_revision_line(
    write_history: Histories,
) -> None:
    history = branched(write_history)
    found = am602(history, ("c",))
    assert sorted(found) == ["d", "m", "x"]
    revision_line = next(
        number
        for number, line in enumerate(history.files["x"].read_text().splitlines())
        if line.startswith("revision =")
    )
    assert set(found.values()) == {revision_line}


def test_an_empty_database_is_behind_every_revision_and_the_head_is_behind_none(
    write_history: Histories,
) -> None:
    history = branched(write_history)
    assert sorted(am602(history, ())) == ["a", "b", "c", "d", "m", "x"]
    assert am602(history, ("d",)) == {}


def test_the_finding_is_information_with_an_upgrade_command(write_history: Histories) -> None:
    history = write_history(("a", None), ("b", "a"))
    index = history.index()
    [finding] = [
        f
        for rev in index.revision_files()
        for f in Checker(index, Settings(), ("a",)).check_file(rev)
        if f.code == "AM602"
    ]
    assert finding.severity is Severity.INFO
    assert finding.message.startswith("Not applied: the database is at a.")
    assert finding.fix is not None and finding.fix.kind == "command" and not finding.fix.safe
    assert finding.fix.params == {
        "command": "alembic-ls.upgrade",
        "arguments": [{"project": str(history.project().root), "target": "b"}],
    }


def test_ignoring_the_rule_silences_it(write_history: Histories) -> None:
    history = write_history(("a", None), ("b", "a"))
    assert am602(history, ("a",), Settings(ignore=("AM602",))) == {}


def test_pending_revisions_are_oldest_first_through_merges(write_history: Histories) -> None:
    graph = branched(write_history).index().graph
    assert pending_revisions(graph, []) == ["a", "b", "x", "c", "m", "d"]
    assert pending_revisions(graph, ["b"]) == ["x", "c", "m", "d"]
    assert pending_revisions(graph, ["d"]) == []


def test_pending_revisions_of_a_history_deeper_than_the_recursion_limit(write_history: Histories) -> None:
    revisions = [("r0000", None)] + [(f"r{n:04d}", f"r{n - 1:04d}") for n in range(1, 1500)]
    graph = write_history(*revisions).index().graph
    assert pending_revisions(graph, []) == [rid for rid, _down in revisions]
    assert pending_revisions(graph, ["r1000"]) == [rid for rid, _down in revisions[1001:]]
