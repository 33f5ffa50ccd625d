"""Check a built .vsix: exactly the files the extension needs, and the server's Python packages for its
platform.

    python3 vscode-extension/scripts/audit_vsix.py vscode-extension/alembic-ls-*.vsix

For each package (its platform read from the file name and checked against its manifest):
- outside bundled/, only the files VS Code and the Marketplace read (ALLOWED_FILES);
- for every supported CPython, the distributions it can see in bundled/libs (libs/cpXY, then libs/common)
  are exactly the closure of the server's requirements under that platform's and version's markers, each
  once, less the ones bundle_server.NOT_BUNDLED leaves out: nothing missing, nothing unused;
- every file under bundled/libs is listed in the RECORD of a distribution there; no tests/, __pycache__, .pyc;
- every native file (ELF, Mach-O, PE) is built for the platform's OS and CPU, and its name's version tag is a
  supported CPython (or abi3); each compiled distribution has its native module for each version that sees it;
- nothing bundled imports a left-out distribution, except where bundle_server.NOT_BUNDLED says it may
  (libcst/tool.py imports yaml; the agent imports alembic and SQLAlchemy in the project's interpreter);
- the package is within the size budget (SIZE_BUDGET_BYTES);
- every image and link of the packaged README that points into the repository names a file the
  repository has (vsce rewrites relative ones to repository URLs: a wrong base breaks them all).
Prints one line per package (size and verdict) and each problem; exits 1 when any package has one.
"""

from __future__ import annotations

import ast
import csv
import io
import re
import struct
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.parser import Parser
from pathlib import PurePosixPath

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
from bundle_server import (  # a sibling script, not a package
    NOT_BUNDLED,
    PLATFORMS,
    PYTHON_VERSIONS,
    applicable,
    marker_environment,
    server_requirements,
)

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # pip always carries a copy
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[assignment]
    from pip._vendor.packaging.utils import canonicalize_name  # type: ignore[assignment]

# 8 MB would hold everything but libcst's compiled parser, which the server needs once per CPython version:
# those five files alone take 7.1-8.0 MB compressed (measured on each target), the rest about 1.3 MB.
SIZE_BUDGET_BYTES = 10 * 2**20
ALLOWED_FILES = {
    "[Content_Types].xml",
    "extension.vsixmanifest",
    "extension/package.json",
    "extension/readme.md",
    "extension/changelog.md",
    "extension/LICENSE.txt",
    "extension/images/icon.png",
    "extension/dist/extension.js",
    "extension/bundled/launch.py",
}
BUNDLED = "extension/bundled/"
LIBS = BUNDLED + "libs/"
TOOL = BUNDLED + "tool/"
NATIVE_SUFFIXES = (".so", ".pyd", ".dylib")
# Modules of left-out distributions, and the bundled files allowed to import them: libcst's codemod command
# line and cattrs's optional YAML converter, which nothing on the server's path imports (OFF_THE_SERVER_PATH;
# the bundled-server test also runs a session and finds no yaml module loaded).
YAML_USERS = (
    "libs/common/libcst/tool.py",
    "libs/common/cattrs/preconf/pyyaml.py",
    "libs/common/cattr/preconf/pyyaml.py",  # cattrs's old name, re-exporting the above
)
OFF_THE_SERVER_PATH = ("libcst.tool", "cattrs.preconf.pyyaml")
LEFT_OUT_MODULES = {
    "yaml": YAML_USERS,
    "_yaml": YAML_USERS,
    "yaml_ft": YAML_USERS,
    "alembic": ("tool/alembic_ls/agent/",),
    "sqlalchemy": ("tool/alembic_ls/agent/",),
    "mako": (),
}
assert {"alembic", "sqlalchemy", "pyyaml", "pyyaml-ft"} == set(NOT_BUNDLED)

