"""The SLA scan: warn clocks near their due, breach clocks past it, each alert exactly once.

The scan compares stored instants only (`warn_at`, `due_at`, precomputed by the workflow
and by `sla recompute`), through the indexes `ix_clock_due (state, due_at)` and
`ix_clock_warn (state, warned_at, warn_at)`: its cost follows the clocks that change, not
the open applications, and no calendar arithmetic runs here.

Exactly once, three ways:
* each batch claims its clocks with one conditional UPDATE (on PostgreSQL through
  `FOR UPDATE SKIP LOCKED`, so two scans never take the same clock) and commits the clock
  changes, the alerts and their outbox messages together: a scan killed half-way leaves
  whole batches done and the rest untouched;
* `alert` is unique per (clock, level) in the database, whatever the scans do;
* on PostgreSQL the whole scan holds an advisory lock, so schedulers do not even race.

Breaches go first. A clock found already past its due (a scheduler down for days) gets its
breach only: a warning exists to let people act before the due, and sent together with the
breach it would only be noise. Clocks that are inside the warning window but not yet due
get their warning at that run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Engine, and_, select, text, update
from sqlmodel import Session

from gridconnect.services.alert_raising import AlertSubject, raise_alert
from gridconnect.services.alert_routing import AlertRecipients
from gridconnect.store import alerts as stored_alerts
from gridconnect.store.alerts import enqueue
from gridconnect.store.db import is_postgres
from gridconnect.store.tables import AlertRow, ApplicationRow, ClockRow
from gridconnect.timesource import as_utc
from gridconnect.timesource import now as system_now
from gridconnect.workflow.clocks import breach_changes
from gridconnect.workflow.events import AlertLevel
from gridconnect.workflow.model import ClockState

log = logging.getLogger(__name__)

# pg advisory lock key of the scan: the bytes of "gcsla" (any constant unique to this job).
SCAN_LOCK_KEY = 0x6763736C61
CLOCKS = cast(Any, ClockRow).__table__
APPLICATIONS = cast(Any, ApplicationRow).__table__
ALERTS = cast(Any, AlertRow).__table__


class _BatchAlerts:
    """The batch's session as the AlertStore `raise_alert` writes to.

    `enqueue` is looked up in this module at each call: the concurrency tests replace it
    to stop a scan half-way through a batch.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    def raise_alert(self, **alert: Any) -> tuple[int, int] | None:
        return stored_alerts.raise_alert(self.session, **alert)

    def enqueue(self, **message: Any) -> int:
        return enqueue(self.session, **message)


@dataclass
class ScanResult:
    warned: int = 0
    breached: int = 0
    alerts: list[dict[str, Any]] = field(default_factory=list)
    skipped: bool = False  # another scheduler held the scan lock

    def summary(self) -> dict[str, Any]:
        return {
            "warned": self.warned,
            "breached": self.breached,
            "alerts": self.alerts,
            "skipped": self.skipped,
        }


def scan(
    engine: Engine,
    now: datetime | None = None,
    alert_channels: Sequence[str] | AlertRecipients = (),
    batch_size: int = 500,
    exclusive: bool = True,
) -> ScanResult:
    """One scan at `now`. `exclusive=False` skips the advisory lock (tests of the race)."""
    at = as_utc(now) if now is not None else system_now()
    channels = AlertRecipients.of(alert_channels)
    result = ScanResult()
    with _scan_lock(engine, exclusive) as held:
        if not held:
            log.info("SLA scan skipped: another scheduler is scanning")
            result.skipped = True
            return result
        for level in (AlertLevel.BREACH, AlertLevel.WARNING):
            while True:
                claimed = _batch(engine, level, at, channels, batch_size, result)
                if claimed < batch_size:
                    break
    log.info("SLA scan at %s: %d warned, %d breached", at, result.warned, result.breached)
    return result


