"""Checks that every answer of the real server is well formed for the document it was asked about.

"Well formed" here: the answer deserialised into its lsprotocol type (the client would have raised
otherwise), every range lies inside the document it names (in the client's position encoding, never
inside a multi-unit character) with start <= end, and the server logged no error while answering.
"""

from __future__ import annotations

import ast
import itertools
import random
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from e2e_support import RecordingClient, apply_lsp_edits, edits_by_uri
from lsprotocol import types

from alembic_ls.analysis.source_text import decode_source, split_lines
from alembic_ls.server.paths import uri_to_path

UTF8, UTF16 = "utf-8", "utf-16"


def char_units(char: str, encoding: str) -> int:
    if encoding == UTF8:
        return len(char.encode("utf-8", errors="surrogatepass"))
    if encoding == UTF16:
        return 2 if ord(char) > 0xFFFF else 1
    return 1


def boundaries(line: str, encoding: str) -> set[int]:
    """The client-unit columns of `line` that fall between characters."""
    found, column = {0}, 0
    for char in line:
        column += char_units(char, encoding)
        found.add(column)
    return found


def assert_position_inside(position: types.Position, lines: list[str], encoding: str, what: str) -> None:
    assert 0 <= position.line < len(lines), f"{what}: line {position.line} outside {len(lines)} lines"
    line = lines[position.line]
    assert position.character in boundaries(line, encoding), (
        f"{what}: character {position.character} is not a character boundary of line "
        f"{position.line} ({line!r}, {encoding})"
    )


def assert_range_inside(rng: types.Range, lines: list[str], encoding: str, what: str) -> None:
    assert_position_inside(rng.start, lines, encoding, f"{what} start")
    assert_position_inside(rng.end, lines, encoding, f"{what} end")
    start, end = (rng.start.line, rng.start.character), (rng.end.line, rng.end.character)
    assert start <= end, f"{what}: range ends before it starts: {rng}"


@dataclass
class Documents:
    """The text of every URI an answer may name: the fuzzed document, else the file on disk."""

    open_texts: dict[str, str] = field(default_factory=dict)

    def text(self, uri: str) -> str:
        if uri in self.open_texts:
            return self.open_texts[uri]
        path = uri_to_path(uri)
        assert path is not None, f"an answer names a non-file URI: {uri}"
        assert Path(path).is_file(), f"an answer names {path}, which is not open and not on disk"
        return decode_source(Path(path).read_bytes())[0]

    def lines(self, uri: str) -> list[str]:
        return split_lines(self.text(uri))


def assert_no_server_errors(client: RecordingClient, since: int = 0) -> None:
    """Nothing the server logged or showed says it failed (handlers log their exceptions as errors)."""
    logged = [m.message for m in client.log_messages[since:] if m.type == types.MessageType.Error]
    shown = [m.message for m in client.messages if m.type == types.MessageType.Error]
    assert logged == [] and shown == [], (logged, shown)
    assert not any("Traceback" in m.message for m in client.log_messages[since:])


def assert_diagnostics_inside(
    diagnostics: Sequence[types.Diagnostic], uri: str, docs: Documents, encoding: str
) -> None:
    lines = docs.lines(uri)
    for diagnostic in diagnostics:
        assert diagnostic.message, diagnostic
        assert_range_inside(diagnostic.range, lines, encoding, f"{diagnostic.code} diagnostic")
        for related in diagnostic.related_information or []:
            location = related.location
            assert_range_inside(
                location.range, docs.lines(location.uri), encoding, f"{diagnostic.code} related information"
            )


def random_positions(lines: list[str], rnd: random.Random, count: int) -> list[types.Position]:
    """Positions a client may send: mostly inside the text, some past a line's end or the last line."""
    positions = []
    for _ in range(count):
        line = rnd.randrange(len(lines) + 2)
        width = len(lines[line]) if line < len(lines) else 0
        positions.append(types.Position(line=line, character=rnd.randrange(width + 4)))
    return positions


