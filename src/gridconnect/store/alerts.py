"""Alerts and the delivery outbox, written in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from gridconnect.store.tables import AlertRow, OutboxRow


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
) -> AlertRow | None:
    """Insert the (clock, level) alert unless it exists; the new row, or None if it did."""
    insert = _insert_for(session)
    statement = (
        insert(AlertRow)
        .values(
            clock_id=clock_id,
            application_id=application_id,
            company=company,
            city=city,
            level=level,
            due_at=due_at,
            raised_at=at,
        )
        .on_conflict_do_nothing(index_elements=["clock_id", "level"])
        .returning(AlertRow.__table__.c.id)  # type: ignore[attr-defined]
    )
    new_id = session.execute(statement).scalar_one_or_none()
    if new_id is None:
        return None
    return session.exec(select(AlertRow).where(AlertRow.id == new_id)).one()


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
