"""Working-day calendar over HTTP: classify a date, add working days, count them.

The calendar comes from the `get_calendar` dependency (the app's Services' calendar);
tests override it. Dates outside 2020..2035 raise
`CalendarRangeError`, which the application's GridconnectError handler renders as 422.
"""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from gridconnect.api.deps import CalendarDep, get_calendar
from gridconnect.api.error_statuses import errors
from gridconnect.calendar import DayKind
from gridconnect.calendar.errors import CalendarRangeError

router = APIRouter(prefix="/api/v1/calendar", tags=["calendar"])

__all__ = ["get_calendar", "router"]


class DayOut(BaseModel):
    date: dt.date
    kind: DayKind
    is_workday: bool
    provisional: bool
    name: str | None


class AddOut(BaseModel):
    date: dt.date
    n: int
    result: dt.date
    provisional: bool


class CountOut(BaseModel):
    start: dt.date
    end: dt.date
    working_days: int
    provisional: bool


# `add` and `count` are declared before `/{date}` so they are not taken for dates.
@router.get("/add", response_model=AddOut, responses=errors(CalendarRangeError))
def add_working_days(
    calendar: CalendarDep,
    date: Annotated[dt.date, Query(description="start day (not counted), YYYY-MM-DD")],
    n: Annotated[int, Query(ge=-10_000, le=10_000, description="working days; < 0 goes back")],
) -> AddOut:
    """The n-th working day strictly after `date`."""
    result = calendar.add_working_days(date, n)
    return AddOut(date=date, n=n, result=result.value, provisional=result.provisional)


@router.get("/count", response_model=CountOut, responses=errors(CalendarRangeError))
def count_working_days(
    calendar: CalendarDep,
    start: Annotated[dt.date, Query(description="YYYY-MM-DD, not counted")],
    end: Annotated[dt.date, Query(description="YYYY-MM-DD, counted")],
) -> CountOut:
    """Working days in (start, end]; negative when end is before start."""
    result = calendar.working_days_between(start, end)
    return CountOut(start=start, end=end, working_days=result.value, provisional=result.provisional)


@router.get("/{date}", response_model=DayOut, responses=errors(CalendarRangeError))
def read_calendar_day(calendar: CalendarDep, date: dt.date) -> DayOut:
    """What kind of day `date` is (workday, weekend, holiday, adjusted_workday)."""
    info = calendar.kind(date)
    return DayOut(
        date=info.date,
        kind=info.kind,
        is_workday=info.is_workday,
        provisional=info.provisional,
        name=info.name,
    )
