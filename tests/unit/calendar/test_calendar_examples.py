"""Worked examples of counting working days (start day not counted, 民法典 Art. 201)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from gridconnect.calendar import (
    SUPPORTED_YEARS,
    CalendarRangeError,
    DayKind,
    WorkingCalendar,
    parse_notice,
)
from gridconnect.timesource import SHANGHAI


def test_fifteen_working_days_from_28_september_2026_skip_national_day(calendar):
    result = calendar.add_working_days(date(2026, 9, 28), 15)
    assert result.value == date(2026, 10, 23)
    assert result.provisional is False


def test_five_working_days_from_30_september_2025_skip_the_eight_day_golden_week(calendar):
    assert calendar.add_working_days(date(2025, 9, 30), 5).value == date(2025, 10, 14)


def test_counting_from_a_saturday_starts_on_the_monday(calendar):
    assert calendar.add_working_days(date(2025, 6, 7), 5).value == date(2025, 6, 13)


def test_thirty_working_days_from_26_november_2026_land_in_an_estimated_january_2027(calendar):
    result = calendar.add_working_days(date(2026, 11, 26), 30)
    assert result.value == date(2027, 1, 8)  # 1 January 2027 estimated as 元旦
    assert result.provisional is True


def test_there_are_fifteen_working_days_from_28_september_to_23_october_2026(calendar):
    result = calendar.working_days_between(date(2026, 9, 28), date(2026, 10, 23))
    assert (result.value, result.provisional) == (15, False)


def test_counting_backwards_gives_the_negative_count(calendar):
    assert calendar.working_days_between(date(2026, 10, 23), date(2026, 9, 28)).value == -15


def test_counting_from_a_day_to_itself_gives_zero(calendar):
    assert calendar.working_days_between(date(2026, 10, 1), date(2026, 10, 1)).value == 0


def test_adding_zero_working_days_returns_the_start_day_even_on_a_holiday(calendar):
    assert calendar.add_working_days(date(2026, 10, 1), 0).value == date(2026, 10, 1)


def test_an_adjusted_working_saturday_is_counted(calendar):
    # Friday 2026-10-09 + 1 = Saturday 10-10, a 调休上班日 for National Day.
    assert calendar.add_working_days(date(2026, 10, 9), 1).value == date(2026, 10, 10)


def test_going_back_fifteen_working_days_from_23_october_2026_reaches_28_september(calendar):
    assert calendar.add_working_days(date(2026, 10, 23), -15).value == date(2026, 9, 28)


def test_going_back_one_working_day_from_a_monday_after_a_holiday_skips_it(calendar):
    # 2026-10-08 (Thursday) follows 国庆节 10-01..10-07; before it: Wednesday 09-30.
    assert calendar.add_working_days(date(2026, 10, 8), -1).value == date(2026, 9, 30)


def test_the_2020_spring_festival_extension_makes_saturday_1_february_a_day_off(calendar):
    assert calendar.kind(date(2020, 2, 1)).kind is DayKind.HOLIDAY
    assert calendar.add_working_days(date(2020, 1, 23), 1).value == date(2020, 2, 3)


def test_kind_names_the_festival_of_holidays_and_adjusted_working_days(calendar):
    holiday = calendar.kind(date(2026, 2, 17))
    assert (holiday.kind, holiday.name, holiday.provisional) == (DayKind.HOLIDAY, "春节", False)
    shifted = calendar.kind(date(2026, 1, 4))
    assert (shifted.kind, shifted.name, shifted.is_workday) == (
        DayKind.ADJUSTED_WORKDAY,
        "元旦",
        True,
    )
    assert calendar.kind(date(2026, 3, 7)).kind is DayKind.WEEKEND
    assert calendar.kind(date(2026, 3, 9)).kind is DayKind.WORKDAY


def test_the_deadline_is_midnight_shanghai_after_the_last_working_day(calendar):
    start = datetime(2026, 9, 28, 9, 30, tzinfo=SHANGHAI)
    due = calendar.deadline(start, 15)
    assert due.value == datetime(2026, 10, 23, 16, 0, tzinfo=UTC)
    assert due.value.tzinfo is UTC
    assert due.value.astimezone(SHANGHAI) == datetime(2026, 10, 24, 0, 0, tzinfo=SHANGHAI)


def test_the_deadline_uses_the_shanghai_date_of_a_late_evening_utc_instant(calendar):
    # 2026-09-27 17:00 UTC is 2026-09-28 01:00 in Shanghai: counting starts on the 28th.
    start = datetime(2026, 9, 27, 17, 0, tzinfo=timezone(timedelta(0)))
    assert calendar.deadline(start, 15).value == datetime(2026, 10, 23, 16, 0, tzinfo=UTC)


def test_a_zero_day_limit_is_due_at_the_end_of_the_same_shanghai_day(calendar):
    start = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 Shanghai
    assert calendar.deadline(start, 0).value == datetime(2026, 3, 10, 16, 0, tzinfo=UTC)


def test_a_deadline_in_an_estimated_year_is_provisional(calendar):
    start = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)
    assert calendar.deadline(start, 10).provisional is True


def test_years_2020_to_2026_come_from_notices_and_later_years_are_estimated(calendar):
    years = calendar.years()
    assert [y.year for y in years] == list(SUPPORTED_YEARS)
    official = [y for y in years if y.source == "notice"]
    assert [y.year for y in official] == list(range(2020, 2027))
    assert all(y.title and "节假日安排的通知" in y.title for y in official)
    y2026 = official[-1]
    assert (y2026.number, y2026.published) == ("国办发明电〔2025〕7号", date(2025, 11, 4))
    assert calendar.is_provisional_year(2027)
    assert not calendar.is_provisional_year(2026)


def test_a_date_before_2020_is_refused_naming_the_supported_range(calendar):
    with pytest.raises(CalendarRangeError) as caught:
        calendar.add_working_days(date(2019, 12, 31), 1)
    assert caught.value.status == 422
    assert caught.value.code == "date_out_of_range"
    assert "2020-01-01..2035-12-31" in caught.value.message


def test_a_result_beyond_2035_is_refused(calendar):
    with pytest.raises(CalendarRangeError, match="after 2035-12-20"):
        calendar.add_working_days(date(2035, 12, 20), 30)


def test_going_back_before_2020_is_refused(calendar):
    with pytest.raises(CalendarRangeError, match="before 2020-01-10"):
        calendar.add_working_days(date(2020, 1, 10), -20)


@pytest.mark.parametrize("year", [2019, 2036])
def test_a_year_outside_the_range_has_no_answer(calendar, year):
    with pytest.raises(CalendarRangeError):
        calendar.is_provisional_year(year)
    with pytest.raises(CalendarRangeError):
        calendar.kind(date(year, 6, 1))


def test_a_datetime_is_refused_where_a_date_is_expected(calendar):
    with pytest.raises(TypeError, match="local_date"):
        calendar.add_working_days(datetime(2026, 1, 5, 12, 0), 1)


def test_the_calendar_cannot_be_modified(calendar):
    with pytest.raises(AttributeError):
        calendar._kinds = b""


def test_with_notice_makes_the_year_official_and_leaves_the_original_untouched(
    calendar, fictional_2027
):
    official = calendar.with_notice(parse_notice(fictional_2027))
    assert not official.is_provisional_year(2027)
    assert official.kind(date(2027, 2, 13)).kind is DayKind.ADJUSTED_WORKDAY
    assert official.kind(date(2027, 2, 11)).kind is DayKind.HOLIDAY
    assert official.add_working_days(date(2026, 11, 26), 30).provisional is False
    assert calendar.is_provisional_year(2027)
    assert calendar.kind(date(2027, 2, 11)).kind is DayKind.WORKDAY


def test_the_index_stays_well_under_a_megabyte(calendar):
    assert 0 < calendar.index_bytes < 100_000


def test_a_calendar_without_notices_estimates_every_year():
    bare = WorkingCalendar()
    assert all(y.source == "estimate" for y in bare.years())
    assert bare.add_working_days(date(2026, 9, 28), 1).provisional is True
