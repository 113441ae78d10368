"""Clocks read from the database as the forecast and the backtest need them.

Working days are counted on the calendar in force (`working_days_between`, O(1)), the
customer-caused pauses removed exactly as the clock reading removes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Engine, select
from sqlmodel import Session

from gridconnect.calendar import WorkingCalendar
from gridconnect.services.breach_risk.backtest import ClockCase
from gridconnect.services.breach_risk.estimate import Finished, GroupKey
from gridconnect.store.tables import ApplicationRow, ClockPauseRow, ClockRow
from gridconnect.timesource import local_date
from gridconnect.workflow.model import ClockState

CLOCKS = cast(Any, ClockRow).__table__
APPLICATIONS = cast(Any, ApplicationRow).__table__
PAUSES = cast(Any, ClockPauseRow).__table__


def _columns() -> tuple[Any, ...]:
    return (
        CLOCKS.c.id,
        CLOCKS.c.application_id,
        CLOCKS.c.kind.label("clock"),
        CLOCKS.c.state,
        CLOCKS.c.limit_working_days,
        CLOCKS.c.paused_working_days,
        CLOCKS.c.started_at,
        CLOCKS.c.stopped_at,
        CLOCKS.c.due_at,
        CLOCKS.c.warned_at,
        APPLICATIONS.c.kind,
        APPLICATIONS.c.city,
        APPLICATIONS.c.company,
        APPLICATIONS.c.number,
    )


def _joined() -> Any:
    return CLOCKS.join(APPLICATIONS, APPLICATIONS.c.id == CLOCKS.c.application_id)


def key_of(row: Any) -> GroupKey:
    return GroupKey(row.kind, row.clock, row.city, row.company)


def finished_clocks(
    session: Session, calendar: WorkingCalendar, since: datetime
) -> Iterator[Finished]:
    """Clocks stopped since `since`: working days taken; a cancelled one is censored."""
    statement = select(*_columns()).select_from(_joined()).where(CLOCKS.c.stopped_at >= since)
    for row in session.execute(statement):
        taken = calendar.working_days_between(
            local_date(row.started_at), local_date(row.stopped_at)
        ).value
        yield Finished(
            key=key_of(row),
            working_days=max(taken - row.paused_working_days, 0),
            completed=row.state != ClockState.CANCELLED,
        )


@dataclass(frozen=True)
class RunningClock:
    id: int
    application_id: int
    number: str
    key: GroupKey
    limit: int
    elapsed: int
    due_at: datetime
    warned: bool


def running_clocks(session: Session, calendar: WorkingCalendar, at: datetime) -> list[RunningClock]:
    """Clocks running now (paused ones wait for the customer: not assessed)."""
    statement = (
        select(*_columns())
        .select_from(_joined())
        .where(CLOCKS.c.state == ClockState.RUNNING)
        .order_by(CLOCKS.c.id)
    )
    today = local_date(at)
    return [
        RunningClock(
            id=row.id,
            application_id=row.application_id,
            number=row.number,
            key=key_of(row),
            limit=row.limit_working_days,
            elapsed=max(
                calendar.working_days_between(local_date(row.started_at), today).value
                - row.paused_working_days,
                0,
            ),
            due_at=row.due_at,
            warned=row.warned_at is not None,
        )
        for row in session.execute(statement)
    ]


def clock_cases(engine: Engine, calendar: WorkingCalendar, base: date) -> list[ClockCase]:
    """Every clock as a backtest case, in working-day ordinals counted from `base`."""
    with Session(engine) as session:
        pauses: dict[int, list[tuple[int, int | None]]] = {}
        for pause in session.execute(select(PAUSES)):
            resumed = pause.resumed_at
            pauses.setdefault(pause.clock_id, []).append(
                (
                    ordinal_of(calendar, base, local_date(pause.paused_at)),
                    ordinal_of(calendar, base, local_date(resumed)) if resumed else None,
                )
            )
        rows = session.execute(select(*_columns()).select_from(_joined())).all()
    cases = []
    for row in rows:
        stopped = row.stopped_at
        cases.append(
            ClockCase(
                key=key_of(row),
                limit=row.limit_working_days,
                start=ordinal_of(calendar, base, local_date(row.started_at)),
                end=ordinal_of(calendar, base, local_date(stopped)) if stopped else None,
                completed=stopped is not None and row.state != ClockState.CANCELLED,
                pauses=tuple(pauses.get(row.id, ())),
            )
        )
    return cases


def ordinal_of(calendar: WorkingCalendar, base: date, day: date) -> int:
    """The working-day ordinal of `day` counted from `base`."""
    return calendar.working_days_between(base, day).value


def history_start(at: datetime, history_days: int) -> datetime:
    return at - timedelta(days=history_days)
