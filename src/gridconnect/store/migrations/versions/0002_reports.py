"""reports: calendar days, export log, report indexes, event transaction ids

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 12:00:00

On PostgreSQL `event.xact_id` records the id of the transaction that wrote each audit
event (`pg_current_xact_id()`, a server-side default that is not a time). The regulator
export only hands out events of transactions older than every running one, so a change
that commits late is never skipped (docs/regulator-export.md). SQLite has no xid8 and no
concurrent writers, so the column exists on PostgreSQL only and is not in the models.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import gridconnect.store.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("application", "ix_application_closed_at", ["closed_at"]),
    ("stage_visit", "ix_stage_visit_left_at", ["left_at"]),
    ("sla_clock", "ix_sla_clock_kind_stopped", ["kind", "stopped_at"]),
    ("alert", "ix_alert_level_raised", ["level", "raised_at"]),
    ("event", "ix_event_action_at", ["action", "at"]),
)


def upgrade() -> None:
    op.create_table(
        "calendar_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("workday_ordinal", sa.Integer(), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "calendar_sync",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("synced_at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "export_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("cursor_from", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("cursor_to", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("applications", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("export_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_export_log_at"), ["at"], unique=False)
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # Existing rows get the migrating transaction's id: they were all committed before.
        op.execute(
            "ALTER TABLE event ADD COLUMN xact_id xid8 NOT NULL DEFAULT pg_current_xact_id()"
        )
        op.execute("CREATE INDEX ix_event_xact_id ON event (xact_id, id)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_event_xact_id")
        op.execute("ALTER TABLE event DROP COLUMN xact_id")
    for table, name, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
    with op.batch_alter_table("export_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_log_at"))
    op.drop_table("export_log")
    op.drop_table("calendar_sync")
    op.drop_table("calendar_day")
