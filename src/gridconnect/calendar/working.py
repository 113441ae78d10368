"""The working-day calendar: an immutable, precomputed index over 2020-01-01..2035-12-31.

Index (built once per calendar, no I/O):
  * `_kinds`   bytes, one DayKind code per day;
  * `_count`   array('H'), running count of working days up to and including each day;
  * `_workdays` array('H'), the day numbers (days since 2020-01-01) of every working day;
  * `_estimated` array('H'), running count of days lying in estimated years.
"The n-th working day after d" is `_workdays[_count[d] + n - 1]`; "working days in (a, b]" is
`_count[b] - _count[a]`; "does [a, b] touch an estimated year" is two `_estimated` lookups.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any

from gridconnect.calendar.errors import CalendarRangeError
from gridconnect.calendar.estimate import estimated_holidays
from gridconnect.calendar.model import (
    FIRST_DAY,
    LAST_DAY,
    SUPPORTED_YEARS,
    Dated,
    DayInfo,
    DayKind,
    Notice,
    YearInfo,
)
from gridconnect.timesource import SHANGHAI, local_date

_BASE = FIRST_DAY.toordinal()
_SIZE = LAST_DAY.toordinal() - _BASE + 1
_KINDS = tuple(DayKind)
_CODE = {kind: code for code, kind in enumerate(_KINDS)}
_RANGE = f"{FIRST_DAY.isoformat()}..{LAST_DAY.isoformat()}"


def _out_of_range(what: str) -> CalendarRangeError:
    return CalendarRangeError(
        f"{what} is outside the supported calendar range {_RANGE} "
        f"(years {SUPPORTED_YEARS.start}–{SUPPORTED_YEARS.stop - 1})",
        details={"supported": {"start": FIRST_DAY.isoformat(), "end": LAST_DAY.isoformat()}},
    )


class WorkingCalendar:
    """Answers working-day questions; official where a notice is loaded, estimated elsewhere."""

    __slots__ = ("_count", "_estimated", "_kinds", "_names", "_notices", "_workdays")

    _notices: Mapping[int, Notice]
    _kinds: bytes
    _names: Mapping[int, str]
    _count: array[int]
    _workdays: array[int]
    _estimated: array[int]

    def __init__(self, notices: Iterable[Notice] = ()) -> None:
        by_year: dict[int, Notice] = {}
        for notice in notices:
            if notice.year not in SUPPORTED_YEARS:
                raise _out_of_range(f"the notice for {notice.year}")
            by_year[notice.year] = notice  # later notices override earlier ones
        kinds, names = _day_kinds(by_year)
        count, workdays, estimated = _running_counts(kinds, by_year)
        set_ = object.__setattr__
        set_(self, "_notices", MappingProxyType(dict(sorted(by_year.items()))))
        set_(self, "_kinds", bytes(kinds))
        set_(self, "_names", MappingProxyType(names))
        set_(self, "_count", count)
        set_(self, "_workdays", workdays)
        set_(self, "_estimated", estimated)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("WorkingCalendar is immutable; use with_notice()")

    def __repr__(self) -> str:
        official = ", ".join(str(year) for year in self._notices) or "none"
        return f"<WorkingCalendar {_RANGE}, notices: {official}>"

    # -- construction -------------------------------------------------------------------
    def with_notice(self, notice: Notice) -> WorkingCalendar:
        """A new calendar in which `notice`'s year is official (replacing any earlier one)."""
        return WorkingCalendar([*self._notices.values(), notice])

    @property
    def notices(self) -> Mapping[int, Notice]:
        return self._notices

    @property
    def index_bytes(self) -> int:
        """Memory taken by the lookup arrays (kinds, running counts, working-day list)."""
        arrays = (self._count, self._workdays, self._estimated)
        return len(self._kinds) + sum(a.itemsize * len(a) for a in arrays)

    # -- single days --------------------------------------------------------------------
    def _offset(self, day: date) -> int:
        if isinstance(day, datetime):
            raise TypeError("pass a date, not a datetime (use gridconnect.timesource.local_date)")
        offset = day.toordinal() - _BASE
        if not 0 <= offset < _SIZE:
            raise _out_of_range(day.isoformat())
        return offset

    def is_provisional_year(self, year: int) -> bool:
        """True when `year` has no notice loaded and is estimated from the statutory rules."""
        if year not in SUPPORTED_YEARS:
            raise _out_of_range(f"the year {year}")
        return year not in self._notices

    def kind(self, day: date) -> DayInfo:
        offset = self._offset(day)
        kind = _KINDS[self._kinds[offset]]
        provisional = day.year not in self._notices
        return DayInfo(date=day, kind=kind, provisional=provisional, name=self._names.get(offset))

    def is_workday(self, day: date) -> bool:
        return _KINDS[self._kinds[self._offset(day)]].is_workday

    def years(self) -> list[YearInfo]:
        result = []
        for year in SUPPORTED_YEARS:
            notice = self._notices.get(year)
            if notice is None:
                result.append(YearInfo(year=year, source="estimate"))
            else:
                ref = notice.ref
                result.append(YearInfo(year, "notice", ref.title, ref.number, ref.published))
        return result

    # -- arithmetic ---------------------------------------------------------------------
    def _provisional(self, low: int, high: int) -> bool:
        """Whether any day in [low, high] (offsets, low <= high) lies in an estimated year."""
        estimated = self._estimated
        return estimated[high] != (estimated[low - 1] if low else 0)

    def add_working_days(self, day: date, n: int) -> Dated[date]:
        """The n-th working day strictly after `day` (n < 0: strictly before; n = 0: `day`)."""
        offset = day.toordinal() - _BASE
        if not 0 <= offset < _SIZE or isinstance(day, datetime):
            self._offset(day)  # raises the right error
        count = self._count[offset]
        if n > 0:
            index = count + n - 1
            if index >= len(self._workdays):
                raise _out_of_range(f"{n} working days after {day.isoformat()}")
            target = self._workdays[index]
            provisional = self._estimated[target] != (self._estimated[offset - 1] if offset else 0)
        elif n < 0:
            index = (self._count[offset - 1] if offset else 0) + n  # working days before `day`
            if index < 0:
                raise _out_of_range(f"{-n} working days before {day.isoformat()}")
            target = self._workdays[index]
            provisional = self._provisional(target, offset)
        else:
            return Dated(day, self._provisional(offset, offset))
        return Dated(date.fromordinal(target + _BASE), provisional)

    def working_days_between(self, start: date, end: date) -> Dated[int]:
        """Working days in (start, end]; when end < start, minus those in (end, start]."""
        first, last = self._offset(start), self._offset(end)
        count = self._count[last] - self._count[first]
        return Dated(count, self._provisional(min(first, last), max(first, last)))

    def deadline(self, start: datetime, n: int) -> Dated[datetime]:
        """24:00 Asia/Shanghai of the n-th working day after the (Shanghai) date of `start`.

        Returned as the aware UTC instant of 00:00 Shanghai on the following day. A naive
        `start` is taken as UTC, like everywhere in gridconnect.timesource.
        """
        due = self.add_working_days(local_date(start), n)
        midnight = datetime.combine(due.value + timedelta(days=1), time(0), tzinfo=SHANGHAI)
        return Dated(midnight.astimezone(UTC), due.provisional)


