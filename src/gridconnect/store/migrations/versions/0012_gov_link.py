"""government link: e-licence checks, approval modes and departments, callbacks, leads

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 04:40:00

New tables only (docs/gov-platform.md): `gov_licence_check` (one e-licence and the
platform's answer), `gov_approval` and `gov_department` (the mode chosen at receipt, the one
submission and each department's decision and elapsed time), `gov_inbound_message` (callbacks
accepted, by the platform's message id, with the answer given) and `gov_lead`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import gridconnect.store.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, gridconnect.store.types.UtcDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "gov_licence_check",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("application.id"), nullable=False),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("document.id"), nullable=True),
        sa.Column("doc_type", sa.String(64), nullable=False),
        sa.Column("licence_type", sa.String(32), nullable=False),
        sa.Column("certificate_number", sa.String(64), nullable=False),
        sa.Column("holder_name", sa.String(100), nullable=False),
        sa.Column("licence_number", sa.String(64), nullable=True),
        sa.Column("message_id", sa.String(64), nullable=False, unique=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("differences", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _utc("next_attempt_at"),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        _utc("created_at", nullable=False),
        _utc("checked_at"),
    )
    op.create_index("ix_gov_licence_check_application_id", "gov_licence_check", ["application_id"])
    op.create_index("ix_gov_licence_check_due", "gov_licence_check", ["state", "next_attempt_at"])
    op.create_table(
        "gov_approval",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "application_id",
            sa.Integer(),
            sa.ForeignKey("application.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("mode", sa.String(24), nullable=False),
        sa.Column("departments", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _utc("next_attempt_at"),
        sa.Column("last_error", sa.String(500), nullable=True),
        _utc("chosen_at", nullable=False),
        _utc("submitted_at"),
        _utc("accepted_at"),
        _utc("acknowledged_at"),
        _utc("decided_at"),
    )
    op.create_index("ix_gov_approval_due", "gov_approval", ["state", "next_attempt_at"])
    op.create_table(
        "gov_department",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("approval_id", sa.Integer(), sa.ForeignKey("gov_approval.id"), nullable=False),
        sa.Column("department", sa.String(32), nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("conditions", sa.String(500), nullable=True),
        _utc("decided_at"),
        sa.Column("working_days", sa.Integer(), nullable=True),
        sa.UniqueConstraint("approval_id", "department", name="uq_gov_department"),
    )
    op.create_index("ix_gov_department_approval_id", "gov_department", ["approval_id"])
    op.create_table(
        "gov_inbound_message",
        sa.Column("message_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        _utc("received_at", nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
    )
    op.create_table(
        "gov_lead",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("city", sa.String(16), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("contact_phone", sa.String(32), nullable=True),
        sa.Column("certificate_number", sa.String(64), nullable=True),
        sa.Column("expected_capacity_kw", sa.Float(), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        _utc("received_at", nullable=False),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("application.id"), nullable=True),
        _utc("converted_at"),
        sa.Column("closed_reason", sa.String(200), nullable=True),
        sa.Column("handled_by", sa.String(100), nullable=True),
    )
    op.create_index("ix_gov_lead_scope", "gov_lead", ["city", "state"])
    op.create_index("ix_gov_lead_received_at", "gov_lead", ["received_at"])


def downgrade() -> None:
    op.drop_table("gov_lead")
    op.drop_table("gov_inbound_message")
    op.drop_table("gov_department")
    op.drop_table("gov_approval")
    op.drop_table("gov_licence_check")
