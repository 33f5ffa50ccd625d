"""The parser's shortcuts (alembic_ls.analysis.prefilter) never change what it reports.

Each source is parsed twice: as usual, and with every shortcut answering "maybe", which forces
the full AST walks. The two summaries must be equal in every field.
"""

from __future__ import annotations

import ast
import random
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

from alembic_ls.analysis import parser, prefilter
from alembic_ls.analysis.parser import parse_revision
from alembic_ls.analysis.revision_file import RevisionFile

REPO = Path(__file__).resolve().parents[2]

EDGE_CASES = {
    "name only inside an f-string": 'from alembic import op\nx = f"{missing_a}"\n',
    "prefixed strings": "from alembic import op\ny = rb'\\x00' + missing_b\nz = Rb'#' + u'#'\n",
    "hash and quotes inside a docstring": '"""doc "q" # not a comment"""\nmissing_c\n',
    "keyword argument value": "from alembic import op\nop.add_column('t', nullable=missing_d)\n",
    "comparison": "from alembic import op\nok = 1 == missing_e\nfine = 2 <= missing_f\n",
    "non-ASCII identifiers": "\uff55\uff4e\uff44\uff45\uff46 = 1\nprint(undef, missing_g)\n",
    "comprehension variable": "values = [i for i in range(3)]\nother = [j for k in range(2)]\n",
    "lambda and walrus": "f = lambda q: q + missing_h\nif (w := 3):\n    pass\nprint(w)\n",
    "escaped quotes": 'a = \'it\\\'s # fine\'\nb = """x\\""" """\nmissing_i\n',
    "line continuation": "import sqlalchemy as sa\ncol = sa.\\\n    Column\nmissing_j\n",
    "imports in functions": (
        "def upgrade():\n    from alembic import op\n    op.execute('x')\n    sqlmodel.x\n"
    ),
    "star import": "from x import *\nanything_goes\n",
    "match statement": (
        "def f(x):\n    match x:\n        case [a, *rest]:\n"
        "            with open(a) as fh:\n                print(fh, rest, missing_m)\n"
    ),
    # An annotation's last name is followed by `=` just like a keyword argument's name.
    "annotated assignments": (
        "revision: MissingModule = 'a'\nclass C:\n    x: int | MissingClass = 1\n"
        "def upgrade():\n    y: MissingLocal = 2\n"
    ),
    "annotated parameters with defaults": "def f(a: MissingParam = 1, *, b: int = 2) -> None:\n    pass\n",
    "future annotations": "from __future__ import annotations\ndef f(a: Missing_k) -> Missing_l:\n    pass\n",
    "sql in an if header": (
        "from alembic import op\nimport sqlalchemy as sa\n"
        "def upgrade():\n    if op.get_bind().execute(sa.text('select 1')):\n        pass\n"
    ),
    "text as a bare name": (
        "from sqlalchemy import text\ndef upgrade():\n    conn.exec_driver_sql(text('x'))\n"
    ),
    "sql nested in op arguments": (
        "from alembic import op\nimport sqlalchemy as sa\n"
        "def upgrade():\n    op.add_column('t', sa.Column('c', server_default=sa.text('now()')))\n"
    ),
    "full-width execute": (
        "from alembic import op\ndef upgrade():\n    op.\uff45\uff58\uff45\uff43\uff55\uff54\uff45('x')\n"
    ),
    "bulk insert": "from alembic import op\ndef upgrade():\n    op.bulk_insert(table, [{'a': 1}])\n",
    # Read whole or statement by statement, the text between statements holds only comments.
    "comments with quotes between statements": (
        'import x\n# it\'s a \'quote\n@x.deco(missing_n)\ndef f():\n    # """ open\n    pass\n'
        "  # trailing '''\nmissing_o; x.y = 1\n"
    ),
}


def _without_shortcuts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefilter, "all_names_bound", lambda *args: False)
    monkeypatch.setattr(prefilter, "sql_word_lines", lambda lines: None)


