"""supply plans, charges against the catalogue, the network's open capacity

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 05:00:00

Three new tables; no existing table changes. `supply_plan` holds the options of an HV
application's supply-plan answer (L44) and the tracked grid upgrade of a transitional plan
(L27); `charge` the charges recorded against the policy's catalogue (L42, L52), in fen;
`network_capacity` the open capacity per substation and feeder with its restriction (L52).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import gridconnect.store.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, gridconnect.store.types.UtcDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "supply_plan",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("application.id"), nullable=False),
        sa.Column("option_no", sa.Integer(), nullable=False),
        sa.Column("substation", sa.String(100), nullable=False),
        sa.Column("feeder", sa.String(100), nullable=False),
        sa.Column("voltage_kv", sa.Float(), nullable=False),
        sa.Column("capacity_kva", sa.Float(), nullable=False),
        sa.Column("supply", sa.String(8), nullable=False),
        sa.Column("metering", sa.String(200), nullable=False),
        sa.Column("grid_works", sa.String(500), nullable=False),
        sa.Column("customer_works", sa.String(500), nullable=False),
        sa.Column("estimated_cost_fen", sa.Integer(), nullable=False),
        sa.Column("estimated_working_days", sa.Integer(), nullable=False),
        sa.Column("reliability", sa.String(200), nullable=False),
        sa.Column("transitional", sa.Boolean(), nullable=False),
        sa.Column("upgrade_name", sa.String(200), nullable=True),
        sa.Column("upgrade_planned_on", sa.Date(), nullable=True),
        sa.Column("upgrade_completed_on", sa.Date(), nullable=True),
        _utc("upgrade_overdue_alerted_at", nullable=True),
        _utc("answered_at"),
        sa.Column("answered_by", sa.String(100), nullable=False),
        _utc("chosen_at", nullable=True),
        sa.Column("chosen_by", sa.String(100), nullable=True),
        sa.UniqueConstraint("application_id", "option_no", name="uq_supply_plan"),
    )
    op.create_index("ix_supply_plan_application_id", "supply_plan", ["application_id"])
    op.create_table(
        "charge",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("application.id"), nullable=False),
        sa.Column("item_code", sa.String(32), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(200), nullable=True),
        _utc("recorded_at"),
        sa.Column("recorded_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_charge_application_id", "charge", ["application_id"])
    op.create_index("ix_charge_recorded_at", "charge", ["recorded_at"])
    op.create_table(
        "network_capacity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("company", sa.String(16), nullable=False),
        sa.Column("city", sa.String(16), nullable=False),
        sa.Column("area", sa.String(100), nullable=False),
        sa.Column("substation", sa.String(100), nullable=False),
        sa.Column("feeder", sa.String(100), nullable=False),
        sa.Column("available_kva", sa.Float(), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("restriction_reason", sa.String(200), nullable=True),
        sa.Column("expected_relief_on", sa.Date(), nullable=True),
        _utc("updated_at"),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("company", "substation", "feeder", name="uq_network_capacity"),
    )
    op.create_index("ix_network_capacity_city", "network_capacity", ["city"])


def downgrade() -> None:
    op.drop_index("ix_network_capacity_city", table_name="network_capacity")
    op.drop_table("network_capacity")
    op.drop_index("ix_charge_recorded_at", table_name="charge")
    op.drop_index("ix_charge_application_id", table_name="charge")
    op.drop_table("charge")
    op.drop_index("ix_supply_plan_application_id", table_name="supply_plan")
    op.drop_table("supply_plan")
