"""Tables of applications, their stages, documents, audit events and SLA clocks.

Timestamps are set by the service layer from `gridconnect.timesource.now()`: no column has a
database-side or import-time default time (they would escape freezegun).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from gridconnect.store.types import UtcDateTime
from gridconnect.workflow.audit import GENESIS


def utc_column(nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=nullable, index=index))


class ApplicationRow(SQLModel, table=True):
    __tablename__ = "application"
    __table_args__ = (
        UniqueConstraint("company", "year", "serial", name="uq_application_number"),
        Index("ix_application_scope", "company", "city", "status"),
        # The stall scan's claim: open applications whose quiet period has run out (status
        # first: SQLite's planner otherwise prefers the status index and reads every open row).
        Index("ix_application_stalls", "status", "stalls_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(index=True, max_length=32)
    company: str = Field(max_length=16)
    year: int
    serial: int
    kind: str = Field(max_length=32)
    city: str = Field(max_length=16)
    area_class: str = Field(max_length=16)
    address: str = Field(max_length=200)
    customer_name: str = Field(max_length=100)
    customer_phone: str = Field(max_length=32)
    customer_id_number: str = Field(max_length=32)
    capacity: float
    voltage_kv: float | None = None
    supply: str | None = Field(default=None, max_length=8)
    channel: str = Field(max_length=8)
    received_at: datetime = utc_column(index=True)
    received_on: date = Field(index=True)
    stage: str = Field(max_length=32, index=True)
    status: str = Field(max_length=16, index=True)
    suspended: bool = False
    suspension_reason: str | None = Field(default=None, max_length=32)
    suspension_note: str | None = Field(default=None, max_length=500)
    three_zero: bool = False
    on_site_reply: bool = False
    gov_approval: str | None = Field(default=None, max_length=16)
    access_code_hash: str | None = Field(default=None, max_length=200)
    closed_at: datetime | None = utc_column(nullable=True)
    # End of the quiet period after the last action (None: closed, suspended, or its stall
    # alert already raised); computed with the calendar by the workflow at every action.
    stalls_at: datetime | None = utc_column(nullable=True)
    # The quiet period's end whose stall alert the scan raised (cleared by the next action).
    stalled_since: datetime | None = utc_column(nullable=True)
    # The HV site survey (现场勘查): an on-site reply's supply-plan clock starts there.
    site_surveyed_at: datetime | None = utc_column(nullable=True)
    updated_at: datetime = utc_column()
    # Optimistic concurrency: every save is UPDATE ... WHERE version = <the version read>.
    version: int = Field(default=1)
    # The anchor of the audit chain, written in the transaction that appends events: how
    # many events the chain has and the hash of the last. Deleting events (TRUNCATE, or a
    # tail cut with the triggers lifted) leaves a chain that no longer ends here.
    audit_length: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    audit_head: str = Field(
        default=GENESIS, max_length=64, sa_column_kwargs={"server_default": GENESIS}
    )


class StageVisitRow(SQLModel, table=True):
    __tablename__ = "stage_visit"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    stage: str = Field(max_length=32)
    position: int
    entered_at: datetime = utc_column()
    left_at: datetime | None = utc_column(nullable=True)


class DocumentRow(SQLModel, table=True):
    __tablename__ = "document"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    stage: str = Field(max_length=32)
    doc_type: str = Field(max_length=64)
    source: str = Field(max_length=16)
    reference: str | None = Field(default=None, max_length=200)
    sha256: str | None = Field(default=None, max_length=64)
    file_name: str | None = Field(default=None, max_length=255)
    content_type: str | None = Field(default=None, max_length=64)
    size_bytes: int | None = None
    recorded_by: str = Field(max_length=100)
    recorded_at: datetime = utc_column()


class EventRow(SQLModel, table=True):
    """The audit trail: append-only, hash-chained per application."""

    __tablename__ = "event"
    __table_args__ = (UniqueConstraint("application_id", "seq", name="uq_event_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    seq: int
    at: datetime = utc_column()
    actor: str = Field(max_length=100)
    action: str = Field(max_length=32)
    stage_before: str | None = Field(default=None, max_length=32)
    stage_after: str | None = Field(default=None, max_length=32)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class ClockRow(SQLModel, table=True):
    __tablename__ = "sla_clock"
    __table_args__ = (
        Index("ix_clock_due", "state", "due_at"),
        Index("ix_clock_warn", "state", "warned_at", "warn_at"),
        Index("ix_clock_risk", "state", "breach_risk"),  # command centre: sort by risk
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    kind: str = Field(max_length=48)
    rule_id: str = Field(max_length=64)
    limit_working_days: int
    target_working_days: int | None = None
    started_at: datetime = utc_column()
    due_at: datetime = utc_column()
    warn_at: datetime = utc_column()
    provisional: bool = False
    state: str = Field(max_length=16)
    paused_at: datetime | None = utc_column(nullable=True)
    paused_working_days: int = 0
    warned_at: datetime | None = utc_column(nullable=True)
    breached_at: datetime | None = utc_column(nullable=True)
    stopped_at: datetime | None = utc_column(nullable=True)
    late: bool = False
    # command centre: the forecast probability of a breach, written by the risk scan for
    # running clocks (None: not assessed, or no comparable history), and what it rests on.
    breach_risk: float | None = None
    risk_basis: str | None = Field(default=None, max_length=120)


class ClockPauseRow(SQLModel, table=True):
    __tablename__ = "sla_clock_pause"

    id: int | None = Field(default=None, primary_key=True)
    clock_id: int = Field(foreign_key="sla_clock.id", index=True)
    paused_at: datetime = utc_column()
    resumed_at: datetime | None = utc_column(nullable=True)
    working_days: int | None = None
    reason: str | None = Field(default=None, max_length=32)


class AlertRow(SQLModel, table=True):
    """A warning or breach of one clock: unique per (clock, level), so each is raised once.

    A stall alert has no clock: it is unique per (application, quiet period's end), kept in
    `due_at`, so each quiet period alerts once. A customer's ticket alert (selfservice) has
    no clock either: it names its ticket (`ticket_id`) and is unique per (ticket, level).
    """

    __tablename__ = "alert"
    __table_args__ = (
        UniqueConstraint("clock_id", "level", name="uq_alert_clock_level"),
        Index("ix_alert_scope", "company", "city", "acknowledged_at"),
        Index(
            "uq_alert_stall",
            "application_id",
            "due_at",
            unique=True,
            sqlite_where=text("clock_id IS NULL AND ticket_id IS NULL"),
            postgresql_where=text("clock_id IS NULL AND ticket_id IS NULL"),
        ),
        # selfservice tickets: a ticket's warning and its breach, once each
        Index("uq_alert_ticket_level", "ticket_id", "level", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    clock_id: int | None = Field(default=None, foreign_key="sla_clock.id")
    application_id: int = Field(foreign_key="application.id", index=True)
    company: str = Field(max_length=16)
    city: str = Field(max_length=16)
    level: str = Field(max_length=16)
    due_at: datetime = utc_column()
    raised_at: datetime = utc_column()
    acknowledged_by: str | None = Field(default=None, max_length=100)
    acknowledged_at: datetime | None = utc_column(nullable=True)
    # Set when a recompute moved the due so the alert no longer applies; the row is kept
    # (unique per clock and level) and re-raised by the scan if the level is reached again.
    cleared_at: datetime | None = utc_column(nullable=True)
    raised_count: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # command centre: the note a supervisor left when acknowledging (one note for a selection)
    ack_note: str | None = Field(default=None, max_length=500)
    # selfservice: the customer's ticket whose answer clock this alert is about (no clock row)
    ticket_id: int | None = Field(default=None)


class OutboxRow(SQLModel, table=True):
    """A message to deliver to one channel, at least once, with retries and backoff."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("dedup_key", "channel", name="uq_outbox_dedup"),
        Index("ix_outbox_pending", "state", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dedup_key: str = Field(max_length=128)
    channel: str = Field(max_length=500)
    topic: str = Field(max_length=32)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = Field(default="pending", max_length=16)
    attempts: int = 0
    created_at: datetime = utc_column()
    next_attempt_at: datetime = utc_column()
    delivered_at: datetime | None = utc_column(nullable=True)
    last_error: str | None = Field(default=None, max_length=500)


class SupervisionOrderRow(SQLModel, table=True):
    """A supervision order (督办, command centre): what to do, for whom, by when.

    Its deadline is a clock of kind `supervision_order` (`clock_id`), so the SLA scan warns
    and breaches it like any other; answering it stops that clock.
    """

    __tablename__ = "supervision_order"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    clock_id: int = Field(foreign_key="sla_clock.id", unique=True)
    company: str = Field(max_length=16)
    city: str = Field(max_length=16)
    instruction: str = Field(max_length=500)
    assignee: str = Field(max_length=16)
    working_days: int
    issued_by: str = Field(max_length=100)
    issued_at: datetime = utc_column(index=True)
    answer: str | None = Field(default=None, max_length=1000)
    answered_by: str | None = Field(default=None, max_length=100)
    answered_at: datetime | None = utc_column(nullable=True)


class NumberCounterRow(SQLModel, table=True):
    """The last serial handed out per company and year (application numbers)."""

    __tablename__ = "number_counter"

    company: str = Field(primary_key=True, max_length=16)
    year: int = Field(primary_key=True)
    last_serial: int = 0
