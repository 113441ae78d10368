"""Working days for Chinese power-connection deadlines (工作日 per the State Council notices).

A working day is Monday–Friday, minus the statutory holidays, plus the weekend days the
yearly State Council notice makes working days (调休上班日). Years with a notice file are
official; other years in 2020–2035 are estimated from 《全国年节及纪念日放假办法》 and every
answer depending on them is marked provisional.

The start day is not counted: `add_working_days(d, n)` is the n-th working day strictly
after d, and `deadline(start, n)` is 24:00 Asia/Shanghai of that day.
"""

from __future__ import annotations

from gridconnect.calendar.errors import CalendarRangeError, NoticeFileError
from gridconnect.calendar.files import load_calendar, read_notice_file, save_notice
from gridconnect.calendar.model import (
    SUPPORTED_YEARS,
    AdjustedWorkday,
    Dated,
    DayInfo,
    DayKind,
    Holiday,
    Notice,
    NoticeRef,
    YearInfo,
)
from gridconnect.calendar.notice import parse_notice
from gridconnect.calendar.working import WorkingCalendar

__all__ = [
    "SUPPORTED_YEARS",
    "AdjustedWorkday",
    "CalendarRangeError",
    "Dated",
    "DayInfo",
    "DayKind",
    "Holiday",
    "Notice",
    "NoticeFileError",
    "NoticeRef",
    "WorkingCalendar",
    "YearInfo",
    "load_calendar",
    "parse_notice",
    "read_notice_file",
    "save_notice",
]
