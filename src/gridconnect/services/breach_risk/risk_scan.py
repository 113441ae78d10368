"""The risk scan: every running clock's breach probability stored, the "at risk" alert raised.

It reads the finished clocks of the policy's `history_days` once, builds the forecaster,
and assesses each running clock (calendar arithmetic per clock, so it runs beside the SLA
scan rather than inside its index-only claims). A clock whose probability reaches the
policy's threshold before its fixed warning raises one 超期风险 alert: `alert` is unique per
(clock, level), so a later scan never raises it again, and a breach withdraws it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Engine, bindparam, update
from sqlmodel import Session

from gridconnect.calendar import WorkingCalendar
from gridconnect.config.policy_model import BreachRiskSpec
from gridconnect.services.alert_raising import AlertSubject, raise_alert
from gridconnect.services.alert_routing import AlertRecipients
from gridconnect.services.breach_risk.estimate import Forecaster
from gridconnect.services.breach_risk.history import (
    RunningClock,
    finished_clocks,
    history_start,
    running_clocks,
)
from gridconnect.services.context import Services
from gridconnect.store import alerts as stored_alerts
from gridconnect.store.tables import ClockRow
from gridconnect.timesource import as_utc
from gridconnect.workflow.events import AlertLevel

log = logging.getLogger(__name__)
CLOCKS = cast(Any, ClockRow).__table__
BATCH = 500


class _SessionAlerts:
    def __init__(self, session: Session) -> None:
        self.session = session

    def raise_alert(self, **alert: Any) -> tuple[int, int] | None:
        return stored_alerts.raise_alert(self.session, **alert)

    def enqueue(self, **message: Any) -> int:
        return stored_alerts.enqueue(self.session, **message)


@dataclass
class RiskScanResult:
    assessed: int = 0
    at_risk: int = 0
    alerts: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"assessed": self.assessed, "at_risk": self.at_risk, "risk_alerts": self.alerts}


def scan_risks(
    engine: Engine,
    calendar: WorkingCalendar,
    settings: BreachRiskSpec,
    now: datetime,
    alert_channels: Sequence[str] | AlertRecipients = (),
) -> RiskScanResult:
    """Assess every running clock at `now`; raise the at-risk alerts that are due."""
    at = as_utc(now)
    recipients = AlertRecipients.of(alert_channels)
    result = RiskScanResult()
    with Session(engine) as session:
        since = history_start(at, settings.history_days)
        forecaster = Forecaster(settings.min_cases, finished_clocks(session, calendar, since))
        clocks = running_clocks(session, calendar, at)
    for first in range(0, len(clocks), BATCH):
        with Session(engine) as session:
            _assess(
                session, forecaster, clocks[first : first + BATCH], settings, at, recipients, result
            )
            session.commit()
    log.info("risk scan at %s: %d assessed, %d at risk", at, result.assessed, result.at_risk)
    return result


def _assess(
    session: Session,
    forecaster: Forecaster,
    clocks: Sequence[RunningClock],
    settings: BreachRiskSpec,
    at: datetime,
    recipients: AlertRecipients,
    result: RiskScanResult,
) -> None:
    values = []
    store = _SessionAlerts(session)
    for clock in clocks:
        forecast = forecaster.forecast(clock.key, clock.elapsed, clock.limit)
        risk = None if forecast.probability is None else round(forecast.probability, 4)
        values.append({"clock_id": clock.id, "risk": risk, "basis": forecast.basis[:120]})
        result.assessed += 1
        if risk is None or risk < settings.threshold or clock.elapsed > clock.limit:
            continue
        result.at_risk += 1
        if clock.warned:
            continue  # the fixed warning is out already: an at-risk alert adds nothing
        subject = AlertSubject(
            clock_id=clock.id,
            clock_kind=clock.key.clock,
            due_at=as_utc(clock.due_at),
            application_id=clock.application_id,
            number=clock.number,
            company=clock.key.company,
            city=clock.key.city,
        )
        raised = raise_alert(store, subject, AlertLevel.AT_RISK, at, recipients)
        if raised is not None:
            alert_id, payload = raised
            result.alerts.append({"alert_id": alert_id, **payload, "risk": risk})
    if values:
        session.execute(
            update(CLOCKS)
            .where(CLOCKS.c.id == bindparam("clock_id"))
            .values(breach_risk=bindparam("risk"), risk_basis=bindparam("basis")),
            values,
        )


def scan_risks_of(svc: Services) -> RiskScanResult:
    """The risk scan with the services' policy, calendar, clock and alert channels."""
    return scan_risks(
        svc.engine, svc.calendar, svc.policy.breach_risk, svc.now(), svc.alert_channels
    )
