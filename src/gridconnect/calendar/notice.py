"""Parse and validate a holiday notice file (one year of the State Council's arrangement).

The file is TOML::

    year = 2026
    [notice]
    title = "国务院办公厅关于2026年部分节假日安排的通知"
    number = "国办发明电〔2025〕7号"      # may be "" when unknown
    published = 2025-11-04
    [[amendments]]                        # optional, later notices changing the year
    title = "..."
    number = "..."
    published = 2020-01-27
    [[holidays]]                          # the whole period off, weekend days included
    name = "元旦"
    dates = [2026-01-01, 2026-01-02, 2026-01-03]
    [[adjusted_workdays]]                 # optional: weekend days made working days
    date = 2026-01-04
    for = "元旦"

`parse_notice` is pure; every problem found is reported at once, each with its line.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from datetime import date, datetime
from typing import Any

from gridconnect.calendar._lines import LineFinder
from gridconnect.calendar.errors import NoticeFileError, Problem
from gridconnect.calendar.model import (
    SUPPORTED_YEARS,
    AdjustedWorkday,
    Holiday,
    Notice,
    NoticeRef,
)

_TOP_KEYS = {"year", "notice", "amendments", "holidays", "adjusted_workdays"}
_REF_KEYS = {"title", "number", "published"}
_HOLIDAY_KEYS = {"name", "dates"}
_WORKDAY_KEYS = {"date", "for"}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _is_date(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


class _Checker:
    """Collects problems while turning the parsed TOML into a `Notice`."""

    def __init__(self, text: str) -> None:
        self.lines = LineFinder(text)
        self.problems: list[Problem] = []
        self._date_seen: Counter[date] = Counter()
        self._holidays: dict[date, str] = {}
        self._workdays: set[date] = set()

    def problem(self, line: int, reason: str) -> None:
        self.problems.append({"line": line, "reason": reason})

    def unknown_keys(self, table: dict[str, Any], allowed: set[str], where: str, line: int) -> None:
        for key in sorted(set(table) - allowed):
            at = self.lines.key(key, default=0) or self.lines.table(key, default=line)
            self.problem(at, f"unknown key {key!r} in {where}")

    def string(self, table: dict[str, Any], key: str, where: str, line: int) -> str | None:
        value = table.get(key)
        if value is None:
            self.problem(line, f"missing key {key!r} in {where}")
            return None
        if not isinstance(value, str) or (key != "number" and not value.strip()):
            self.problem(line, f"{where}.{key} must be a non-empty string")
            return None
        return value

    def a_date(self, value: object, where: str, line: int) -> date | None:
        if value is None:
            self.problem(line, f"missing key {where.rsplit('.', 1)[-1]!r} in {where}")
            return None
        if not _is_date(value):
            self.problem(line, f"{where} must be a TOML date like 2026-01-01, not {value!r}")
            return None
        assert isinstance(value, date)
        return value

    def ref(self, table: object, where: str, nth: int) -> NoticeRef | None:
        line = self.lines.table(where, nth=nth)
        if not isinstance(table, dict):
            self.problem(line, f"{where} must be a table with title, number and published")
            return None
        self.unknown_keys(table, _REF_KEYS, where, line)
        title = self.string(table, "title", where, line)
        number = table.get("number", "")
        if not isinstance(number, str):
            self.problem(line, f"{where}.number must be a string (may be empty)")
        published = self.a_date(table.get("published"), f"{where}.published", line)
        if title is None or published is None or not isinstance(number, str):
            return None
        return NoticeRef(title=title, number=number, published=published)

    def day(self, value: object, year: int | None, where: str, line: int) -> date | None:
        """A holiday or workday date, checked against the year and earlier listings."""
        day = self.a_date(value, where, line)
        if day is None:
            return None
        self._date_seen[day] += 1
        line = self.lines.literal(day.isoformat(), nth=self._date_seen[day], default=line)
        if year is not None and day.year != year:
            self.problem(line, f"{day} is outside the file's year {year}")
            return None
        return day

    def holiday(self, entry: object, year: int | None, nth: int) -> Holiday | None:
        line = self.lines.table("holidays", nth=nth)
        if not isinstance(entry, dict):
            self.problem(line, "each [[holidays]] entry must be a table with name and dates")
            return None
        self.unknown_keys(entry, _HOLIDAY_KEYS, "[[holidays]]", line)
        name = self.string(entry, "name", "holidays", line)
        raw = entry.get("dates")
        if raw is None:
            self.problem(line, "missing key 'dates' in holidays")
            return None
        if not isinstance(raw, list) or not raw:
            self.problem(self.lines.key("dates", nth, line), "holidays.dates must be a list")
            return None
        days: list[date] = []
        for value in raw:
            day = self.day(value, year, "holidays.dates", line)
            if day is None:
                continue
            if day in self._holidays:
                where = self.lines.literal(day.isoformat(), self._date_seen[day], line)
                self.problem(where, f"{day} is listed twice as a holiday")
                continue
            self._holidays[day] = name or "?"
            days.append(day)
        return Holiday(name=name, dates=tuple(days)) if name is not None else None

    def workday(self, entry: object, year: int | None, nth: int) -> AdjustedWorkday | None:
        line = self.lines.table("adjusted_workdays", nth=nth)
        if not isinstance(entry, dict):
            self.problem(line, "each [[adjusted_workdays]] entry must be a table")
            return None
        self.unknown_keys(entry, _WORKDAY_KEYS, "[[adjusted_workdays]]", line)
        festival = self.string(entry, "for", "adjusted_workdays", line)
        day = self.day(entry.get("date"), year, "adjusted_workdays.date", line)
        if day is None or festival is None:
            return None
        here = self.lines.literal(day.isoformat(), self._date_seen[day], line)
        problems = len(self.problems)
        if day.weekday() < 5:
            self.problem(
                here,
                f"adjusted working day {day} is a {_WEEKDAYS[day.weekday()]}, "
                "not a Saturday or Sunday",
            )
        if day in self._workdays:
            self.problem(here, f"{day} is listed twice as an adjusted working day")
        elif day in self._holidays:
            self.problem(
                here,
                f"{day} is listed both as a holiday ({self._holidays[day]}) "
                "and as an adjusted working day",
            )
        if len(self.problems) > problems:
            return None
        self._workdays.add(day)
        return AdjustedWorkday(date=day, festival=festival)


def _syntax_line(error: tomllib.TOMLDecodeError, finder: LineFinder) -> int:
    match = re.search(r"at line (\d+)", str(error))
    return int(match.group(1)) if match else finder.last_line


def _entries(data: dict[str, Any], key: str, check: _Checker, required: bool) -> list[Any]:
    value = data.get(key)
    if value is None:
        if required:
            check.problem(1, f"missing key {key!r}")
        return []
    if not isinstance(value, list) or (required and not value):
        check.problem(check.lines.key(key, default=1), f"{key!r} must be a list of tables")
        return []
    return value


def parse_notice(text: str) -> Notice:
    """Parse one year's notice file; raise `NoticeFileError` listing every problem."""
    check = _Checker(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        check.problem(_syntax_line(exc, check.lines), f"TOML syntax error: {exc}")
        raise NoticeFileError("the notice file is not valid TOML", check.problems) from None

    check.unknown_keys(data, _TOP_KEYS, "the file", 1)
    year = data.get("year")
    if year is None:
        check.problem(1, "missing key 'year'")
    elif isinstance(year, bool) or not isinstance(year, int):
        check.problem(check.lines.key("year"), "year must be an integer such as 2027")
        year = None
    elif year not in SUPPORTED_YEARS:
        check.problem(
            check.lines.key("year"),
            f"year {year} is outside the supported range "
            f"{SUPPORTED_YEARS.start}–{SUPPORTED_YEARS.stop - 1}",
        )
        year = None

    if "notice" not in data:
        check.problem(1, "missing table [notice] (title, number, published)")
        ref = None
    else:
        ref = check.ref(data["notice"], "notice", 1)
    amendments = [
        check.ref(entry, "amendments", nth)
        for nth, entry in enumerate(_entries(data, "amendments", check, False), start=1)
    ]
    holidays = [
        check.holiday(entry, year, nth)
        for nth, entry in enumerate(_entries(data, "holidays", check, True), start=1)
    ]
    workdays = [
        check.workday(entry, year, nth)
        for nth, entry in enumerate(_entries(data, "adjusted_workdays", check, False), start=1)
    ]
    if check.problems or year is None or ref is None:
        check.problems.sort(key=lambda p: p["line"])
        raise NoticeFileError(
            f"the notice file has {len(check.problems)} problem(s)", check.problems
        )
    return Notice(
        year=year,
        ref=ref,
        holidays=tuple(h for h in holidays if h is not None),
        adjusted_workdays=tuple(
            sorted((w for w in workdays if w is not None), key=lambda w: w.date)
        ),
        amendments=tuple(a for a in amendments if a is not None),
    )
