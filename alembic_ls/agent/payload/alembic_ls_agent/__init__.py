"""alembic-ls agent: runs inside the project's own interpreter (stdlib + alembic + the project only).

Started as `python -m alembic_ls_agent` with PYTHONPATH pointing at the folder that holds this package
and nothing else. Never import alembic-ls from here.
"""
