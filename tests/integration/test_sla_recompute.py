"""Recomputing open clocks when a calendar year is loaded or the policy changes."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from factories import full_process_only, receive
from gridconnect.calendar import WorkingCalendar, parse_notice
from gridconnect.config.policy import Policy, load_policy
from gridconnect.config.settings import get_settings
from gridconnect.services.applications import get_application
from gridconnect.services.audit import verify_chains
from gridconnect.services.context import Services
from gridconnect.services.sla_recompute import recompute_all
from gridconnect.services.sla_scan import scan
from gridconnect.store.tables import AlertRow, EventRow, OutboxRow
from gridconnect.timesource import SHANGHAI
from gridconnect.workflow.model import Application, Clock

# A made-up 2027 notice: New Year's Day off from Friday to Monday 01-04 (one more weekday
# than the statutory estimate), so every deadline across it moves one working day later.
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
CHANNEL = "http://127.0.0.1:9/robot"


@pytest.fixture(scope="module")
def policy() -> Policy:
    """These tests follow the full-process clock alone (see `full_process_only`)."""
    return full_process_only(load_policy())


def local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)


def with_2027(calendar: WorkingCalendar) -> WorkingCalendar:
    return calendar.with_notice(parse_notice(NOTICE_2027))


def received_before_new_year(services: Services) -> Application:
    with freeze_time(local("2026-12-21 10:00")):
        return receive(services)


def full_process(services: Services, app: Application) -> Clock:
    clock = get_application(services, app.id or 0).clock("full_process")
    assert clock is not None
    return clock


def recompute_events(services: Services, app: Application) -> list[EventRow]:
    with Session(services.engine) as session:
        return list(
            session.exec(
                select(EventRow)
                .where(EventRow.application_id == app.id, EventRow.action == "deadline_recomputed")
                .order_by(col(EventRow.seq))
            )
        )


def alert_rows(services: Services) -> list[AlertRow]:
    with Session(services.engine) as session:
        return list(session.exec(select(AlertRow).order_by(col(AlertRow.id))))


def test_a_deadline_in_2027_is_provisional_until_the_2027_notice_is_loaded(
    services: Services, calendar: WorkingCalendar, policy
) -> None:  # type: ignore[no-untyped-def]

    app = received_before_new_year(services)
    before = full_process(services, app)
    assert before.provisional
    assert before.due_at == local("2027-01-13 00:00")

    result = recompute_all(
        services.engine, with_2027(calendar), policy, now=local("2026-12-28 09:00")
    )

    after = full_process(services, app)
    assert not after.provisional
    assert after.due_at == local("2027-01-14 00:00")
    assert after.warn_at == local("2027-01-12 00:00")  # one working day left from then
    assert (result.clocks_checked, result.clocks_changed, result.applications_changed) == (1, 1, 1)
    [entry] = recompute_events(services, app)
    assert entry.actor == "system:recompute"
    assert entry.details["clock"] == "full_process"
    assert entry.details["old_due"] == "2027-01-12T16:00:00+00:00"
    assert entry.details["new_due"] == "2027-01-13T16:00:00+00:00"
    assert (entry.details["old_due_date"], entry.details["new_due_date"]) == (
        "2027-01-12",
        "2027-01-13",
    )
    assert entry.details["provisional"] is False
    assert entry.details["was_provisional"] is True
    checked, breaks = verify_chains(services.engine)
    assert checked == 2
    assert breaks == []
    assert get_application(services, app.id or 0).version == app.version + 1


def test_recomputing_again_changes_nothing_and_writes_no_event(
    services: Services, calendar: WorkingCalendar, policy
) -> None:  # type: ignore[no-untyped-def]
    app = received_before_new_year(services)
    new_calendar = with_2027(calendar)
    recompute_all(services.engine, new_calendar, policy, now=local("2026-12-28 09:00"))
    again = recompute_all(services.engine, new_calendar, policy, now=local("2026-12-28 09:05"))
    assert again.clocks_changed == 0
    assert len(recompute_events(services, app)) == 1


def test_a_warning_that_no_longer_applies_is_withdrawn_and_raised_again_when_due(
    services: Services, calendar: WorkingCalendar, policy
) -> None:  # type: ignore[no-untyped-def]
    app = received_before_new_year(services)
    with freeze_time(local("2027-01-11 09:00")):
        assert scan(services.engine, alert_channels=[CHANNEL]).warned == 1

    result = recompute_all(
        services.engine,
        with_2027(calendar),
        policy,
        now=local("2027-01-11 10:00"),
        alert_channels=[CHANNEL],
    )

    assert result.warnings_cleared == 1
    assert result.warned == 0
    assert full_process(services, app).warned_at is None
    [withdrawn] = alert_rows(services)
    assert withdrawn.cleared_at == local("2027-01-11 10:00")
    with freeze_time(local("2027-01-12 08:00")):
        again = scan(services.engine, alert_channels=[CHANNEL])
    assert again.warned == 1
    assert again.alerts[0]["due_at"] == "2027-01-13T16:00:00+00:00"
    [raised] = alert_rows(services)  # still one row per (clock, level)
    assert raised.cleared_at is None
    assert raised.raised_count == 2
    assert raised.due_at == local("2027-01-14 00:00")
    with Session(services.engine) as session:
        keys = [row.dedup_key for row in session.exec(select(OutboxRow).order_by(OutboxRow.id))]
    assert keys == [f"alert:{raised.id}", f"alert:{raised.id}:2"]  # the re-raise is sent too


def test_a_breach_the_official_calendar_undoes_is_withdrawn_and_the_clock_runs_again(
    services: Services, calendar: WorkingCalendar, policy
) -> None:  # type: ignore[no-untyped-def]
    app = received_before_new_year(services)
    with freeze_time(local("2027-01-13 09:00")):
        assert scan(services.engine).breached == 1

    result = recompute_all(
        services.engine, with_2027(calendar), policy, now=local("2027-01-13 10:00")
    )

    assert result.breaches_cleared == 1
    assert result.warned == 1  # the new due is tomorrow: the scan that follows warns
    clock = full_process(services, app)
    assert clock.state == "running"
    assert clock.breached_at is None
    with freeze_time(local("2027-01-14 00:30")):
        assert scan(services.engine).breached == 1
    assert [(a.level, a.raised_count) for a in alert_rows(services)] == [
        ("breach", 2),
        ("warning", 1),
    ]


def test_a_policy_with_more_warning_days_raises_the_warnings_at_once(
    services: Services, calendar: WorkingCalendar, policy
) -> None:  # type: ignore[no-untyped-def]
    with freeze_time(local("2026-09-28 10:00")):
        app = receive(services)
    earlier = dataclasses.replace(policy, warn_working_days=3)

    result = recompute_all(services.engine, calendar, earlier, now=local("2026-10-20 09:00"))

    assert (result.clocks_changed, result.warned) == (1, 1)
    clock = full_process(services, app)
    assert clock.due_at == local("2026-10-24 00:00")  # the due itself does not move
    assert clock.warn_at == local("2026-10-20 00:00")
    assert clock.warned_at is not None


@pytest.fixture
def settings_env(services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GRIDCONNECT_DATABASE_URL", services.engine.url.render_as_string(False))
    monkeypatch.setenv("GRIDCONNECT_CALENDAR_DIR", str(tmp_path / "calendar"))
    get_settings.cache_clear()
    yield tmp_path
    monkeypatch.undo()
    get_settings.cache_clear()


def test_loading_a_calendar_file_recomputes_the_open_clocks(
    services: Services, settings_env: Path
) -> None:
    from gridconnect.cli import app as cli

    application = received_before_new_year(services)
    notice = settings_env / "2027.toml"
    notice.write_text(NOTICE_2027, encoding="utf-8")

    with freeze_time(local("2026-12-28 09:00")):
        outcome = CliRunner().invoke(cli, ["calendar", "load", str(notice)])

    assert outcome.exit_code == 0, outcome.output
    assert "SLA clocks: recomputed (1 of 1 open clocks changed" in outcome.output
    clock = full_process(services, application)
    assert clock.due_at == local("2027-01-14 00:00")
    assert not clock.provisional
