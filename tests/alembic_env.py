"""A minimal env.py for temp Alembic projects in tests: online mode against sqlalchemy.url.

It hands autogenerate a MetaData (an empty one: no test generates a revision), as a project that can
follow the rule book does; AM101 says nothing in a project whose env.py gives it none."""

MINIMAL_ENV_PY = """\
from alembic import context
from sqlalchemy import MetaData, engine_from_config, pool

config = context.config
connectable = engine_from_config(
    config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=MetaData())
    with context.begin_transaction():
        context.run_migrations()
"""
