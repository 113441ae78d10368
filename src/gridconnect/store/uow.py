"""Unit of work: one transaction that rolls back unless explicitly committed."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from gridconnect.store import alerts
from gridconnect.store.repository import ApplicationRepository


class UnitOfWork:
    """`with UnitOfWork(engine) as uow: ...; uow.commit()`. Leaving without commit rolls back."""

    session: Session
    applications: ApplicationRepository

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> UnitOfWork:
        self.session = Session(self.engine, expire_on_commit=False)
        self.applications = ApplicationRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def raise_alert(
        self,
        *,
        clock_id: int,
        application_id: int,
        company: str,
        city: str,
        level: str,
        due_at: datetime,
        at: datetime,
    ) -> tuple[int, int] | None:
        """Raise a (clock, level) alert once, in this transaction (see store.alerts)."""
        return alerts.raise_alert(
            self.session,
            clock_id=clock_id,
            application_id=application_id,
            company=company,
            city=city,
            level=level,
            due_at=due_at,
            at=at,
        )

    def enqueue(
        self,
        *,
        channels: list[str],
        topic: str,
        dedup_key: str,
        payload: dict[str, Any],
        at: datetime,
    ) -> int:
        """Queue a message for delivery once per channel, in this transaction."""
        return alerts.enqueue(
            self.session,
            channels=channels,
            topic=topic,
            dedup_key=dedup_key,
            payload=payload,
            at=at,
        )

    def rollback(self) -> None:
        self.session.rollback()
