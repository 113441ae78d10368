"""Rows to domain objects and back. The only place that knows both shapes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from gridconnect.store.tables import (
    ApplicationRow,
    ClockPauseRow,
    ClockRow,
    DocumentRow,
    StageVisitRow,
)
from gridconnect.workflow.model import (
    Application,
    Clock,
    ClockPause,
    ClockState,
    Customer,
    Document,
    Kind,
    StageVisit,
    Status,
)

APPLICATION_FIELDS = (
    "number",
    "company",
    "city",
    "area_class",
    "address",
    "capacity",
    "voltage_kv",
    "supply",
    "channel",
    "received_at",
    "stage",
    "suspended",
    "suspension_reason",
    "suspension_note",
    "three_zero",
    "on_site_reply",
    "gov_approval",
    "closed_at",
    "stalls_at",
    "stalled_since",
    "site_surveyed_at",
)
CLOCK_FIELDS = (
    "kind",
    "rule_id",
    "limit_working_days",
    "target_working_days",
    "started_at",
    "due_at",
    "warn_at",
    "provisional",
    "paused_at",
    "paused_working_days",
    "warned_at",
    "breached_at",
    "stopped_at",
    "late",
)
PAUSE_FIELDS = ("paused_at", "resumed_at", "working_days", "reason")
DOCUMENT_FIELDS = (
    "stage",
    "doc_type",
    "source",
    "reference",
    "sha256",
    "file_name",
    "content_type",
    "size_bytes",
    "recorded_by",
    "recorded_at",
)
VISIT_FIELDS = ("stage", "position", "entered_at", "left_at")


APPLICATION_COLUMNS = (
    "id",
    "kind",
    "status",
    "version",
    "customer_name",
    "customer_phone",
    "customer_id_number",
    *APPLICATION_FIELDS,
)
VISIT_COLUMNS = ("id", *VISIT_FIELDS)
DOCUMENT_COLUMNS = ("id", *DOCUMENT_FIELDS)
PAUSE_COLUMNS = ("id", *PAUSE_FIELDS)
CLOCK_COLUMNS = ("id", "state", *CLOCK_FIELDS)


def application_from_rows(
    row: ApplicationRow,
    visits: list[StageVisitRow],
    documents: list[DocumentRow],
    clocks: list[ClockRow],
    pauses: list[ClockPauseRow],
) -> Application:
    values = field_values(row, APPLICATION_COLUMNS)
    app = Application(
        kind=Kind(values.pop("kind")),
        status=Status(values.pop("status")),
        customer=Customer(
            values.pop("customer_name"),
            values.pop("customer_phone"),
            values.pop("customer_id_number"),
        ),
        **values,
    )
    app.visits = sorted(
        (StageVisit(**field_values(v, VISIT_COLUMNS)) for v in visits), key=lambda v: v.position
    )
    app.documents = sorted(
        (Document(**field_values(d, DOCUMENT_COLUMNS)) for d in documents), key=lambda d: d.id or 0
    )
    pauses_by_clock: dict[int, list[ClockPause]] = {}
    for p in sorted(pauses, key=lambda p: p.id or 0):
        pauses_by_clock.setdefault(p.clock_id, []).append(
            ClockPause(**field_values(p, PAUSE_COLUMNS))
        )
    built = []
    for c in clocks:
        clock = field_values(c, CLOCK_COLUMNS)
        clock["state"] = ClockState(clock["state"])
        built.append(Clock(pauses=pauses_by_clock.get(clock["id"] or 0, []), **clock))
    app.clocks = sorted(built, key=lambda c: c.id or 0)
    return app


def application_values(app: Application) -> dict[str, Any]:
    """Column values of an application row (without id, serial, year, version)."""
    values: dict[str, Any] = {name: getattr(app, name) for name in APPLICATION_FIELDS}
    values.update(
        kind=str(app.kind),
        status=str(app.status),
        customer_name=app.customer.name,
        customer_phone=app.customer.phone,
        customer_id_number=app.customer.id_number,
    )
    return values


def clock_values(clock: Clock) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(clock, name) for name in CLOCK_FIELDS}
    values["state"] = str(clock.state)
    return values


def field_values(source: object, names: tuple[str, ...]) -> dict[str, Any]:
    """`names` of a Core row, an ORM row or a domain object. A Core row (the read paths) is
    read through one mapping view: its attribute access cost four times as much, and a
    page of a list reads some thousands of values."""
    if isinstance(source, Row):
        mapping = source._mapping
        return {name: mapping[name] for name in names}
    return {name: getattr(source, name) for name in names}


def assign(row: object, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(row, name, value)
