"""In-memory stand-ins for the unit of work: the service layer without a database.

The fake keeps committed state apart from a transaction's working copies, so that leaving
without commit loses the change exactly as the real unit of work's rollback does.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import create_engine

from gridconnect.calendar import WorkingCalendar
from gridconnect.config.policy_model import Policy
from gridconnect.services.context import Services
from gridconnect.store.files import FileStore
from gridconnect.store.repository import RowToAdd, application_number
from gridconnect.timesource import local_date
from gridconnect.workflow.errors import VersionConflict
from gridconnect.workflow.model import Application, DomainEvent


@dataclass
class FakeDatabase:
    applications: dict[int, Application] = field(default_factory=dict)
    events: dict[int, list[DomainEvent]] = field(default_factory=dict)
    alerts: dict[tuple[int, str], int] = field(default_factory=dict)
    outbox: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    serials: dict[tuple[str, int], int] = field(default_factory=dict)
    commits: int = 0
    rows: list[Any] = field(default_factory=list)  # rows added with an application


class FakeRepository:
    def __init__(self, pending: FakeDatabase) -> None:
        self.pending = pending

    def get(self, application_id: int) -> Application | None:
        found = self.pending.applications.get(application_id)
        return copy.deepcopy(found) if found is not None else None

    def add(
        self,
        app: Application,
        access_code_hash: str | None = None,
        with_rows: Sequence[RowToAdd] = (),
    ) -> None:
        year = local_date(app.received_at).year
        serial = self.pending.serials.get((app.company, year), 0) + 1
        self.pending.serials[(app.company, year)] = serial
        app.number = application_number(app.company, year, serial)
        app.id = len(self.pending.applications) + 1
        self.pending.rows += [row.model(**row.values, application_id=app.id) for row in with_rows]
        self._store(app)

    def save(self, app: Application, expected_version: int) -> None:
        assert app.id is not None
        stored = self.pending.applications[app.id]
        if stored.version != expected_version:
            raise VersionConflict("changed by someone else", {})
        app.version = expected_version + 1
        self._store(app)

    def _store(self, app: Application) -> None:
        assert app.id is not None
        next_id = 1 + sum(len(a.clocks) for a in self.pending.applications.values())
        for clock in app.clocks:
            if clock.id is None:
                clock.id, next_id = next_id, next_id + 1
        self.pending.events.setdefault(app.id, []).extend(app.events)
        app.events.clear()
        self.pending.applications[app.id] = copy.deepcopy(app)


class FakeUnitOfWork:
    def __init__(self, database: FakeDatabase) -> None:
        self.database = database

    def __enter__(self) -> FakeUnitOfWork:
        self.pending = copy.deepcopy(self.database)
        self.applications = FakeRepository(self.pending)
        return self

    def __exit__(self, *exc: object) -> None:
        del self.pending  # anything not committed is gone

    def commit(self) -> None:
        self.pending.commits = self.database.commits + 1
        self.database.__dict__.update(copy.deepcopy(self.pending).__dict__)

    def raise_alert(self, *, clock_id: int, level: str, **_: Any) -> tuple[int, int] | None:
        if (clock_id, level) in self.pending.alerts:
            return None
        alert_id = len(self.pending.alerts) + 1
        self.pending.alerts[(clock_id, level)] = alert_id
        return alert_id, 1

    def enqueue(
        self, *, channels: list[str], dedup_key: str, payload: dict[str, Any], **_: Any
    ) -> int:
        new = [c for c in channels if (dedup_key, c) not in self.pending.outbox]
        for channel in new:
            self.pending.outbox[(dedup_key, channel)] = payload
        return len(new)


class FakeServices(Services):
    """Services whose commands run against a FakeDatabase instead of an engine."""

    database: FakeDatabase

    def unit_of_work(self) -> FakeUnitOfWork:  # type: ignore[override]
        return FakeUnitOfWork(self.database)

    def read_application(self, application_id: int) -> Application | None:
        with self.unit_of_work() as uow:
            return uow.applications.get(application_id)


def fake_services(
    policy: Policy, calendar: WorkingCalendar, files: Path, at: datetime
) -> FakeServices:
    services = FakeServices(
        engine=create_engine("sqlite://"),  # never connected: commands use the fake
        policy_source=lambda: policy,
        calendar_source=lambda: calendar,
        files=FileStore(files, 1024 * 1024),
        alert_channels=["https://robot.example/alerts"],
        customer_channels=["https://sms.example/notify"],
        now=lambda: at,
    )
    services.database = FakeDatabase()
    return services
