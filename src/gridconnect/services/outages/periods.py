"""Reliability periods: a year (`2026`), a quarter (`2026Q3`) or a month (`2026-10`).

Dates are Asia/Shanghai; instants [start, end) in UTC. A report "as of" a time inside the
period is the period to date: it ends at that time, its hours and months stop there, and
an ongoing outage counts up to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from gridconnect.services.reports.periods import InvalidPeriod, parse_month, parse_quarter
from gridconnect.timesource import SHANGHAI, as_utc

_YEAR = re.compile(r"^\d{4}$")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI).astimezone(UTC)


@dataclass(frozen=True)
class ReliabilityPeriod:
    kind: str  # year, quarter, month
    label: str
    first: date
    last: date
    #: the report's "as of" time when it falls inside the period (year to date)
    cut: datetime | None = None

    @property
    def start(self) -> datetime:
        return _midnight(self.first)

    @property
    def full_end(self) -> datetime:
        return _midnight(self.last + timedelta(days=1))

    @property
    def end(self) -> datetime:
        return self.cut if self.cut is not None else self.full_end

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    @property
    def full_hours(self) -> float:
        return (self.full_end - self.start).total_seconds() / 3600

    @property
    def year(self) -> int:
        return self.first.year

    def months(self) -> list[str]:
        """`YYYY-MM` of every month the (possibly cut) period touches."""
        last_day = (self.end - timedelta(microseconds=1)).astimezone(SHANGHAI).date()
        months: list[str] = []
        index = self.first.year * 12 + self.first.month - 1
        stop = last_day.year * 12 + last_day.month - 1
        while index <= stop:
            months.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
            index += 1
        return months

    def as_of(self, moment: datetime | None) -> ReliabilityPeriod:
        """The period to `moment` when it falls inside it; else the whole period."""
        if moment is None:
            return self
        at = as_utc(moment)
        if self.start < at < self.full_end:
            return replace(self, cut=at)
        if at <= self.start:
            raise InvalidPeriod(
                f"as-of {at.isoformat()} is not after the start of {self.label}",
                [{"field": "as_of", "message": "must be after the period's start"}],
            )
        return self

    def year_before(self) -> ReliabilityPeriod:
        """The same span one year earlier (a cut moves with it)."""
        first = self.first.replace(year=self.first.year - 1)
        last = _last_of(self.kind, first)
        cut = None if self.cut is None else _midnight(first) + (self.cut - self.start)
        return ReliabilityPeriod(self.kind, _label(self.kind, first), first, last, cut)


def _last_of(kind: str, first: date) -> date:
    months = {"year": 12, "quarter": 3, "month": 1}[kind]
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)


def _label(kind: str, first: date) -> str:
    if kind == "year":
        return f"{first.year:04d}"
    if kind == "quarter":
        return f"{first.year:04d}Q{(first.month - 1) // 3 + 1}"
    return f"{first.year:04d}-{first.month:02d}"


def year(value: int) -> ReliabilityPeriod:
    first = date(value, 1, 1)
    return ReliabilityPeriod("year", f"{value:04d}", first, date(value, 12, 31))


def parse_period(
    year_text: str | None, quarter_text: str | None, month_text: str | None
) -> ReliabilityPeriod:
    """Exactly one of year, quarter, month; a bad one is a 422 naming its field."""
    given = [v for v in (year_text, quarter_text, month_text) if v]
    if len(given) != 1:
        raise InvalidPeriod(
            "give exactly one of year, quarter or month",
            [{"field": "period", "message": "exactly one of year, quarter, month"}],
        )
    if year_text:
        if not _YEAR.match(year_text.strip()) or not 2000 <= int(year_text) <= 2100:
            raise InvalidPeriod(
                f"year {year_text!r} is not a year (e.g. 2026)",
                [{"field": "year", "message": "expected YYYY"}],
            )
        return year(int(year_text))
    if quarter_text:
        q = parse_quarter(quarter_text)
        return ReliabilityPeriod("quarter", q.label, q.first, q.last)
    m = parse_month(month_text or "")
    return ReliabilityPeriod("month", m.label, m.first, m.last)
