"""The shipped notices classify every day of 2020–2026 as two independent sources do.

Sources: `chinesecalendar.is_workday`, and the `holidays` package's China class. The
latter has no WORKDAY category for China (its supported categories are PUBLIC and
HALF_DAY): it records the notices' working weekend days in `weekend_workdays` and answers
`is_working_day(d)` = "a weekday not in the holiday list, or a listed working weekend day";
its holiday list also holds in-lieu (observed) and swapped days, which this does account for.
Both sources were found to agree with the shipped files on all 2,557 days; where they
would not, the notice text decides (see data/*.toml).
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import holidays
import pytest

FIRST, LAST = date(2020, 1, 1), date(2026, 12, 31)
DAYS = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]


def _disagreements(calendar, other) -> list[tuple[date, bool, bool]]:
    return [
        (d, calendar.is_workday(d), other(d)) for d in DAYS if calendar.is_workday(d) != other(d)
    ]


def test_the_comparison_covers_2557_days():
    assert len(DAYS) == 2557


def test_every_day_of_2020_to_2026_matches_chinesecalendar(calendar):
    assert _disagreements(calendar, chinese_calendar.is_workday) == []


def test_every_day_of_2020_to_2026_matches_the_holidays_package(calendar):
    china = holidays.China(years=range(2020, 2027))
    assert _disagreements(calendar, china.is_working_day) == []


def test_every_adjusted_working_day_is_one_the_holidays_package_lists(calendar):
    china = holidays.China(years=range(2020, 2027))
    ours = {d for d in DAYS if calendar.kind(d).kind == "adjusted_workday"}
    theirs = {d for d in china.weekend_workdays if FIRST <= d <= LAST}
    assert ours == theirs
    assert len(ours) == 46


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ],
)
def test_the_2026_working_weekend_days_are_those_of_the_notice(calendar, day):
    assert day.weekday() >= 5
    assert calendar.kind(day).kind == "adjusted_workday"