# (OS, CPU) a native file is built for, per target.
TARGET_BINARY = {
    "linux-x64": ("elf", "x86_64"),
    "linux-arm64": ("elf", "aarch64"),
    "darwin-x64": ("macho", "x86_64"),
    "darwin-arm64": ("macho", "arm64"),
    "win32-x64": ("pe", "x86_64"),
}
ELF_MACHINES = {62: "x86_64", 183: "aarch64"}
MACHO_CPUS = {0x01000007: "x86_64", 0x0100000C: "arm64"}
PE_MACHINES = {0x8664: "x86_64", 0xAA64: "aarch64"}
# The name part after the module name: its CPython version and platform.
NATIVE_NAME = re.compile(
    r"\.(?:cpython-(?P<linux_ver>3\d+)-(?P<linux_plat>[^.]+)|(?P<abi3>abi3)|cp(?P<win_ver>3\d+)-(?P<win_plat>[^.]+))"
    r"\.(?:so|pyd)$"
)
NAME_PLATFORM = {
    "linux-x64": "x86_64-linux-gnu",
    "linux-arm64": "aarch64-linux-gnu",
    "darwin-x64": "darwin",
    "darwin-arm64": "darwin",
    "win32-x64": "win_amd64",
}


def binary_kind(data: bytes) -> tuple[str, set[str]] | None:
    """(format, CPUs) of a native binary, or None when `data` is no ELF, Mach-O or PE file."""
    if data[:4] == b"\x7fELF":
        little = data[5] == 1
        (machine,) = struct.unpack("<H" if little else ">H", data[18:20])
        return "elf", {ELF_MACHINES.get(machine, f"machine {machine}")}
    if data[:4] in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe"):
        (cpu,) = struct.unpack("<I", data[4:8])
        return "macho", {MACHO_CPUS.get(cpu, f"cpu {cpu:#x}")}
    if data[:4] == b"\xca\xfe\xba\xbe":  # universal: every architecture it holds
        (count,) = struct.unpack(">I", data[4:8])
        cpus = {struct.unpack(">I", data[8 + 20 * i : 12 + 20 * i])[0] for i in range(count)}
        return "macho", {MACHO_CPUS.get(cpu, f"cpu {cpu:#x}") for cpu in cpus}
    if data[:2] == b"MZ" and len(data) > 0x40:
        (offset,) = struct.unpack("<I", data[0x3C:0x40])
        if data[offset : offset + 4] == b"PE\0\0":
            (machine,) = struct.unpack("<H", data[offset + 4 : offset + 6])
            return "pe", {PE_MACHINES.get(machine, f"machine {machine:#x}")}
    return None


def native_version_tag(name: str, target: str) -> str | None:
    """'cp312' / 'abi3' from a compiled module's file name, None when the name does not fit the target."""
    if target.startswith("darwin") or target.startswith("linux"):
        match = NATIVE_NAME.search(name)
        if match and match["abi3"]:
            return "abi3"
        if match and match["linux_ver"] and match["linux_plat"] == NAME_PLATFORM[target]:
            return f"cp{match['linux_ver']}"
        return None
    match = NATIVE_NAME.search(name)
    if match and match["abi3"]:
        return "abi3"
    if match and match["win_ver"] and match["win_plat"] == NAME_PLATFORM[target]:
        return f"cp{match['win_ver']}"
    return None


@dataclass
class Distribution:
    name: str
    location: str  # "common" or "cp312"
    requires: list[str]
    purelib: bool
    record: set[str] = field(default_factory=set)


def read_distributions(archive: zipfile.ZipFile, names: list[str]) -> list[Distribution]:
    found = []
    for name in names:
        parts = PurePosixPath(name).parts
        # extension/bundled/libs/<location>/<dist>.dist-info/METADATA
        is_metadata = len(parts) == 6 and parts[5] == "METADATA" and parts[4].endswith(".dist-info")
        if name.startswith(LIBS) and is_metadata:
            location, info = parts[3], "/".join(parts[:5])
            metadata = Parser().parsestr(archive.read(name).decode("utf-8"), headersonly=True)
            wheel = Parser().parsestr(archive.read(info + "/WHEEL").decode("utf-8"), headersonly=True)
            record_text = archive.read(info + "/RECORD").decode("utf-8")
            record = {row[0] for row in csv.reader(io.StringIO(record_text))}
            found.append(
                Distribution(
                    name=canonicalize_name(metadata["Name"]),
                    location=location,
                    requires=metadata.get_all("Requires-Dist") or [],
                    purelib=wheel.get("Root-Is-Purelib", "true").strip().lower() == "true",
                    record=record,
                )
            )
    return found


