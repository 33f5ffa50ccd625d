"""Edits that change the revision graph update the diagnostics of the other files."""

from __future__ import annotations

from pathlib import Path

from e2e_support import RecordingClient, change_document, codes, open_document, start, wait_for

from alembic_ls.server.paths import path_to_uri

VERSIONS = Path("migrations/versions")
SLUG = VERSIONS / "4d5e6f708192_add_slug_to_post.py"
BIO = VERSIONS / "5e6f708192a3_add_bio_to_user.py"
HEAD = VERSIONS / "6f708192a3b4_add_subtitle_to_post.py"


def uri_of(root: Path, relative: Path) -> str:
    return path_to_uri(str((root / relative).resolve()))


def has(code: str, present: bool = True):
    return lambda diagnostics: (code in [d.code for d in diagnostics]) == present


async def test_second_head_flags_both_heads_and_reverting_clears_them(
    client: RecordingClient, demo_copy: Path
) -> None:
    bio = uri_of(demo_copy, BIO)
    await wait_for(client, bio, where=lambda d: len(d) > 0)
    uri, text = open_document(client, demo_copy / HEAD)
    await wait_for(client, uri, version=1)
    mark = len(client.publications)
    branched = text.replace("None] = '5e6f708192a3'", "None] = '4d5e6f708192'")
    version = change_document(client, uri, branched)
    own = await wait_for(client, uri, version=version)
    assert ("AM301", 15) in codes(own)
    other = await wait_for(client, bio, after=mark, where=has("AM301"))
    assert codes(other) == [("AM201", 31), ("AM301", 16)]  # a closed file, re-published
    mark = len(client.publications)
    version = change_document(client, uri, text)
    own = await wait_for(client, uri, version=version)
    assert codes(own) == [("AM501", 25)]
    other = await wait_for(client, bio, after=mark, where=has("AM301", present=False))
    assert codes(other) == [("AM201", 31)]


async def test_fixing_a_down_revision_clears_findings_in_every_file_it_touched(
    fresh_client: RecordingClient, demo_copy: Path
) -> None:
    client = fresh_client
    broken = demo_copy / BIO
    original = broken.read_text()
    broken.write_text(original.replace("None] = '4d5e6f708192'", "None] = '4d5e6f70819'"))
    slug, head = uri_of(demo_copy, SLUG), uri_of(demo_copy, HEAD)
    await start(client, demo_copy, client.spec)
    assert ("AM301", 16) in codes(await wait_for(client, slug, where=has("AM301")))
    assert ("AM301", 15) in codes(await wait_for(client, head, where=has("AM301")))
    uri, _text = open_document(client, broken)
    first = await wait_for(client, uri, version=1)
    assert ("AM302", 17) in codes(first)
    mark = len(client.publications)
    version = change_document(client, uri, original)
    assert codes(await wait_for(client, uri, version=version)) == [("AM201", 31)]
    assert codes(await wait_for(client, slug, after=mark, where=has("AM301", False))) == [
        ("AM104", 30),
        ("AM306", 4),
    ]
    assert codes(await wait_for(client, head, after=mark, where=has("AM301", False))) == [("AM501", 25)]
