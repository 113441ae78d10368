"""outage events in the regulator export: the writing transaction of each outage event

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 05:35:00

On PostgreSQL `outage_event.xact_id` records the id of the transaction that wrote each
outage event (`pg_current_xact_id()`, a server-side default that is not a time), exactly as
migration 0002 did for `event`: the regulator export hands outage events out in
(`xact_id`, `id`) order below the horizon of finished transactions (docs/regulator-export.md).
Existing rows get this migration's transaction id, which has finished before any export can
read them. SQLite serialises writers, so ids are in commit order there and no column is added.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE outage_event ADD COLUMN xact_id xid8 NOT NULL DEFAULT pg_current_xact_id()"
        )
        op.execute("CREATE INDEX ix_outage_event_xact_id ON outage_event (xact_id, id)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_outage_event_xact_id")
        op.execute("ALTER TABLE outage_event DROP COLUMN xact_id")
