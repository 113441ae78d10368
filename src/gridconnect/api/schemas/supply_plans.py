"""Supply plans, charges and open capacity in and out."""

# No `from __future__ import annotations`: FastAPI must see the real `date` under freezegun.
import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from gridconnect.api.schemas.common import Strict
from gridconnect.config.vocabulary import NoControl
from gridconnect.workflow.supply_plans import MAX_OPTIONS, SupplyPlanOption

Version = Annotated[int, Field(strict=True, ge=1, le=2**31 - 1)]


class SupplyPlansIn(Strict):
    plans: Annotated[list[SupplyPlanOption], Field(min_length=1, max_length=MAX_OPTIONS)]
    expected_version: Version | None = None


class ChoiceIn(Strict):
    option_no: Annotated[int, Field(strict=True, ge=1, le=MAX_OPTIONS)]
    expected_version: Version | None = None


class UpgradeCompletedIn(Strict):
    completed_on: dt.date
    expected_version: Version | None = None


class SupplyPlanOut(BaseModel):
    option_no: int
    substation: str
    feeder: str
    voltage_kv: float
    capacity_kva: float
    supply: str
    metering: str
    grid_works: str
    customer_works: str
    estimated_cost_yuan: float
    estimated_working_days: int
    reliability: str
    transitional: bool
    upgrade_name: str | None
    upgrade_planned_on: dt.date | None
    upgrade_completed_on: dt.date | None
    answered_at: dt.datetime
    chosen: bool
    chosen_at: dt.datetime | None


class SupplyPlansOut(BaseModel):
    number: str
    stage: str
    version: int
    options: list[SupplyPlanOut]
    chosen: int | None
    on_transitional_supply: bool


class ChargeIn(Strict):
    item_code: Annotated[str, Field(min_length=1, max_length=32)]
    quantity: Annotated[float, Field(strict=True, gt=0, le=1e7, allow_inf_nan=False)] = 1.0
    note: Annotated[str, NoControl, Field(max_length=200)] | None = None
    expected_version: Version | None = None


class ChargeOut(BaseModel):
    item_code: str
    name: str
    unit: str
    quantity: float
    amount_yuan: float
    note: str | None
    recorded_at: dt.datetime


class ChargesOut(BaseModel):
    number: str
    version: int
    charges: list[ChargeOut]
    total_yuan: float


class ChargeItemOut(BaseModel):
    code: str
    name: str
    basis: str
    unit: str
    amount_yuan: float
    source: str
    in_force_from: str
    in_force_until: str | None
    inside_investment_boundary: bool
