"""The stall scan: an open application with no action for the policy's working days alerts once.

Why set-based: the workflow stores, at every action, the instant the application becomes
stalled (`application.stalls_at`, computed with the calendar there), so the scan compares
stored instants through `ix_application_stalls` and runs no calendar arithmetic; its cost
follows the applications that stall, not the open ones.

Exactly once per quiet period, as in `services.sla_scan`:
* each batch claims its rows with one conditional UPDATE that moves `stalls_at` into
  `stalled_since` (on PostgreSQL picking them `FOR UPDATE SKIP LOCKED`), and commits the claim,
  the alert and its outbox messages together; a row once claimed is no longer past due, so
  a second scan finds nothing;
* the database holds a stall alert unique per (application, quiet period's end) (`uq_alert_stall`);
* the next action sets a new `stalls_at`: the next quiet period may alert again.

Suspended (customer-caused waits) and closed applications have no `stalls_at`. The claim
does not bump the application's version: the only writer after it is a clerk's action, which
starts a new quiet period anyway, so a version conflict would only cost the clerk a reload.

Tested in tests/integration/test_stall_scan.py under freezegun on SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Engine, and_, select, update
from sqlmodel import Session

from gridconnect.services.alert_raising import ALERT_TOPIC
from gridconnect.services.alert_routing import AlertRecipients
from gridconnect.store.alerts import alert_dedup_key, enqueue
from gridconnect.store.db import is_postgres
from gridconnect.store.tables import AlertRow, ApplicationRow
from gridconnect.timesource import as_utc
from gridconnect.timesource import now as system_now
from gridconnect.workflow.events import AlertLevel
from gridconnect.workflow.model import Status

log = logging.getLogger(__name__)

APPLICATIONS = cast(Any, ApplicationRow).__table__
ALERTS = cast(Any, AlertRow).__table__
STALL_CLOCK = "stall"  # what alert payloads and views name as the "clock" of a stall


@dataclass
class StallResult:
    stalled: int = 0
    alerts: list[dict[str, Any]] = field(default_factory=list)


def _condition(at: datetime) -> Any:
    return and_(
        APPLICATIONS.c.stalls_at <= at,
        APPLICATIONS.c.status == Status.OPEN,
        APPLICATIONS.c.suspended.is_(False),
    )


def _claim(at: datetime, limit: int, postgres: bool) -> Any:
    pick = (
        select(APPLICATIONS.c.id)
        .where(_condition(at))
        .order_by(APPLICATIONS.c.stalls_at)
        .limit(limit)
    )
    if postgres:
        pick = pick.with_for_update(skip_locked=True)
    picked = pick.cte("picked").prefix_with("MATERIALIZED")
    # SET expressions read the row as it was: stalled_since gets the old stalls_at.
    return (
        update(APPLICATIONS)
        .where(APPLICATIONS.c.id == picked.c.id, _condition(at))
        .values(stalled_since=APPLICATIONS.c.stalls_at, stalls_at=None)
        .returning(
            APPLICATIONS.c.id,
            APPLICATIONS.c.number,
            APPLICATIONS.c.company,
            APPLICATIONS.c.city,
            APPLICATIONS.c.stage,
            APPLICATIONS.c.stalled_since,
        )
    )


def stall_payload(row: Any, at: datetime) -> dict[str, Any]:
    """The message the supervisors' robots receive (the shape of clock alerts)."""
    since = as_utc(row.stalled_since)
    return {
        "application": row.number,
        "company": row.company,
        "city": row.city,
        "clock": STALL_CLOCK,
        "level": str(AlertLevel.STALL),
        "stage": row.stage,
        "due_at": since.isoformat(),
        "late_hours": round(max((at - since).total_seconds(), 0) / 3600, 1),
    }


def _raise(session: Session, row: Any, at: datetime, recipients: AlertRecipients) -> Any:
    statement = (
        ALERTS.insert()
        .values(
            clock_id=None,
            application_id=row.id,
            company=row.company,
            city=row.city,
            level=str(AlertLevel.STALL),
            due_at=row.stalled_since,
            raised_at=at,
            raised_count=1,
        )
        .returning(ALERTS.c.id)
    )
    alert_id = int(session.execute(statement).scalar_one())
    payload = stall_payload(row, at)
    enqueue(
        session,
        channels=recipients.channels_for(row.company, row.city),
        topic=ALERT_TOPIC,
        dedup_key=alert_dedup_key(alert_id, 1),
        payload=payload,
        at=at,
    )
    return {"alert_id": alert_id, **payload}


def scan_stalls(
    engine: Engine,
    now: datetime | None = None,
    alert_channels: Sequence[str] | AlertRecipients = (),
    batch_size: int = 500,
) -> StallResult:
    """Raise a stall alert for every open application whose quiet period has run out."""
    at = as_utc(now) if now is not None else system_now()
    recipients = AlertRecipients.of(alert_channels)
    result = StallResult()
    while True:
        with Session(engine) as session:
            rows = session.execute(_claim(at, batch_size, is_postgres(engine))).all()
            for row in sorted(rows, key=lambda r: r.id):
                result.alerts.append(_raise(session, row, at, recipients))
            session.commit()
        result.stalled += len(rows)
        if len(rows) < batch_size:
            break
    log.info("stall scan at %s: %d stalled", at, result.stalled)
    return result
