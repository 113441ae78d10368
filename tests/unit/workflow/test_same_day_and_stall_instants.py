"""0-day limits (当日办结) and the stall instant, on the official calendar."""

from __future__ import annotations

from datetime import datetime

from gridconnect.calendar import load_calendar
from gridconnect.timesource import SHANGHAI
from gridconnect.workflow.clocks import schedule, stall_instant

CALENDAR = load_calendar()


def local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)


def test_a_same_day_limit_entered_on_a_working_day_is_due_at_that_days_end() -> None:
    plan = schedule(CALENDAR, local("2026-11-25 15:00"), 0, 0, 1)  # Wednesday

    assert plan.due_at == local("2026-11-26 00:00")


def test_a_same_day_limit_entered_on_a_sunday_is_due_at_the_end_of_monday() -> None:
    plan = schedule(CALENDAR, local("2026-11-29 10:00"), 0, 0, 1)

    assert plan.due_at == local("2026-12-01 00:00")


def test_a_same_day_limit_entered_in_the_national_day_holiday_is_due_after_it() -> None:
    # 2026-10-01..07 are holidays; the next working day is Thursday 10-08.
    plan = schedule(CALENDAR, local("2026-10-03 09:00"), 0, 0, 1)

    assert plan.due_at == local("2026-10-09 00:00")


def test_an_application_stalls_at_the_end_of_the_fifth_working_day_after_its_last_action() -> None:
    # Friday 2026-09-25: 09-28, 09-29, 09-30, then the holiday, then 10-08, 10-09.
    assert stall_instant(CALENDAR, local("2026-09-25 16:00"), 5) == local("2026-10-10 00:00")
