"""Outage notices and the notice clock (L50): lead time, batches, exactly once, retries."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from freezegun import freeze_time
from sqlmodel import Session, col, select

from gridconnect.services.context import Services
from gridconnect.services.outages.ledger import (
    AreaInput,
    InvalidOutage,
    NewOutage,
    post_progress,
    register,
    restore,
)
from gridconnect.services.outages.notices import NOTICE_TOPIC
from gridconnect.services.outbox import deliver_due
from gridconnect.store.outage_tables import OutageEventRow, ReliabilityAlertRow
from gridconnect.store.tables import OutboxRow
from gridconnect.workflow.errors import VersionConflict
from integration.outage_helpers import add_customers, local

GATEWAY = "http://gateway.test/notices"
ROBOT = "http://robot.test/alerts"
NOW = "2026-10-01 09:00"


@pytest.fixture
def services(services: Services) -> Services:
    services.customer_channels = [GATEWAY]
    services.alert_channels = [ROBOT]
    return services


def planned(start: str, **extra: object) -> NewOutage:
    fields: dict = dict(
        company="sgcc", city="西安", area_class="urban", kind="planned", cause="线路检修",
        start=local(start), end=local(start) + timedelta(hours=4),
        areas=(AreaInput("F1"),),
    )  # fmt: skip
    fields.update(extra)
    return NewOutage(**fields)


def fault(**extra: object) -> NewOutage:
    fields: dict = dict(
        company="sgcc", city="西安", area_class="urban", kind="fault", cause="树障",
        start=local(NOW) - timedelta(minutes=10), areas=(AreaInput("F1"),),
    )  # fmt: skip
    fields.update(extra)
    return NewOutage(**fields)


def outbox(services: Services, topic: str) -> list[OutboxRow]:
    with Session(services.engine) as session:
        return list(
            session.exec(
                select(OutboxRow).where(OutboxRow.topic == topic).order_by(col(OutboxRow.id))
            )
        )


def alerts(services: Services) -> list[ReliabilityAlertRow]:
    with Session(services.engine) as session:
        return list(session.exec(select(ReliabilityAlertRow)))


def test_a_planned_outage_announced_six_days_ahead_breaches_and_alerts_once(services):
    add_customers(services.engine, "F1", 3)
    with freeze_time(local(NOW)):
        change = register(services, planned("2026-10-07 09:00"), "dispatcher")
    assert change.outage.notice_breach
    [alert] = alerts(services)
    assert alert.kind == "late_notice"
    assert alert.detail["lead_hours"] == 144.0
    assert [m.channel for m in outbox(services, "reliability_alert")] == [ROBOT]


def test_a_planned_outage_announced_seven_days_ahead_does_not_breach(services):
    add_customers(services.engine, "F1", 3)
    with freeze_time(local(NOW)):
        change = register(services, planned("2026-10-08 09:00"), "dispatcher")
    assert not change.outage.notice_breach
    assert alerts(services) == []
    [notice] = outbox(services, NOTICE_TOPIC)
    assert notice.payload["recipients"] == ["13800000000", "13800000001", "13800000002"]
    assert "计划于10月08日09:00至10月08日13:00停电" in notice.payload["text"]
    assert "线路检修" in notice.payload["text"]


def test_temporary_maintenance_needs_only_24_hours(services):
    add_customers(services.engine, "F1", 1)
    with freeze_time(local(NOW)):
        late = register(services, planned("2026-10-02 08:00", temporary=True), "d")
        on_time = register(services, planned("2026-10-02 10:00", temporary=True), "d")
    assert late.outage.notice_breach
    assert not on_time.outage.notice_breach


def test_a_fault_on_a_feeder_of_2500_customers_queues_three_batches_at_once(services):
    add_customers(services.engine, "F1", 2500)
    with freeze_time(local(NOW)):
        change = register(services, fault(), "dispatcher")
    assert change.outage.customers == 2500
    batches = outbox(services, NOTICE_TOPIC)
    assert [len(m.payload["recipients"]) for m in batches] == [1000, 1000, 500]
    assert {m.dedup_key for m in batches} == {
        f"outage:{change.outage.id}:fault:0:{i}" for i in range(3)
    }
    assert all(m.next_attempt_at == local(NOW) for m in batches)


def test_progress_and_restoration_each_notify_once_and_a_stale_version_is_refused(services):
    add_customers(services.engine, "F1", 2)
    add_customers(services.engine, "F2", 2, prefix="B")
    with freeze_time(local(NOW)):
        outage = register(services, fault(areas=(AreaInput("F1"), AreaInput("F2"))), "d").outage
        assert outage.id is not None
        expected = local("2026-10-01 12:00")
        step = post_progress(services, outage.id, 1, "已找到故障点", expected, "d").outage
        with pytest.raises(VersionConflict):
            post_progress(services, outage.id, 1, "again", expected, "d")
        part = restore(services, outage.id, step.version, local(NOW), "d", feeders=["F2"])
        assert part.outage.end_at is None
        done = restore(services, outage.id, part.outage.version, local(NOW), "d")
    assert done.outage.end_at == local(NOW)
    kinds = [m.payload["notice"] for m in outbox(services, NOTICE_TOPIC)]
    assert kinds == ["fault", "progress", "restored", "restored"]
    texts = [m.payload["text"] for m in outbox(services, NOTICE_TOPIC)]
    assert "预计10月01日12:00恢复送电" in texts[1]
    with Session(services.engine) as session:
        events = session.exec(
            select(OutageEventRow.kind).where(OutageEventRow.outage_id == outage.id)
        ).all()
    assert events == ["registered", "progress", "restored_partly", "restored"]


def test_a_future_restoration_and_an_end_before_start_are_refused_and_write_nothing(services):
    add_customers(services.engine, "F1", 2)
    with freeze_time(local(NOW)):
        outage = register(services, fault(), "d").outage
        assert outage.id is not None
        with pytest.raises(InvalidOutage, match="restored_at: is in the future"):
            restore(services, outage.id, 1, local("2026-10-01 10:00"), "d")
        with pytest.raises(InvalidOutage, match="end: is before start"):
            register(services, fault(end=local(NOW) - timedelta(hours=1)), "d")
    assert len(outbox(services, NOTICE_TOPIC)) == 1


def test_a_gateway_that_fails_twice_then_succeeds_gets_each_notice(services):
    add_customers(services.engine, "F1", 2)
    calls: list[str] = []

    def gateway(request: httpx.Request) -> httpx.Response:
        calls.append(request.headers["Idempotency-Key"])
        return httpx.Response(503 if len(calls) <= 2 else 200)

    client = httpx.Client(transport=httpx.MockTransport(gateway))
    with freeze_time(local(NOW)):
        register(services, fault(), "d")
    t0 = local(NOW)
    assert deliver_due(services.engine, t0, client).retrying == 1
    assert deliver_due(services.engine, t0 + timedelta(seconds=30), client).retrying == 1
    assert deliver_due(services.engine, t0 + timedelta(seconds=90), client).delivered == 1
    assert len(set(calls)) == 1
    [message] = outbox(services, NOTICE_TOPIC)
    assert message.state == "delivered"


def test_a_yearly_budget_running_ahead_alerts_once_per_level(services):
    from gridconnect.services.outages.budget import scan_budgets
    from integration.outage_helpers import add_counts

    add_counts(services.engine, [f"2026-{m:02d}" for m in range(1, 4)], 1000)
    add_customers(services.engine, "F1", 1)
    # 西安 urban: 2 h a year. 1,200 customer-hours / 1,000 = 1.2 h by mid-March: 60 % of the
    # budget used with about 19 % of the year gone: ahead by more than 10 points.
    with freeze_time(local("2026-03-01 08:00")):
        register(services, fault(customers=1200, areas=(), start=local("2026-03-01 07:00"),
                                 end=local("2026-03-01 08:00")), "d")  # fmt: skip
    with freeze_time(local("2026-03-10 12:00")):
        first = scan_budgets(services)
        again = scan_budgets(services)
    assert (first.raised, again.raised) == (1, 0)
    [alert] = [a for a in alerts(services) if a.kind.startswith("budget")]
    assert alert.kind == "budget_ahead"
    assert alert.detail["budget_used_percent"] == 60.0
    assert len(outbox(services, "reliability_alert")) == 1


def test_outage_events_cannot_be_changed_or_deleted(services):
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    add_customers(services.engine, "F1", 1)
    with freeze_time(local(NOW)):
        register(services, fault(), "d")
    for statement in ("UPDATE outage_event SET actor = 'x'", "DELETE FROM outage_event"):
        refused = pytest.raises(DatabaseError, match="outage events are never changed or deleted")
        with refused, services.engine.begin() as connection:
            connection.execute(text(statement))
