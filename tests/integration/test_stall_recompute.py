"""A loaded holiday notice or a changed stall period moves when a waiting application
counts as stalled, counted from its last action."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from freezegun import freeze_time

from factories import receive
from gridconnect.calendar import parse_notice
from gridconnect.services.applications import get_application
from gridconnect.services.context import Services
from gridconnect.services.sla_recompute import recompute_all
from gridconnect.services.stall_scan import scan_stalls
from gridconnect.timesource import SHANGHAI
from gridconnect.workflow.model import Application

# A made-up 2027 notice: New Year's Day off from Friday to Monday 01-04.
NOTICE_2027 = """
year = 2027

[notice]
title = "国务院办公厅关于2027年部分节假日安排的通知（测试）"
number = "测试〔2026〕1号"
published = 2026-11-20

[[holidays]]
name = "元旦"
dates = [2027-01-01, 2027-01-02, 2027-01-03, 2027-01-04]
"""


def local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)


def stalls_at(services: Services, app: Application) -> datetime | None:
    return get_application(services, app.id or 0).stalls_at


def test_a_loaded_notice_moves_the_stall_instant_and_the_scan_follows(
    services: Services,
) -> None:
    # Received Monday 2026-12-28; on the estimate 2027-01-01 alone is off, so five working
    # days end on Tuesday 2027-01-05; the notice also gives Monday 01-04: Wednesday 01-06.
    with freeze_time(local("2026-12-28 10:00")):
        app = receive(services, "hv")
    assert stalls_at(services, app) == local("2027-01-06 00:00")
    loaded = services.calendar.with_notice(parse_notice(NOTICE_2027))

    with freeze_time(local("2026-12-29 09:00")):
        result = recompute_all(services.engine, loaded, services.policy)

    assert result.stalls_moved == 1
    assert stalls_at(services, app) == local("2027-01-07 00:00")
    assert scan_stalls(services.engine, local("2027-01-06 12:00")).stalled == 0
    assert scan_stalls(services.engine, local("2027-01-07 00:00")).stalled == 1


def test_a_longer_stall_period_counts_from_the_last_action_not_from_the_recompute(
    services: Services,
) -> None:
    with freeze_time(local("2026-11-02 10:00")):  # a Monday
        app = receive(services, "hv")
    longer = dataclasses.replace(services.policy, stall_working_days=10)

    with freeze_time(local("2026-11-05 09:00")):
        first = recompute_all(services.engine, services.calendar, longer)
    with freeze_time(local("2026-11-06 09:00")):
        again = recompute_all(services.engine, services.calendar, longer)

    # ten working days after Monday 11-02 end on Monday 11-16; the recompute's own audit
    # events are not actions, so the second run finds nothing to move
    assert stalls_at(services, app) == local("2026-11-17 00:00")
    assert (first.stalls_moved, again.stalls_moved) == (1, 0)


def test_a_stalled_or_closed_application_is_left_alone(services: Services) -> None:
    with freeze_time(local("2026-11-02 10:00")):
        app = receive(services, "hv")
    assert scan_stalls(services.engine, local("2026-11-10 00:00")).stalled == 1
    longer = dataclasses.replace(services.policy, stall_working_days=10)

    with freeze_time(local("2026-11-10 09:00")):
        result = recompute_all(services.engine, services.calendar, longer)

    assert result.stalls_moved == 0
    assert stalls_at(services, app) is None
