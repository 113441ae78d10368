"""Errors raised by the calendar; both render as 422 through the API's error mapping."""

from __future__ import annotations

from typing import TypedDict

from gridconnect.errors import GridconnectError


class Problem(TypedDict):
    """One reason a notice file was refused, with the (1-based) line it concerns."""

    line: int
    reason: str


class NoticeFileError(GridconnectError):
    """A holiday notice file is malformed; `details` lists every problem found."""

    status = 422
    code = "invalid_notice_file"

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message, details=problems)
        self.problems = problems


class CalendarRangeError(GridconnectError):
    """A date (or a result) lies outside the years the calendar supports."""

    status = 422
    code = "date_out_of_range"
