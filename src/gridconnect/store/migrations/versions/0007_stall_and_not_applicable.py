"""stall rule: when each open application counts as stalled; alerts without a clock; site survey

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 03:00:00

`application.stalls_at` is the end of the quiet period after the application's last action
(the policy's `stall_working_days` working days, counted on the calendar), set by the
workflow at every action; the stall scan claims rows past it and moves it to
`stalled_since`, so each quiet period alerts once. `application.site_surveyed_at` records
the HV site survey, where an on-site reply's supply-plan clock (当日办结) starts.
`alert.clock_id` becomes nullable (a stall alert is about the application, not a clock),
and a partial unique index makes a stall alert unique per (application, quiet period's end)
in the database.

Existing open, unsuspended applications are backfilled from their last audit event with the
shipped calendar (plus `GRIDCONNECT_CALENDAR_DIR`) and the policy in
`GRIDCONNECT_POLICY_FILE` (or the shipped one). Not-applicable documents need no schema:
they are document rows with source `not_applicable`.
"""

import os
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

import gridconnect.store.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "stalls_at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "stalled_since",
                gridconnect.store.types.UtcDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "site_surveyed_at",
                gridconnect.store.types.UtcDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.create_index("ix_application_stalls", ["status", "stalls_at"], unique=False)
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.alter_column("clock_id", existing_type=sa.Integer(), nullable=True)
    op.create_index(
        "uq_alert_stall",
        "alert",
        ["application_id", "due_at"],
        unique=True,
        sqlite_where=sa.text("clock_id IS NULL"),
        postgresql_where=sa.text("clock_id IS NULL"),
    )
    _backfill()


def _backfill() -> None:
    from gridconnect.calendar.files import load_calendar
    from gridconnect.config.policy import load_policy
    from gridconnect.workflow.clocks import stall_instant

    calendar_dir = os.environ.get("GRIDCONNECT_CALENDAR_DIR")
    policy_file = os.environ.get("GRIDCONNECT_POLICY_FILE")
    calendar = load_calendar(Path(calendar_dir) if calendar_dir else None)
    days = load_policy(Path(policy_file) if policy_file else None).stall_working_days
    connection = op.get_bind()
    application = sa.table(
        "application",
        sa.column("id", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("suspended", sa.Boolean()),
        sa.column("stalls_at", gridconnect.store.types.UtcDateTime(timezone=True)),
    )
    event = sa.table(
        "event",
        sa.column("application_id", sa.Integer()),
        sa.column("at", gridconnect.store.types.UtcDateTime(timezone=True)),
    )
    last = (
        sa.select(
            application.c.id,
            sa.func.max(event.c.at, type_=gridconnect.store.types.UtcDateTime(timezone=True)).label(
                "last_at"
            ),
        )
        .join(event, event.c.application_id == application.c.id)
        .where(application.c.status == "open", application.c.suspended.is_(False))
        .group_by(application.c.id)
    )
    for row in connection.execute(last).all():
        connection.execute(
            application.update()
            .where(application.c.id == row.id)
            .values(stalls_at=stall_instant(calendar, row.last_at, days))
        )


def downgrade() -> None:
    op.drop_index("uq_alert_stall", table_name="alert")
    op.execute("DELETE FROM alert WHERE clock_id IS NULL")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.alter_column("clock_id", existing_type=sa.Integer(), nullable=False)
    op.drop_index("ix_application_stalls", table_name="application")
    # Plain DROP COLUMN (SQLite 3.35+): a batch rebuild of `application` would drop the
    # table, which the foreign keys of every child table refuse (as in 0005).
    for column in ("site_surveyed_at", "stalled_since", "stalls_at"):
        op.execute(f"ALTER TABLE application DROP COLUMN {column}")
