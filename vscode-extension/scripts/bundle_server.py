"""Put the alembic-ls server and its Python dependencies into bundled/ for one target platform.

Layout (what bundled/launch.py expects):
  bundled/tool/alembic_ls/      the server package itself (pure Python, any version)
  bundled/libs/cpXY/            the dependencies resolved for CPython X.Y on the target platform
  bundled/libs/common/          entries that came out byte-identical for every version (moved, not copied)

libcst ships a compiled parser per Python version and platform, so the dependencies are fetched once per
supported version with `pip download --platform/--python-version/--only-binary`. pip evaluates environment
markers (`exceptiongroup; python_version < "3.11"`, `pyyaml-ft; python_version == "3.13"`) against the
interpreter running it, not the target, so this script evaluates them for the target itself: it downloads what
the target's markers ask for until nothing is missing, then unpacks only the wheels the target needs.
alembic and SQLAlchemy are left out on purpose: the server never imports them, and the agent must use the
project's own alembic, not a bundled one.
"""

from __future__ import annotations

import argparse
import hashlib
import os
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
# Needed only by the agent, which runs in the project's interpreter with the project's own copies.
AGENT_ONLY = {"alembic", "sqlalchemy"}


def server_requirements() -> list[str]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [r for r in project["dependencies"] if canonicalize_name(Requirement(r).name) not in AGENT_ONLY]


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
        if name in needed:
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
    subprocess.run([*base, *args], check=True)


def unpack_wheel(wheel: Path, target: Path) -> None:
    """What `pip install --target` does for a wheel: its files, with `*.data/{purelib,platlib}` merged in."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    for data in target.glob("*.data"):
        for scheme in ("purelib", "platlib"):
            if (data / scheme).is_dir():
                shutil.copytree(data / scheme, target, dirs_exist_ok=True)
        shutil.rmtree(data)


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


def entry_digest(path: Path) -> str:
    digest = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        digest.update(str(file.relative_to(path.parent)).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def move_shared_entries(version_dirs: list[Path], common: Path) -> None:
    """Move every top-level entry that is byte-identical across all versions into `common`."""
    names = set.intersection(*(set(os.listdir(d)) for d in version_dirs))
    for name in sorted(names):
        if len({entry_digest(d / name) for d in version_dirs}) == 1:
            shutil.move(str(version_dirs[0] / name), str(common / name))
            for other in version_dirs[1:]:
                path = other / name
                shutil.rmtree(path) if path.is_dir() else path.unlink()


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
