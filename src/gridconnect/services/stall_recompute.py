"""Move each waiting application's stall instant after the calendar or the policy changes.

An open, unsuspended application counts as stalled at the end of the policy's
`stall_working_days`-th working day after its last action (`application.stalls_at`, set at
every action). That instant was counted on the calendar and policy of the day: a newly
loaded holiday notice, or a changed `stall_working_days`, moves it. Here it is counted
again from the application's last action, the latest audit event that is an action (an
event in `QUIET_EVENTS`, such as a recomputed deadline, is the system's, not an action).

Each change is a compare-and-set on the old instant, so an action saved meanwhile (which
sets its own, newer instant) is never overwritten. An application already alerted as
stalled keeps its alert; the next action starts a new quiet period as always.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Engine, func, select, update

from gridconnect.calendar import WorkingCalendar
from gridconnect.store.tables import ApplicationRow, EventRow
from gridconnect.timesource import as_utc
from gridconnect.workflow.clocks import stall_instant
from gridconnect.workflow.events import QUIET_EVENTS

APPLICATIONS = cast(Any, ApplicationRow).__table__
EVENTS = cast(Any, EventRow).__table__


def recompute_stalls(engine: Engine, calendar: WorkingCalendar, stall_working_days: int) -> int:
    """Recount every pending stall instant; returns how many moved."""
    last_action = (
        select(EVENTS.c.application_id, func.max(EVENTS.c.at).label("last_at"))
        .where(EVENTS.c.action.not_in([str(event) for event in QUIET_EVENTS]))
        .group_by(EVENTS.c.application_id)
        .subquery()
    )
    pending = select(APPLICATIONS.c.id, APPLICATIONS.c.stalls_at, last_action.c.last_at).join(
        last_action, last_action.c.application_id == APPLICATIONS.c.id
    )
    moved = 0
    with engine.begin() as connection:
        rows = connection.execute(pending.where(APPLICATIONS.c.stalls_at.is_not(None))).all()
        for app_id, stalls_at, last_at in rows:
            instant = stall_instant(calendar, as_utc(last_at), stall_working_days)
            if instant == as_utc(stalls_at):
                continue
            outcome = connection.execute(
                update(APPLICATIONS)
                .where(APPLICATIONS.c.id == app_id, APPLICATIONS.c.stalls_at == stalls_at)
                .values(stalls_at=instant)
            )
            moved += outcome.rowcount
    return moved
