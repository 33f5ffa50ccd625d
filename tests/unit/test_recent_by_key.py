"""RecentByKey: the value built last for each of the last few keys (AM202's changes per function,
the upgrade timeline per file)."""

from __future__ import annotations

from alembic_ls.analysis.last_memo import RecentByKey


def test_a_taken_value_is_handed_over_once() -> None:
    recent: RecentByKey[str, int] = RecentByKey()
    recent.keep("a.py", 1)
    assert recent.take("a.py") == 1
    assert recent.take("a.py") is None  # the caller keeps what it builds next


def test_the_key_kept_longest_ago_goes_first() -> None:
    recent: RecentByKey[str, int] = RecentByKey(size=3)
    for key in ("a", "b", "c"):
        recent.keep(key, ord(key))
    recent.keep("a", 1)  # kept again: now the newest
    recent.keep("d", 4)  # one too many: "b" goes
    assert recent.take("b") is None
    assert [recent.take(key) for key in ("a", "c", "d")] == [1, ord("c"), 4]
