"""Alerts and the delivery outbox, written in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from gridconnect.store.tables import AlertRow, OutboxRow
from gridconnect.workflow.events import AlertLevel

ALERTS = cast(Any, AlertRow).__table__


def _insert_for(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def raise_alert(
    session: Session,
    *,
    clock_id: int,
    application_id: int,
    company: str,
    city: str,
    level: str,
    due_at: datetime,
    at: datetime,
) -> tuple[int, int] | None:
    """Raise the (clock, level) alert once: (alert id, times raised), or None if it stands.

    The row is unique per (clock, level). An alert that `sla recompute` withdrew
    (cleared_at set) is raised again when the clock reaches that level again.
    """
    statement = (
        _insert_for(session)(AlertRow)
        .values(
            clock_id=clock_id,
            application_id=application_id,
            company=company,
            city=city,
            level=level,
            due_at=due_at,
            raised_at=at,
            raised_count=1,
        )
        .on_conflict_do_nothing(index_elements=["clock_id", "level"])
        .returning(ALERTS.c.id)
    )
    new_id = session.execute(statement).scalar_one_or_none()
    if new_id is not None:
        _supersede_warning(session, clock_id, level, at)
        return int(new_id), 1
    again = session.execute(
        update(ALERTS)
        .where(
            ALERTS.c.clock_id == clock_id, ALERTS.c.level == level, ALERTS.c.cleared_at.is_not(None)
        )
        .values(
            cleared_at=None,
            raised_at=at,
            due_at=due_at,
            acknowledged_by=None,
            acknowledged_at=None,
            raised_count=ALERTS.c.raised_count + 1,
        )
        .returning(ALERTS.c.id, ALERTS.c.raised_count)
    ).first()
    if again is None:
        return None
    _supersede_warning(session, clock_id, level, at)
    return int(again.id), int(again.raised_count)


def _supersede_warning(session: Session, clock_id: int, level: str, at: datetime) -> None:
    """A breach withdraws its clock's warning and at-risk alert: the open list shows the
    breach alone.

    The warning row keeps its history (raised, perhaps acknowledged) and gets `cleared_at`,
    like a warning a recompute made obsolete.
    """
    if level != AlertLevel.BREACH:
        return
    session.execute(
        update(ALERTS)
        .where(
            ALERTS.c.clock_id == clock_id,
            ALERTS.c.level.in_([str(AlertLevel.WARNING), str(AlertLevel.AT_RISK)]),
            ALERTS.c.cleared_at.is_(None),
        )
        .values(cleared_at=at)
    )


def alert_dedup_key(alert_id: int, times_raised: int) -> str:
    """Outbox key of one raising of an alert (a re-raised alert is delivered again)."""
    return f"alert:{alert_id}" if times_raised == 1 else f"alert:{alert_id}:{times_raised}"


def enqueue(
    session: Session,
    *,
    channels: list[str],
    topic: str,
    dedup_key: str,
    payload: dict[str, Any],
    at: datetime,
) -> int:
    """Queue a message once per channel (idempotent on dedup_key); how many were new."""
    if not channels:
        return 0
    insert = _insert_for(session)
    created = 0
    for channel in channels:
        statement = (
            insert(OutboxRow)
            .values(
                dedup_key=dedup_key,
                channel=channel,
                topic=topic,
                payload=payload,
                state="pending",
                attempts=0,
                created_at=at,
                next_attempt_at=at,
            )
            .on_conflict_do_nothing(index_elements=["dedup_key", "channel"])
        )
        created += session.execute(statement).rowcount  # type: ignore[attr-defined]
    return created