def expected_closure(
    target: str, version: str, available: dict[str, Distribution]
) -> tuple[set[str], set[str]]:
    """(distributions the server needs for this target and version, required ones absent from `available`)."""
    environment = marker_environment(target, version)
    needed: set[str] = set()
    absent: set[str] = set()
    queue: list[Requirement] = applicable(server_requirements(), environment)
    while queue:
        name = canonicalize_name(queue.pop().name)
        if name in needed or name in NOT_BUNDLED:
            continue
        needed.add(name)
        if name not in available:
            absent.add(name)
            continue
        queue.extend(applicable(available[name].requires, environment))
    return needed, absent


def imported_modules(source: bytes) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


TAGS = [f"cp{v.replace('.', '')}" for v in PYTHON_VERSIONS]


def layout_problems(names: list[str]) -> list[str]:
    """Files where no file should be: outside bundled/, in tool/ or libs/, tests and bytecode."""
    problems = []
    for name in names:
        parts = PurePosixPath(name).parts
        if not name.startswith(BUNDLED):
            if name not in ALLOWED_FILES:
                problems.append(f"unexpected file outside bundled/: {name}")
        elif "__pycache__" in parts or name.endswith(".pyc") or "tests" in parts:
            problems.append(f"test or bytecode file: {name}")
        elif name.startswith(TOOL):
            if not (parts[3] == "alembic_ls" or re.fullmatch(r"alembic_ls-[^/]+\.dist-info", parts[3])):
                problems.append(f"unexpected file in bundled/tool: {name}")
        elif name.startswith(LIBS):
            if parts[3] not in {"common", *TAGS}:
                problems.append(f"unexpected folder in bundled/libs: {parts[3]} ({name})")
        elif name not in ALLOWED_FILES:
            problems.append(f"unexpected file in bundled/: {name}")
    locations = {PurePosixPath(n).parts[3] for n in names if n.startswith(LIBS)}
    for tag in TAGS:
        if tag not in locations:
            problems.append(f"no bundled/libs/{tag} (launch.py and the extension expect one per version)")
    return problems


def unrecorded_files(names: list[str], distributions: list[Distribution]) -> list[str]:
    """Files under libs/ that no distribution a version sees with them lists in its RECORD."""
    recorded: dict[str, set[str]] = {}
    for distribution in distributions:
        recorded.setdefault(distribution.location, set()).update(distribution.record)
    everywhere = set().union(*recorded.values()) if recorded else set()
    problems = []
    for name in names:
        if name.startswith(LIBS):
            parts = PurePosixPath(name).parts
            location, inner = parts[3], "/".join(parts[4:])
            if location == "common":
                listed = everywhere
            else:
                listed = recorded.get(location, set()) | recorded.get("common", set())
            if inner not in listed:
                problems.append(f"file of no bundled distribution: {name}")
    return problems


def closure_problems(archive: zipfile.ZipFile, target: str, distributions: list[Distribution]) -> list[str]:
    """Per version: the distributions it sees are the server's closure, each once, compiled ones for it."""
    problems = []
    for version, tag in zip(PYTHON_VERSIONS, TAGS, strict=True):
        visible = [d for d in distributions if d.location in (tag, "common")]
        by_name: dict[str, Distribution] = {}
        for distribution in visible:
            if distribution.name in by_name:
                problems.append(f"{tag}: {distribution.name} is bundled twice")
            by_name[distribution.name] = distribution
        needed, absent = expected_closure(target, version, by_name)
        problems += [f"{tag}: {name} is needed but not bundled" for name in sorted(absent)]
        problems += [
            f"{tag}: {name} is bundled but the server does not need it on {target}"
            for name in sorted(set(by_name) - needed)
        ]
        for distribution in visible:
            if distribution.purelib:
                continue
            native = [p for p in distribution.record if p.endswith(NATIVE_SUFFIXES)]
            own = [p for p in native if native_version_tag(PurePosixPath(p).name, target) in (tag, "abi3")]
            if not own:
                problems.append(f"{tag}: {distribution.name} is compiled but has no native module for {tag}")
            for path in own:
                if not any(f"{LIBS}{loc}/{path}" in archive.NameToInfo for loc in (tag, "common")):
                    problems.append(f"{tag}: {distribution.name}'s {path} is listed but not bundled")
    return problems


