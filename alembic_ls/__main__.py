from alembic_ls.cli import main

raise SystemExit(main())
