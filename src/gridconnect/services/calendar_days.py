"""The working-day calendar mirrored into the `calendar_day` table, for SQL reports.

Each day carries `workday_ordinal`, the running count of working days up to and including
it, so "working days in (a, b]" is `ordinal(b) - ordinal(a)` in SQL, the same rule as
`WorkingCalendar.working_days_between`. The table is filled outside the migrations (a new
State Council notice changes it): reports call `sync_calendar_days` first, which refills it
when it is empty or was filled from a different calendar and costs one look-up otherwise.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, delete, insert, select, text

from gridconnect.calendar import WorkingCalendar
from gridconnect.calendar.model import FIRST_DAY, LAST_DAY
from gridconnect.store.maintenance import analyse
from gridconnect.store.report_tables import CalendarDayRow, CalendarSyncRow
from gridconnect.timesource import now

_DAYS = CalendarDayRow.__table__  # type: ignore[attr-defined]
_SYNC = CalendarSyncRow.__table__  # type: ignore[attr-defined]


def calendar_rows(calendar: WorkingCalendar) -> list[dict[str, Any]]:
    """One row per supported day, with its running working-day ordinal."""
    rows: list[dict[str, Any]] = []
    day, ordinal = FIRST_DAY, 0
    while day <= LAST_DAY:
        workday = calendar.is_workday(day)
        ordinal += workday
        provisional = calendar.is_provisional_year(day.year)
        rows.append(
            {
                "day": day,
                "is_workday": workday,
                "workday_ordinal": ordinal,
                "provisional": provisional,
            }
        )
        day += timedelta(days=1)
    return rows


def fingerprint(rows: list[dict[str, Any]]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(b"W" if row["is_workday"] else b"-")
        digest.update(b"p" if row["provisional"] else b"o")
    return digest.hexdigest()


# The calendar is immutable and the process keeps one until a notice file changes, so the
# rows and their fingerprint (6 ms to build) are kept for the last calendar seen: a report,
# and the supervisor's dashboard that shows one, then costs one look-up to check the table.
_last: tuple[WorkingCalendar, list[dict[str, Any]], str] | None = None


def _rows_of(calendar: WorkingCalendar) -> tuple[list[dict[str, Any]], str]:
    global _last
    cached = _last
    if cached is None or cached[0] is not calendar:
        rows = calendar_rows(calendar)
        cached = _last = (calendar, rows, fingerprint(rows))
    return cached[1], cached[2]


def stored_fingerprint(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return connection.execute(select(_SYNC.c.fingerprint).where(_SYNC.c.id == 1)).scalar()


def sync_calendar_days(engine: Engine, calendar: WorkingCalendar, force: bool = False) -> bool:
    """Refill `calendar_day` from `calendar` unless it already matches. True when rewritten."""
    rows, wanted = _rows_of(calendar)
    if not force and stored_fingerprint(engine) == wanted:
        return False
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Two first reports at once must not both insert the same days.
            connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('calendar_day'))"))
            current = connection.execute(select(_SYNC.c.fingerprint)).scalar()
            if current == wanted and not force:
                return False
        # Writing first takes SQLite's write lock at once (no read-then-upgrade deadlock).
        connection.execute(delete(_SYNC))
        connection.execute(delete(_DAYS))
        connection.execute(insert(_DAYS), rows)
        connection.execute(insert(_SYNC).values(id=1, fingerprint=wanted, synced_at=now()))
    analyse(engine, ("calendar_day",))  # years of days, inserted in bulk: the reports join them
    return True
