"""The grid upgrade of a chosen transitional plan (L27): alert once when it runs late.

A transitional plan meets the customer's basic need while the network is upgraded; the
upgrade's planned completion is the company's own promise, so it is tracked like a clock
without being one: when the planned day has passed (Beijing time) and no completion is
recorded, the scan raises one `upgrade_overdue` alert for the application and queues its
deliveries, and marks the plan so that the next scan does not raise it again. The claim,
the alert, the outbox rows and the mark commit together. Tested under freezegun in
`tests/integration/test_grid_upgrade_alert.py`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session

from gridconnect.services.alert_raising import ALERT_TOPIC
from gridconnect.services.alert_routing import AlertRecipients
from gridconnect.store.alerts import alert_dedup_key, enqueue
from gridconnect.store.db import is_postgres
from gridconnect.store.plan_tables import SupplyPlanRow
from gridconnect.store.tables import AlertRow, ApplicationRow
from gridconnect.timesource import SHANGHAI, as_utc, local_date
from gridconnect.timesource import now as system_now
from gridconnect.workflow.events import AlertLevel

log = logging.getLogger(__name__)

#: how the alert names what it is about (there is no clock row)
GRID_UPGRADE = "grid_upgrade"
PLANS: sa.Table = SupplyPlanRow.__table__  # type: ignore[attr-defined]
APPLICATIONS: sa.Table = ApplicationRow.__table__  # type: ignore[attr-defined]
ALERTS: sa.Table = AlertRow.__table__  # type: ignore[attr-defined]


@dataclass
class UpgradeScanResult:
    overdue: int = 0
    alerts: list[dict[str, Any]] = field(default_factory=list)


def overdue_from(planned_on: date) -> datetime:
    """The instant an upgrade planned for `planned_on` is late: the next Beijing midnight."""
    return as_utc(datetime.combine(planned_on + timedelta(days=1), time(0), tzinfo=SHANGHAI))


def _claim(today: date, lock_rows: bool) -> Any:
    plan, app = PLANS.c, APPLICATIONS.c
    query = (
        sa.select(
            plan.id.label("plan_id"),
            plan.upgrade_name,
            plan.upgrade_planned_on,
            app.id,
            app.number,
            app.company,
            app.city,
        )
        .select_from(PLANS.join(APPLICATIONS, app.id == plan.application_id))
        .where(
            plan.transitional.is_(True),
            plan.chosen_at.is_not(None),
            plan.upgrade_completed_on.is_(None),
            plan.upgrade_overdue_alerted_at.is_(None),
            plan.upgrade_planned_on < today,
        )
        .order_by(plan.id)
    )
    # Two schedulers at once: each plan row is claimed by one of them (the other skips it,
    # and after the commit the mark keeps it out of every later claim).
    return query.with_for_update(skip_locked=True, of=PLANS) if lock_rows else query


def scan_grid_upgrades(
    engine: Engine,
    now: datetime | None = None,
    alert_channels: Any = (),
) -> UpgradeScanResult:
    """Raise one alert per chosen transitional plan whose upgrade is past its planned day."""
    at = as_utc(now) if now is not None else system_now()
    recipients = AlertRecipients.of(alert_channels)
    result = UpgradeScanResult()
    with Session(engine) as session:
        for row in session.execute(_claim(local_date(at), is_postgres(engine))).all():
            due = overdue_from(row.upgrade_planned_on)
            alert_id = session.execute(
                ALERTS.insert()
                .values(
                    clock_id=None,
                    application_id=row.id,
                    company=row.company,
                    city=row.city,
                    level=str(AlertLevel.UPGRADE_OVERDUE),
                    due_at=due,
                    raised_at=at,
                    raised_count=1,
                )
                .returning(ALERTS.c.id)
            ).scalar_one()
            payload = {
                "application": row.number,
                "company": row.company,
                "city": row.city,
                "clock": GRID_UPGRADE,
                "level": str(AlertLevel.UPGRADE_OVERDUE),
                "upgrade": row.upgrade_name,
                "due_at": due.isoformat(),
                "late_hours": round(max((at - due).total_seconds(), 0) / 3600, 1),
            }
            enqueue(
                session,
                channels=recipients.channels_for(row.company, row.city),
                topic=ALERT_TOPIC,
                dedup_key=alert_dedup_key(int(alert_id), 1),
                payload=payload,
                at=at,
            )
            session.execute(
                PLANS.update()
                .where(PLANS.c.id == row.plan_id)
                .values(upgrade_overdue_alerted_at=at)
            )
            result.alerts.append({"alert_id": int(alert_id), **payload})
        session.commit()
    result.overdue = len(result.alerts)
    if result.overdue:
        log.info("grid upgrade scan at %s: %d overdue", at, result.overdue)
    return result
