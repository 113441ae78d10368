"""Unit of work: one transaction that rolls back unless explicitly committed."""

from __future__ import annotations

import threading
import weakref
from types import TracebackType
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from gridconnect.store import alerts
from gridconnect.store.repository import ApplicationRepository

_WRITERS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()
_WRITERS_GUARD = threading.Lock()


def _sqlite_writers(engine: Engine) -> threading.RLock | None:
    """On SQLite, the queue this process's units of work wait in, one at a time.

    SQLite lets one writer in at a time; the others poll the lock with growing sleeps (up to
    100 ms each), so under 8 concurrent writes the slowest waited 1.3 s, 9x the median. A
    lock in the process makes them wait their turn instead, without the sleeps. Reads do
    not take units of work (`store.reading`), so they never wait here; PostgreSQL has row
    locks and needs no queue.
    """
    if engine.dialect.name != "sqlite":
        return None
    with _WRITERS_GUARD:
        queue = _WRITERS.get(engine)
        if queue is None:
            queue = _WRITERS[engine] = threading.RLock()
        return queue


class UnitOfWork:
    """`with UnitOfWork(engine) as uow: ...; uow.commit()`. Leaving without commit rolls back."""

    session: Session
    applications: ApplicationRepository

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> UnitOfWork:
        self._queue = _sqlite_writers(self.engine)
        if self._queue is not None:
            self._queue.acquire()
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
            if self._queue is not None:
                self._queue.release()

    def commit(self) -> None:
        self.session.commit()

    def raise_alert(self, **alert: Any) -> tuple[int, int] | None:
        """Raise a (clock, level) alert once, in this transaction: `store.alerts.raise_alert`."""
        return alerts.raise_alert(self.session, **alert)

    def enqueue(self, **message: Any) -> int:
        """Queue a message once per channel, in this transaction: `store.alerts.enqueue`."""
        return alerts.enqueue(self.session, **message)
