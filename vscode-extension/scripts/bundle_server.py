"""Put the alembic-ls server and its Python dependencies into bundled/ for one target platform.

Layout (what bundled/launch.py expects):
  bundled/tool/alembic_ls/   the server package itself (pure Python, any version)
  bundled/libs/cpXY/         what only CPython X.Y on the target platform uses
  bundled/libs/common/       everything else: each pure-Python package once, and a native package's code once
                             with its compiled modules for every version side by side (their file names carry
                             the version: native.cpython-312-x86_64-linux-gnu.so, native.cp312-win_amd64.pyd)

libcst ships a compiled parser per Python version and platform, so the dependencies are fetched once per
supported version with `pip download --platform/--python-version/--only-binary`, then merged file by file.
pip evaluates environment markers (`exceptiongroup; python_version < "3.11"`) against the interpreter running
it, not the target, so this script evaluates them for the target itself: it downloads what the target's
markers ask for until nothing is missing, then unpacks only the wheels the target needs.

Left out on purpose (NOT_BUNDLED): alembic and SQLAlchemy, which the server never imports (the agent must use
the project's own alembic, not a bundled one), and PyYAML, which libcst imports only in its codemod command
line (libcst/tool.py), never on the server's path; scripts/audit_vsix.py checks that this stays true. The test
suites inside dependencies (`tests/` folders) are not copied either.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from email.parser import Parser
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name, parse_wheel_filename
except ImportError:  # pip always carries a copy
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[assignment]
    from pip._vendor.packaging.utils import (  # type: ignore[assignment]
        canonicalize_name,
        parse_wheel_filename,
    )

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - build machines have 3.11+, but keep the script usable on 3.10
    import tomli as tomllib

EXTENSION_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = EXTENSION_DIR.parent
BUNDLED = EXTENSION_DIR / "bundled"

# VS Code target name -> pip platform tags. pip does not widen a --platform given by hand to the older tags
# it is compatible with, so each baseline a dependency may have used is listed (libcst uses manylinux_2_28,
# pyyaml-ft manylinux_2_17). Only linux-x64 is built and tested here.
PLATFORMS: dict[str, list[str]] = {
    "linux-x64": ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"],
    "linux-arm64": ["manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"],
    "darwin-x64": ["macosx_10_9_x86_64", "macosx_10_12_x86_64", "macosx_10_13_x86_64", "macosx_10_15_x86_64"],
    "darwin-arm64": ["macosx_11_0_arm64", "macosx_12_0_arm64", "macosx_10_9_universal2"],
    "win32-x64": ["win_amd64"],
}
# Environment-marker values per target (PEP 508).
MARKER_PLATFORM: dict[str, dict[str, str]] = {
    "linux-x64": {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64"},
    "linux-arm64": {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "aarch64"},
    "darwin-x64": {"sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "x86_64"},
    "darwin-arm64": {"sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "arm64"},
    "win32-x64": {"sys_platform": "win32", "platform_system": "Windows", "platform_machine": "AMD64"},
}
PYTHON_VERSIONS = ["3.10", "3.11", "3.12", "3.13", "3.14"]
# Distributions a dependency asks for that the server never imports, and why.
NOT_BUNDLED: dict[str, str] = {
    "alembic": "imported by the agent only, which runs in the project's interpreter with its own alembic",
    "sqlalchemy": "imported by the agent only, which runs in the project's interpreter with its own copy",
    "pyyaml": "libcst imports yaml only in libcst/tool.py, its codemod command line",
    "pyyaml-ft": "libcst's yaml for Python 3.13, imported only in libcst/tool.py",
}
# Folders of a dependency that nothing imports at run time.
PRUNED_DIRS = {"tests", "__pycache__"}
# A compiled module's file name names the Python it is for; files named so can share one folder.
VERSIONED_EXTENSION = re.compile(r"\.(cpython-3\d+[a-z]*-[^.]+\.so|cp3\d+-win_[a-z0-9]+\.pyd)$")


def server_requirements() -> list[str]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [r for r in project["dependencies"] if canonicalize_name(Requirement(r).name) not in NOT_BUNDLED]


def marker_environment(target: str, version: str) -> dict[str, str]:
    return {
        **MARKER_PLATFORM[target],
        "os_name": "nt" if target.startswith("win32") else "posix",
        "python_version": version,
        "python_full_version": f"{version}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "extra": "",
    }


def applicable(requirements: list[str], environment: dict[str, str]) -> list[Requirement]:
    """The requirements whose markers hold for the target."""
    kept = []
    for text in requirements:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            kept.append(requirement)
    return kept


def wheel_requires(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        headers = Parser().parsestr(archive.read(name).decode("utf-8"), headersonly=True)
    return headers.get_all("Requires-Dist") or []


def wheels_by_name(directory: Path) -> dict[str, Path]:
    return {canonicalize_name(parse_wheel_filename(w.name)[0]): w for w in directory.glob("*.whl")}


def needed_wheels(
    roots: list[Requirement], wheels: dict[str, Path], environment: dict[str, str]
) -> tuple[dict[str, Path], list[Requirement]]:
    """Walk the dependency graph from `roots` under the target's markers: (needed wheels, missing names)."""
    needed: dict[str, Path] = {}
    missing: list[Requirement] = []
    queue = list(roots)
    while queue:
        requirement = queue.pop()
        name = canonicalize_name(requirement.name)
        if name in needed or name in NOT_BUNDLED:
            continue
        if name not in wheels:
            if all(canonicalize_name(m.name) != name for m in missing):
                missing.append(requirement)
            continue
        needed[name] = wheels[name]
        queue.extend(applicable(wheel_requires(wheels[name]), environment))
    return needed, missing


