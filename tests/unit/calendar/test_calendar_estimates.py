"""Years without a notice are estimated from 《全国年节及纪念日放假办法》 (2024 text)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from gridconnect.calendar import DayKind
from gridconnect.calendar.estimate import estimated_holidays


def _festival_days(year: int, festival: str) -> list[date]:
    return [d for d, name in estimated_holidays(year).items() if name == festival]


@pytest.mark.parametrize("year", range(2027, 2036))
def test_each_estimated_year_has_the_thirteen_statutory_days_off(year):
    # 元旦 1 + 春节 4 + 清明 1 + 劳动 2 + 端午 1 + 中秋 1 + 国庆 3 = 13 festival-days; a day
    # shared by 中秋节 and 国庆节 is named "中秋节、国庆节" and counts for both.
    statutory = {d: n for d, n in estimated_holidays(year).items() if "补假" not in n}
    assert sum(len(name.split("、")) for name in statutory.values()) == 13
    assert date(year, 1, 1) in statutory
    assert {date(year, 5, 1), date(year, 5, 2)} <= set(statutory)
    assert {date(year, 10, 1), date(year, 10, 2), date(year, 10, 3)} <= set(statutory)


@pytest.mark.parametrize(("year", "day"), [(2028, date(2028, 10, 5)), (2031, date(2031, 10, 6))])
def test_mid_autumn_on_national_day_gets_a_day_back_as_in_2020(year, day):
    # 2028: 中秋 10-03 inside 国庆; 10-04 is already 国庆's 补假 for Sunday 10-01.
    # 2031: 中秋 10-01; 10-04/05 are a weekend, so the day comes back on Monday 10-06.
    assert estimated_holidays(year)[day] == "中秋节（补假）"


def test_the_2027_spring_festival_is_new_years_eve_and_the_first_three_days():
    # 除夕 2027-02-05; 初一..初三 02-06..02-08.
    assert _festival_days(2027, "春节") == [date(2027, 2, d) for d in (5, 6, 7, 8)]


def test_a_statutory_day_on_a_weekend_is_made_up_on_the_next_working_day():
    # 2027: 春节 02-06 (Sat) and 02-07 (Sun) → 补假 Tuesday 02-09 and Wednesday 02-10.
    assert _festival_days(2027, "春节（补假）") == [date(2027, 2, 9), date(2027, 2, 10)]
    assert all(
        d.weekday() < 5
        for y in range(2027, 2036)
        for d, n in estimated_holidays(y).items()
        if "补假" in n
    )


def test_estimated_years_have_no_adjusted_working_weekend_days(calendar):
    day = date(2027, 1, 1)
    while day.year <= 2035:
        assert calendar.kind(day).kind is not DayKind.ADJUSTED_WORKDAY
        day += timedelta(days=1)


def test_estimated_days_are_marked_provisional_with_their_festival(calendar):
    info = calendar.kind(date(2027, 10, 1))
    assert (info.kind, info.name, info.provisional) == (DayKind.HOLIDAY, "国庆节", True)
    assert calendar.kind(date(2027, 10, 11)).provisional is True


def test_every_year_up_to_2035_is_answered_without_error(calendar):
    assert calendar.add_working_days(date(2035, 1, 1), 200).value.year == 2035