def native_problems(archive: zipfile.ZipFile, names: list[str], target: str) -> list[str]:
    """Every ELF, Mach-O or PE file is for the target's OS and CPU and named for a supported CPython."""
    want_format, want_cpu = TARGET_BINARY[target]
    problems = []
    for name in names:
        if not name.startswith(BUNDLED):
            continue
        with archive.open(name) as handle:
            kind = binary_kind(handle.read(4096))
        if kind is None:
            if name.endswith(NATIVE_SUFFIXES):
                problems.append(f"{name} is named like a native module but is no ELF, Mach-O or PE file")
            continue
        file_format, cpus = kind
        if file_format != want_format or want_cpu not in cpus:
            problems.append(f"{name} is built for {file_format} {'/'.join(sorted(cpus))}, not {target}")
        if native_version_tag(PurePosixPath(name).name, target) not in (*TAGS, "abi3"):
            problems.append(f"{name}: its name does not say a supported CPython on {target}")
    return problems


def import_problems(archive: zipfile.ZipFile, names: list[str]) -> list[str]:
    """Bundled code that imports a left-out distribution where it may not (LEFT_OUT_MODULES)."""
    problems = []
    for name in names:
        if not (name.startswith(BUNDLED) and name.endswith(".py")):
            continue
        relative = name[len(BUNDLED) :]
        try:
            modules = imported_modules(archive.read(name))
        except SyntaxError as error:
            problems.append(f"{name} does not parse here: {error}")
            continue
        for module in sorted(modules):
            top = module.split(".")[0]
            if top in LEFT_OUT_MODULES and not relative.startswith(LEFT_OUT_MODULES[top]):
                problems.append(f"{relative} imports {module}, whose distribution is not bundled")
            if module.startswith(OFF_THE_SERVER_PATH) and not relative.startswith(YAML_USERS):
                problems.append(f"{relative} imports {module}, which needs the PyYAML left out")
    return problems


def audit(archive: zipfile.ZipFile, target: str, size: int) -> list[str]:
    problems: list[str] = []
    names = [n for n in archive.namelist() if not n.endswith("/")]
    if f'TargetPlatform="{target}"' not in archive.read("extension.vsixmanifest").decode("utf-8"):
        problems.append(f"the manifest does not name the target platform {target}")
    if size > SIZE_BUDGET_BYTES:
        problems.append(f"{size / 2**20:.2f} MB is over the budget of {SIZE_BUDGET_BYTES / 2**20:.0f} MB")
    distributions = read_distributions(archive, names)
    problems += layout_problems(names)
    problems += unrecorded_files(names, distributions)
    problems += closure_problems(archive, target, distributions)
    problems += native_problems(archive, names, target)
    problems += import_problems(archive, names)
    problems += readme_link_problems(archive.read("extension/readme.md").decode("utf-8"))
    return problems


REPOSITORY_ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
_REPOSITORY_URL = re.compile(r"\(https://github\.com/alembic-ls/alembic-ls/(?:raw|blob)/HEAD/([^)#\s]+)")


def readme_link_problems(readme: str) -> list[str]:
    """Repository URLs in the packaged README whose path (`..` resolved, as a browser does) is no
    file or folder of this repository."""
    problems = []
    for found in _REPOSITORY_URL.finditer(readme):
        parts: list[str] = []
        escapes = False  # `..` above the repository's root climbs out of `raw/HEAD/`
        for part in found.group(1).split("/"):
            if part == "..":
                escapes = escapes or not parts
                if parts:
                    parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        if escapes or not parts or not (REPOSITORY_ROOT / "/".join(parts)).exists():
            problems.append(f"the README links {found.group(0)[1:]}, which names no file of the repository")
    return problems


def target_of(path: str) -> str:
    match = re.search(r"alembic-ls-(?P<target>[a-z0-9]+-[a-z0-9]+)\.vsix$", path)
    if not match or match["target"] not in PLATFORMS:
        raise SystemExit(f"{path}: cannot tell the target platform from the name (alembic-ls-TARGET.vsix)")
    return match["target"]


def main(paths: Iterable[str]) -> int:
    failed = False
    for path in paths:
        target = target_of(path)
        with open(path, "rb") as handle:
            data = handle.read()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            problems = audit(archive, target, len(data))
        verdict = f"{len(problems)} problem(s)" if problems else "ok"
        print(f"{path}: {len(data) / 2**20:.2f} MB, {verdict}")
        for problem in problems:
            print(f"  {problem}")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
