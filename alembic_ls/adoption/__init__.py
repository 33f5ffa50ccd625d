"""Adopting alembic-ls on an existing history: `alembic-ls init` and the pyproject.toml edit it makes."""