async def exercise_requests(
    client: RecordingClient, uri: str, docs: Documents, positions: Sequence[types.Position]
) -> int:
    """hover, definition, references, completion at each position; symbols and lenses once. Returns
    the number of requests made."""
    encoding = client.encoding
    lines = docs.lines(uri)
    document = types.TextDocumentIdentifier(uri=uri)
    requests = 0
    for position in positions:
        hover = await client.text_document_hover_async(
            types.HoverParams(text_document=document, position=position)
        )
        if hover is not None:
            assert hover.contents, hover
            if hover.range is not None:
                assert_range_inside(hover.range, lines, encoding, "hover")
        definition = await client.text_document_definition_async(
            types.DefinitionParams(text_document=document, position=position)
        )
        for target in _as_list(definition):
            if isinstance(target, types.LocationLink):
                target_lines = docs.lines(target.target_uri)
                assert_range_inside(target.target_range, target_lines, encoding, "definition target")
                assert_range_inside(
                    target.target_selection_range, target_lines, encoding, "definition selection"
                )
                if target.origin_selection_range is not None:
                    assert_range_inside(target.origin_selection_range, lines, encoding, "definition origin")
            else:
                assert isinstance(target, types.Location), target
                assert_range_inside(target.range, docs.lines(target.uri), encoding, "definition")
        references = await client.text_document_references_async(
            types.ReferenceParams(
                text_document=document,
                position=position,
                context=types.ReferenceContext(include_declaration=True),
            )
        )
        for found in references or []:
            assert_range_inside(found.range, docs.lines(found.uri), encoding, "reference")
        completion = await client.text_document_completion_async(
            types.CompletionParams(text_document=document, position=position)
        )
        items = completion.items if isinstance(completion, types.CompletionList) else completion or []
        for item in items:
            assert item.label, item
            edit = item.text_edit
            if isinstance(edit, types.TextEdit):
                assert_range_inside(edit.range, lines, encoding, f"completion {item.label!r}")
            elif isinstance(edit, types.InsertReplaceEdit):
                assert_range_inside(edit.insert, lines, encoding, f"completion {item.label!r} insert")
                assert_range_inside(edit.replace, lines, encoding, f"completion {item.label!r} replace")
        requests += 4
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=document)
    )
    for symbol in symbols or []:
        _check_symbol(symbol, lines, encoding)
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(text_document=document))
    for lens in lenses or []:
        assert_range_inside(lens.range, lines, encoding, "code lens")
    return requests + 2


def _check_symbol(
    symbol: types.DocumentSymbol | types.SymbolInformation, lines: list[str], encoding: str
) -> None:
    if isinstance(symbol, types.SymbolInformation):
        assert_range_inside(symbol.location.range, lines, encoding, f"symbol {symbol.name!r}")
        return
    assert_range_inside(symbol.range, lines, encoding, f"symbol {symbol.name!r}")
    assert_range_inside(symbol.selection_range, lines, encoding, f"symbol {symbol.name!r} selection")
    outer = (
        (symbol.range.start.line, symbol.range.start.character),
        (symbol.range.end.line, symbol.range.end.character),
    )
    inner = (
        (symbol.selection_range.start.line, symbol.selection_range.start.character),
        (symbol.selection_range.end.line, symbol.selection_range.end.character),
    )
    assert outer[0] <= inner[0] and inner[1] <= outer[1], f"symbol {symbol.name!r}: selection outside range"
    for child in symbol.children or []:
        _check_symbol(child, lines, encoding)


def _as_list(answer: object) -> list[object]:
    if answer is None:
        return []
    if isinstance(answer, list | tuple):
        return list(answer)
    return [answer]


@dataclass
class FixTally:
    offered: int = 0
    applied: int = 0
    refused_on_resolve: int = 0


async def apply_every_offered_fix(
    client: RecordingClient,
    uri: str,
    docs: Documents,
    diagnostics: Sequence[types.Diagnostic],
    tally: FixTally,
    parses: Callable[[str], bool] | None = None,
) -> None:
    """Ask for every action over the whole document and apply each one's edit to a copy of the text.

    Each edit must lie inside its document, no two edits of one document may overlap, and a preferred
    (safe) fix on a document that parsed must leave it parsing. An action whose edit the server
    declines to build at resolve time must have told the user why (window/showMessage)."""
    parses = parses or _parses
    text = docs.text(uri)
    lines = split_lines(text)
    end = types.Position(
        line=len(lines) - 1, character=sum(char_units(c, client.encoding) for c in lines[-1])
    )
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=end),
            context=types.CodeActionContext(diagnostics=list(diagnostics)),
        )
    )
    parsed_before: dict[str, bool] = {}
    for action in result or []:
        assert isinstance(action, types.CodeAction), f"a bare Command instead of a CodeAction: {action}"
        tally.offered += 1
        if action.edit is None:
            action = await client.code_action_resolve_async(action)
        if action.edit is None:
            tally.refused_on_resolve += 1
            assert any(action.title in m.message for m in client.messages), (
                f"{action.title!r} produced no edit and the user was not told why"
            )
            continue
        for target, edits in edits_by_uri(action.edit).items():
            before = docs.text(target)
            target_lines = split_lines(before)
            spans = []
            for edit in edits:
                assert_range_inside(edit.range, target_lines, client.encoding, f"edit of {action.title!r}")
                spans.append(
                    (
                        (edit.range.start.line, edit.range.start.character),
                        (edit.range.end.line, edit.range.end.character),
                    )
                )
            spans.sort()
            for (_s1, end1), (start2, _e2) in itertools.pairwise(spans):
                assert end1 <= start2, f"overlapping edits in {action.title!r}: {spans}"
            after = apply_lsp_edits(before, edits, client.encoding)
            if action.is_preferred and target == uri:
                if target not in parsed_before:
                    parsed_before[target] = parses(before)
                if parsed_before[target]:
                    assert parses(after), f"the safe fix {action.title!r} broke the file:\n{after}"
        tally.applied += 1


def _parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():  # fuzzed text is full of invalid escape sequences
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
