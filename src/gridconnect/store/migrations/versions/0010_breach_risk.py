"""command centre: each running clock's forecast breach risk and what it rests on

Revision ID: 0010
Revises: 0007
Create Date: 2026-11-27 04:50:00

`sla_clock.breach_risk` is the probability that the clock breaches, estimated by the risk
scan from finished clocks of the same kind, clock, city and company
(`services/breach_risk`); `risk_basis` says which group it used and how many cases. Both
are nullable: a clock not yet assessed, or without comparable history, has none. The index
lets the queue and the supervisor's view sort running clocks by risk in SQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sla_clock", schema=None) as batch_op:
        batch_op.add_column(sa.Column("breach_risk", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("risk_basis", sa.String(length=120), nullable=True))
        batch_op.create_index("ix_clock_risk", ["state", "breach_risk"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sla_clock", schema=None) as batch_op:
        batch_op.drop_index("ix_clock_risk")
        batch_op.drop_column("risk_basis")
        batch_op.drop_column("breach_risk")
