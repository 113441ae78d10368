"""The scheduler: its configuration, its life in the app's lifespan, catching up after downtime."""

from __future__ import annotations

from datetime import datetime

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from fastapi.testclient import TestClient
from freezegun import freeze_time
from sqlalchemy import Engine

from factories import receive
from gridconnect.api.app import create_app
from gridconnect.config.settings import Settings
from gridconnect.scheduler import jobs
from gridconnect.services.applications import get_application
from gridconnect.services.context import Services
from gridconnect.timesource import SHANGHAI


def settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "scan_interval_seconds": 300,
        "outbox_interval_seconds": 30,
        "alert_webhooks": ["http://127.0.0.1:9/robot"],
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)


def test_both_jobs_run_in_shanghai_time_coalesced_one_at_a_time_however_late(
    engine: Engine,
) -> None:
    scheduler = jobs.build_scheduler(engine, settings(scan_interval_seconds=120))
    assert isinstance(scheduler, BackgroundScheduler)
    assert str(scheduler.timezone) == "Asia/Shanghai"
    scheduler.start(paused=True)  # job defaults are applied when the scheduler starts
    try:
        scan_job, outbox_job = scheduler.get_job("sla_scan"), scheduler.get_job("outbox")
    finally:
        scheduler.shutdown(wait=False)
    assert scan_job is not None
    assert outbox_job is not None
    for job in (scan_job, outbox_job):
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.misfire_grace_time is None
        assert str(job.trigger.timezone) == "Asia/Shanghai"
    assert scan_job.trigger.interval.total_seconds() == 120
    assert outbox_job.trigger.interval.total_seconds() == 30
    recipients = scan_job.args[1]
    assert scan_job.args[0] is engine
    assert recipients.channels_for("sgcc", "西安") == ["http://127.0.0.1:9/robot"]


def test_the_standalone_scheduler_blocks(engine: Engine) -> None:
    assert isinstance(jobs.build_scheduler(engine, settings(), blocking=True), BlockingScheduler)


def test_the_app_starts_the_scheduler_with_its_lifespan_and_stops_it_after(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[BaseScheduler] = []
    build = jobs.build_scheduler

    def recording(engine: Engine, settings: Settings) -> BaseScheduler:
        scheduler = build(engine, settings)
        built.append(scheduler)
        return scheduler

    monkeypatch.setattr(jobs, "build_scheduler", recording)
    app = create_app(settings(), engine=engine, start_scheduler=True)
    with TestClient(app):
        [scheduler] = built
        assert scheduler.running
        # the breach risk forecast (command centre) and the outage budgets run beside the scan
        jobs_run = {job.id for job in scheduler.get_jobs()}
        assert jobs_run == {"sla_scan", "outbox", "breach_risk", "reliability_budget"}
    assert not scheduler.running


def test_without_the_scheduler_the_app_starts_none(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[object] = []
    monkeypatch.setattr(jobs, "build_scheduler", lambda *args: built.append(args))
    with TestClient(create_app(settings(), engine=engine, start_scheduler=False)):
        pass
    assert built == []


def test_a_scheduler_down_for_three_days_catches_up_at_its_next_run(
    services: Services,
) -> None:
    with freeze_time(local("2026-09-28 10:00")):
        overdue = receive(services)  # warning from 10-22, due end of 10-23
    with freeze_time(local("2026-09-29 10:00")):
        near = receive(services)  # warning from 10-23, due end of 10-26
    with freeze_time(local("2026-10-08 10:00")):
        later = receive(services)  # due in November
    scheduler = jobs.build_scheduler(services.engine, settings())
    job = scheduler.get_job("sla_scan")
    assert job is not None
    with freeze_time(local("2026-10-20 23:55")):
        job.func(*job.args)  # the last run before the outage: nothing yet

    with freeze_time(local("2026-10-24 00:10")):  # back three days later
        job.func(*job.args)

    states = {
        app.number: get_application(services, app.id or 0).clock("full_process")
        for app in (overdue, near, later)
    }
    past_due, warned, untouched = (states[a.number] for a in (overdue, near, later))
    assert past_due is not None
    assert past_due.state == "breached"
    assert past_due.warned_at is None
    assert warned is not None
    assert warned.state == "running"
    assert warned.warned_at is not None
    assert untouched is not None
    assert untouched.warned_at is None
    assert untouched.state == "running"
