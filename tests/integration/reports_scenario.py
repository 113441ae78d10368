"""A few hundred applications across companies, cities, kinds and months, built through the
service layer with the clock moved by freezegun, plus what the test did to each of them.

The expected report figures are computed from this record and the domain objects with the
Python calendar, never from the report.
"""

from __future__ import annotations

import heapq
import random
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from freezegun import freeze_time
from sqlalchemy import Engine, event, text

from factories import new_application
from gridconnect.services.applications import (
    DocumentInput,
    perform,
    receive_application,
    record_document,
)
from gridconnect.services.context import Services
from gridconnect.store.alerts import raise_alert
from gridconnect.store.db import make_engine
from gridconnect.store.files import FileStore
from gridconnect.timesource import SHANGHAI
from gridconnect.workflow.model import Application

CITIES = ("西安", "宝鸡", "榆林", "汉中")
KINDS = ("lv_residential", "lv_nonresidential", "lv_nonresidential", "hv")
REASONS = ("customer_construction", "customer_requested_wait", "customer_unreachable")
FIRST = datetime(2026, 6, 1, tzinfo=SHANGHAI)
LAST_RECEIPT = datetime(2026, 11, 20, tzinfo=SHANGHAI)
END = datetime(2026, 12, 20, 12, tzinfo=SHANGHAI)  # the moment the reports are read


@dataclass
class Record:
    """What the test did to one application."""

    company: str
    city: str
    kind: str
    steps: list[tuple[datetime, str, str | None]]
    app: Application | None = None
    suspensions: list[tuple[datetime, datetime | None, str]] = field(default_factory=list)
    warnings: list[datetime] = field(default_factory=list)


def _instant(rng: random.Random, day: datetime) -> datetime:
    return (day + timedelta(hours=rng.randint(9, 16), minutes=rng.randint(0, 59))).astimezone(UTC)


def plan(rng: random.Random, count: int) -> list[Record]:
    records = []
    span = (LAST_RECEIPT - FIRST).days
    for _ in range(count):
        kind = rng.choice(KINDS)
        day = FIRST + timedelta(days=rng.randint(0, span))
        at = _instant(rng, day)
        steps: list[tuple[datetime, str, str | None]] = [(at, "receive", None)]
        stages = 6 if kind == "hv" else 2
        finish = rng.random()
        advances = stages if finish < 0.75 else rng.randint(0, stages - 1)
        gov = rng.random() < 0.3
        for index in range(advances):
            if rng.random() < 0.2:
                at += timedelta(days=rng.randint(0, 3), hours=1)
                reason = rng.choice(REASONS)
                steps.append((at, "suspend", reason))
                at += timedelta(days=rng.randint(1, 9), hours=1)
                steps.append((at, "resume", None))
            if gov and index == 0:
                at += timedelta(hours=2)
                steps.append((at, "start_gov_approval", None))
                steps.append(
                    (at + timedelta(days=rng.randint(2, 12)), "complete_gov_approval", None)
                )
            at += timedelta(days=rng.randint(0, 10), minutes=rng.randint(1, 600))
            steps.append((at, "advance", None))
        if finish > 0.9:
            steps.append((at + timedelta(days=rng.randint(1, 20)), "cancel", None))
        elif rng.random() < 0.1:
            steps.append((at + timedelta(days=rng.randint(1, 5)), "suspend", rng.choice(REASONS)))
        steps = sorted((s for s in steps if s[0] < END.astimezone(UTC)), key=lambda s: s[0])
        # Completing an approval after the application closed is not possible: drop it.
        records.append(Record(rng.choice(("sgcc", "local")), rng.choice(CITIES), kind, steps))
    return records


def _documents(svc: Services, app: Application) -> Application:
    for doc in svc.policy.whitelist(app.kind, app.stage):
        if not any(d.doc_type == doc.code for d in app.documents_of(app.stage)):
            assert app.id is not None
            document = DocumentInput(doc.code, "e_license", reference=f"EL-{doc.code}")
            app = record_document(svc, app.id, document, actor="clerk1")
    return app


