"""Supervision orders (督办) under freezegun: their own clock warns and breaches through the
SLA scan, an answer stops it (late when past its due), everything is audited and counted."""

from __future__ import annotations

import pytest
from freezegun import freeze_time
from sqlmodel import Session, col, select

from factories import receive
from gridconnect.services.context import EVERYTHING, Services
from gridconnect.services.listing import application_events
from gridconnect.services.orders.service import (
    answer_order,
    issue_order,
    list_orders,
    order_statistics,
)
from gridconnect.services.sla_scan import scan
from gridconnect.store.tables import AlertRow, ClockRow
from gridconnect.workflow.errors import InvalidApplication, VersionConflict
from gridconnect.workflow.model import Application
from risk_history import local


def ordered(services: Services, moment: str = "2026-11-02 10:00", days: int = 3) -> Application:
    with freeze_time(local(moment)):
        app = receive(services, city="西安")
        assert app.id is not None
        return issue_order(
            services,
            app.id,
            instruction="请于三个工作日内完成现场勘查并回复",
            assignee="clerk",
            working_days=days,
            actor="supervisor_xa",
            scope=EVERYTHING,
        )


def answer(services: Services, app: Application, moment: str) -> Application:
    assert app.id is not None
    [order] = list_orders(services, app.id, EVERYTHING)
    with freeze_time(local(moment)):
        return answer_order(
            services, app.id, order["id"], answer="已完成现场勘查", actor="clerk1", scope=EVERYTHING
        )


def order_alerts(services: Services) -> list[tuple[str, bool]]:
    """The alerts of order clocks (the application's own acceptance clock is left out)."""
    with Session(services.engine) as session:
        rows = session.exec(
            select(AlertRow)
            .join(ClockRow, col(ClockRow.id) == col(AlertRow.clock_id))
            .where(ClockRow.kind == "supervision_order")
            .order_by(col(AlertRow.id))
        ).all()
        return [(row.level, row.cleared_at is not None) for row in rows]


def test_an_order_is_due_in_working_days_warned_then_breached_by_the_scan(
    services: Services,
) -> None:
    app = ordered(services)  # Monday: 3 working days -> due at the end of Thursday 11-05
    assert app.id is not None
    [order] = list_orders(services, app.id, EVERYTHING)
    assert order["due_at"] == local("2026-11-06 00:00").isoformat()
    assert order["state"] == "running"

    scan(services.engine, now=local("2026-11-05 09:00"))  # the warning day
    scan(services.engine, now=local("2026-11-06 09:00"))

    assert order_alerts(services) == [("warning", True), ("breach", False)]


def test_an_answer_in_time_stops_the_clock_and_both_steps_are_audited(services: Services) -> None:
    app = answer(services, ordered(services), "2026-11-04 15:00")
    assert app.id is not None

    [order] = list_orders(services, app.id, EVERYTHING)
    assert order["state"] == "met"
    assert order["answer"] == "已完成现场勘查"
    assert order["answered_by"] == "clerk1"
    actions = [event["action"] for event in application_events(services, app.id, EVERYTHING)]
    assert actions[-2:] == ["order_issued", "order_answered"]
    scan(services.engine, now=local("2026-11-10 09:00"))
    assert [level for level, _ in order_alerts(services)] == []


def test_a_late_answer_is_counted_late_in_the_month(services: Services) -> None:
    answer(services, ordered(services), "2026-11-09 10:00")
    ordered(services, "2026-11-03 10:00")  # still open

    counts = order_statistics(
        services, local("2026-11-01 00:00"), local("2026-12-01 00:00"), EVERYTHING
    )
    assert counts == {"issued": 2, "answered": 1, "answered_on_time": 0}
    assert ("breach", False) in order_alerts(services)


def test_an_order_answered_twice_is_refused_and_nothing_changes(services: Services) -> None:
    app = answer(services, ordered(services), "2026-11-04 15:00")
    with pytest.raises(InvalidApplication):
        answer(services, app, "2026-11-04 16:00")


def test_a_stale_version_is_refused_with_a_conflict(services: Services) -> None:
    app = ordered(services)
    assert app.id is not None
    with pytest.raises(VersionConflict), freeze_time(local("2026-11-03 10:00")):
        issue_order(
            services,
            app.id,
            instruction="再次督办",
            assignee="hall",
            working_days=2,
            actor="supervisor_xa",
            scope=EVERYTHING,
            expected_version=app.version - 1,
        )
    assert len(list_orders(services, app.id, EVERYTHING)) == 1


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("working_days", {"working_days": 0}),
        ("working_days", {"working_days": 31}),
        ("assignee", {"assignee": "nobody"}),
        ("instruction", {"instruction": "   "}),
    ],
)
def test_bad_orders_are_refused_naming_the_field(
    services: Services, field: str, change: dict[str, object]
) -> None:
    with freeze_time(local("2026-11-02 10:00")):
        app = receive(services)
    assert app.id is not None
    values: dict[str, object] = {
        "instruction": "督办",
        "assignee": "clerk",
        "working_days": 3,
        **change,
    }
    with pytest.raises(InvalidApplication) as refused, freeze_time(local("2026-11-02 11:00")):
        issue_order(services, app.id, actor="s", scope=EVERYTHING, **values)  # type: ignore[arg-type]
    assert refused.value.details[0]["field"] == field
    assert list_orders(services, app.id, EVERYTHING) == []
