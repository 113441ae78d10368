"""The stall rule on SQLite and PostgreSQL: no action for the policy's working days at any
stage raises one 停滞 alert per quiet period; a new action starts a new one."""

from __future__ import annotations

from datetime import datetime

from freezegun import freeze_time
from sqlmodel import Session, col, select

from factories import receive
from gridconnect.services.alerts import list_alerts
from gridconnect.services.applications import get_application, perform
from gridconnect.services.context import EVERYTHING, Services
from gridconnect.services.stall_scan import StallResult, scan_stalls
from gridconnect.store.tables import AlertRow, OutboxRow
from gridconnect.timesource import SHANGHAI
from gridconnect.workflow.model import Application

CHANNEL = "http://127.0.0.1:9/robot"


def local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)


def received(services: Services, moment: str) -> Application:
    with freeze_time(local(moment)):
        return receive(services, "hv")


def stall_scan_at(services: Services, moment: str) -> StallResult:
    with freeze_time(local(moment)):
        return scan_stalls(services.engine, alert_channels=[CHANNEL])


def act(services: Services, app: Application, moment: str, action: str, **kw: str) -> None:
    assert app.id is not None
    with freeze_time(local(moment)):
        perform(services, app.id, action, actor="clerk1", **kw)  # type: ignore[arg-type]


def stall_alerts(services: Services) -> list[tuple[int, datetime]]:
    with Session(services.engine) as session:
        rows = session.exec(
            select(AlertRow).where(AlertRow.level == "stall").order_by(col(AlertRow.id))
        ).all()
        return [(row.application_id, row.due_at) for row in rows]


def test_an_untouched_application_stalls_after_five_working_days_and_alerts_once(
    services: Services,
) -> None:
    # Received Monday 2026-11-02: five working days later is the end of Monday 11-09.
    app = received(services, "2026-11-02 10:00")
    assert stall_scan_at(services, "2026-11-09 23:59").stalled == 0

    first = stall_scan_at(services, "2026-11-10 00:00")
    second = stall_scan_at(services, "2026-11-11 09:00")

    assert first.stalled == 1
    [alert] = first.alerts
    assert (alert["application"], alert["level"], alert["clock"]) == (app.number, "stall", "stall")
    assert second.stalled == 0
    assert stall_alerts(services) == [(app.id, local("2026-11-10 00:00"))]
    with Session(services.engine) as session:
        topics = session.exec(select(OutboxRow.topic, OutboxRow.channel)).all()
    assert list(topics) == [("alert", CHANNEL)]
    [listed] = list_alerts(services, EVERYTHING)
    assert (listed["level"], listed["clock"], listed["number"]) == ("stall", "stall", app.number)


def test_a_new_action_starts_a_new_quiet_period_that_may_alert_again(services: Services) -> None:
    app = received(services, "2026-11-02 10:00")
    assert stall_scan_at(services, "2026-11-10 00:00").stalled == 1
    assert app.id is not None
    assert get_application(services, app.id).stalled_since == local("2026-11-10 00:00")

    act(services, app, "2026-11-10 09:00", "start_gov_approval")  # Tuesday
    assert get_application(services, app.id).stalled_since is None
    assert stall_scan_at(services, "2026-11-16 12:00").stalled == 0  # not yet: Tuesday 11-17
    again = stall_scan_at(services, "2026-11-18 00:00")

    assert again.stalled == 1
    assert stall_alerts(services) == [
        (app.id, local("2026-11-10 00:00")),
        (app.id, local("2026-11-18 00:00")),
    ]


def test_a_suspended_application_does_not_stall_until_it_is_resumed(services: Services) -> None:
    app = received(services, "2026-11-02 10:00")
    act(services, app, "2026-11-02 11:00", "suspend", reason_code="customer_construction")

    assert stall_scan_at(services, "2026-11-30 09:00").stalled == 0

    act(services, app, "2026-11-30 10:00", "resume")  # Monday: stalls at the end of 12-07
    assert stall_scan_at(services, "2026-12-07 23:00").stalled == 0
    assert stall_scan_at(services, "2026-12-08 00:00").stalled == 1


def test_a_connected_application_never_stalls(services: Services) -> None:
    app = received(services, "2026-11-02 10:00")
    with freeze_time(local("2026-11-02 11:00")):
        assert app.id is not None
        perform(services, app.id, "cancel", actor="clerk1")

    assert stall_scan_at(services, "2026-12-30 09:00").stalled == 0
