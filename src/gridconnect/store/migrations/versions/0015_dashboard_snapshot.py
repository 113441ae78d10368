"""dashboard: the supervisor's figures per scope, and indexes for the month's queries

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27 08:00:00

`dashboard_snapshot` holds the dashboard's report figures (the month's summary, on-time
rates, the twelve-month trend) per supervisor scope, as the report computed them; the page
reads a row while it is younger than the breach-scan interval and the refresh job recomputes
the scopes viewed lately. Nothing to fill: a missing row is computed on the first view.

Indexes for the month's queries on a large database: the applications still open are a
partial index covering the report's breakdown (company, city, kind) and the receipt time;
clocks are found by when they stopped and, while open, by their due; open alerts are paged
oldest first from a partial index.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import gridconnect.store.types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_APPLICATIONS = "closed_at IS NULL"
OPEN_CLOCKS = "stopped_at IS NULL"
OPEN_ALERTS = "acknowledged_at IS NULL AND cleared_at IS NULL"
# (table, name, columns, partial condition or None)
INDEXES = (
    ("application", "ix_application_open", ["company", "city", "kind", "received_at"],
     OPEN_APPLICATIONS),
    ("sla_clock", "ix_sla_clock_stopped", ["stopped_at"], None),
    ("sla_clock", "ix_sla_clock_open_due", ["due_at"], OPEN_CLOCKS),
    ("alert", "ix_alert_open_raised", ["raised_at", "id"], OPEN_ALERTS),
)  # fmt: skip


def upgrade() -> None:
    instant = gridconnect.store.types.UtcDateTime(timezone=True)
    op.create_table(
        "dashboard_snapshot",
        sa.Column("scope_key", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("company", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("cities", sa.JSON(), nullable=True),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("computed_at", instant, nullable=False),
        sa.Column("viewed_at", instant, nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("scope_key"),
    )
    for table, name, columns, where in INDEXES:
        partial = {} if where is None else {
            "sqlite_where": sa.text(where), "postgresql_where": sa.text(where)
        }  # fmt: skip
        op.create_index(name, table, columns, **partial)


def downgrade() -> None:
    for table, name, _, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_table("dashboard_snapshot")
