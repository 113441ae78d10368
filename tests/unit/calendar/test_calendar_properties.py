"""Properties of working-day arithmetic, checked against a day-by-day reference."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 6, 30))
steps = st.integers(min_value=-60, max_value=60)
positive = st.integers(min_value=1, max_value=60)


def _step(calendar, day: date, n: int) -> date:
    """Reference: walk one day at a time."""
    direction = 1 if n > 0 else -1
    remaining = abs(n)
    while remaining:
        day += timedelta(days=direction)
        if calendar.is_workday(day):
            remaining -= 1
    return day


@settings(max_examples=300)
@given(day=days.filter(lambda d: d >= date(2020, 6, 1)), n=steps)
def test_adding_working_days_matches_walking_day_by_day(calendar, day, n):
    assert calendar.add_working_days(day, n).value == _step(calendar, day, n)


@settings(max_examples=300)
@given(day=days, n=st.integers(min_value=0, max_value=60))
def test_counting_after_adding_gives_n_back(calendar, day, n):
    result = calendar.add_working_days(day, n).value
    assert calendar.working_days_between(day, result).value == n


@settings(max_examples=300)
@given(day=days.filter(lambda d: d >= date(2020, 6, 1)), w=positive)
def test_going_back_w_working_days_from_a_working_day_leaves_w_to_go(calendar, day, w):
    due = calendar.add_working_days(day, 1).value  # a working day
    earlier = calendar.add_working_days(due, -w).value
    assert calendar.working_days_between(earlier, due).value == w
    assert calendar.add_working_days(earlier, w).value == due


@settings(max_examples=300)
@given(day=days.filter(lambda d: d >= date(2020, 6, 1)), n=steps.filter(lambda n: n != 0))
def test_a_result_is_always_a_working_day(calendar, day, n):
    assert calendar.is_workday(calendar.add_working_days(day, n).value)


@settings(max_examples=300)
@given(day=days.filter(lambda d: d >= date(2020, 6, 1)), a=steps, b=steps)
def test_more_working_days_give_a_strictly_later_date(calendar, day, a, b):
    low, high = sorted((a, b))
    if low < high:
        assert (
            calendar.add_working_days(day, low).value < calendar.add_working_days(day, high).value
        )


@settings(max_examples=300)
@given(first=days, second=days, n=positive)
def test_a_later_start_never_gives_an_earlier_result(calendar, first, second, n):
    early, late = sorted((first, second))
    assert calendar.add_working_days(early, n).value <= calendar.add_working_days(late, n).value


@settings(max_examples=300)
@given(first=days, second=days)
def test_counting_is_antisymmetric(calendar, first, second):
    forward = calendar.working_days_between(first, second)
    backward = calendar.working_days_between(second, first)
    assert forward.value == -backward.value
    assert forward.provisional == backward.provisional


@settings(max_examples=300)
@given(day=days, n=st.integers(min_value=0, max_value=60))
def test_a_result_is_provisional_exactly_when_its_span_touches_an_estimated_year(calendar, day, n):
    result = calendar.add_working_days(day, n)
    span_years = range(day.year, result.value.year + 1)
    assert result.provisional == any(calendar.is_provisional_year(y) for y in span_years)
