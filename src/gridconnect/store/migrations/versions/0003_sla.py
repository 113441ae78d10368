"""sla: alerts that a recompute withdrew and the scan raised again

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 12:30:00

An alert stays unique per (clock, level). When `sla recompute` moves a due so that a
warning (or a breach) no longer applies, the alert row is kept and marked `cleared_at`;
if the clock later reaches that level again the scan re-raises the same row and counts it
in `raised_count` (the outbox key of a re-raise carries that count, so it is delivered).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import gridconnect.store.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "cleared_at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=True
            )
        )
        # A count, not a time: a server default is harmless here and fills existing rows.
        batch_op.add_column(
            sa.Column("raised_count", sa.Integer(), nullable=False, server_default="1")
        )


def downgrade() -> None:
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_column("raised_count")
        batch_op.drop_column("cleared_at")
