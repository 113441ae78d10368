"""The risk scan on SQLite and PostgreSQL: a running clock of a city whose history runs
late raises one 超期风险 alert days before the fixed warning; a breach withdraws it."""

from __future__ import annotations

from datetime import datetime, timedelta

from freezegun import freeze_time
from sqlmodel import Session, col, select

from factories import receive
from gridconnect.services.breach_risk.risk_scan import RiskScanResult, scan_risks_of
from gridconnect.services.context import Services
from gridconnect.services.sla_scan import scan
from gridconnect.store.tables import AlertRow, ClockRow
from gridconnect.timesource import as_utc
from gridconnect.workflow.model import Application
from risk_history import finished_history, local


def risk_scan_at(services: Services, moment: str) -> RiskScanResult:
    with freeze_time(local(moment)):
        return scan_risks_of(services)


def alerts(services: Services) -> list[tuple[int, str, datetime | None]]:
    with Session(services.engine) as session:
        rows = session.exec(select(AlertRow).order_by(col(AlertRow.id))).all()
        return [(row.application_id, row.level, row.cleared_at) for row in rows]


def full_process_clock(services: Services, app: Application) -> ClockRow:
    with Session(services.engine) as session:
        return session.exec(
            select(ClockRow).where(
                ClockRow.application_id == app.id,
                ClockRow.kind == "full_process",
                col(ClockRow.stopped_at).is_(None),
            )
        ).one()


def test_the_slow_citys_clock_is_at_risk_days_before_its_warning_and_alerts_once(
    services: Services,
) -> None:
    with freeze_time(local("2026-11-02 10:00")):
        slow = receive(services, city="咸阳")
        quick = receive(services, city="西安")
    finished_history(services, slow, taken_calendar_days=28)  # 20 working days: late
    finished_history(services, quick, taken_calendar_days=7)  # 5 working days

    first = risk_scan_at(services, "2026-11-05 09:00")
    again = risk_scan_at(services, "2026-11-06 09:00")

    assert [(a["application"], a["level"]) for a in first.alerts] == [(slow.number, "at_risk")]
    assert again.alerts == []
    assert alerts(services) == [(slow.id, "at_risk", None)]
    slow_clock, quick_clock = (
        full_process_clock(services, slow),
        full_process_clock(services, quick),
    )
    assert slow_clock.breach_risk is not None
    assert slow_clock.breach_risk > 0.9
    assert slow_clock.risk_basis == "按同城市同公司同类 30 例"
    assert quick_clock.breach_risk == 0.0
    # The full-process warning would come on 2026-11-20, eleven working days later.
    assert as_utc(slow_clock.warn_at) > local("2026-11-20 00:00") - timedelta(seconds=1)


def test_a_breach_withdraws_the_at_risk_alert(services: Services) -> None:
    with freeze_time(local("2026-11-02 10:00")):
        slow = receive(services, city="咸阳")
    finished_history(services, slow, taken_calendar_days=28)
    risk_scan_at(services, "2026-11-05 09:00")

    scan(services.engine, now=local("2026-11-24 09:00"))

    levels = {level: cleared for _, level, cleared in alerts(services)}
    assert levels["breach"] is None
    assert levels["at_risk"] is not None


def test_a_clock_without_comparable_history_gets_no_risk_and_no_alert(services: Services) -> None:
    with freeze_time(local("2026-11-02 10:00")):
        app = receive(services, city="宝鸡")
    result = risk_scan_at(services, "2026-11-05 09:00")
    assert result.alerts == []
    assert result.at_risk == 0
    clock = full_process_clock(services, app)
    assert clock.breach_risk is None
    assert clock.risk_basis == "无同类历史"
