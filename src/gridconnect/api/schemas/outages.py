"""Bodies of the outage ledger, the customer registry and the reliability figures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field

from gridconnect.api.schemas.common import Strict
from gridconnect.config.vocabulary import AreaClass, City, Company, NoControl, OutageKind
from gridconnect.services.outages.imports import local_instant
from gridconnect.services.outages.ledger import AreaInput, NewOutage

Code = Annotated[str, NoControl, Field(min_length=1, max_length=64, pattern=r"^[^\s;]+$")]
Reason = Annotated[str, NoControl, Field(min_length=1, max_length=200)]
Note = Annotated[str, NoControl, Field(max_length=200)]
#: ISO 8601; without an offset the time is Asia/Shanghai.
Instant = Annotated[datetime, AfterValidator(local_instant)]


class AreaIn(Strict):
    feeder: Code
    transformer_area: Code | None = None
    customers: Annotated[int, Field(ge=0, le=10_000_000)] | None = Field(
        default=None, description="empty: counted from the registry"
    )


class OutageCreate(Strict):
    """A planned outage ahead of time, or a fault / limited supply as it starts."""

    company: Company
    city: City
    area_class: AreaClass
    kind: OutageKind
    cause: Reason
    start: Instant
    end: Instant | None = Field(default=None, description="planned end; a fault: empty")
    areas: list[AreaIn] = Field(default=[], max_length=200)
    customers: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    temporary: bool = Field(default=False, description="temporary maintenance: 24 h notice")
    restricted_share: Annotated[float, Field(gt=0, le=1)] = 1.0
    expected_restoration: Instant | None = None

    def command(self) -> NewOutage:
        return NewOutage(
            company=str(self.company),
            city=str(self.city),
            area_class=str(self.area_class),
            kind=str(self.kind),
            cause=self.cause,
            start=self.start,
            end=self.end,
            areas=tuple(
                AreaInput(a.feeder, a.transformer_area or "", a.customers) for a in self.areas
            ),
            customers=self.customers,
            temporary=self.temporary,
            restricted_share=self.restricted_share,
            expected_restoration=self.expected_restoration,
        )


class ProgressIn(Strict):
    version: Annotated[int, Field(ge=1)]
    note: Note = ""
    expected_restoration: Instant | None = None


class RestorationIn(Strict):
    version: Annotated[int, Field(ge=1)]
    restored_at: Instant
    feeders: list[Code] | None = Field(
        default=None, description="only these feeders (a partial restoration); empty: all"
    )


class CorrectionIn(Strict):
    version: Annotated[int, Field(ge=1)]
    reason: Reason
    cause: Reason | None = None
    customers: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    start_at: Instant | None = None
    end_at: Instant | None = None
    restricted_share: Annotated[float, Field(gt=0, le=1)] | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude={"version", "reason"}, exclude_none=True)


class AreaOut(BaseModel):
    feeder: str
    transformer_area: str | None
    customers: int
    restored_at: datetime | None


class OutageEventOut(BaseModel):
    kind: str
    at: datetime
    actor: str
    detail: dict[str, Any]


class OutageOut(BaseModel):
    id: int
    external_id: str | None
    company: str
    city: str
    area_class: str
    kind: str
    kind_name: str
    cause: str
    customers: int
    start_at: datetime
    end_at: datetime | None
    expected_restoration_at: datetime | None
    announced_at: datetime | None
    notice_breach: bool
    restricted_share: float
    state: str
    feeders: list[str]
    version: int


class OutageDetail(OutageOut):
    areas: list[AreaOut]
    events: list[OutageEventOut]


class OutageChange(BaseModel):
    outage: OutageDetail
    notices_queued: int
    alerts: list[str]


class OutagePage(BaseModel):
    items: list[OutageOut]
    total: int
    limit: int
    offset: int


class PublicOutage(BaseModel):
    """No personal data: the place, the window, the reason and the state."""

    city: str
    area_class: str
    kind: str
    kind_name: str
    cause: str
    feeders: list[str]
    start_at: datetime
    end_at: datetime | None
    expected_restoration_at: datetime | None
    state: str


class CustomerOut(BaseModel):
    account: str
    company: str
    city: str
    area_class: str
    feeder: str
    transformer_area: str | None
    phone: str | None = Field(description="masked: 138****0000")
    connected_on: date


class CustomerPage(BaseModel):
    items: list[CustomerOut]
    total: int
    limit: int
    offset: int


class ReliabilityAlertOut(BaseModel):
    id: int
    kind: str
    company: str
    city: str
    area_class: str | None
    outage_id: int | None
    detail: dict[str, Any]
    raised_at: datetime
    acknowledged_at: datetime | None


class NoticeFailureOut(BaseModel):
    outage_id: int | None
    notice: str | None
    batch: int | None
    recipients: int
    city: str
    state: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime


class ConnectionIn(Strict):
    """Where a connected application's meter hangs (recorded at 装表接电)."""

    feeder: Code
    transformer_area: Code | None = None
