"""Tables of supply plans, charges and the network's open capacity.

A supply plan row is one option of the company's answer (1–3, L44); the chosen one carries
into design review. A charge row records one catalogue item against an application, its
amount kept in fen (integers) so that monthly totals are exact. The open-capacity register
holds one row per substation and feeder, with the restriction the company publishes (L52).
Timestamps come from the service layer's clock, never from the database.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from gridconnect.store.tables import utc_column


class SupplyPlanRow(SQLModel, table=True):
    __tablename__ = "supply_plan"
    __table_args__ = (UniqueConstraint("application_id", "option_no", name="uq_supply_plan"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    option_no: int
    substation: str = Field(max_length=100)
    feeder: str = Field(max_length=100)
    voltage_kv: float
    capacity_kva: float
    supply: str = Field(max_length=8)
    metering: str = Field(max_length=200)
    grid_works: str = Field(max_length=500)
    customer_works: str = Field(max_length=500)
    estimated_cost_fen: int
    estimated_working_days: int
    reliability: str = Field(default="", max_length=200)
    # L27: a transitional plan meets the basic need now; the named grid upgrade is tracked.
    transitional: bool = False
    upgrade_name: str | None = Field(default=None, max_length=200)
    upgrade_planned_on: date | None = None
    upgrade_completed_on: date | None = None
    upgrade_overdue_alerted_at: datetime | None = utc_column(nullable=True)
    answered_at: datetime = utc_column()
    answered_by: str = Field(max_length=100)
    chosen_at: datetime | None = utc_column(nullable=True)
    chosen_by: str | None = Field(default=None, max_length=100)


class ChargeRow(SQLModel, table=True):
    __tablename__ = "charge"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    item_code: str = Field(max_length=32)
    quantity: float
    amount_fen: int
    note: str | None = Field(default=None, max_length=200)
    recorded_at: datetime = utc_column(index=True)
    recorded_by: str = Field(max_length=100)


class NetworkCapacityRow(SQLModel, table=True):
    __tablename__ = "network_capacity"
    __table_args__ = (
        UniqueConstraint("company", "substation", "feeder", name="uq_network_capacity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    company: str = Field(max_length=16)
    city: str = Field(max_length=16, index=True)
    area: str = Field(max_length=100)
    substation: str = Field(max_length=100)
    feeder: str = Field(max_length=100)
    available_kva: float
    restricted: bool = False
    restriction_reason: str | None = Field(default=None, max_length=200)
    expected_relief_on: date | None = None
    updated_at: datetime = utc_column()
    updated_by: str = Field(max_length=100)
