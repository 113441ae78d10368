"""Warnings and breaches for supervisors: list them within a scope, acknowledge them."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import update
from sqlmodel import col, select

from gridconnect.errors import NotFound
from gridconnect.services.context import Scope, Services
from gridconnect.services.supply_plans.upgrade_scan import GRID_UPGRADE
from gridconnect.store.tables import AlertRow, ApplicationRow, ClockRow
from gridconnect.workflow.events import AlertLevel

AlertState = Literal["open", "acknowledged", "all"]


UPGRADE_OVERDUE = str(AlertLevel.UPGRADE_OVERDUE)


class AlertNotFound(NotFound):
    code = "alert_not_found"


def _query(scope: Scope) -> Any:
    statement = (
        select(AlertRow, ApplicationRow.number, ClockRow.kind)
        .join(ApplicationRow, col(ApplicationRow.id) == col(AlertRow.application_id))
        # A stall alert has no clock (outer join); it is shown as the "stall" clock.
        .outerjoin(ClockRow, col(ClockRow.id) == col(AlertRow.clock_id))
    )
    if scope.company is not None:
        statement = statement.where(col(AlertRow.company) == scope.company)
    if scope.cities is not None:
        statement = statement.where(col(AlertRow.city).in_(scope.cities))
    return statement


def _view(alert: AlertRow, number: str, clock_kind: str | None) -> dict[str, Any]:
    assert alert.id is not None
    return {
        "id": alert.id,
        "application_id": alert.application_id,
        "number": number,
        "company": alert.company,
        "city": alert.city,
        "level": alert.level,
        # No clock: a stall or a licence mismatch, named by its level; a transitional plan's
        # grid upgrade by what it tracks.
        "clock": clock_kind or _clockless(alert),
        "due_at": alert.due_at.isoformat(),
        "raised_at": alert.raised_at.isoformat(),
        "acknowledged_by": alert.acknowledged_by,
        "acknowledged_at": alert.acknowledged_at.isoformat() if alert.acknowledged_at else None,
        "cleared_at": alert.cleared_at.isoformat() if alert.cleared_at else None,
        "times_raised": alert.raised_count,
        # selfservice tickets: the customer's ticket the alert is about, and where to answer it
        "ticket_id": alert.ticket_id,
        "link": f"/supervisor/tickets#ticket-{alert.ticket_id}" if alert.ticket_id else None,
    }


def _clockless(alert: AlertRow) -> str:
    if alert.ticket_id is not None:
        return "ticket"  # selfservice: a customer's ticket's answer due
    return GRID_UPGRADE if alert.level == UPGRADE_OVERDUE else alert.level


def list_alerts(
    svc: Services, scope: Scope, state: AlertState = "open", limit: int = 200
) -> list[dict[str, Any]]:
    """Alerts in the scope, newest first; `open` means neither acknowledged nor withdrawn."""
    statement = _query(scope)
    if state == "open":
        statement = statement.where(
            col(AlertRow.acknowledged_at).is_(None), col(AlertRow.cleared_at).is_(None)
        )
    elif state == "acknowledged":
        statement = statement.where(col(AlertRow.acknowledged_at).is_not(None))
    statement = statement.order_by(col(AlertRow.raised_at).desc(), col(AlertRow.id).desc())
    with svc.unit_of_work() as uow:
        rows = uow.session.execute(statement.limit(limit)).all()
        return [_view(alert, number, kind) for alert, number, kind in rows]


def acknowledge(svc: Services, alert_id: int, actor: str, scope: Scope) -> dict[str, Any]:
    """Mark an alert seen (who, when); the first acknowledgement stands. 404 outside scope."""
    statement = _query(scope).where(col(AlertRow.id) == alert_id)
    with svc.unit_of_work() as uow:
        if uow.session.execute(statement).first() is None:
            raise AlertNotFound(f"alert {alert_id} not found", {"alert_id": alert_id})
        # Conditional update: of two supervisors acknowledging at once, the first one stays.
        uow.session.execute(
            update(AlertRow)
            .where(col(AlertRow.id) == alert_id, col(AlertRow.acknowledged_at).is_(None))
            .values(acknowledged_by=actor, acknowledged_at=svc.now())
        )
        uow.commit()
        uow.session.expire_all()
        alert, number, kind = uow.session.execute(statement).one()
        return _view(alert, number, kind)


# command centre: the alert inbox (services/alert_inbox.py) filters and pages the same query
scoped_alert_query = _query
alert_view = _view
