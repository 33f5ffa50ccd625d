"""The on-disk index cache: what it serves, when it re-parses, and that it never breaks a build."""

from __future__ import annotations

import os
import pickle
import threading
from pathlib import Path

import pytest
from graph_facts import our_facts
from synth import SynthProject, generate_history

from alembic_ls.analysis import index as index_module
from alembic_ls.analysis import index_cache, parse_workers
from alembic_ls.analysis.index import IndexCache, ProjectIndex
from alembic_ls.analysis.parser import read_revision_file
from alembic_ls.analysis.stored_summary import StoredRevisionFile
from alembic_ls.project import Project, load_ini

N = 16


@pytest.fixture
def synth(tmp_path: Path) -> SynthProject:
    return generate_history(tmp_path / "project", N, seed=4)


@pytest.fixture
def project(synth: SynthProject) -> Project:
    loaded = load_ini(synth.ini_path)
    assert loaded is not None
    return loaded


@pytest.fixture
def cache(tmp_path: Path) -> IndexCache:
    return IndexCache(tmp_path / "cache")


def cache_files(cache: IndexCache) -> list[Path]:
    assert cache.directory is not None
    return sorted(cache.directory.glob("index-*.pickle"))


def bump_mtime(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000))


def assert_same_as_fresh_parse(index: ProjectIndex) -> None:
    for path, summary in index.files.items():
        assert summary == read_revision_file(path)


def test_second_build_reads_everything_from_the_cache(project: Project, cache: IndexCache) -> None:
    cold = ProjectIndex.build(project, cache)
    assert cold.parsed_count == N and len(cache_files(cache)) == 1
    warm = ProjectIndex.build(project, cache)
    assert warm.parsed_count == 0
    assert our_facts(warm.graph) == our_facts(cold.graph)
    assert warm.files.keys() == cold.files.keys()
    assert_same_as_fresh_parse(warm)  # every field survives the round trip


def test_touching_one_file_reparses_only_it(synth: SynthProject, project: Project, cache: IndexCache) -> None:
    ProjectIndex.build(project, cache)
    bump_mtime(synth.revisions[3].path)
    assert ProjectIndex.build(project, cache).parsed_count == 1
    assert ProjectIndex.build(project, cache).parsed_count == 0


def test_a_size_change_with_the_same_mtime_invalidates(
    synth: SynthProject, project: Project, cache: IndexCache
) -> None:
    ProjectIndex.build(project, cache)
    path = synth.revisions[5].path
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(synth.revisions[5].message, "a longer message than before", 1), encoding="utf-8"
    )
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_mtime_ns == stat.st_mtime_ns and path.stat().st_size != stat.st_size
    index = ProjectIndex.build(project, cache)
    assert index.parsed_count == 1
    assert index.files[str(path)].message == "a longer message than before"


def test_an_edit_with_the_same_size_and_a_new_mtime_invalidates(
    synth: SynthProject, project: Project, cache: IndexCache
) -> None:
    ProjectIndex.build(project, cache)
    target = synth.revisions[7]
    text = target.path.read_text(encoding="utf-8")
    new_id = "f" * len(target.revision)
    target.path.write_text(
        text.replace(f"revision: str = {target.revision!r}", f"revision: str = {new_id!r}")
    )
    bump_mtime(target.path)
    index = ProjectIndex.build(project, cache)
    assert index.parsed_count == 1
    assert new_id in index.graph.revisions and target.revision not in index.graph.revisions


