"""`alembic-ls.revisionGraph` through a real server: the demo's graph, live edits, and the database marks."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from agent_lsp_support import AgentClient, command, lsp_fixture, next_status  # noqa: F401  (fixture)
from agent_support import Blog, sqlite_blog_fixture  # noqa: F401  (fixture)
from e2e_support import RecordingClient, change_document, open_document, start, wait_for
from lsprotocol import types

from alembic_ls.server.paths import path_to_uri

DEMO_CHAIN = ["1a2b3c4d5e6f", "2b3c4d5e6f70", "3c4d5e6f7081", "4d5e6f708192", "5e6f708192a3", "6f708192a3b4"]
HEAD = Path("migrations/versions/6f708192a3b4_add_subtitle_to_post.py")
BIO = Path("migrations/versions/5e6f708192a3_add_bio_to_user.py")
SVG = "{http://www.w3.org/2000/svg}"


async def graph(client: RecordingClient, **args: Any) -> dict[str, Any]:
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="alembic-ls.revisionGraph", arguments=[args])
    )
    assert isinstance(result, dict), result
    return result


def nodes(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["id"]: node for node in result["graph"]["nodes"]}


def edges(result: dict[str, Any]) -> set[tuple[str, str]]:
    return {(child, parent) for child, parent in result["graph"]["edges"]}


def drawn_ids(svg: str) -> set[str]:
    root = ET.fromstring(svg)
    return {g.attrib["data-id"] for g in root.iter(f"{SVG}g") if g.attrib.get("class") == "revision"}


async def test_the_demo_graph_has_its_revisions_marks_and_findings(
    client: RecordingClient, demo_copy: Path
) -> None:
    result = await graph(client)
    assert result["ok"] is True, result["message"]
    assert result["project"] == str((demo_copy / "migrations").resolve())
    assert result["current"] is None and result["databaseError"] is None  # untrusted: no database marks
    by_id = nodes(result)
    assert set(by_id) == set(DEMO_CHAIN)  # a six-revision chain: nothing worth folding
    assert edges(result) == set(zip(DEMO_CHAIN[1:], DEMO_CHAIN[:-1], strict=True))
    assert [rid for rid, node in by_id.items() if node["head"]] == ["6f708192a3b4"]
    assert [rid for rid, node in by_id.items() if node["base"]] == ["1a2b3c4d5e6f"]
    found = {rid: (node["severity"], node["codes"]) for rid, node in by_id.items() if node["codes"]}
    assert found == {
        "3c4d5e6f7081": ("warning", ["AM101"]),
        "4d5e6f708192": ("warning", ["AM104", "AM306"]),
        "5e6f708192a3": ("error", ["AM201"]),
        "6f708192a3b4": ("error", ["AM501"]),
    }
    assert all(node["applied"] is None and not node["current"] for node in by_id.values())
    head = by_id["6f708192a3b4"]
    assert Path(head["path"]) == (demo_copy / HEAD).resolve() and head["line"] == 14  # `revision = ...`
    assert drawn_ids(result["svg"]) == set(DEMO_CHAIN)

    recent = await graph(client, since="4d5e")
    assert set(nodes(recent)) == set(DEMO_CHAIN[3:])
    unknown = await graph(client, since="ffff")
    assert unknown["ok"] is False and unknown["error"] == "unknown-revision"


async def test_an_edit_that_makes_a_second_head_is_in_the_next_graph(
    client: RecordingClient, demo_copy: Path
) -> None:
    uri, text = open_document(client, demo_copy / HEAD)
    await wait_for(client, uri, version=1)
    # 6f708192a3b4 now revises 4d5e6f708192, as 5e6f708192a3 does: two heads, one branch point.
    rebased = text.replace("Revises: 5e6f708192a3", "Revises: 4d5e6f708192").replace(
        "down_revision: Union[str, Sequence[str], None] = '5e6f708192a3'",
        "down_revision: Union[str, Sequence[str], None] = '4d5e6f708192'",
    )
    assert rebased.count("4d5e6f708192") == 2, "the demo's head file changed shape"
    change_document(client, uri, rebased)

    result = await graph(client)  # no wait: the edit reached the server before this request
    by_id = nodes(result)
    assert sorted(rid for rid, node in by_id.items() if node["head"]) == ["5e6f708192a3", "6f708192a3b4"]
    assert by_id["4d5e6f708192"]["branch_point"] is True
    assert ("6f708192a3b4", "4d5e6f708192") in edges(result)
    assert ("6f708192a3b4", "5e6f708192a3") not in edges(result)
    assert drawn_ids(result["svg"]) == set(DEMO_CHAIN)

    # The other head's findings follow once the server has re-checked it (AM301: more than one head).
    bio = path_to_uri(str((demo_copy / BIO).resolve()))
    await wait_for(client, bio, where=lambda ds: any(d.code == "AM301" for d in ds))
    assert "AM301" in nodes(await graph(client))["5e6f708192a3"]["codes"]


async def test_the_database_revision_marks_applied_and_current(lsp: AgentClient, sqlite_blog: Blog) -> None:
    await start(lsp, sqlite_blog.root, "visual_studio_code", {"interpreter": [sys.executable]})
    assert (await next_status(lsp))["current"] == []
    before = await graph(lsp)
    assert before["current"] == [] and "database at base" in before["message"]
    assert all(node["applied"] is False for node in nodes(before).values())

    upgraded = await command(lsp, "alembic-ls.upgrade", target="3c4d5e6f7081")
    assert upgraded["ok"], upgraded["message"]
    await next_status(lsp, lambda entry: entry["current"] == ["3c4d5e6f7081"])
    after = nodes(await graph(lsp))
    assert [rid for rid, node in after.items() if node["current"]] == ["3c4d5e6f7081"]
    assert {rid for rid, node in after.items() if node["applied"]} == set(DEMO_CHAIN[:3])
    assert {rid for rid, node in after.items() if node["applied"] is False} == set(DEMO_CHAIN[3:])