def pip(*args: str) -> None:
    base = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    # A build machine or CI runs as root; pip's warning about that says nothing about this folder.
    subprocess.run([*base, *args], check=True, env={**os.environ, "PIP_ROOT_USER_ACTION": "ignore"})


def unpack_wheel(wheel: Path, target: Path) -> None:
    """What `pip install --target` does for a wheel: its files, with `*.data/{purelib,platlib}` merged in;
    then its test suites go."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    for data in target.glob("*.data"):
        for scheme in ("purelib", "platlib"):
            if (data / scheme).is_dir():
                shutil.copytree(data / scheme, target, dirs_exist_ok=True)
        shutil.rmtree(data)
    for folder in sorted(target.rglob("*"), reverse=True):
        if folder.is_dir() and folder.name in PRUNED_DIRS:
            shutil.rmtree(folder)


def bundle_version(target: str, version: str, requirements: list[str], wheel_dir: Path, out: Path) -> None:
    environment = marker_environment(target, version)
    roots = applicable(requirements, environment)
    platform_args = [arg for tag in PLATFORMS[target] for arg in ("--platform", tag)]
    wanted = [str(r) for r in roots]
    while True:
        pip(
            "download",
            "--dest",
            str(wheel_dir),
            "--only-binary=:all:",
            "--implementation",
            "cp",
            "--python-version",
            version,
            *platform_args,
            *wanted,
        )
        needed, missing = needed_wheels(roots, wheels_by_name(wheel_dir), environment)
        if not missing:
            break
        # pip skipped these because their markers are false for the interpreter running pip.
        wanted = [str(Requirement(f"{m.name}{m.specifier}")) for m in missing]
    out.mkdir(parents=True)
    for wheel in needed.values():
        unpack_wheel(wheel, out)


def file_digests(entry: Path) -> dict[str, str]:
    """Relative path (inside `entry`'s folder) -> sha256, for a file or every file of a folder."""
    files = [entry] if entry.is_file() else sorted(p for p in entry.rglob("*") if p.is_file())
    return {str(f.relative_to(entry.parent)): hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def mergeable(listings: list[dict[str, str]]) -> bool:
    """One entry's files in every version can live in one folder: a path found in several versions has the
    same bytes in each, and a path found in some versions only is a compiled module whose name says its
    version."""
    seen: dict[str, set[str]] = {}
    for listing in listings:
        for path, digest in listing.items():
            seen.setdefault(path, set()).add(digest)
    return all(
        len(digests) == 1
        and (
            sum(path in listing for listing in listings) == len(listings)
            or VERSIONED_EXTENSION.search(path) is not None
        )
        for path, digests in seen.items()
    )


def move_shared_entries(version_dirs: list[Path], common: Path) -> None:
    """Move every top-level entry that all versions have and that merges (see `mergeable`) into `common`."""
    names = set.intersection(*({p.name for p in d.iterdir()} for d in version_dirs))
    for name in sorted(names):
        if not mergeable([file_digests(d / name) for d in version_dirs]):
            continue
        for version_dir in version_dirs:
            source = version_dir / name
            if source.is_dir():
                shutil.copytree(source, common / name, dirs_exist_ok=True)
                shutil.rmtree(source)
            elif (common / name).exists():  # the same bytes, moved from an earlier version's folder
                source.unlink()
            else:
                shutil.move(str(source), str(common / name))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("target", choices=sorted(PLATFORMS), help="VS Code target platform")
    parser.add_argument("--python", action="append", choices=PYTHON_VERSIONS, help="default: all supported")
    args = parser.parse_args()
    versions = args.python or PYTHON_VERSIONS

    for stale in ("tool", "libs"):
        shutil.rmtree(BUNDLED / stale, ignore_errors=True)
    pip("install", "--no-deps", "--no-compile", "--target", str(BUNDLED / "tool"), str(REPO_ROOT))
    shutil.rmtree(BUNDLED / "tool" / "bin", ignore_errors=True)

    requirements = server_requirements()
    version_dirs = []
    with tempfile.TemporaryDirectory(prefix="alembic-ls-wheels-") as scratch:
        for version in versions:
            tag = f"cp{version.replace('.', '')}"
            out = BUNDLED / "libs" / tag
            bundle_version(args.target, version, requirements, Path(scratch) / tag, out)
            version_dirs.append(out)
    common = BUNDLED / "libs" / "common"
    common.mkdir(parents=True)
    if len(version_dirs) > 1:
        move_shared_entries(version_dirs, common)
    print(f"bundled alembic-ls for {args.target}, Python {', '.join(versions)}: {', '.join(requirements)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