def _day_kinds(by_year: Mapping[int, Notice]) -> tuple[bytearray, dict[int, str]]:
    """Each supported day's kind (by offset from FIRST_DAY) and the names of the special days."""
    kinds = bytearray(_SIZE)
    names: dict[int, str] = {}
    for offset in range(_SIZE):
        weekend = (_BASE + offset) % 7 in (0, 6)  # ordinal % 7: 0 = Sunday, 6 = Saturday
        kinds[offset] = _CODE[DayKind.WEEKEND if weekend else DayKind.WORKDAY]
    for year in SUPPORTED_YEARS:
        official = by_year.get(year)
        offs = estimated_holidays(year) if official is None else official.holiday_names()
        for day, name in offs.items():
            kinds[day.toordinal() - _BASE] = _CODE[DayKind.HOLIDAY]
            names[day.toordinal() - _BASE] = name
        if official is not None:
            for day, name in official.workday_names().items():
                kinds[day.toordinal() - _BASE] = _CODE[DayKind.ADJUSTED_WORKDAY]
                names[day.toordinal() - _BASE] = name
    return kinds, names


def _running_counts(
    kinds: bytearray, by_year: Mapping[int, Notice]
) -> tuple[array[int], array[int], array[int]]:
    """Prefix counts of working days and of estimated days, and the offsets of working days."""
    working = (_CODE[DayKind.WORKDAY], _CODE[DayKind.ADJUSTED_WORKDAY])
    count, workdays, estimated = array("H"), array("H"), array("H")
    running = running_estimated = 0
    for offset, code in enumerate(kinds):
        if code in working:
            running += 1
            workdays.append(offset)
        if (FIRST_DAY + timedelta(offset)).year not in by_year:
            running_estimated += 1
        count.append(running)
        estimated.append(running_estimated)
    return count, workdays, estimated
