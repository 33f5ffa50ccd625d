"""The per-platform .vsix packages (vscode-extension/scripts/build-vsix.sh): each audited by
scripts/audit_vsix.py, the audit shown to catch what it is for, and the linux-x64 package's bundled server run
with every CPython 3.10-3.14 found on this machine.

The packages are built by CI (`.ci/run` builds all five before the tests and sets ALEMBIC_LS_REQUIRE_VSIX=1,
which turns a missing package into a failure); elsewhere the tests on built packages skip, saying how to
build them.
"""

from __future__ import annotations

import io
import os
import platform
import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest
from audit_vsix import SIZE_BUDGET_BYTES, audit, binary_kind, native_version_tag, readme_link_problems
from bundle_server import PLATFORMS, PYTHON_VERSIONS
from stdio_client import demo_session

from alembic_ls import __version__

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "vscode-extension"
DEMO = ROOT / "examples" / "blog"


def built(target: str) -> bytes:
    path = EXTENSION / f"alembic-ls-{target}.vsix"
    if not path.is_file():
        if os.environ.get("ALEMBIC_LS_REQUIRE_VSIX") == "1":
            pytest.fail(f"{path} was not built")
        pytest.skip(f"{path.name} not built: bash vscode-extension/scripts/build-vsix.sh")
    return path.read_bytes()


def elf(machine: int) -> bytes:
    return b"\x7fELF\x02\x01\x01" + bytes(11) + struct.pack("<H", machine) + bytes(64)


def macho(cpu: int) -> bytes:
    return b"\xcf\xfa\xed\xfe" + struct.pack("<I", cpu) + bytes(64)


def pe(machine: int) -> bytes:
    return (
        b"MZ"
        + bytes(0x3A)
        + struct.pack("<I", 0x80)
        + bytes(0x80 - 0x40)
        + b"PE\0\0"
        + struct.pack("<H", machine)
    )


def test_binary_kind_reads_the_cpu_from_each_format() -> None:
    assert binary_kind(elf(62)) == ("elf", {"x86_64"})
    assert binary_kind(elf(183)) == ("elf", {"aarch64"})
    assert binary_kind(macho(0x01000007)) == ("macho", {"x86_64"})
    assert binary_kind(macho(0x0100000C)) == ("macho", {"arm64"})
    fat = b"\xca\xfe\xba\xbe" + struct.pack(">I", 2)
    fat += struct.pack(">I", 0x01000007) + bytes(16) + struct.pack(">I", 0x0100000C) + bytes(16)
    assert binary_kind(fat) == ("macho", {"x86_64", "arm64"})
    assert binary_kind(pe(0x8664)) == ("pe", {"x86_64"})
    assert binary_kind(b"import os\n") is None


@pytest.mark.parametrize(
    ("name", "target", "tag"),
    [
        ("native.cpython-312-x86_64-linux-gnu.so", "linux-x64", "cp312"),
        ("native.cpython-312-x86_64-linux-gnu.so", "linux-arm64", None),
        ("native.cpython-314-darwin.so", "darwin-arm64", "cp314"),
        ("native.cp310-win_amd64.pyd", "win32-x64", "cp310"),
        ("native.cp310-win32.pyd", "win32-x64", None),
        ("_speedups.abi3.so", "linux-x64", "abi3"),
        ("native.so", "linux-x64", None),
    ],
)
def test_native_version_tag_reads_version_and_platform_from_the_name(
    name: str, target: str, tag: str | None
) -> None:
    assert native_version_tag(name, target) == tag


@pytest.mark.parametrize("target", sorted(PLATFORMS))
def test_each_platform_package_passes_the_audit(target: str) -> None:
    data = built(target)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert audit(archive, target, len(data)) == []


def mutated(data: bytes, extra: dict[str, bytes]) -> tuple[zipfile.ZipFile, int]:
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        for name, content in extra.items():
            archive.writestr(name, content)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue())), len(buffer.getvalue())


LIBCST = "extension/bundled/libs/common/libcst/"
UNUSED_DIST = "extension/bundled/libs/common/pyyaml-6.0.3.dist-info/"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({LIBCST + "native.cp312-win_amd64.pyd": pe(0x8664)}, r"built for pe x86_64, not linux-x64"),
        ({LIBCST + "native.cpython-312-aarch64-linux-gnu.so": elf(183)}, r"built for elf aarch64"),
        ({LIBCST + "__pycache__/x.cpython-312.pyc": b""}, r"test or bytecode file"),
        ({LIBCST + "tests/test_x.py": b""}, r"test or bytecode file"),
        ({"extension/src/extension.ts": b""}, r"unexpected file outside bundled/"),
        ({"extension/bundled/libs/common/stray.py": b""}, r"file of no bundled distribution"),
        (
            {
                UNUSED_DIST + "METADATA": b"Metadata-Version: 2.1\nName: PyYAML\nVersion: 6.0.3\n",
                UNUSED_DIST + "WHEEL": b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\n",
                UNUSED_DIST + "RECORD": b"",
            },
            r"cp311: pyyaml is bundled but the server does not need it",
        ),
        (
            {"extension/bundled/tool/alembic_ls/extra.py": b"import yaml\n"},
            r"tool/alembic_ls/extra.py imports yaml, whose distribution is not bundled",
        ),
    ],
)
def test_the_audit_reports_what_should_not_be_there(extra: dict[str, bytes], expected: str) -> None:
    archive, size = mutated(built("linux-x64"), extra)
    with archive:
        problems = audit(archive, "linux-x64", size)
    assert any(re.search(expected, problem) for problem in problems), problems


