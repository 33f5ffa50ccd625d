"""Tiny blog app used as the alembic-ls demo project."""
