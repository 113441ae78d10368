"""The SLA scan on SQLite and PostgreSQL: warnings, breaches, each exactly once."""

from __future__ import annotations

from datetime import datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import event, text
from sqlmodel import Session, col, select

from factories import advance_to_end, full_process_only, receive
from gridconnect.config.policy import Policy, load_policy
from gridconnect.services.applications import get_application, perform
from gridconnect.services.context import Services
from gridconnect.services.sla_scan import ScanResult, scan
from gridconnect.store.tables import AlertRow, OutboxRow
from gridconnect.timesource import SHANGHAI
from gridconnect.workflow.errors import VersionConflict
from gridconnect.workflow.model import Application

CHANNEL = "http://127.0.0.1:9/robot"


@pytest.fixture(scope="module")
def policy() -> Policy:
    """These tests follow the full-process clock alone (see `full_process_only`)."""
    return full_process_only(load_policy())


def local(moment: str) -> datetime:
    """An Asia/Shanghai wall-clock time, as people in the service hall read it."""
    return datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)


def received(services: Services, moment: str, **overrides: object) -> Application:
    with freeze_time(local(moment)):
        return receive(services, **overrides)  # type: ignore[arg-type]


def scan_at(services: Services, moment: str, **kwargs: object) -> ScanResult:
    with freeze_time(local(moment)):
        return scan(services.engine, alert_channels=[CHANNEL], **kwargs)  # type: ignore[arg-type]


def alerts(services: Services) -> list[tuple[int, str]]:
    with Session(services.engine) as session:
        rows = session.exec(select(AlertRow).order_by(col(AlertRow.id))).all()
        return [(row.clock_id, row.level) for row in rows]


def outbox_keys(services: Services) -> list[str]:
    with Session(services.engine) as session:
        return [
            row.dedup_key for row in session.exec(select(OutboxRow).order_by(col(OutboxRow.id)))
        ]


def full_process(services: Services, app: Application):  # type: ignore[no-untyped-def]
    assert app.id is not None
    clock = get_application(services, app.id).clock("full_process")
    assert clock is not None
    return clock


def test_an_application_received_before_national_day_is_warned_on_the_22nd_and_breached_on_the_24th(
    services: Services,
) -> None:

    app = received(services, "2026-09-28 10:00")
    assert full_process(services, app).due_at == local("2026-10-24 00:00")  # end of 10-23

    assert scan_at(services, "2026-10-21 23:59").summary()["alerts"] == []
    warned = scan_at(services, "2026-10-22 08:30")
    assert (warned.warned, warned.breached) == (1, 0)
    assert scan_at(services, "2026-10-23 23:59").alerts == []
    breached = scan_at(services, "2026-10-24 00:00")
    assert (breached.warned, breached.breached) == (0, 1)

    [warning] = warned.alerts
    assert warning["application"] == app.number
    assert warning["clock"] == "full_process"
    assert warning["level"] == "warning"
    assert warning["late_hours"] == 0
    assert warning["company"] == "sgcc"
    assert warning["city"] == "西安"
    [breach] = breached.alerts
    assert breach["level"] == "breach"
    assert breach["due_at"] == "2026-10-23T16:00:00+00:00"
    clock = full_process(services, app)
    assert clock.state == "breached"
    assert clock.breached_at == local("2026-10-24 00:00")
    assert clock.warned_at == local("2026-10-22 08:30")
    assert alerts(services) == [(clock.id, "warning"), (clock.id, "breach")]
    assert outbox_keys(services) == [
        f"alert:{a['alert_id']}" for a in warned.alerts + breached.alerts
    ]


def test_the_spring_festival_2026_holidays_do_not_count(services: Services) -> None:
    app = received(services, "2026-02-10 10:00")
    clock = full_process(services, app)
    assert clock.due_at == local("2026-03-10 00:00")  # 15 working days: Sat 02-14, 02-28 count
    assert scan_at(services, "2026-03-05 18:00").alerts == []
    assert scan_at(services, "2026-03-06 09:00").warned == 1
    assert scan_at(services, "2026-03-09 23:00").breached == 0
    assert scan_at(services, "2026-03-10 00:05").breached == 1


