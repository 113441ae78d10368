"""command centre: each running clock's forecast breach risk; supervision orders (督办)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 04:50:00

`sla_clock.breach_risk` is the probability that the clock breaches, estimated by the risk
scan from finished clocks of the same kind, clock, city and company
(`services/breach_risk`); `risk_basis` says which group it used and how many cases. Both
are nullable: a clock not yet assessed, or without comparable history, has none. The index
lets the queue and the supervisor's view sort running clocks by risk in SQL.

`supervision_order` holds a supervisor's order on an application: what to do, to whom,
within how many working days, and the answer; its deadline is an `sla_clock` of kind
`supervision_order` (one per order), warned and breached by the SLA scan.
`alert.ack_note` keeps the note of a (bulk) acknowledgement.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gridconnect.store.types import UtcDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sla_clock", schema=None) as batch_op:
        batch_op.add_column(sa.Column("breach_risk", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("risk_basis", sa.String(length=120), nullable=True))
        batch_op.create_index("ix_clock_risk", ["state", "breach_risk"], unique=False)
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ack_note", sa.String(length=500), nullable=True))
    op.create_table(
        "supervision_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("clock_id", sa.Integer(), nullable=False),
        sa.Column("company", sa.String(length=16), nullable=False),
        sa.Column("city", sa.String(length=16), nullable=False),
        sa.Column("instruction", sa.String(length=500), nullable=False),
        sa.Column("assignee", sa.String(length=16), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("issued_by", sa.String(length=100), nullable=False),
        sa.Column("issued_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.String(length=1000), nullable=True),
        sa.Column("answered_by", sa.String(length=100), nullable=True),
        sa.Column("answered_at", UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.ForeignKeyConstraint(["clock_id"], ["sla_clock.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("clock_id"),
    )
    op.create_index("ix_supervision_order_application_id", "supervision_order", ["application_id"])
    op.create_index("ix_supervision_order_issued_at", "supervision_order", ["issued_at"])


def downgrade() -> None:
    op.drop_index("ix_supervision_order_issued_at", table_name="supervision_order")
    op.drop_index("ix_supervision_order_application_id", table_name="supervision_order")
    op.drop_table("supervision_order")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_column("ack_note")
    with op.batch_alter_table("sla_clock", schema=None) as batch_op:
        batch_op.drop_index("ix_clock_risk")
        batch_op.drop_column("risk_basis")
        batch_op.drop_column("breach_risk")
