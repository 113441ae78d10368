"""Report periods, their due dates, and the calendar mirrored into `calendar_day`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from gridconnect.calendar import WorkingCalendar
from gridconnect.services.calendar_days import sync_calendar_days
from gridconnect.services.reports.periods import InvalidPeriod, parse_month, parse_quarter


def test_a_month_covers_its_shanghai_days_as_utc_instants() -> None:
    october = parse_month("2026-10")
    assert (october.first, october.last) == (date(2026, 10, 1), date(2026, 10, 31))
    assert october.start.isoformat() == "2026-09-30T16:00:00+00:00"
    assert october.end.isoformat() == "2026-10-31T16:00:00+00:00"
    assert parse_month("2026-01").previous().label == "2025-12"
    assert parse_month("2026-03").year_before().label == "2025-03"


@pytest.mark.parametrize(
    ("quarter", "due", "previous"),
    [
        ("2026Q3", "2026-10-10", "2026Q2"),
        ("2026Q4", "2027-01-10", "2026Q3"),
        ("2026Q1", "2026-04-10", "2025Q4"),
    ],
)
def test_a_quarterly_analysis_is_due_on_the_10th_day_of_the_next_quarter(
    quarter: str, due: str, previous: str
) -> None:
    period = parse_quarter(quarter)
    assert period.due_on().isoformat() == due
    assert period.previous().label == previous
    assert period.year_before().label == f"{int(quarter[:4]) - 1}{quarter[4:]}"


@pytest.mark.parametrize("value", ["2026-13", "2026-00", "26-10", "2026/10", "october"])
def test_an_impossible_month_is_refused_naming_the_field(value: str) -> None:
    with pytest.raises(InvalidPeriod) as caught:
        parse_month(value)
    assert caught.value.status == 422
    assert caught.value.details[0]["field"] == "month"


@pytest.mark.parametrize("value", ["2026Q5", "2026Q0", "2026-3", "Q3"])
def test_an_impossible_quarter_is_refused_naming_the_field(value: str) -> None:
    with pytest.raises(InvalidPeriod) as caught:
        parse_quarter(value)
    assert caught.value.details[0]["field"] == "quarter"


def test_a_year_outside_the_calendar_is_refused() -> None:
    with pytest.raises(InvalidPeriod, match="supported years"):
        parse_month("2040-01")


def test_calendar_days_count_working_days_like_the_calendar(
    engine,
    calendar: WorkingCalendar,  # type: ignore[no-untyped-def]
) -> None:
    assert sync_calendar_days(engine, calendar) is True
    assert sync_calendar_days(engine, calendar) is False  # already in step: nothing rewritten
    with engine.connect() as connection:
        ordinal = dict(
            connection.execute(
                text("SELECT day, workday_ordinal FROM calendar_day WHERE day BETWEEN :a AND :b"),
                {"a": date(2026, 9, 1), "b": date(2026, 12, 31)},
            ).all()
        )
    ordinal = {(d if isinstance(d, date) else date.fromisoformat(d)): v for d, v in ordinal.items()}
    # The ledger's example: received Mon 2026-09-28, 15 working days → due 2026-10-23.
    assert ordinal[date(2026, 10, 23)] - ordinal[date(2026, 9, 28)] == 15
    day = date(2026, 9, 1)
    while day < date(2026, 12, 31):
        after = day + timedelta(days=17)
        if after <= date(2026, 12, 31):
            wanted = calendar.working_days_between(day, after).value
            assert ordinal[after] - ordinal[day] == wanted
        day += timedelta(days=1)


def test_a_new_notice_makes_the_next_report_refill_the_calendar_days(
    engine,
    calendar: WorkingCalendar,  # type: ignore[no-untyped-def]
) -> None:
    sync_calendar_days(engine, calendar)
    emptied = WorkingCalendar([])  # every year estimated: different days, provisional
    assert sync_calendar_days(engine, emptied) is True
    with engine.connect() as connection:
        provisional = connection.execute(
            text("SELECT provisional FROM calendar_day WHERE day = :d"), {"d": date(2026, 5, 1)}
        ).scalar_one()
    assert bool(provisional) is True
