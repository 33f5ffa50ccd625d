"""IdentityMemo: a result per value identity, never per equality, and a bounded table."""

from __future__ import annotations

from alembic_ls.analysis.identity_memo import IdentityMemo


def test_results_are_remembered_per_value_not_per_equal_value() -> None:
    calls: list[tuple[int, ...]] = []

    def compute(value: tuple[int, ...]) -> int:
        calls.append(value)
        return sum(value)

    memo = IdentityMemo(compute)
    first, equal = tuple([1, 2]), tuple([1, 2])
    assert first is not equal
    assert memo(first) == memo(first) == 3
    assert len(calls) == 1
    assert memo(equal) == 3 and len(calls) == 2  # an equal value is another value


def test_the_table_starts_over_when_full() -> None:
    computed = []
    memo = IdentityMemo(lambda value: computed.append(value) or len(computed), limit=3)
    values = [object() for _ in range(4)]
    for value in values:
        memo(value)
    assert len(computed) == 4
    memo(values[0])  # forgotten when the table was emptied for the fourth
    assert len(computed) == 5
    memo(values[3])  # remembered since
    assert len(computed) == 5
