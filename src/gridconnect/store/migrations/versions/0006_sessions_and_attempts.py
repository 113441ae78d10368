"""sessions and attempts: a per-user session generation; one attempt log for every limit

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 01:30:00

`app_user.session_generation` is named in each token; raising it ends every session of the
user (sign-out, deactivation, new password). `attempt` replaces `access_attempt`: the same
sliding-window log, keyed by any subject, so that sign-in and access-code limits share one
atomic check (`services/attempts.py`). Old access-code attempts (15 minutes' worth at most)
are not carried over.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import gridconnect.store.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.create_index("ix_attempt_subject_at", ["subject", "at"], unique=False)
    with op.batch_alter_table("access_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_access_attempt_number_at")
    op.drop_table("access_attempt")


def downgrade() -> None:
    op.create_table(
        "access_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("access_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_access_attempt_number_at", ["number", "at"], unique=False)
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_attempt_subject_at")
    op.drop_table("attempt")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
