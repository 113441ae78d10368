"""selfservice tickets: a ticket's warning and breach are alert rows

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 05:30:00

`alert.ticket_id` (nullable) names the customer's ticket an alert is about; such an alert has
no clock and is unique per (ticket, level) (`uq_alert_ticket_level`). The stall index
`uq_alert_stall` (unique per application and quiet period's end among clockless alerts) now
leaves ticket alerts out: two tickets of one application asked the same day share their due
instant. Tickets already warned or breached and still unanswered get their alert rows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STALL_INDEX_BEFORE = "clock_id IS NULL"
STALL_INDEX_AFTER = "clock_id IS NULL AND ticket_id IS NULL"


def _stall_index(where: str) -> None:
    op.create_index(
        "uq_alert_stall",
        "alert",
        ["application_id", "due_at"],
        unique=True,
        sqlite_where=sa.text(where),
        postgresql_where=sa.text(where),
    )


def upgrade() -> None:
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ticket_id", sa.Integer(), nullable=True))
    op.create_index("uq_alert_ticket_level", "alert", ["ticket_id", "level"], unique=True)
    op.drop_index("uq_alert_stall", table_name="alert")
    _stall_index(STALL_INDEX_AFTER)
    # Unanswered tickets the scan already warned or breached: their alerts, as the scan
    # would have raised them (a breached ticket's warning is withdrawn by its breach).
    op.execute(
        "INSERT INTO alert (application_id, company, city, level, due_at, raised_at,"
        " raised_count, ticket_id, cleared_at)"
        " SELECT application_id, company, city, 'ticket_warning', warn_at, warned_at, 1, id,"
        " breached_at FROM help_ticket WHERE answered_at IS NULL AND warned_at IS NOT NULL"
    )
    op.execute(
        "INSERT INTO alert (application_id, company, city, level, due_at, raised_at,"
        " raised_count, ticket_id)"
        " SELECT application_id, company, city, 'ticket_breach', due_at, breached_at, 1, id"
        " FROM help_ticket WHERE answered_at IS NULL AND breached_at IS NOT NULL"
    )


def downgrade() -> None:
    op.execute("DELETE FROM alert WHERE ticket_id IS NOT NULL")
    op.drop_index("uq_alert_stall", table_name="alert")
    _stall_index(STALL_INDEX_BEFORE)
    op.drop_index("uq_alert_ticket_level", table_name="alert")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_column("ticket_id")
