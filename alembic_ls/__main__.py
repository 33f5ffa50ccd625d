from alembic_ls.entry import main

raise SystemExit(main())
