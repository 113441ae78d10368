"""outage ledger: customer accounts, month-end counts, outages, their areas and events

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 04:19:11

New tables only (the outages capability): `customer_account` (the registry: denominator and
notice recipients), `customer_count` (imported month-end counts, winning over the registry
per key), `outage` with `outage_area` (feeders / transformer areas, partial restorations)
and `outage_event` (every change appended), and `reliability_alert` (late or failed
notices, yearly budget running ahead), unique per `dedup_key`. Like the applications' audit
trail (0004), `outage_event` is append-only: triggers refuse UPDATE and DELETE.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import gridconnect.store.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customer_count",
        sa.Column("company", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("city", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("area_class", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column("updated_at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("company", "city", "area_class", "month"),
    )
    op.create_table(
        "outage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("company", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("city", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("area_class", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("cause", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column("start_at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("end_at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("restricted_share", sa.Float(), server_default="1", nullable=False),
        sa.Column(
            "announced_at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("notice_breach", sa.Boolean(), server_default="0", nullable=False),
        sa.Column(
            "expected_restoration_at",
            gridconnect.store.types.UtcDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column("progress_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("external_id"),
    )
    with op.batch_alter_table("outage", schema=None) as batch_op:
        batch_op.create_index("ix_outage_period", ["start_at", "end_at"], unique=False)
        batch_op.create_index("ix_outage_scope", ["company", "city", "area_class"], unique=False)

    op.create_table(
        "customer_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("company", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("city", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("area_class", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("feeder", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("transformer_area", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("connected_on", sa.Date(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account"),
    )
    with op.batch_alter_table("customer_account", schema=None) as batch_op:
        batch_op.create_index("ix_customer_feeder", ["feeder"], unique=False)
        batch_op.create_index("ix_customer_scope", ["company", "city", "area_class"], unique=False)
        batch_op.create_index("ix_customer_transformer_area", ["transformer_area"], unique=False)

    op.create_table(
        "outage_area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outage_id", sa.Integer(), nullable=False),
        sa.Column("feeder", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("transformer_area", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column("restored_at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["outage_id"],
            ["outage.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("outage_id", "feeder", "transformer_area"),
    )
    with op.batch_alter_table("outage_area", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outage_area_outage_id"), ["outage_id"], unique=False)

    op.create_table(
        "outage_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outage_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outage_id"],
            ["outage.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outage_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outage_event_at"), ["at"], unique=False)
        batch_op.create_index("ix_outage_event_order", ["outage_id", "id"], unique=False)

    op.create_table(
        "reliability_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedup_key", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("company", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("city", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("area_class", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("outage_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("raised_at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column(
            "acknowledged_at", gridconnect.store.types.UtcDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["outage_id"],
            ["outage.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedup_key"),
    )
    with op.batch_alter_table("reliability_alert", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reliability_alert_scope", ["company", "city", "acknowledged_at"], unique=False
        )
    _outage_events_append_only()


OUTAGE_EVENT_MESSAGE = "outage events are never changed or deleted"


def _outage_events_append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION outage_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{OUTAGE_EVENT_MESSAGE}' USING ERRCODE = 'restrict_violation';
            END $$
            """
        )
        op.execute(
            "CREATE TRIGGER outage_event_append_only BEFORE UPDATE OR DELETE ON outage_event "
            "FOR EACH ROW EXECUTE FUNCTION outage_event_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER outage_event_no_{verb.lower()} BEFORE {verb} ON outage_event "
                f"BEGIN SELECT RAISE(ABORT, '{OUTAGE_EVENT_MESSAGE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER outage_event_append_only ON outage_event")
        op.execute("DROP FUNCTION outage_event_append_only()")
    else:
        op.execute("DROP TRIGGER outage_event_no_update")
        op.execute("DROP TRIGGER outage_event_no_delete")
    with op.batch_alter_table("reliability_alert", schema=None) as batch_op:
        batch_op.drop_index("ix_reliability_alert_scope")

    op.drop_table("reliability_alert")
    with op.batch_alter_table("outage_event", schema=None) as batch_op:
        batch_op.drop_index("ix_outage_event_order")
        batch_op.drop_index(batch_op.f("ix_outage_event_at"))

    op.drop_table("outage_event")
    with op.batch_alter_table("outage_area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outage_area_outage_id"))

    op.drop_table("outage_area")
    with op.batch_alter_table("customer_account", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_transformer_area")
        batch_op.drop_index("ix_customer_scope")
        batch_op.drop_index("ix_customer_feeder")

    op.drop_table("customer_account")
    with op.batch_alter_table("outage", schema=None) as batch_op:
        batch_op.drop_index("ix_outage_scope")
        batch_op.drop_index("ix_outage_period")

    op.drop_table("outage")
    op.drop_table("customer_count")
