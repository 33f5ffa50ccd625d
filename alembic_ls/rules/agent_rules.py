"""The rules reported by running the project's Alembic (agent), in code order."""

from __future__ import annotations

from alembic_ls.rules.am601_model_drift import ModelDrift
from alembic_ls.rules.am602_database_behind_head import DatabaseBehindHead
from alembic_ls.rules.am603_database_unreachable import DatabaseUnreachable
from alembic_ls.rules.am604_migration_not_committed import MigrationNotCommitted
from alembic_ls.rules.am605_environment_error import EnvironmentBroken
from alembic_ls.rules.am701_upgrade_fails import UpgradeFails
from alembic_ls.rules.am702_downgrade_fails import DowngradeFails
from alembic_ls.rules.am703_downgrade_incomplete import DowngradeIncomplete
from alembic_ls.rules.base import Rule

AGENT_RULES: list[Rule] = [
    ModelDrift(),
    DatabaseBehindHead(),
    DatabaseUnreachable(),
    MigrationNotCommitted(),
    EnvironmentBroken(),
    UpgradeFails(),
    DowngradeFails(),
    DowngradeIncomplete(),
]
