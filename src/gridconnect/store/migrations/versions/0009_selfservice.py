"""customers' self-service: one-time codes that recover a lost access code

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 04:40:00

`recovery_challenge` holds each one-time code sent to an application's phone (its HMAC,
never the code), when it expires and when it was used: a used or expired one never works
again. `help_ticket` holds customers' help requests and complaints with their answer clock.
`satisfaction_rating` holds one rating (好差评, 1 to 5) per connected application.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import gridconnect.store.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recovery_challenge",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recovery_challenge", schema=None) as batch_op:
        batch_op.create_index("ix_recovery_challenge_number", ["number"], unique=False)
    op.create_table(
        "satisfaction_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("company", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("city", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("rated_at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", name="uq_satisfaction_application"),
    )

    utc = gridconnect.store.types.UtcDateTime(timezone=True)
    op.create_table(
        "help_ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("company", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("city", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("warn_at", utc, nullable=False),
        sa.Column("due_at", utc, nullable=False),
        sa.Column("warned_at", utc, nullable=True),
        sa.Column("breached_at", utc, nullable=True),
        sa.Column("answered_at", utc, nullable=True),
        sa.Column("answered_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("answer", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("help_ticket", schema=None) as batch_op:
        batch_op.create_index("ix_help_ticket_open", ["answered_at", "due_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_help_ticket_application_id"), ["application_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("help_ticket")
    op.drop_table("satisfaction_rating")
    with op.batch_alter_table("recovery_challenge", schema=None) as batch_op:
        batch_op.drop_index("ix_recovery_challenge_number")
    op.drop_table("recovery_challenge")
