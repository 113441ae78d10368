"""What the workbench and the supervisor's dashboard read: one SQL query each, no full loads.

The queue and the breached list come straight from the application and clock tables (the
earliest due of each application's open clocks), so a page costs one query whatever the
number of applications. On-time rates are read from the monthly report (`services.rates`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import col

from gridconnect.calendar import WorkingCalendar
from gridconnect.config.policy_model import STAGE_PREFIX
from gridconnect.services.context import Scope, Services
from gridconnect.services.rates import EXCLUDED_CLOCKS, ON_TIME_DEFINITION, on_time_rate
from gridconnect.services.reports.monthly import period_report
from gridconnect.services.reports.periods import month
from gridconnect.store.tables import ApplicationRow, ClockRow
from gridconnect.timesource import local_date
from gridconnect.workflow.model import ClockState

QUEUE_LIMIT = 100


@dataclass(frozen=True)
class QueueItem:
    id: int
    number: str
    kind: str
    city: str
    customer_name: str
    stage: str
    status: str
    suspended: bool
    received_at: datetime
    due_date: date | None
    working_days_left: int | None
    urgency: str  # on_time, warning, breached, none
    breach_risk: float | None = None  # command centre: highest forecast risk of a running clock


def _in_scope(statement: Any, scope: Scope) -> Any:
    if scope.company is not None:
        statement = statement.where(col(ApplicationRow.company) == scope.company)
    if scope.cities is not None:
        statement = statement.where(col(ApplicationRow.city).in_(scope.cities))
    return statement


def _open_clock() -> Any:
    return and_(col(ClockRow.stopped_at).is_(None), col(ClockRow.state) != "cancelled")


def _days_left(calendar: WorkingCalendar, today: date, due_at: datetime) -> tuple[date, int]:
    due_date = local_date(due_at - timedelta(seconds=1))
    return due_date, calendar.working_days_between(today, due_date).value


def queue(
    svc: Services,
    scope: Scope,
    stage: str | None = None,
    status: str | None = "open",
    limit: int = QUEUE_LIMIT,
    by_risk: bool = False,
) -> tuple[list[QueueItem], int]:
    """Applications in scope, most urgent first (earliest due of an open clock), and the count;
    `by_risk`: the highest forecast breach risk first, then the earliest due."""
    moment = svc.now()
    clocks = (
        select(
            col(ClockRow.application_id).label("application_id"),
            func.min(ClockRow.due_at).label("next_due"),
            func.min(ClockRow.warn_at).label("next_warn"),
            func.max(case((col(ClockRow.state) == ClockState.BREACHED, 1), else_=0)).label(
                "breached"
            ),
            func.max(
                case((col(ClockRow.state) == ClockState.RUNNING, ClockRow.breach_risk), else_=None)
            ).label("risk"),
        )
        .where(_open_clock())
        .group_by(col(ClockRow.application_id))
        .subquery()
    )
    conditions: list[Any] = []
    if stage:
        conditions.append(col(ApplicationRow.stage) == stage)
    if status == "suspended":
        conditions += [
            col(ApplicationRow.status) == "open",
            col(ApplicationRow.suspended).is_(True),
        ]
    elif status:
        conditions.append(col(ApplicationRow.status) == status)
    counted = _in_scope(select(func.count()).select_from(ApplicationRow), scope)
    rows_query = _in_scope(
        select(
            col(ApplicationRow.id),
            col(ApplicationRow.number),
            col(ApplicationRow.kind),
            col(ApplicationRow.city),
            col(ApplicationRow.customer_name),
            col(ApplicationRow.stage),
            col(ApplicationRow.status),
            col(ApplicationRow.suspended),
            col(ApplicationRow.received_at),
            clocks.c.next_due,
            clocks.c.next_warn,
            clocks.c.breached,
            clocks.c.risk,
        ).outerjoin(clocks, clocks.c.application_id == col(ApplicationRow.id)),
        scope,
    )
    if conditions:
        counted = counted.where(*conditions)
        rows_query = rows_query.where(*conditions)
    risk_first = (clocks.c.risk.is_(None), clocks.c.risk.desc()) if by_risk else ()
    rows_query = rows_query.order_by(
        *risk_first, clocks.c.next_due.is_(None), clocks.c.next_due, col(ApplicationRow.id)
    ).limit(limit)
    calendar, today = svc.calendar, local_date(moment)
    with svc.unit_of_work() as uow:
        total = int(uow.session.execute(counted).scalar_one())
        rows = uow.session.execute(rows_query).all()
    items = []
    for row in rows:
        due_date, left, urgency = None, None, "none"
        if row.next_due is not None:
            due_date, left = _days_left(calendar, today, row.next_due)
            if row.breached or moment >= row.next_due:
                urgency = "breached"
            elif moment >= row.next_warn:
                urgency = "warning"
            else:
                urgency = "on_time"
        items.append(
            QueueItem(
                row.id,
                row.number,
                row.kind,
                row.city,
                row.customer_name,
                row.stage,
                row.status,
                bool(row.suspended),
                row.received_at,
                due_date,
                left,
                urgency,
                row.risk,
            )
        )
    return items, total


def breached(svc: Services, scope: Scope, limit: int = QUEUE_LIMIT) -> list[dict[str, Any]]:
    """Open clocks past their due (breached by the scan, or overdue before it ran)."""
    moment = svc.now()
    statement = _in_scope(
        select(
            col(ApplicationRow.id),
            col(ApplicationRow.number),
            col(ApplicationRow.kind),
            col(ApplicationRow.city),
            col(ApplicationRow.stage),
            col(ClockRow.kind).label("clock"),
            col(ClockRow.due_at),
        )
        .join(ClockRow, col(ClockRow.application_id) == col(ApplicationRow.id))
        .where(
            _open_clock(),
            or_(col(ClockRow.state) == ClockState.BREACHED, col(ClockRow.due_at) <= moment),
        ),
        scope,
    ).order_by(col(ClockRow.due_at), col(ApplicationRow.id))
    calendar, today = svc.calendar, local_date(moment)
    with svc.unit_of_work() as uow:
        rows = uow.session.execute(statement.limit(limit)).all()
    result = []
    for row in rows:
        due_date, left = _days_left(calendar, today, row.due_at)
        result.append({**row._asdict(), "due_date": due_date, "working_days_late": -left})
    return result


def on_time_rates(
    svc: Services, scope: Scope, report: dict[str, Any] | None = None
) -> dict[str, Any]:
    """This month's on-time rate by city and by stage, read from the monthly report (one
    definition: `services.rates`), so the page shows what the API and the XLSX show."""
    if report is None:
        today = local_date(svc.now())
        report = period_report(svc, month(today.year, today.month), scope)
    by_city: dict[str, list[int]] = {}
    for row in report["clocks"]["city"]:
        if row["clock"] in EXCLUDED_CLOCKS:
            continue
        counts = by_city.setdefault(row["city"], [0, 0])
        counts[0] += row["on_time"]
        counts[1] += row["finished"] + row["overdue_open"]
    by_stage = {
        row["clock"][len(STAGE_PREFIX) :]: [row["on_time"], row["finished"] + row["overdue_open"]]
        for row in report["clocks"]["total"]
        if row["clock"].startswith(STAGE_PREFIX)
    }
    return {
        "period": report["period"]["label"],
        "by_city": _rate_rows(by_city),
        "by_stage": _rate_rows(by_stage),
        "definition": ON_TIME_DEFINITION,
    }


def _rate_rows(counts: dict[str, list[int]]) -> list[dict[str, Any]]:
    return [
        {
            "key": key,
            "total": total,
            "on_time": kept,
            "late": total - kept,
            "rate": on_time_rate(kept, total),
        }
        for key, (kept, total) in sorted(counts.items())
        if total
    ]
