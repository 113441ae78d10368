"""Shared fixtures for the working-day calendar tests."""

from __future__ import annotations

import pytest

from gridconnect.calendar import WorkingCalendar, load_calendar

# A made-up 2027 arrangement used to exercise loading a new year. It is NOT the real 2027
# notice (not published when this was written); only its shape matters here.
FICTIONAL_2027 = """\
year = 2027

[notice]
title = "测试用：2027年部分节假日安排（虚构）"
number = ""
published = 2026-11-05

[[holidays]]
name = "元旦"
dates = [2027-01-01, 2027-01-02, 2027-01-03]

[[holidays]]
name = "春节"
dates = [2027-02-05, 2027-02-06, 2027-02-07, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11]

[[adjusted_workdays]]
date = 2027-02-13
for = "春节"
"""


@pytest.fixture(scope="session")
def fictional_2027() -> str:
    """Text of a well-formed (made-up) 2027 notice file."""
    return FICTIONAL_2027


@pytest.fixture(scope="session")
def calendar() -> WorkingCalendar:
    """The calendar of the shipped notices (2020–2026 official, 2027–2035 estimated)."""
    return load_calendar()