def test_the_audit_reports_a_version_without_its_native_module() -> None:
    data = built("linux-x64")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as copy:
        for item in source.infolist():
            if not item.filename.endswith("native.cpython-313-x86_64-linux-gnu.so"):
                copy.writestr(item, source.read(item))
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        problems = audit(archive, "linux-x64", len(buffer.getvalue()))
    assert any("cp313: libcst" in problem and "listed but not bundled" in problem for problem in problems)


def test_the_audit_follows_the_readmes_repository_links() -> None:
    """vsce rewrites `../docs/screenshots/x.gif` against a base URL; without the extension's folder in
    that base (vsce ignores repository.directory), every image of the Marketplace page is broken."""
    base = "https://github.com/alembic-ls/alembic-ls/raw/HEAD"
    good = f"![demo]({base}/vscode-extension/../docs/screenshots/quick-fix.gif)"
    assert readme_link_problems(good) == []
    broken = (
        f"![demo]({base}/../docs/screenshots/quick-fix.gif) and [page]({base}/vscode-extension/nowhere.md)"
    )
    assert len(readme_link_problems(broken)) == 2


def test_the_audit_holds_packages_to_the_size_budget() -> None:
    data = built("linux-x64")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert any("over the budget" in p for p in audit(archive, "linux-x64", SIZE_BUDGET_BYTES + 1))


def local_pythons() -> dict[str, Path]:
    """CPython 3.10-3.14 interpreters on PATH or installed by pyenv, by version."""
    found: dict[str, Path] = {}
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    for version in PYTHON_VERSIONS:
        candidates = [shutil.which(f"python{version}")]
        candidates += [str(p) for p in sorted(pyenv.glob(f"{version}.*/bin/python{version}"))]
        for candidate in filter(None, candidates):
            probe = subprocess.run(
                [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                capture_output=True,
                text=True,
            )
            if probe.returncode == 0 and probe.stdout.strip() == version:
                found[version] = Path(candidate)
                break
    return found


PYTHONS = local_pythons()


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if platform.system() != "Linux" or platform.machine() != "x86_64":
        pytest.skip("the bundled server can run here only from the linux-x64 package")
    out = tmp_path_factory.mktemp("vsix")
    with zipfile.ZipFile(io.BytesIO(built("linux-x64"))) as archive:
        archive.extractall(out)
    return out / "extension" / "bundled"


@pytest.mark.parametrize("version", PYTHON_VERSIONS)
def test_the_bundled_server_runs_with_each_python(version: str, bundled: Path, tmp_path: Path) -> None:
    if version not in PYTHONS:
        pytest.skip(f"no CPython {version} on this machine")
    python = str(PYTHONS[version])
    demo = tmp_path / "blog"
    shutil.copytree(DEMO, demo, ignore=shutil.ignore_patterns("*.db", "__pycache__"))
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "ALEMBIC_LS"))}
    env["ALEMBIC_LS_CACHE_DIR"] = str(tmp_path / ".cache")
    # The way the extension starts it (serverLaunch.ts): `python -I launch.py`.
    session = demo_session([python, "-I", str(bundled / "launch.py")], demo, env)
    assert (session.server_info, session.codes, session.exit_code) == (
        {"name": "alembic-ls", "version": __version__},
        ["AM201"],
        0,
    )
    # The fixes build their edits with libcst's compiled parser, the one file that differs per version; and
    # nothing on that path needs the PyYAML left out of the package. Paths as launch.py puts them.
    script = (
        "import os, sys\n"
        f"here = {str(bundled)!r}\n"
        "tag = 'cp%d%d' % sys.version_info[:2]\n"
        "sys.path[0:0] = [os.path.join(here, 'tool'), os.path.join(here, 'libs', tag),"
        " os.path.join(here, 'libs', 'common')]\n"
        "from alembic_ls.cli import main\n"
        "code = main(['check', '--fix', 'blog'])\n"
        "import libcst.native\n"
        "print(code, os.path.basename(libcst.native.__file__), 'yaml' in sys.modules)\n"
    )
    result = subprocess.run(
        [python, "-I", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    code, native, yaml_loaded = result.stdout.splitlines()[-1].split()
    assert code == "1"  # AM101, AM104 are not fixable
    assert native == f"native.cpython-{version.replace('.', '')}-x86_64-linux-gnu.so"
    assert yaml_loaded == "False"
    assert "AM306" not in result.stdout and "AM201" not in result.stdout, result.stdout
