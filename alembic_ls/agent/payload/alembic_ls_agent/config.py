"""Build Alembic's Config for a request, exactly as the `alembic` command would from the same files."""

from __future__ import annotations

import io
from typing import Any


class RequestError(Exception):
    """The request itself is malformed (a bug on the server side, not the user's)."""


def make_config(project: dict[str, Any], output: io.StringIO, stdout: io.StringIO) -> Any:
    from alembic.config import Config

    kind = project.get("kind", "ini")
    config_file = project.get("configFile")
    if kind == "pyproject" and config_file:
        try:
            config = Config(toml_file=config_file, output_buffer=output, stdout=stdout)
        except TypeError:
            raise RequestError(
                "this project keeps its Alembic settings in pyproject.toml, which needs alembic >= 1.16 "
                "in the project's environment"
            ) from None
    elif config_file:
        config = Config(config_file, output_buffer=output, stdout=stdout)
    else:
        script_location = project.get("scriptLocation")
        if not script_location:
            raise RequestError("request names neither a config file nor a script location")
        config = Config(output_buffer=output, stdout=stdout)
        config.set_main_option("script_location", script_location)
    url = project.get("url")
    if url:
        # ConfigParser interpolation: a literal % in a password must be doubled.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config
