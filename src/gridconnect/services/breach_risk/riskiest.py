"""The running clocks most likely to breach, in a scope: the supervisor's view, read in SQL."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from gridconnect.services.context import Scope, Services
from gridconnect.store.tables import ApplicationRow, ClockRow


def riskiest_clocks(svc: Services, scope: Scope, limit: int = 10) -> list[dict[str, Any]]:
    """Running clocks with a forecast risk, highest first (ties: the earliest due)."""
    statement = (
        select(ClockRow, ApplicationRow.number, ApplicationRow.city, ApplicationRow.kind)
        .join(ApplicationRow, col(ApplicationRow.id) == col(ClockRow.application_id))
        .where(col(ClockRow.state) == "running", col(ClockRow.breach_risk).is_not(None))
    )
    if scope.company is not None:
        statement = statement.where(col(ApplicationRow.company) == scope.company)
    if scope.cities is not None:
        statement = statement.where(col(ApplicationRow.city).in_(scope.cities))
    statement = statement.order_by(
        col(ClockRow.breach_risk).desc(), col(ClockRow.due_at), col(ClockRow.id)
    ).limit(limit)
    with svc.unit_of_work() as uow:
        rows = uow.session.execute(statement).all()
        return [_view(clock, number, city, kind) for clock, number, city, kind in rows]


def _view(clock: ClockRow, number: str, city: str, kind: str) -> dict[str, Any]:
    risk = clock.breach_risk or 0.0
    return {
        "application_id": clock.application_id,
        "number": number,
        "city": city,
        "kind": kind,
        "clock": clock.kind,
        "risk": risk,
        "risk_text": f"{risk:.0%}",
        "basis": clock.risk_basis,
        "due_at": clock.due_at.isoformat(),
    }
