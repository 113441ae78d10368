"""SLA clocks: created from the rule in force at receipt, paused by customer time, stopped.

A clock's due is the end (24:00 Asia/Shanghai) of the N-th working day after its start
date, N being the limit plus every working day it spent paused. Its `warn_at` is the start
of the first day with at most `warn_working_days` working days left: the scan compares
stored timestamps only, so no calendar arithmetic runs per open application there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from gridconnect.calendar import WorkingCalendar
from gridconnect.config.policy_model import SlaRule
from gridconnect.timesource import SHANGHAI, as_utc, local_date
from gridconnect.workflow.model import Clock, ClockPause, ClockState


@dataclass(frozen=True)
class Schedule:
    due_at: datetime
    warn_at: datetime
    provisional: bool


def schedule(
    calendar: WorkingCalendar,
    started_at: datetime,
    limit: int,
    paused_working_days: int,
    warn_working_days: int,
) -> Schedule:
    """Due and warning instants of a clock.

    A 0-day limit (当日办结) is due at the end of the working day the clock started on; a
    clock started on a non-working day (an online application on a Sunday) is due at the
    end of the next working day, since nobody can act on the day itself.
    """
    span = limit + paused_working_days
    start_date = local_date(started_at)
    if span == 0 and not calendar.is_workday(start_date):
        due = calendar.deadline(started_at, 1)
    else:
        due = calendar.deadline(started_at, span)
    if span - warn_working_days > 0:
        warn_day = calendar.add_working_days(start_date, span - warn_working_days)
        warn_at = as_utc(datetime.combine(warn_day.value, time(0), SHANGHAI))
    else:
        warn_at = started_at
    return Schedule(due_at=due.value, warn_at=warn_at, provisional=due.provisional)


def stall_instant(
    calendar: WorkingCalendar, last_action_at: datetime, working_days: int
) -> datetime:
    """When an application with no further action counts as stalled: the end of the
    `working_days`-th working day after its last action (the action's day not counted)."""
    return calendar.deadline(last_action_at, working_days).value


def start_clock(
    calendar: WorkingCalendar, kind: str, rule: SlaRule, at: datetime, warn_working_days: int
) -> Clock:
    assert rule.limit_working_days is not None
    plan = schedule(calendar, at, rule.limit_working_days, 0, warn_working_days)
    return Clock(
        kind=kind,
        rule_id=rule.id,
        limit_working_days=rule.limit_working_days,
        target_working_days=rule.target_working_days,
        started_at=at,
        due_at=plan.due_at,
        warn_at=plan.warn_at,
        provisional=plan.provisional,
    )


def breach_changes(at: datetime) -> dict[str, Any]:
    """What a breach sets on a clock, written once: `mark_breached` applies it to one Clock,
    the SLA scan to a whole batch of rows in one set-based UPDATE."""
    return {"state": ClockState.BREACHED, "breached_at": at}


def mark_breached(clock: Clock, at: datetime) -> None:
    for name, value in breach_changes(at).items():
        setattr(clock, name, value)


def stop_clock(clock: Clock, at: datetime) -> bool:
    """Stop a clock as done. Returns True when this stop is what made it late."""
    if not clock.is_open:
        return False
    clock.stopped_at = at
    clock.paused_at = None
    if clock.state == ClockState.BREACHED:
        clock.late = True
        return False
    if at >= clock.due_at:
        mark_breached(clock, at)
        clock.late = True
        return True
    clock.state = ClockState.MET
    return False


def cancel_clock(clock: Clock, at: datetime) -> None:
    if clock.is_open:
        clock.stopped_at = at
        clock.paused_at = None
        if clock.state != ClockState.BREACHED:
            clock.state = ClockState.CANCELLED


def pause_clock(clock: Clock, at: datetime, reason: str) -> None:
    if not clock.is_open or clock.paused_at is not None:
        return
    clock.paused_at = at
    clock.pauses.append(ClockPause(paused_at=at, reason=reason))
    if clock.state == ClockState.RUNNING:
        clock.state = ClockState.PAUSED


def resume_clock(
    calendar: WorkingCalendar, clock: Clock, at: datetime, warn_working_days: int
) -> int:
    """Resume a paused clock; its due moves out by the working days in (pause, resume]."""
    if clock.paused_at is None:
        return 0
    pushed = calendar.working_days_between(local_date(clock.paused_at), local_date(at)).value
    pushed = max(pushed, 0)
    pause = clock.pauses[-1]
    pause.resumed_at = at
    pause.working_days = pushed
    clock.paused_at = None
    clock.paused_working_days += pushed
    if clock.state == ClockState.PAUSED:
        clock.state = ClockState.RUNNING
    plan = schedule(
        calendar,
        clock.started_at,
        clock.limit_working_days,
        clock.paused_working_days,
        warn_working_days,
    )
    clock.due_at, clock.warn_at, clock.provisional = plan.due_at, plan.warn_at, plan.provisional
    return pushed


def reschedule(calendar: WorkingCalendar, clock: Clock, warn_working_days: int) -> bool:
    """Recompute due and warning from the current calendar. True when the due changed."""
    plan = schedule(
        calendar,
        clock.started_at,
        clock.limit_working_days,
        clock.paused_working_days,
        warn_working_days,
    )
    changed = plan.due_at != clock.due_at
    clock.due_at, clock.warn_at, clock.provisional = plan.due_at, plan.warn_at, plan.provisional
    return changed


@dataclass(frozen=True)
class ClockReading:
    """What a person is shown about a clock at a moment."""

    due_date: str
    working_days_left: int
    elapsed_working_days: int
    elapsed_calendar_days: int
    provisional: bool


def read_clock(calendar: WorkingCalendar, clock: Clock, at: datetime) -> ClockReading:
    """Working days left and elapsed (working and calendar days side by side)."""
    due_date = local_date(clock.due_at - timedelta(seconds=1))
    start_date = local_date(clock.started_at)
    # The local date of the stop, or of `at` while the clock has not stopped: each date
    # converted once (a list page reads some hundreds of clocks).
    stop_date = local_date(clock.stopped_at or at)
    if clock.paused_at is None:
        end_date = reference = stop_date
    else:
        pause_date = local_date(clock.paused_at)
        end_date = min(stop_date, pause_date)
        reference = stop_date if clock.stopped_at is not None else pause_date
    elapsed = calendar.working_days_between(start_date, end_date)
    # Working days already paused are the customer's, not the utility's.
    elapsed_wd = max(elapsed.value - clock.paused_working_days, 0)
    left = calendar.working_days_between(reference, due_date)
    return ClockReading(
        due_date=due_date.isoformat(),
        working_days_left=left.value,
        elapsed_working_days=elapsed_wd,
        elapsed_calendar_days=(stop_date - start_date).days,
        provisional=clock.provisional or left.provisional,
    )