def _both_ways(path: str, text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[RevisionFile, RevisionFile]:
    fast = parse_revision(path, text)
    with monkeypatch.context() as patched:
        _without_shortcuts(patched)
        slow = parse_revision(path, text)
    return fast, slow


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_edge_cases(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = _both_ways(f"{name}.py", EDGE_CASES[name], monkeypatch)
    assert fast.parse_error is None
    assert fast == slow


def test_edge_cases_are_not_vacuous(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cases above do reach both answers: some names are undefined, some SQL is found."""
    undefined = {n.name for text in EDGE_CASES.values() for n in parse_revision("x.py", text).undefined_names}
    expected = {"missing_a", "missing_d", "missing_g", "missing_i", "missing_m", "missing_o", "sqlmodel"}
    expected |= {"missing_n", "MissingModule"}
    assert expected | {"MissingClass", "MissingParam"} <= undefined
    assert "anything_goes" not in undefined
    assert "MissingLocal" not in undefined  # a local variable's annotation is never evaluated
    sql = [c.what for text in EDGE_CASES.values() for c in parse_revision("x.py", text).sql_calls]
    assert {
        "op.execute",
        "op.get_bind().execute",
        "conn.exec_driver_sql",
        "op.bulk_insert",
    } <= set(sql)


def _corpus() -> list[Path]:
    """Real Python files: the demo's migrations, and samples of this repository and the stdlib."""
    rng = random.Random(0)
    demo = sorted(REPO.glob("examples/**/*.py"))
    own = sorted(REPO.glob("alembic_ls/**/*.py"))
    stdlib = sorted(
        p for p in Path(sysconfig.get_paths()["stdlib"]).glob("*.py") if p.stat().st_size < 20_000
    )
    return demo + rng.sample(own, min(len(own), 40)) + rng.sample(stdlib, min(len(stdlib), 40))


def test_real_files(monkeypatch: pytest.MonkeyPatch) -> None:
    checked = 0
    for path in _corpus():
        text = path.read_text(encoding="utf-8", errors="replace")
        fast, slow = _both_ways(str(path), text, monkeypatch)
        assert fast == slow, path
        checked += fast.parse_error is None
    assert checked > 60


def test_shortcuts_are_taken_on_autogenerated_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Guards the speed-up itself: a plain autogenerate file needs no walk over whole statements."""
    walked: list[object] = []
    real_walk = parser.ast.walk

    def recording_walk(node: ast.AST) -> Iterator[ast.AST]:
        if isinstance(node, ast.Module | ast.stmt):
            walked.append(node)
        return real_walk(node)

    monkeypatch.setattr(parser.ast, "walk", recording_walk)
    clean = 0
    for path in sorted((REPO / "examples" / "blog" / "migrations" / "versions").glob("*.py")):
        walked.clear()
        summary = parse_revision(str(path), path.read_text(encoding="utf-8"))
        if summary.ops and not summary.sql_calls and not summary.undefined_names:
            assert walked == [], path
            clean += 1
    assert clean >= 3  # the demo's other files hold its planted SQL and undefined-name findings


def test_the_whole_text_and_its_statements_give_the_same_answer() -> None:
    """A file parsed once reads its names in one pass; an open document, statement by statement
    (to reuse each statement's names at the next keystroke). Both must answer alike."""
    texts = [*EDGE_CASES.values(), *(p.read_text(encoding="utf-8", errors="replace") for p in _corpus())]
    answers = []
    for text in texts:
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        lines = text.splitlines()
        whole = prefilter.all_names_bound(lines, tree, parser._BUILTINS)
        seen = prefilter.SegmentNames()
        by_statement = prefilter.all_names_bound(lines, tree, parser._BUILTINS, None, seen)
        assert whole == by_statement, text[:200]
        answers.append(whole)
    assert True in answers and False in answers


def test_sql_word_lines_are_the_lines_a_word_regex_finds() -> None:
    """`str.find` per name replaced a regex scan: both must find the same lines."""
    import re

    word = re.compile(r"(?<![\w])(?:execute|exec_driver_sql|bulk_insert|text)\b")
    pieces = ["execute", "exec_driver_sql", "bulk_insert", "text", "executemany", "_text", "texts"]
    pieces += ["context", "op.execute(", "sa.text(", "\n", " ", "x", "1", ".", "(", "_", "exec"]
    rng = random.Random(7)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 14)))
        expected = {text.count("\n", 0, m.start()) for m in word.finditer(text)}
        assert prefilter.sql_word_lines(text.split("\n")) == expected, repr(text)
