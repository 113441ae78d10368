"""Outage lines of the regulator export (L50, L55): an outage's state and its events.

An outage with events after the cursor's outage part is one line, like an application:
its current ledger state, the feeders and transformer areas it interrupted (each with its
customers and, when restored apart, its own restoration time) and its exported events
in this batch. The ledger holds no customer's name or phone (the registry does, and it is
never read here); free-text notes (a progress note, a correction's reason) and staff
names stay inside, like the application events' notes.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Connection, select

from gridconnect.store.outage_tables import OutageAreaRow, OutageRow

OUTAGE = cast(Any, OutageRow).__table__
AREA = cast(Any, OutageAreaRow).__table__
OUTAGE_SCHEMA_VERSION = 1
# Event details a regulator may see, per the ledger's events (services/outages/ledger.py).
OUTAGE_DETAIL_KEYS = (
    "kind",  # registered: planned, fault, limited
    "customers",  # registered: customers interrupted
    "expected_restoration",  # progress
    "restored_at",  # restored, restored_partly
    "feeders",  # restored_partly: the feeders restored
    "before",  # corrected: the corrected fields' values before and after
    "after",
)


def outage_reference(outage_id: int) -> str:
    """The outage's stable id in the export: never reused (ledger rows are never deleted)."""
    return f"OUT-{outage_id}"


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def outage_line(outage: Any, areas: list[Any], events: list[Any]) -> dict[str, Any]:
    """One outage's current state and its events in this batch (schema v1)."""
    reference = outage_reference(outage["id"])
    return {
        "type": "outage",
        "schema": OUTAGE_SCHEMA_VERSION,
        "id": reference,
        "external_id": outage["external_id"],
        "company": outage["company"],
        "city": outage["city"],
        "area_class": outage["area_class"],
        "kind": outage["kind"],
        "cause": outage["cause"],
        "customers": outage["customers"],
        "start_at": _iso(outage["start_at"]),
        "end_at": _iso(outage["end_at"]),
        "restricted_share": outage["restricted_share"],
        "announced_at": _iso(outage["announced_at"]),
        "notice_breach": outage["notice_breach"],
        "expected_restoration_at": _iso(outage["expected_restoration_at"]),
        "areas": [
            {
                "feeder": area["feeder"],
                "transformer_area": area["transformer_area"] or None,
                "customers": area["customers"],
                "restored_at": _iso(area["restored_at"]),
            }
            for area in areas
        ],
        "events": [
            {
                "id": f"{reference}@{event.id}",
                "at": _iso(event.at),
                "kind": event.kind,
                "details": {k: event.detail[k] for k in OUTAGE_DETAIL_KEYS if k in event.detail},
            }
            for event in events
        ],
    }


def outage_lines(connection: Connection, events: list[Any]) -> list[dict[str, Any]]:
    """One line per outage with events in `events`, in the order of its first event."""
    order: dict[int, list[Any]] = {}
    for event in events:
        order.setdefault(event.outage_id, []).append(event)
    if not order:
        return []
    ids = list(order)
    outages = {
        row._mapping["id"]: row._mapping
        for row in connection.execute(select(OUTAGE).where(OUTAGE.c.id.in_(ids)))
    }
    areas: dict[int, list[Any]] = {}
    for row in connection.execute(
        select(AREA).where(AREA.c.outage_id.in_(ids)).order_by(AREA.c.id)
    ):
        areas.setdefault(row._mapping["outage_id"], []).append(row._mapping)
    return [outage_line(outages[i], areas.get(i, []), order[i]) for i in ids]