def test_a_corrupt_cache_file_is_ignored_and_replaced(project: Project, cache: IndexCache) -> None:
    ProjectIndex.build(project, cache)
    (cache_file,) = cache_files(cache)
    data = cache_file.read_bytes()
    cache_file.write_bytes(data[: len(data) // 2])  # truncated
    assert ProjectIndex.build(project, cache).parsed_count == N
    assert ProjectIndex.build(project, cache).parsed_count == 0
    cache_file.write_bytes(b"not a pickle at all")
    rebuilt = ProjectIndex.build(project, cache)
    assert rebuilt.parsed_count == N
    assert_same_as_fresh_parse(rebuilt)


def test_a_malformed_entry_costs_only_its_own_file(project: Project, cache: IndexCache) -> None:
    ProjectIndex.build(project, cache)
    (cache_file,) = cache_files(cache)
    payload = pickle.loads(cache_file.read_bytes())
    victim = sorted(payload["entries"])[2]
    payload["entries"][victim] = ("mtime", "size")
    cache_file.write_bytes(pickle.dumps(payload))
    index = ProjectIndex.build(project, cache)
    assert index.parsed_count == 1
    assert index.files[victim] == read_revision_file(victim)


def test_a_cache_from_another_analyzer_version_is_not_used(
    project: Project, cache: IndexCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    ProjectIndex.build(project, cache)
    monkeypatch.setattr(index_cache, "ANALYZER_FINGERPRINT", "another-version")
    assert ProjectIndex.build(project, cache).parsed_count == N


def test_an_unwritable_cache_directory_does_not_break_the_build(tmp_path: Path, project: Project) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("the cache directory would have to live inside this file", encoding="utf-8")
    cache = IndexCache(blocker / "cache")
    first = ProjectIndex.build(project, cache)
    second = ProjectIndex.build(project, cache)
    assert first.parsed_count == second.parsed_count == N
    assert our_facts(first.graph) == our_facts(second.graph)
    assert not list(tmp_path.glob("**/.index-*.tmp"))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a user that file modes bind")
def test_a_read_only_cache_directory_does_not_break_the_build(tmp_path: Path, project: Project) -> None:
    directory = tmp_path / "read-only"
    directory.mkdir()
    directory.chmod(0o500)
    try:
        assert ProjectIndex.build(project, IndexCache(directory)).parsed_count == N
        assert ProjectIndex.build(project, IndexCache(directory)).parsed_count == N
    finally:
        directory.chmod(0o700)


def test_a_build_reads_identifiers_and_analyses_on_first_use(project: Project, cache: IndexCache) -> None:
    index = ProjectIndex.build(project, cache)
    assert all(isinstance(s, StoredRevisionFile) and s.pending for s in index.files.values())
    first = next(iter(index.files.values()))
    assert first.ops is not None  # reading any field beyond the identifiers analyses the file
    assert isinstance(first, StoredRevisionFile) and not first.pending
    assert_same_as_fresh_parse(index)


def test_save_cache_keeps_full_analyses_for_the_next_start(
    synth: SynthProject, project: Project, cache: IndexCache
) -> None:
    cold = ProjectIndex.build(project, cache)
    edited = str(synth.revisions[2].path)
    cold.analyse_all(jobs=1)
    cold.update(edited, "revision = 'edited-in-the-editor'\n")  # not what is on disk
    cold.save_cache()
    entries = cache.load(project)
    assert entries[edited].stored is None  # never the editor's text under the disk's stat
    assert all(entries[path].stored is not None for path in cold.files if path != edited)
    warm = ProjectIndex.build(project, cache)
    assert warm.parsed_count == 0
    assert_same_as_fresh_parse(warm)


def test_deleted_files_disappear(synth: SynthProject, project: Project, cache: IndexCache) -> None:
    ProjectIndex.build(project, cache)
    gone = synth.revisions[-1]
    gone.path.unlink()
    index = ProjectIndex.build(project, cache)
    assert index.parsed_count == 0
    assert str(gone.path) not in index.files and gone.revision not in index.graph.revisions
    assert str(gone.path) not in cache.load(project)


# -- the cold path in worker processes --------------------------------------------------------------


def _parallel_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    # Forty files in two workers of at least ten each, whichever start method is in use.
    monkeypatch.setattr(parse_workers, "PARALLEL_MIN_FILES", 5)
    synth = generate_history(tmp_path / "big", 40, seed=9)
    loaded = load_ini(synth.ini_path)
    assert loaded is not None
    return loaded


def _assert_parallel_equals_serial(project: Project, tmp_path: Path) -> None:
    serial = ProjectIndex.build(project, IndexCache(None))
    serial.analyse_all(jobs=1)
    parallel = ProjectIndex.build(project, IndexCache(tmp_path / "cache"))
    parallel.analyse_all(jobs=2)
    assert not any(isinstance(s, StoredRevisionFile) and s.pending for s in parallel.files.values())
    assert parallel.files == serial.files
    assert our_facts(parallel.graph) == our_facts(serial.graph)
    parallel.save_cache()
    warm = ProjectIndex.build(project, IndexCache(tmp_path / "cache"))
    assert warm.parsed_count == 0 and warm.files == serial.files


def test_worker_processes_give_the_same_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _assert_parallel_equals_serial(_parallel_project(tmp_path, monkeypatch), tmp_path)


def test_worker_processes_from_a_threaded_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With other threads alive, fork is unsafe: the index must use another start method."""
    project = _parallel_project(tmp_path, monkeypatch)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert parse_workers.process_context().get_start_method() != "fork"
        _assert_parallel_equals_serial(project, tmp_path)
    finally:
        stop.set()
        other.join()


def test_batches_hand_back_every_file_once_in_order_as_it_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _parallel_project(tmp_path, monkeypatch)
    monkeypatch.setattr(index_module, "LOOKAHEAD_FILES", 8)
    index = ProjectIndex.build(project, IndexCache(None))
    wanted = sorted(index.files, reverse=True)  # any order the caller asks for
    seen: list[str] = []
    batches = 0
    ahead: list[int] = []
    for batch in index.analyse_in_batches(wanted, jobs=2):
        batches += 1
        # Handed back means analysed: the caller checks these while the workers parse the rest.
        assert not any(index.files[p].pending for p in batch)  # type: ignore[attr-defined]
        seen.extend(batch)
        analysed = sum(1 for p in wanted if not index.files[p].unanalysed)  # type: ignore[attr-defined]
        ahead.append(analysed - len(seen))
    assert seen == wanted and batches > 2
    # More files are in when one is handed back: the rules of a file read the revisions after it,
    # which the caller would otherwise analyse itself as well.
    assert all(count >= 8 for count in ahead[:-1]) and ahead[-1] == 0


def test_batches_after_the_workers_fail_are_analysed_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _parallel_project(tmp_path, monkeypatch)
    real = parse_workers.parse_batches_in_workers

    def failing(*args: object, **kwargs: object) -> object:
        batches = real(*args, **kwargs)  # type: ignore[arg-type]
        if batches is not None:  # (a serial analysis asks for none)
            yield next(batches)
            yield next(batches)
        raise parse_workers.WorkersFailed("a worker was killed")

    monkeypatch.setattr(index_module, "parse_batches_in_workers", failing)
    monkeypatch.setattr(index_module, "LOOKAHEAD_FILES", 3)  # a batch's worth
    index = ProjectIndex.build(project, IndexCache(None))
    wanted = sorted(index.files)
    batches = list(index.analyse_in_batches(wanted, jobs=2))
    assert len(batches) == 2  # the first the workers sent, then the second and the rest analysed here
    assert [p for batch in batches for p in batch] == wanted
    serial = ProjectIndex.build(project, IndexCache(None))
    serial.analyse_all(jobs=1)
    assert index.files == serial.files


def _saved_with_analyses(project: Project, cache: IndexCache) -> list[Path]:
    cold = ProjectIndex.build(project, cache)
    cold.analyse_all(jobs=1)
    cold.save_cache()
    return shard_files(cache)


def shard_files(cache: IndexCache) -> list[Path]:
    assert cache.directory is not None
    return sorted(cache.directory.glob("analyses-*.pickle"))


def test_the_analyses_are_read_only_when_a_summary_needs_them(project: Project, cache: IndexCache) -> None:
    shards = {str(path) for path in _saved_with_analyses(project, cache)}
    assert 1 < len(shards) <= index_cache.SHARDS
    reads: list[str] = []
    real_open = open

    def counting_open(file: object, *args: object, **kwargs: object) -> object:
        if str(file) in shards:
            reads.append(str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    import builtins

    original = builtins.open
    builtins.open = counting_open  # type: ignore[assignment]
    try:
        warm = ProjectIndex.build(project, cache)
        assert warm.parsed_count == 0 and warm.graph.heads and not reads  # the graph needs none
        path, first = next(iter(warm.files.items()))
        assert first == read_revision_file(path)
        assert reads == [str(shard_file_of(cache, path))]  # one summary: its own shard alone
        assert_same_as_fresh_parse(warm)
        assert sorted(reads) == sorted(shards)  # then each shard read once serves all it holds
    finally:
        builtins.open = original


def shard_file_of(cache: IndexCache, path: str) -> Path:
    (index_file,) = cache_files(cache)
    name = index_file.name.replace("index-", "analyses-").replace(
        ".pickle", f"-{index_cache.shard_of(path)}.pickle"
    )
    return index_file.with_name(name)


def test_analyses_missing_or_from_another_save_are_analysed_from_the_files(
    project: Project, cache: IndexCache
) -> None:
    shards = _saved_with_analyses(project, cache)
    stale = {path: path.read_bytes() for path in shards}
    for path in shards:
        path.unlink()
    lost = ProjectIndex.build(project, cache)
    assert_same_as_fresh_parse(lost)
    lost.save_cache()  # what was analysed since is saved again
    assert shard_files(cache) == shards and ProjectIndex.build(project, cache).parsed_count == 0
    _saved_with_analyses(project, cache)  # a new save: new tokens
    warm = ProjectIndex.build(project, cache)
    for path, data in stale.items():  # another process's older analyses replace them before first use
        path.write_bytes(data)
    assert_same_as_fresh_parse(warm)


def test_a_new_revision_rewrites_only_its_own_shard(
    synth: SynthProject, project: Project, cache: IndexCache
) -> None:
    # One new revision in a history of 5,000 rewrote all 60 MB of analyses: half of a warm check.
    before = {path: path.read_bytes() for path in _saved_with_analyses(project, cache)}
    versions = synth.script_location / "versions"
    parent = sorted(synth.heads)[0]
    new = versions / "b3nch0000001_new.py"
    new.write_text(
        f'"""new\n\nRevision ID: b3nch0000001\nRevises: {parent}\n"""\n'
        "from alembic import op\n\n"
        f"revision = 'b3nch0000001'\ndown_revision = '{parent}'\n"
        "branch_labels = None\ndepends_on = None\n\n\n"
        "def upgrade():\n    op.drop_table('gone')\n\n\ndef downgrade():\n    pass\n",
        encoding="utf-8",
    )
    warm = ProjectIndex.build(project, cache, save=False)
    warm.analyse_all(jobs=1)
    warm.save_cache()

    after = {path: path.read_bytes() for path in shard_files(cache)}
    key = next(path for path in warm.files if path.endswith("b3nch0000001_new.py"))
    assert {path for path in after if after[path] != before.get(path)} == {shard_file_of(cache, key)}
    again = ProjectIndex.build(project, cache)
    assert again.parsed_count == 0
    assert all(isinstance(s, StoredRevisionFile) and s.pending for s in again.files.values())
    assert_same_as_fresh_parse(again)


@pytest.mark.parametrize("analysed", [False, True], ids=["identifiers-only", "analysed-again"])
def test_an_edited_revision_never_gets_its_old_analysis_back(
    project: Project, cache: IndexCache, analysed: bool
) -> None:
    # The shard that held its analysis is rewritten, the others are kept as they were.
    before = {path: path.read_bytes() for path in _saved_with_analyses(project, cache)}
    edited = _sharing_a_shard(ProjectIndex.build(project, cache))
    Path(edited).write_text(Path(edited).read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    bump_mtime(Path(edited))
    rebuilt = ProjectIndex.build(project, cache, save=False)
    if analysed:
        rebuilt.analyse_all(jobs=1)
    rebuilt.save_cache()

    after = {path: path.read_bytes() for path in shard_files(cache)}
    assert {path for path in after if after[path] != before.get(path)} == {shard_file_of(cache, edited)}
    again = ProjectIndex.build(project, cache)
    assert again.parsed_count == 0
    assert again.files[edited] == read_revision_file(edited)  # with the comment's line
    assert_same_as_fresh_parse(again)


def _sharing_a_shard(index: ProjectIndex) -> str:
    """A file whose shard holds another file's analysis too (a lone one's shard is just dropped)."""
    shards = [index_cache.shard_of(path) for path in index.files]
    return next(path for path, shard in zip(index.files, shards, strict=True) if shards.count(shard) > 1)


def test_a_save_removes_the_single_analyses_file_of_earlier_versions(
    project: Project, cache: IndexCache
) -> None:
    _saved_with_analyses(project, cache)
    (index_file,) = cache_files(cache)
    legacy = index_file.with_name(index_file.name.replace("index-", "analyses-"))
    legacy.write_bytes(b"12 MB per 1,000 revisions")
    bump_mtime(Path(sorted(ProjectIndex.build(project, cache).files)[0]))
    ProjectIndex.build(project, cache)  # a file changed: saved
    assert not legacy.exists() and shard_files(cache)


def test_a_warm_index_knows_every_message_without_reading_an_analysis(
    project: Project, cache: IndexCache
) -> None:
    # Listing revisions by message (workspace symbols, the graph view) on a warm start unpickled
    # every file's analysis for it: 133 MB on 1,000 revisions instead of 62.
    _saved_with_analyses(project, cache)
    warm = ProjectIndex.build(project, cache)

    messages = {path: summary.message for path, summary in warm.files.items()}

    assert all(isinstance(s, StoredRevisionFile) and s.pending for s in warm.files.values())
    assert messages == {path: read_revision_file(path).message for path in warm.files}
    assert any(messages.values())
    assert_same_as_fresh_parse(warm)
    assert {path: summary.message for path, summary in warm.files.items()} == messages


def test_an_index_of_identifiers_only_still_reads_the_message_from_the_file(
    project: Project, cache: IndexCache
) -> None:
    ProjectIndex.build(project, cache)  # saved with the identifiers alone
    warm = ProjectIndex.build(project, cache)
    path, summary = next(iter(warm.files.items()))
    assert summary.message == read_revision_file(path).message
    assert isinstance(summary, StoredRevisionFile) and not summary.pending
