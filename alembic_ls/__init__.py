"""alembic-ls: a language server, linter and CI check for Alembic migrations."""

__version__ = "0.1.0"