@contextmanager
def _scan_lock(engine: Engine, exclusive: bool) -> Iterator[bool]:
    """A session-level advisory lock on PostgreSQL; the server frees it if we die."""
    if not exclusive or not is_postgres(engine):
        yield True
        return
    with engine.connect() as connection:
        held = bool(
            connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": SCAN_LOCK_KEY}
            ).scalar_one()
        )
        connection.commit()  # the lock outlives the transaction; don't sit idle in one
        try:
            yield held
        finally:
            if held:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCAN_LOCK_KEY})
                connection.commit()


def _condition(level: AlertLevel, at: datetime) -> Any:
    if level == AlertLevel.BREACH:
        return and_(CLOCKS.c.state == ClockState.RUNNING, CLOCKS.c.due_at <= at)
    return and_(
        CLOCKS.c.state == ClockState.RUNNING,
        CLOCKS.c.warned_at.is_(None),
        CLOCKS.c.warn_at <= at,
        CLOCKS.c.due_at > at,
    )


def _claim(level: AlertLevel, at: datetime, limit: int, postgres: bool) -> Any:
    """UPDATE up to `limit` clocks reaching `level`, returning them (the claim is the write)."""
    condition = _condition(level, at)
    order = CLOCKS.c.due_at if level == AlertLevel.BREACH else CLOCKS.c.warn_at
    pick = (
        select(CLOCKS.c.id)
        .select_from(CLOCKS.join(APPLICATIONS, APPLICATIONS.c.id == CLOCKS.c.application_id))
        .where(condition)
        .order_by(order)
        .limit(limit)
    )
    if postgres:
        # Locks the clock and its application; rows another transaction holds are left
        # for the next run instead of waited for (no deadlock with a clerk's save).
        pick = pick.with_for_update(skip_locked=True)
    # A materialised CTE, not `id IN (subquery)`: PostgreSQL may re-run an IN subquery for
    # each row, and with SKIP LOCKED each re-run skips the rows just updated and picks more.
    picked = pick.cte("picked").prefix_with("MATERIALIZED")
    # The breach is the workflow's own (`breach_changes`), applied to the batch set-based.
    values = breach_changes(at) if level == AlertLevel.BREACH else {"warned_at": at}
    return (
        update(CLOCKS)
        .where(CLOCKS.c.id == picked.c.id, condition)
        .values(**values)
        .returning(CLOCKS.c.id, CLOCKS.c.application_id, CLOCKS.c.kind, CLOCKS.c.due_at)
    )


def _batch(
    engine: Engine,
    level: AlertLevel,
    at: datetime,
    channels: AlertRecipients,
    limit: int,
    result: ScanResult,
) -> int:
    """Claim, alert and enqueue one batch in one transaction; how many clocks it claimed."""
    with Session(engine) as session:
        clocks = session.execute(_claim(level, at, limit, is_postgres(engine))).all()
        if not clocks:
            session.rollback()
            return 0
        app_ids = sorted({row.application_id for row in clocks})
        names = {
            row.id: row
            for row in session.execute(
                select(
                    APPLICATIONS.c.id,
                    APPLICATIONS.c.number,
                    APPLICATIONS.c.company,
                    APPLICATIONS.c.city,
                ).where(APPLICATIONS.c.id.in_(app_ids))
            )
        }
        # The application's state (its clocks) changed: a clerk's save based on what they
        # read before must fail with a version conflict rather than overwrite the clock.
        session.execute(
            update(APPLICATIONS)
            .where(APPLICATIONS.c.id.in_(app_ids))
            .values(version=APPLICATIONS.c.version + 1)
        )
        store = _BatchAlerts(session)
        for clock in sorted(clocks, key=lambda row: row.id):
            app = names[clock.application_id]
            subject = AlertSubject(
                clock_id=clock.id,
                clock_kind=clock.kind,
                due_at=as_utc(clock.due_at),
                application_id=clock.application_id,
                number=app.number,
                company=app.company,
                city=app.city,
            )
            alert = raise_alert(store, subject, level, at, channels)
            if alert is None:
                continue
            alert_id, payload = alert
            result.alerts.append({"alert_id": alert_id, **payload})
            if level == AlertLevel.BREACH:
                result.breached += 1
            else:
                result.warned += 1
        session.commit()
        return len(clocks)
