"""The regulator export (L31–32): applications changed since a cursor, as JSON Lines.

The audit trail (`event`) records every change to an application, documents included, so
"changed since the cursor" means "has an audit event after the cursor". A plain increasing
event id is not a safe cursor on PostgreSQL: ids are drawn when a row is inserted, not when
its transaction commits, so an export can read id 11 while id 10 is still uncommitted and
then never go back for it. Each event therefore also records its writing transaction
(`event.xact_id`, PostgreSQL only) and an export only hands out events whose transaction is
older than every transaction still running in this database (`export_cursor.horizon`):
those are finished and no later commit can add one below them. The cursor is the
(transaction id, event id) of the last event handed out. On SQLite writers are serialised,
so event ids are assigned in commit order and the cursor is (0, event id).
Outage events (`outage_event`, with its own `xact_id`) are a second stream read the same
way below the same horizon; the cursor gains their position once one has been handed out
(`export_cursor.Cursor`), and each changed outage is one line (`export_outages`).
See docs/regulator-export.md for the line schema.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, insert, select

from gridconnect.errors import InvalidInput
from gridconnect.services.context import Services
from gridconnect.services.export_cursor import (
    Cursor,
    InvalidCursor,
    check_handed_out,
    events_after,
    horizon,
    outage_events_after,
    parse_cursor,
)
from gridconnect.services.export_outages import outage_lines
from gridconnect.services.views import mask_name, mask_phone
from gridconnect.store.report_tables import ExportLogRow
from gridconnect.store.tables import ApplicationRow, ClockRow, DocumentRow, StageVisitRow

__all__ = ["Cursor", "ExportBatch", "InvalidCursor", "export_changes", "export_log", "parse_cursor"]

SCHEMA_VERSION = 1
DEFAULT_LIMIT = 5000
MAX_LIMIT = 50000
# Event details a regulator may see; free-text notes and staff names stay inside.
DETAIL_KEYS = (
    "channel",
    "three_zero",
    "on_site_reply",
    "doc_type",
    "source",
    "reason_code",
    "reason",  # a not-applicable document's reason, as shown to the customer
    "required",  # the one-time notice: documents required (须提供)
    "if_applicable",  # and those needed only where they apply (如适用)
    "working_days_paused",
    "clock",
    "limit_working_days",
)


@dataclass(frozen=True)
class ExportBatch:
    lines: list[str]
    cursor_from: Cursor
    next_cursor: Cursor
    events: int
    applications: int
    more: bool
    outages: int = 0

    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)


def mask_id_number(value: str) -> str:
    return value[:3] + "*" * max(len(value) - 7, 4) + value[-4:] if len(value) > 7 else "****"


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _by_application(
    connection: Connection, model: Any, key: str, ids: list[int]
) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    table = model.__table__
    rows = connection.execute(select(table).where(table.c[key].in_(ids)).order_by(table.c.id))
    for row in rows:
        grouped.setdefault(row._mapping[key], []).append(row._mapping)
    return grouped


def _details(details: dict[str, Any]) -> dict[str, Any]:
    return {k: details[k] for k in DETAIL_KEYS if k in details}


def _document(row: Any) -> dict[str, Any]:
    reference = row["reference"]
    if reference and row["doc_type"] == "identity_document":
        reference = mask_id_number(reference)
    return {
        "stage": row["stage"],
        "source": row["source"],
        "reference": reference,
        "sha256": row["sha256"],
        "content_type": row["content_type"],
        "size_bytes": row["size_bytes"],
        "recorded_at": _iso(row["recorded_at"]),
    }


def application_line(
    app: Any, visits: list[Any], clocks: list[Any], documents: list[Any], events: list[Any]
) -> dict[str, Any]:
    """One application's current state and its events in this batch (schema v1)."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for doc in documents:
        by_type.setdefault(doc["doc_type"], []).append(_document(doc))
    return {
        "type": "application",
        "schema": SCHEMA_VERSION,
        "id": app["number"],
        "kind": app["kind"],
        "company": app["company"],
        "city": app["city"],
        "area_class": app["area_class"],
        "capacity": app["capacity"],
        "capacity_unit": "kVA" if app["kind"] == "hv" else "kW",
        "voltage_kv": app["voltage_kv"],
        "supply": app["supply"],
        "channel": app["channel"],
        "three_zero": app["three_zero"],
        "on_site_reply": app["on_site_reply"],
        "status": app["status"],
        "stage": app["stage"],
        "suspended": app["suspended"],
        "suspension_reason": app["suspension_reason"],
        "gov_approval": app["gov_approval"],
        "received_at": _iso(app["received_at"]),
        "closed_at": _iso(app["closed_at"]),
        "customer": {
            "name": mask_name(app["customer_name"]),
            "phone": mask_phone(app["customer_phone"]),
            "id_number": mask_id_number(app["customer_id_number"]),
        },
        "stages": [
            {
                "stage": v["stage"],
                "entered_at": _iso(v["entered_at"]),
                "left_at": _iso(v["left_at"]),
            }
            for v in sorted(visits, key=lambda v: v["position"])
        ],
        "clocks": [
            {
                "clock": c["kind"],
                "rule": c["rule_id"],
                "limit_working_days": c["limit_working_days"],
                "started_at": _iso(c["started_at"]),
                "due_at": _iso(c["due_at"]),
                "stopped_at": _iso(c["stopped_at"]),
                "state": c["state"],
                "late": c["late"],
                "paused_working_days": c["paused_working_days"],
                "provisional": c["provisional"],
            }
            for c in clocks
        ],
        "documents": by_type,
        "events": [
            {
                "id": f"{app['number']}#{e.seq}",
                "seq": e.seq,
                "at": _iso(e.at),
                "action": e.action,
                "stage_before": e.stage_before,
                "stage_after": e.stage_after,
                "details": _details(e.details or {}),
            }
            for e in events
        ],
    }


