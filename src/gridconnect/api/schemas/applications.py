"""Applications in and out. `ApplicationPublic` mirrors `services.views.application_view`
field for field, so the OpenAPI document describes exactly what is returned (schemathesis
checks it)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from gridconnect.api.schemas.common import Strict
from gridconnect.workflow.errors import InvalidApplication
from gridconnect.workflow.intake import NewApplication
from gridconnect.workflow.model import Customer

# -- applications -------------------------------------------------------------------------
City = Literal[
    "西安", "宝鸡", "咸阳", "铜川", "渭南", "延安", "榆林", "汉中", "安康", "商洛", "杨凌示范区"
]


class CustomerIn(Strict):
    name: str = Field(min_length=1, max_length=100)
    phone: str = Field(
        pattern=r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$",
        description="a mobile number, or a landline with its area code",
    )
    id_number: str = Field(
        pattern=r"^([0-9A-Za-z]{18}|[0-9]{15})$",
        description="18-character identity number or unified social credit code",
    )


class ApplicationCreate(Strict):
    kind: Literal["lv_residential", "lv_nonresidential", "hv"]
    customer: CustomerIn
    address: str = Field(min_length=1, max_length=200)
    city: City
    area_class: Literal["city_center", "urban", "town", "rural"]
    capacity_kw: float | None = Field(default=None, gt=0, le=1e6, description="low voltage")
    capacity_kva: float | None = Field(default=None, gt=0, le=1e7, description="high voltage")
    voltage_kv: float | None = Field(default=None, gt=0, le=1000)
    supply: Literal["single", "dual"] | None = None
    channel: Literal["hall"] = "hall"

    def command(self, company: str) -> NewApplication:
        """The intake command; the capacity unit follows the kind (kW low, kVA high voltage)."""
        unit = "capacity_kva" if self.kind == "hv" else "capacity_kw"
        capacity = self.capacity_kva if self.kind == "hv" else self.capacity_kw
        if capacity is None:
            raise InvalidApplication(
                f"{unit} is required for kind {self.kind}",
                [{"field": unit, "message": f"required for kind {self.kind}"}],
            )
        return NewApplication(
            kind=self.kind,
            company=company,
            city=self.city,
            area_class=self.area_class,
            address=self.address,
            customer=Customer(self.customer.name, self.customer.phone, self.customer.id_number),
            capacity=capacity,
            channel=self.channel,
            voltage_kv=self.voltage_kv,
            supply=self.supply,
        )


class PublicApplicationCreate(ApplicationCreate):
    channel: Literal["online"] = "online"  # type: ignore[assignment]
    company: Literal["sgcc", "local"]


class CustomerOut(BaseModel):
    name: str
    phone: str
    id_number: str


class StageOut(BaseModel):
    stage: str
    name: str
    state: Literal["pending", "current", "done", "stopped"]
    entered_at: str | None
    left_at: str | None


class DocumentOut(BaseModel):
    id: int | None
    stage: str
    doc_type: str
    name: str
    source: str
    reference: str | None
    sha256: str | None
    file_name: str | None
    content_type: str | None
    size_bytes: int | None
    recorded_by: str
    recorded_at: str | None


class MissingDocument(BaseModel):
    doc_type: str
    name: str


class PauseOut(BaseModel):
    paused_at: str | None
    resumed_at: str | None
    working_days: int | None
    reason: str | None


class ClockOut(BaseModel):
    id: int | None
    kind: str
    limit_working_days: int
    target_working_days: int | None
    started_at: str | None
    due_at: str | None
    due_date: str | None
    state: str
    met_late: bool
    working_days_left: int | None
    elapsed_working_days: int | None
    elapsed_calendar_days: int | None
    provisional: bool
    warned_at: str | None
    breached_at: str | None
    stopped_at: str | None
    paused_working_days: int
    pauses: list[PauseOut]


class ApplicationPublic(BaseModel):
    id: int
    number: str
    kind: str
    company: str
    city: str
    area_class: str
    address: str
    customer: CustomerOut
    capacity: float
    capacity_unit: Literal["kW", "kVA"]
    voltage_kv: float | None
    supply: str | None
    channel: str
    stage: str
    status: Literal["open", "connected", "cancelled"]
    suspended: bool
    suspension_reason: str | None
    suspension_note: str | None
    three_zero: bool
    on_site_reply: bool
    gov_approval: str | None
    version: int
    received_at: str
    closed_at: str | None
    stages: list[StageOut]
    documents: list[DocumentOut]
    missing_documents: list[MissingDocument]
    allowed_actions: list[str]
    clocks: list[ClockOut]
    unconfigured_clocks: list[str]


class ApplicationPage(BaseModel):
    items: list[ApplicationPublic]
    total: int
    limit: int
    offset: int


class EventOut(BaseModel):
    seq: int
    at: str
    actor: str
    action: str
    stage_before: str | None
    stage_after: str | None
    details: dict[str, Any]
    hash: str


# -- actions and documents ----------------------------------------------------------------
class ActionIn(Strict):
    expected_version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class SuspendIn(ActionIn):
    reason_code: str = Field(min_length=1, max_length=32)
    note: str | None = Field(default=None, max_length=500)


class CancelIn(ActionIn):
    note: str | None = Field(default=None, max_length=500)


class ELicenseDocumentIn(Strict):
    doc_type: str = Field(min_length=1, max_length=64)
    source: Literal["e_license"]
    reference: str = Field(min_length=1, max_length=200)
    expected_version: int | None = Field(default=None, ge=1, le=2**31 - 1)