def test_a_week_suspended_moves_the_due_and_a_paused_clock_never_warns_or_breaches(
    services: Services,
) -> None:
    app = received(services, "2026-11-02 10:00")
    assert app.id is not None
    assert full_process(services, app).due_at == local("2026-11-24 00:00")
    with freeze_time(local("2026-11-16 10:00")):
        perform(services, app.id, "suspend", "clerk1", reason_code="customer_construction")
    # The old warning day and the old due both pass while the customer holds things up.
    assert scan_at(services, "2026-11-20 09:00").alerts == []
    assert scan_at(services, "2026-11-23 09:00").alerts == []
    with freeze_time(local("2026-11-23 10:00")):
        perform(services, app.id, "resume", "clerk1")
    clock = full_process(services, app)
    [pause] = clock.pauses
    assert pause.working_days == 5  # (11-16, 11-23]: Tue..Fri and Mon
    assert clock.due_at == local("2026-12-01 00:00")  # end of 11-30
    assert scan_at(services, "2026-11-24 09:00").alerts == []
    assert scan_at(services, "2026-11-27 09:00").warned == 1
    assert scan_at(services, "2026-12-01 00:01").breached == 1


def test_running_the_scan_again_raises_nothing_twice(services: Services) -> None:
    for _ in range(5):
        received(services, "2026-09-28 10:00")
    first = scan_at(services, "2026-10-22 09:00", batch_size=2)
    again = scan_at(services, "2026-10-22 09:00", batch_size=2)
    later = scan_at(services, "2026-10-22 18:00", batch_size=2)
    assert first.warned == 5
    assert again.alerts == []
    assert later.alerts == []
    assert len(alerts(services)) == 5
    assert len(outbox_keys(services)) == 5


def test_a_clock_breached_by_the_scan_stays_breached_when_the_work_is_done_late(
    services: Services,
) -> None:
    app = received(services, "2026-09-28 10:00")
    scan_at(services, "2026-10-24 08:00")
    with freeze_time(local("2026-10-26 10:00")):
        done = advance_to_end(services, get_application(services, app.id or 0))
    clock = done.clock("full_process")
    assert done.status == "connected"
    assert clock is not None
    assert clock.state == "breached"
    assert clock.late
    assert [level for _, level in alerts(services)] == ["breach"]  # not a second one


def test_a_cancelled_application_is_never_warned_or_breached(services: Services) -> None:
    app = received(services, "2026-09-28 10:00")
    with freeze_time(local("2026-10-12 10:00")):
        perform(services, app.id or 0, "cancel", "customer")
    assert scan_at(services, "2026-10-26 10:00").alerts == []
    assert full_process(services, app).state == "cancelled"


def test_a_clerk_holding_a_version_read_before_the_scan_must_reload(services: Services) -> None:
    app = received(services, "2026-09-28 10:00")
    read_before = get_application(services, app.id or 0).version
    scan_at(services, "2026-10-22 09:00")
    with freeze_time(local("2026-10-22 09:05")), pytest.raises(VersionConflict):
        perform(
            services,
            app.id or 0,
            "suspend",
            "clerk1",
            expected_version=read_before,
            reason_code="customer_construction",
        )
    assert full_process(services, app).warned_at is not None  # not overwritten


@pytest.mark.slow
def test_a_scan_with_nothing_to_do_costs_the_same_whatever_the_number_of_open_applications(
    services: Services,
) -> None:
    def statements_of_a_scan() -> int:
        seen: list[str] = []

        def count(*args: object) -> None:
            seen.append(str(args[2]))

        event.listen(services.engine, "before_cursor_execute", count)
        try:
            assert scan_at(services, "2026-10-12 09:00").alerts == []
        finally:
            event.remove(services.engine, "before_cursor_execute", count)
        return len([s for s in seen if "sla_clock" in s])

    received(services, "2026-09-28 10:00")
    with_one = statements_of_a_scan()
    for _ in range(30):
        received(services, "2026-09-28 10:00")
    assert statements_of_a_scan() == with_one == 2  # one indexed claim per level


def test_the_claim_queries_use_the_clock_indexes(services: Services, on_postgres: bool) -> None:
    if on_postgres:
        pytest.skip("the PostgreSQL plans are measured by bench/bench_scan.py")
    with services.engine.connect() as connection:
        plan = " ".join(
            str(row[-1])
            for row in connection.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT id FROM sla_clock "
                    "WHERE state = 'running' AND due_at <= '2026-10-24' ORDER BY due_at LIMIT 10"
                )
            )
        )
        warn_plan = " ".join(
            str(row[-1])
            for row in connection.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT id FROM sla_clock WHERE state = 'running' "
                    "AND warned_at IS NULL AND warn_at <= '2026-10-24' ORDER BY warn_at LIMIT 10"
                )
            )
        )
    assert "ix_clock_due" in plan
    assert "ix_clock_warn" in warn_plan
