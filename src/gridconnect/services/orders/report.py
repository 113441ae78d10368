"""Supervision orders (督办) per city for the monthly statistics.

An order counts in the month it was issued; answered when the clerk answered it (at any
time up to the report), on time when its clock was not late when it stopped. The same
definitions as `/api/v1/supervision-orders/statistics` (`service.order_statistics`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.services.reports.periods import Period
from gridconnect.store.tables import ClockRow, SupervisionOrderRow

#: Shown beside the figures (the spreadsheet's 说明 sheet).
ORDER_ON_TIME_DEFINITION = (
    "督办按时答复率 = 期限内答复的督办 ÷ 本期下发的督办（按下发时间计入月份）"
)


def _row(city: str, issued: int, answered: int, on_time: int) -> dict[str, Any]:
    return {
        "city": city,
        "issued": issued,
        "answered": answered,
        "answered_on_time": on_time,
        "answered_on_time_rate": round(on_time / issued, 4) if issued else None,
    }


def orders_by_city(
    svc: Services, period: Period, scope: Scope = EVERYTHING
) -> list[dict[str, Any]]:
    """One row per city with orders issued in the period, then the total (city "合计")."""
    answered = col(SupervisionOrderRow.answered_at)
    statement = (
        select(
            col(SupervisionOrderRow.city),
            func.count(),
            func.count(answered),
            func.count(answered).filter(col(ClockRow.late).is_(False)),
        )
        .select_from(SupervisionOrderRow)
        .join(ClockRow, col(ClockRow.id) == col(SupervisionOrderRow.clock_id))
        .where(
            col(SupervisionOrderRow.issued_at) >= period.start,
            col(SupervisionOrderRow.issued_at) < period.end,
        )
        .group_by(col(SupervisionOrderRow.city))
        .order_by(col(SupervisionOrderRow.city))
    )
    if scope.company is not None:
        statement = statement.where(col(SupervisionOrderRow.company) == scope.company)
    if scope.cities is not None:
        statement = statement.where(col(SupervisionOrderRow.city).in_(scope.cities))
    with svc.unit_of_work() as uow:
        rows = [
            _row(str(c), int(i), int(a), int(o)) for c, i, a, o in uow.session.execute(statement)
        ]
    totals = [sum(r[key] for r in rows) for key in ("issued", "answered", "answered_on_time")]
    return [*rows, _row("合计", *totals)]