def _lines(connection: Connection, events: list[Any]) -> tuple[list[str], int]:
    order: dict[int, list[Any]] = {}
    for event in events:
        order.setdefault(event.application_id, []).append(event)
    ids = list(order)
    if not ids:
        return [], 0
    apps = {
        row._mapping["id"]: row._mapping
        for row in connection.execute(
            select(ApplicationRow.__table__).where(  # type: ignore[attr-defined]
                ApplicationRow.__table__.c.id.in_(ids)  # type: ignore[attr-defined]
            )
        )
    }
    visits = _by_application(connection, StageVisitRow, "application_id", ids)
    clocks = _by_application(connection, ClockRow, "application_id", ids)
    documents = _by_application(connection, DocumentRow, "application_id", ids)
    lines = [
        json.dumps(
            application_line(
                apps[i], visits.get(i, []), clocks.get(i, []), documents.get(i, []), order[i]
            ),
            ensure_ascii=False,
        )
        for i in ids
    ]
    return lines, len(ids)


def export_changes(
    svc: Services,
    since: str | None,
    actor: str,
    channel: str = "api",
    limit: int = DEFAULT_LIMIT,
) -> ExportBatch:
    """Applications with events after `since`, then outages with events after it, then
    `{"next_cursor": ...}`; logged. `limit` bounds the events of both kinds together:
    application events first, outage events in what is left."""
    cursor = parse_cursor(since)
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(
            f"limit must be between 1 and {MAX_LIMIT}",
            [{"field": "limit", "message": f"between 1 and {MAX_LIMIT}"}],
        )
    horizon_xid = horizon(svc.engine) if svc.engine.dialect.name == "postgresql" else 0
    with svc.engine.begin() as connection:
        check_handed_out(connection, cursor)
        events = events_after(connection, cursor, limit, horizon_xid)
        lines, applications = _lines(connection, events)
        last = events[-1] if events else None
        next_cursor = (
            replace(cursor, xact=int(last.xact), event_id=int(last.id)) if last else cursor
        )
        room = limit - len(events)
        outage_events = outage_events_after(connection, cursor, room, horizon_xid) if room else []
        outages = outage_lines(connection, outage_events)
        lines += [json.dumps(line, ensure_ascii=False) for line in outages]
        if outage_events:
            last_outage = outage_events[-1]
            next_cursor = replace(
                next_cursor,
                outage_xact=int(last_outage.xact),
                outage_event_id=int(last_outage.id),
            )
        more = len(events) + len(outage_events) == limit
        lines.append(json.dumps({"next_cursor": str(next_cursor), "more": more}))
        connection.execute(
            insert(ExportLogRow.__table__).values(  # type: ignore[attr-defined]
                actor=actor,
                at=svc.now(),
                cursor_from=str(cursor),
                cursor_to=str(next_cursor),
                applications=applications,
                events=len(events) + len(outage_events),
                lines=len(lines),
                channel=channel,
            )
        )
    return ExportBatch(
        lines,
        cursor,
        next_cursor,
        len(events) + len(outage_events),
        applications,
        more,
        len(outages),
    )


def export_log(svc: Services, limit: int = 100) -> list[dict[str, Any]]:
    """The newest exports first: the audit record of who exported what, when."""
    table = ExportLogRow.__table__  # type: ignore[attr-defined]
    with svc.engine.connect() as connection:
        rows = connection.execute(select(table).order_by(table.c.id.desc()).limit(limit))
        return [dict(row._mapping) for row in rows]
