"""Report periods: a month (`2026-10`) or a quarter (`2026Q3`), in Asia/Shanghai dates.

A period covers local dates [first, last]; its instants are [start, end) in UTC, start
being 00:00 Shanghai of `first` and end 00:00 Shanghai of the day after `last`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from gridconnect.calendar.model import SUPPORTED_YEARS
from gridconnect.errors import InvalidInput
from gridconnect.timesource import SHANGHAI

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")


class InvalidPeriod(InvalidInput):
    code = "invalid_period"


@dataclass(frozen=True)
class Period:
    kind: str  # "month" or "quarter"
    label: str  # "2026-10" or "2026Q3"
    first: date
    last: date

    @property
    def start(self) -> datetime:
        return _midnight(self.first)

    @property
    def end(self) -> datetime:
        return _midnight(self.last + timedelta(days=1))

    def previous(self) -> Period:
        return self.shifted(-1)

    def year_before(self) -> Period:
        return self.shifted(-12 if self.kind == "month" else -4)

    def shifted(self, steps: int) -> Period:
        if self.kind == "month":
            index = self.first.year * 12 + self.first.month - 1 + steps
            return month(index // 12, index % 12 + 1)
        index = self.first.year * 4 + (self.first.month - 1) // 3 + steps
        return quarter(index // 4, index % 4 + 1)

    def due_on(self) -> date:
        """The 10th calendar day after the period (L55: 次季度前10日内), for quarters."""
        return self.last + timedelta(days=10)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI).astimezone(UTC)


def _check_year(year: int, field: str, value: str) -> None:
    if year not in SUPPORTED_YEARS:
        raise InvalidPeriod(
            f"{field} {value!r} is outside the supported years "
            f"{SUPPORTED_YEARS.start}–{SUPPORTED_YEARS.stop - 1}",
            [{"field": field, "message": "year outside the supported calendar range"}],
        )


def month(year: int, number: int) -> Period:
    first = date(year, number, 1)
    following = date(year + (number == 12), number % 12 + 1, 1)
    return Period("month", f"{year:04d}-{number:02d}", first, following - timedelta(days=1))


def quarter(year: int, number: int) -> Period:
    first = date(year, 3 * number - 2, 1)
    last = month(year, 3 * number).last
    return Period("quarter", f"{year:04d}Q{number}", first, last)


def parse_month(value: str, field: str = "month") -> Period:
    """`YYYY-MM` → the month; anything else is a 422 naming `field`."""
    match = _MONTH.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidPeriod(
            f"{field} {value!r} is not a month in the form YYYY-MM (e.g. 2026-10)",
            [{"field": field, "message": "expected YYYY-MM with a month 01–12"}],
        )
    year = int(match.group(1))
    _check_year(year, field, value)
    return month(year, int(match.group(2)))


def parse_quarter(value: str, field: str = "quarter") -> Period:
    """`YYYYQn` (n = 1–4) → the quarter; anything else is a 422 naming `field`."""
    match = _QUARTER.match(value.strip())
    if not match:
        raise InvalidPeriod(
            f"{field} {value!r} is not a quarter in the form YYYYQn (e.g. 2026Q3)",
            [{"field": field, "message": "expected YYYYQ1 to YYYYQ4"}],
        )
    year = int(match.group(1))
    _check_year(year, field, value)
    return quarter(year, int(match.group(2)))


def month_of(day: date) -> Period:
    return month(day.year, day.month)
