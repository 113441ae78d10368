"""Value types of the working-day calendar (pure data, no behaviour beyond accessors)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Generic, Literal, TypeVar

T = TypeVar("T")

#: Years the calendar can answer for; years without a notice file are estimated.
SUPPORTED_YEARS = range(2020, 2036)
FIRST_DAY = date(SUPPORTED_YEARS.start, 1, 1)
LAST_DAY = date(SUPPORTED_YEARS.stop - 1, 12, 31)


class DayKind(StrEnum):
    """What a day is for the purpose of counting working days."""

    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    ADJUSTED_WORKDAY = "adjusted_workday"

    @property
    def is_workday(self) -> bool:
        return self in (DayKind.WORKDAY, DayKind.ADJUSTED_WORKDAY)


@dataclass(frozen=True, slots=True)
class DayInfo:
    """One day: its kind, the festival it belongs to (if any), and whether it is estimated."""

    date: date
    kind: DayKind
    provisional: bool
    name: str | None = None

    @property
    def is_workday(self) -> bool:
        return self.kind.is_workday


@dataclass(frozen=True, slots=True)
class Dated(Generic[T]):
    """A calendar answer, flagged provisional when it depends on an estimated year."""

    value: T
    provisional: bool


@dataclass(frozen=True, slots=True)
class YearInfo:
    """Where a year's holidays come from."""

    year: int
    source: Literal["notice", "estimate"]
    title: str | None = None
    number: str | None = None
    published: date | None = None


@dataclass(frozen=True, slots=True)
class Holiday:
    """A festival's days off (the whole period, weekend days included)."""

    name: str
    dates: tuple[date, ...]


@dataclass(frozen=True, slots=True)
class AdjustedWorkday:
    """A Saturday or Sunday made a working day (调休上班日) for a festival."""

    date: date
    festival: str


@dataclass(frozen=True, slots=True)
class NoticeRef:
    """A State Council document: the yearly notice or a later amendment to it."""

    title: str
    number: str
    published: date


@dataclass(frozen=True, slots=True)
class Notice:
    """One year's official holiday arrangement, as parsed from a notice file."""

    year: int
    ref: NoticeRef
    holidays: tuple[Holiday, ...]
    adjusted_workdays: tuple[AdjustedWorkday, ...] = ()
    amendments: tuple[NoticeRef, ...] = field(default=())

    @property
    def title(self) -> str:
        return self.ref.title

    @property
    def number(self) -> str:
        return self.ref.number

    @property
    def published(self) -> date:
        return self.ref.published

    def holiday_names(self) -> dict[date, str]:
        """Every day off with its festival name."""
        return {day: h.name for h in self.holidays for day in h.dates}

    def workday_names(self) -> dict[date, str]:
        """Every adjusted working weekend day with the festival it makes up for."""
        return {w.date: w.festival for w in self.adjusted_workdays}