def build(svc: Services, seed: int = 7, count: int = 300) -> list[Record]:
    """Play every record's steps in time order across all applications."""
    rng = random.Random(seed)
    records = plan(rng, count)
    queue = [(steps[0][0], i, 0) for i, r in enumerate(records) if (steps := r.steps)]
    heapq.heapify(queue)
    with freeze_time(FIRST) as clock:
        while queue:
            at, index, position = heapq.heappop(queue)
            record = records[index]
            _, action, extra = record.steps[position]
            clock.move_to(at)
            if _play(svc, record, action, extra, at) and position + 1 < len(record.steps):
                heapq.heappush(queue, (record.steps[position + 1][0], index, position + 1))
        clock.move_to(END)
    return records


def _play(svc: Services, record: Record, action: str, extra: str | None, at: datetime) -> bool:
    """One step; False when the application can no longer take steps."""
    if action == "receive":
        new = new_application(
            record.kind,
            company=record.company,
            city=record.city,
            area_class="rural" if record.city == "汉中" else "urban",
            capacity=80.0 if record.kind != "hv" else 630.0,
        )
        record.app = receive_application(svc, new, actor="clerk1")
        return True
    app = record.app
    assert app is not None
    assert app.id is not None
    if not app.is_open:
        return False
    if action == "advance":
        app = _documents(svc, app)
        assert app.id is not None
        record.app = perform(svc, app.id, "advance", actor="clerk1")
        _maybe_warn(svc, record, at)
    elif action == "suspend":
        record.app = perform(svc, app.id, "suspend", actor="clerk1", reason_code=extra)
        record.suspensions.append((at, None, extra or ""))
    elif action == "resume":
        record.app = perform(svc, app.id, "resume", actor="clerk1")
        start, _, reason = record.suspensions[-1]
        record.suspensions[-1] = (start, at, reason)
    elif action in ("start_gov_approval", "complete_gov_approval"):
        if app.suspended or (action == "complete_gov_approval" and app.gov_approval != "requested"):
            return True
        record.app = perform(svc, app.id, action, actor="clerk1")
    elif action == "cancel":
        if app.suspended:
            start, _, reason = record.suspensions[-1]
            record.suspensions[-1] = (start, at, reason)
        record.app = perform(svc, app.id, "cancel", actor="clerk1")
    return True


def _maybe_warn(svc: Services, record: Record, at: datetime) -> None:
    """Every 7th application gets a warning on its open clocks (as the scan would raise)."""
    app = record.app
    assert app is not None
    assert app.id is not None
    if app.id % 7 or not app.open_clocks():
        return
    with svc.unit_of_work() as uow:
        for clock in app.open_clocks():
            assert clock.id is not None
            row = raise_alert(
                uow.session,
                clock_id=clock.id,
                application_id=app.id,
                company=app.company,
                city=app.city,
                level="warning",
                due_at=clock.due_at,
                at=at,
            )
            if row is not None:
                record.warnings.append(at)
        uow.commit()


def fast_engine(database_url: str, directory: Path) -> Engine:
    """A clean migrated database for one test module, without waiting for the disk on each
    commit (durability does not matter to a fixture; the build takes seconds instead of a
    minute)."""
    if database_url.startswith("sqlite"):
        copy = directory / "scenario.db"
        shutil.copyfile(Path(database_url.removeprefix("sqlite:///")), copy)
        engine = make_engine(f"sqlite:///{copy}")
        pragma = "PRAGMA synchronous=OFF"
    else:
        engine = make_engine(database_url)
        with engine.begin() as connection:
            tables = connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            ).scalars()
            # Test set-up only: the audit trail's triggers refuse TRUNCATE (0005).
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        pragma = "SET synchronous_commit = off"

    @event.listens_for(engine, "connect")
    def _no_sync(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(pragma)
        cursor.close()
        if not database_url.startswith("sqlite"):
            dbapi_connection.commit()

    engine.dispose()
    return engine


def services_on(engine: Engine, policy: Any, calendar: Any, directory: Path) -> Services:
    return Services(
        engine=engine,
        policy_source=lambda: policy,
        calendar_source=lambda: calendar,
        files=FileStore(directory / "files", 20 * 1024 * 1024),
    )
