"""Plain domain objects. The store maps them to rows; the machines drive them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

# Re-exported: the one list of each lives in the vocabulary.
from gridconnect.config.vocabulary import AreaClass, Channel, City, Company, DocumentSource, Supply
from gridconnect.config.vocabulary import Kind as Kind
from gridconnect.workflow.events import Event

AREA_CLASSES = AreaClass.codes()
CITIES = City.codes()
SUPPLIES = Supply.codes()
COMPANIES = Company.codes()
CHANNELS = Channel.codes()
DOCUMENT_SOURCES = DocumentSource.codes()


#: The `source` of a document record that says the document does not apply to this customer
#: (its `reference` holds the reason code). Never accepted from an upload or the API's
#: document route: only the not-applicable operation writes it.
NOT_APPLICABLE = "not_applicable"


class Status(StrEnum):
    OPEN = "open"
    CONNECTED = "connected"
    CANCELLED = "cancelled"


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"
    CANCELLED = "cancelled"


@dataclass(eq=False)
class Customer:
    name: str
    phone: str
    id_number: str


@dataclass(eq=False)
class StageVisit:
    stage: str
    position: int
    entered_at: datetime
    left_at: datetime | None = None
    id: int | None = None


@dataclass(eq=False)
class Document:
    stage: str
    doc_type: str
    source: str
    recorded_by: str
    recorded_at: datetime
    reference: str | None = None
    sha256: str | None = None
    file_name: str | None = None
    content_type: str | None = None
    size_bytes: int | None = None
    id: int | None = None


@dataclass(eq=False)
class ClockPause:
    paused_at: datetime
    resumed_at: datetime | None = None
    working_days: int | None = None
    reason: str | None = None
    id: int | None = None


@dataclass(eq=False)
class Clock:
    kind: str
    rule_id: str
    limit_working_days: int
    started_at: datetime
    due_at: datetime
    warn_at: datetime
    provisional: bool
    state: ClockState = ClockState.RUNNING
    target_working_days: int | None = None
    paused_at: datetime | None = None
    paused_working_days: int = 0
    warned_at: datetime | None = None
    breached_at: datetime | None = None
    stopped_at: datetime | None = None
    late: bool = False
    pauses: list[ClockPause] = field(default_factory=list)
    id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.stopped_at is None and self.state != ClockState.CANCELLED


@dataclass(eq=False)
class Application:
    number: str
    company: str
    kind: Kind
    city: str
    area_class: str
    address: str
    customer: Customer
    capacity: float
    voltage_kv: float | None
    supply: str | None
    channel: str
    received_at: datetime
    stage: str
    status: Status = Status.OPEN
    suspended: bool = False
    suspension_reason: str | None = None
    suspension_note: str | None = None
    three_zero: bool = False
    on_site_reply: bool = False
    gov_approval: str | None = None
    closed_at: datetime | None = None
    #: when the application counts as stalled if nothing more is done (None: closed or
    #: suspended); set at every action, read by the stall scan
    stalls_at: datetime | None = None
    #: the end of the quiet period whose stall alert was raised (None after any action)
    stalled_since: datetime | None = None
    #: the HV site survey of the supply-plan stage (starts an on-site reply's clock)
    site_surveyed_at: datetime | None = None
    version: int = 1
    visits: list[StageVisit] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    clocks: list[Clock] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)
    id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    def documents_of(self, stage: str) -> list[Document]:
        return [d for d in self.documents if d.stage == stage]

    def not_applicable_of(self, stage: str) -> list[Document]:
        """Records that a where-applicable document does not apply (reason in reference)."""
        return [d for d in self.documents_of(stage) if d.source == NOT_APPLICABLE]

    def open_clocks(self) -> list[Clock]:
        return [c for c in self.clocks if c.is_open]

    def clock(self, kind: str) -> Clock | None:
        """The newest clock of a kind (a stage is visited once, so there is at most one)."""
        matching = [c for c in self.clocks if c.kind == kind]
        return matching[-1] if matching else None


@dataclass(eq=False)
class DomainEvent:
    """Something that happened to an application; becomes one audit-trail entry."""

    action: Event
    actor: str
    at: datetime
    stage_before: str | None = None
    stage_after: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
