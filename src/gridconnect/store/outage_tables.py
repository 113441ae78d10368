"""Tables of the outage ledger: customers, month-end counts, outages, their areas and events.

Timestamps come from the service layer's clock (no database-side defaults, see `tables`).
An outage's areas are the feeders / transformer areas it interrupted, each with its own
customers and, for a partial restoration, its own restoration time; the outage's
`customers` is their sum. Every change is an appended `outage_event` (corrections
included), so the ledger is never edited silently.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from gridconnect.store.tables import utc_column


class CustomerAccountRow(SQLModel, table=True):
    """A customer account: the denominator of the indices and a notice recipient."""

    __tablename__ = "customer_account"
    __table_args__ = (
        Index("ix_customer_scope", "company", "city", "area_class"),
        Index("ix_customer_feeder", "feeder"),
        Index("ix_customer_transformer_area", "transformer_area"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(max_length=32, unique=True)
    company: str = Field(max_length=16)
    city: str = Field(max_length=16)
    area_class: str = Field(max_length=16)
    feeder: str = Field(max_length=64)
    transformer_area: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    connected_on: date
    application_id: int | None = Field(default=None, foreign_key="application.id")
    updated_at: datetime = utc_column()


class CustomerCountRow(SQLModel, table=True):
    """A month-end customer count: wins over the registry for its key."""

    __tablename__ = "customer_count"

    company: str = Field(primary_key=True, max_length=16)
    city: str = Field(primary_key=True, max_length=16)
    area_class: str = Field(primary_key=True, max_length=16)
    month: str = Field(primary_key=True, max_length=7)  # YYYY-MM
    customers: int
    updated_at: datetime = utc_column()


class OutageRow(SQLModel, table=True):
    """One outage: planned, fault or limited supply."""

    __tablename__ = "outage"
    __table_args__ = (
        Index("ix_outage_scope", "company", "city", "area_class"),
        Index("ix_outage_period", "start_at", "end_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, max_length=64, unique=True)
    company: str = Field(max_length=16)
    city: str = Field(max_length=16)
    area_class: str = Field(max_length=16)
    kind: str = Field(max_length=16)
    cause: str = Field(max_length=200)
    customers: int
    start_at: datetime = utc_column()
    end_at: datetime | None = utc_column(nullable=True)
    # limited supply: the restricted share of load (1 for an outage)
    restricted_share: float = Field(default=1.0, sa_column_kwargs={"server_default": "1"})
    # planned: when the notice went out (registration); the lead time is start_at - this
    announced_at: datetime | None = utc_column(nullable=True)
    notice_breach: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    expected_restoration_at: datetime | None = utc_column(nullable=True)
    progress_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # an import's row fingerprint: the same external id with other content is refused
    content_hash: str | None = Field(default=None, max_length=64)
    created_by: str = Field(max_length=100)
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()
    version: int = Field(default=1)


class OutageAreaRow(SQLModel, table=True):
    """A feeder / transformer area an outage interrupted, restored on its own if partial."""

    __tablename__ = "outage_area"
    __table_args__ = (UniqueConstraint("outage_id", "feeder", "transformer_area"),)

    id: int | None = Field(default=None, primary_key=True)
    outage_id: int = Field(foreign_key="outage.id", index=True)
    feeder: str = Field(max_length=64)
    transformer_area: str = Field(default="", max_length=64)
    customers: int
    restored_at: datetime | None = utc_column(nullable=True)


class OutageEventRow(SQLModel, table=True):
    """An appended fact about an outage: registered, progress, restored, corrected, noticed."""

    __tablename__ = "outage_event"
    __table_args__ = (Index("ix_outage_event_order", "outage_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    outage_id: int = Field(foreign_key="outage.id")
    kind: str = Field(max_length=32)
    at: datetime = utc_column(index=True)
    actor: str = Field(max_length=100)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ReliabilityAlertRow(SQLModel, table=True):
    """An alert of the outage ledger (late notice, failed notice, budget running ahead).

    `dedup_key` makes each alert once: one per (outage, breach) or per (year, company,
    city, area class, level).
    """

    __tablename__ = "reliability_alert"
    __table_args__ = (Index("ix_reliability_alert_scope", "company", "city", "acknowledged_at"),)

    id: int | None = Field(default=None, primary_key=True)
    dedup_key: str = Field(max_length=128, unique=True)
    kind: str = Field(max_length=32)
    company: str = Field(max_length=16)
    city: str = Field(max_length=16)
    area_class: str | None = Field(default=None, max_length=16)
    outage_id: int | None = Field(default=None, foreign_key="outage.id")
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    raised_at: datetime = utc_column()
    acknowledged_by: str | None = Field(default=None, max_length=100)
    acknowledged_at: datetime | None = utc_column(nullable=True)
