"""Finding Alembic projects without importing anything: ini, pyproject, Flask-Migrate, many."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from alembic_ls.project import Project, discover_projects, project_for_path


def ini(folder: Path, body: str, name: str = "alembic.ini") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def only(roots: list[Path]) -> Project:
    projects, errors = discover_projects(roots)
    assert errors == []
    assert len(projects) == 1, projects
    return projects[0]


def test_ini_with_here(tmp_path: Path) -> None:
    ini(tmp_path, "[alembic]\nscript_location = %(here)s/db/migrations\nsqlalchemy.url = sqlite:///x.db\n")
    project = only([tmp_path])
    assert project.kind == "ini"
    assert project.root == tmp_path.resolve()
    assert project.config_file == (tmp_path / "alembic.ini").resolve()
    assert project.script_location == (tmp_path / "db" / "migrations").resolve()
    assert project.version_locations == ((tmp_path / "db" / "migrations" / "versions").resolve(),)
    assert project.dialect == "sqlite"


def test_relative_script_location_is_relative_to_the_ini(tmp_path: Path) -> None:
    ini(tmp_path / "svc", "[alembic]\nscript_location = migrations\n")
    assert only([tmp_path]).script_location == (tmp_path / "svc" / "migrations").resolve()


@pytest.mark.parametrize(
    ("separator", "joined"),
    [
        ("os", os.pathsep.join(["%(here)s/a", "%(here)s/b"])),
        ("space", "%(here)s/a  %(here)s/b"),
        ("newline", "\n    %(here)s/a\n    %(here)s/b"),
        (";", "%(here)s/a;%(here)s/b"),
        (":", "%(here)s/a:%(here)s/b"),
    ],
)
def test_version_locations_with_a_path_separator(tmp_path: Path, separator: str, joined: str) -> None:
    ini(
        tmp_path,
        "[alembic]\nscript_location = %(here)s/m\n"
        f"path_separator = {separator}\nversion_locations = {joined}\n",
    )
    project = only([tmp_path])
    assert project.version_locations == ((tmp_path / "a").resolve(), (tmp_path / "b").resolve())


def test_legacy_version_path_separator_key(tmp_path: Path) -> None:
    ini(tmp_path, "[alembic]\nscript_location = m\nversion_path_separator = ;\nversion_locations = a;b c\n")
    assert only([tmp_path]).version_locations == ((tmp_path / "a").resolve(), (tmp_path / "b c").resolve())


def test_legacy_splitting_on_spaces_and_commas(tmp_path: Path) -> None:
    ini(tmp_path, "[alembic]\nscript_location = m\nversion_locations = a, b c,d\n")
    project = only([tmp_path])
    assert project.version_locations == tuple((tmp_path / n).resolve() for n in ("a", "b", "c", "d"))


def test_unknown_path_separator_is_an_error_not_an_exception(tmp_path: Path) -> None:
    ini(tmp_path, "[alembic]\nscript_location = m\npath_separator = tab\nversion_locations = a\n")
    projects, errors = discover_projects([tmp_path])
    assert projects == []
    assert errors == [
        f"{tmp_path / 'alembic.ini'}: [alembic]: unknown path_separator 'tab'; expected one of "
        "['os', ':', ';', 'space', 'newline', ',']"
    ]


def test_package_resource_form(tmp_path: Path) -> None:
    (tmp_path / "src" / "shop" / "db" / "migrations" / "versions").mkdir(parents=True)
    ini(
        tmp_path,
        "[alembic]\nscript_location = shop.db:migrations\nversion_locations = shop.db:migrations/versions\n",
    )
    project = only([tmp_path])
    assert project.script_location == (tmp_path / "src" / "shop" / "db" / "migrations").resolve()
    assert project.version_locations == (
        (tmp_path / "src" / "shop" / "db" / "migrations" / "versions").resolve(),
    )


def test_windows_drive_letters_are_not_packages(tmp_path: Path) -> None:
    ini(tmp_path, "[alembic]\nscript_location = C:/work/migrations\n")
    assert only([tmp_path]).script_location.name == "migrations"
    assert "C:" in str(only([tmp_path]).script_location)


def test_pyproject_tool_alembic(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.alembic]\nscript_location = "%(here)s/alembic"\n'
        'version_locations = ["%(here)s/alembic/versions", "%(here)s/more"]\n'
        "recursive_version_locations = true\n"
    )
    project = only([tmp_path])
    assert project.kind == "pyproject"
    assert project.script_location == (tmp_path / "alembic").resolve()
    assert project.version_locations == (
        (tmp_path / "alembic" / "versions").resolve(),
        (tmp_path / "more").resolve(),
    )
    assert project.recursive_version_locations


def test_ini_without_script_location_defers_to_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.alembic]\nscript_location = "%(here)s/alembic"\n')
    ini(tmp_path, "[alembic]\nsqlalchemy.url = postgresql+psycopg://u:p@db/app\n")
    project = only([tmp_path])
    assert project.kind == "pyproject" and project.dialect == "postgresql"


def test_pyproject_bad_types_name_the_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.alembic]\nscript_location = "a"\nversion_locations = "b"\n'
    )
    projects, errors = discover_projects([tmp_path])
    assert projects == [] and len(errors) == 1
    assert "[tool.alembic] version_locations must be a list of strings" in errors[0]


def test_flask_migrate_layout(tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    (migrations / "versions").mkdir(parents=True)
    (migrations / "env.py").write_text("")
    ini(migrations, "[alembic]\n# template used to generate migration files\n\n[loggers]\nkeys = root\n")
    project = only([tmp_path])
    assert project.kind == "flask"
    assert project.script_location == migrations.resolve()
    assert project.version_locations == ((migrations / "versions").resolve(),)


def test_flask_migrate_layout_without_any_ini(tmp_path: Path) -> None:
    (tmp_path / "app" / "migrations" / "versions").mkdir(parents=True)
    (tmp_path / "app" / "migrations" / "env.py").write_text("")
    project = only([tmp_path])
    assert project.kind == "flask" and project.config_file is None
    assert project.root == (tmp_path / "app").resolve()


def test_several_projects_in_one_tree(tmp_path: Path) -> None:
    ini(tmp_path / "billing", "[alembic]\nscript_location = %(here)s/migrations\n")
    ini(tmp_path / "users", "[alembic]\nscript_location = %(here)s/alembic\n")
    (tmp_path / "pyproject.toml").write_text('[tool.alembic]\nscript_location = "%(here)s/core/alembic"\n')
    ini(tmp_path / "node_modules" / "pkg", "[alembic]\nscript_location = %(here)s/m\n")  # skipped
    ini(tmp_path / ".venv" / "lib", "[alembic]\nscript_location = %(here)s/m\n")  # skipped
    projects, errors = discover_projects([tmp_path])
    assert errors == []
    assert [p.script_location for p in projects] == [
        (tmp_path / "billing" / "migrations").resolve(),
        (tmp_path / "core" / "alembic").resolve(),
        (tmp_path / "users" / "alembic").resolve(),
    ]


def test_the_same_project_twice_is_listed_once(tmp_path: Path) -> None:
    ini(tmp_path, "[alembic]\nscript_location = %(here)s/migrations\n")
    ini(tmp_path, "[alembic]\nscript_location = %(here)s/migrations\n", name="alembic-test.ini")
    (tmp_path / "migrations" / "versions").mkdir(parents=True)
    (tmp_path / "migrations" / "env.py").write_text("")
    projects, errors = discover_projects([tmp_path, tmp_path / "migrations"])
    assert errors == [] and len(projects) == 1


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("[alembic\nscript_location = m\n", "cannot read"),
        ("[alembic]\nscript_location = %(nowhere)s/m\n", "[alembic]"),
        ("[alembic]\nscript_location = m\nscript_location = n\n", "cannot read"),
    ],
)
def test_broken_ini_is_an_error_string(tmp_path: Path, body: str, fragment: str) -> None:
    ini(tmp_path, body)
    ini(tmp_path / "other", "[alembic]\nscript_location = %(here)s/m\n")
    projects, errors = discover_projects([tmp_path])
    assert len(errors) == 1
    assert str(tmp_path / "alembic.ini") in errors[0] and fragment in errors[0]
    assert [p.root for p in projects] == [(tmp_path / "other").resolve()]  # the rest still works


def test_non_utf8_ini_is_an_error_string(tmp_path: Path) -> None:
    (tmp_path / "alembic.ini").write_bytes(b"[alembic]\nscript_location = m\n# caf\xe9\n")
    projects, errors = discover_projects([tmp_path])
    assert projects == [] and len(errors) == 1 and "cannot read" in errors[0]


def test_broken_pyproject_is_an_error_string(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.alembic\n")
    projects, errors = discover_projects([tmp_path])
    assert projects == [] and len(errors) == 1 and "cannot read TOML" in errors[0]


def test_ini_without_alembic_section_is_not_a_project(tmp_path: Path) -> None:
    ini(tmp_path, "[loggers]\nkeys = root\n")
    assert discover_projects([tmp_path]) == ([], [])


def test_project_for_path_walks_up_from_a_file(tmp_path: Path) -> None:
    ini(tmp_path, "[alembic]\nscript_location = %(here)s/migrations\n")
    versions = tmp_path / "migrations" / "versions"
    versions.mkdir(parents=True)
    revision = versions / "a1_x.py"
    revision.write_text("revision = 'a1'\n")
    project = project_for_path(revision)
    assert project is not None and project.owns(revision)
    assert only([revision]).script_location == project.script_location
    assert project_for_path(tmp_path / "elsewhere.py") is None


def test_owns_follows_recursive_version_locations(tmp_path: Path) -> None:
    versions = (tmp_path / "versions").resolve()
    flat = Project(tmp_path, None, tmp_path, (versions,))
    deep = Project(tmp_path, None, tmp_path, (versions,), recursive_version_locations=True)
    nested = versions / "2024" / "a1.py"
    assert flat.owns(versions / "a1.py") and not flat.owns(nested)
    assert deep.owns(versions / "a1.py") and deep.owns(nested)
    assert not deep.owns(tmp_path / "env.py")


@pytest.mark.parametrize(
    ("url", "dialect"),
    [
        ("postgres://u@h/db", "postgresql"),
        ("postgresql+asyncpg://u@h/db", "postgresql"),
        ("mysql+pymysql://u@h/db", "mysql"),
        ("sqlite:///%(here)s/x.db", "sqlite"),
        ("driver://user:pass@localhost/dbname", None),
        ("", None),
        ("${DATABASE_URL}", None),
    ],
)
def test_dialect_from_the_url(tmp_path: Path, url: str, dialect: str | None) -> None:
    assert Project(tmp_path, None, tmp_path, (), sqlalchemy_url=url).dialect == dialect


def test_broken_pyproject_that_never_mentions_alembic_is_not_an_error(tmp_path: Path) -> None:
    """ckan ships `contrib/cookiecutter/.../{{cookiecutter.project}}/pyproject.toml`, a template that is
    not valid TOML: it cannot be an Alembic configuration, so it must not stop the check (exit 2)."""
    template = tmp_path / "{{cookiecutter.project}}"
    template.mkdir()
    (template / "pyproject.toml").write_text('[project]\nname = "{{ cookiecutter.project }}"\nx = {a = \n')
    projects, errors = discover_projects([tmp_path])
    assert projects == [] and errors == []
