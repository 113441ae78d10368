"""Applications in and out. `ApplicationPublic` mirrors `services.views.application_view`
field for field, so the OpenAPI document describes exactly what is returned (schemathesis
checks it)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from gridconnect.api.schemas.common import Strict
from gridconnect.config.vocabulary import City as City
from gridconnect.config.vocabulary import Company, NoControl, SuspensionReasonCode
from gridconnect.workflow.intake import ApplicationIntake, CustomerIntake

# -- applications -------------------------------------------------------------------------
# The intake model is the workflow's own (one model for the API, the pages and the CLI).
CustomerIn = CustomerIntake


class ApplicationCreate(ApplicationIntake):
    channel: Literal["hall"] = "hall"  # type: ignore[assignment]


class PublicApplicationCreate(ApplicationIntake):
    channel: Literal["online"] = "online"  # type: ignore[assignment]
    company: Company


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


class NotApplicableOut(BaseModel):
    doc_type: str
    name: str
    reason_code: str
    reason: str
    recorded_by: str
    recorded_at: str


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
    missing_documents: list[MissingDocument] = Field(
        description="one-time notice, 须提供: always-required documents of this stage not provided"
    )
    documents_if_applicable: list[MissingDocument] = Field(
        description="one-time notice, 如适用: needed only where they apply; each is provided "
        "or recorded not applicable before the stage can be advanced"
    )
    not_applicable_documents: list[NotApplicableOut]
    stalled_since: str | None = Field(
        description="end of the quiet period whose stall alert was raised; none after any action"
    )
    site_surveyed_at: str | None = Field(
        description="HV site survey (现场勘查); an on-site reply's supply-plan clock starts there"
    )
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
    expected_version: Annotated[int, Field(strict=True, ge=1, le=2**31 - 1)] | None = None


Note = Annotated[str, NoControl, Field(max_length=500)]
Version = Annotated[int, Field(strict=True, ge=1, le=2**31 - 1)]


class SuspendIn(ActionIn):
    # A closed vocabulary, published as an enum so that clients know the codes.
    reason_code: SuspensionReasonCode
    note: Note | None = None


class CancelIn(ActionIn):
    note: Note | None = None


class NotApplicableIn(ActionIn):
    doc_type: Annotated[str, NoControl, Field(min_length=1, max_length=64)]
    reason_code: Annotated[str, NoControl, Field(max_length=32)] = Field(
        default="", description="a code of the policy's not_applicable_reasons"
    )
    note: Note | None = None


class ELicenseDocumentIn(Strict):
    doc_type: Annotated[str, NoControl, Field(min_length=1, max_length=64)]
    source: Literal["e_license"]
    reference: Annotated[str, NoControl, Field(min_length=1, max_length=200)]
    expected_version: Version | None = None
