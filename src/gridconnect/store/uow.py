"""Unit of work: one transaction that rolls back unless explicitly committed."""

from __future__ import annotations

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

    def raise_alert(self, **alert: Any) -> tuple[int, int] | None:
        """Raise a (clock, level) alert once, in this transaction: `store.alerts.raise_alert`."""
        return alerts.raise_alert(self.session, **alert)

    def enqueue(self, **message: Any) -> int:
        """Queue a message once per channel, in this transaction: `store.alerts.enqueue`."""
        return alerts.enqueue(self.session, **message)

    def add_row(self, row: Any) -> None:
        """Stage a table row in this transaction (govlink: the approval mode at receipt)."""
        self.session.add(row)
