"""Reading many applications: filter, sort and page in SQL, then load only the page.

There are tens of thousands of applications, so nothing here loads a row it will not show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select, and_, func, literal
from sqlmodel import col, select

from gridconnect.services.applications import get_application
from gridconnect.services.context import Scope, Services
from gridconnect.services.views import application_view
from gridconnect.store.reading import APPLICATION, read_applications, read_only
from gridconnect.store.tables import ApplicationRow, ClockRow, EventRow
from gridconnect.workflow.model import Application

Sort = Literal["due", "newest", "oldest", "risk"]  # risk: command centre


@dataclass(frozen=True)
class Filters:
    stage: str | None = None
    city: str | None = None
    status: str | None = None
    clock_state: str | None = None
    number: str | None = None


def application_id_of(svc: Services, number: str) -> int | None:
    """The internal id of the application with this number (clients know the number)."""
    with svc.engine.connect() as connection:
        found = connection.execute(
            select(ApplicationRow.id).where(col(ApplicationRow.number) == number)
        ).first()
    return int(found[0]) if found is not None else None


def _scoped(statement: Select[Any], scope: Scope, filters: Filters) -> Select[Any]:
    if scope.company is not None:
        statement = statement.where(col(ApplicationRow.company) == scope.company)
    if scope.cities is not None:
        statement = statement.where(col(ApplicationRow.city).in_(scope.cities))
    if filters.stage is not None:
        statement = statement.where(col(ApplicationRow.stage) == filters.stage)
    if filters.city is not None:
        statement = statement.where(col(ApplicationRow.city) == filters.city)
    if filters.number is not None:
        statement = statement.where(col(ApplicationRow.number) == filters.number)
    if filters.status is not None:
        statement = statement.where(col(ApplicationRow.status) == filters.status)
    if filters.clock_state is not None:
        has_clock = (
            select(literal(1))
            .where(
                col(ClockRow.application_id) == col(ApplicationRow.id),
                col(ClockRow.state) == filters.clock_state,
            )
            .exists()
        )
        statement = statement.where(has_clock)
    return statement


def list_applications(
    svc: Services,
    scope: Scope,
    filters: Filters,
    sort: Sort = "newest",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """One page of application views in the caller's scope, and how many match in all."""
    page, total = find_page(svc, scope, filters, sort, limit, offset)
    return page_views(svc, page), total


def find_page(
    svc: Services,
    scope: Scope,
    filters: Filters,
    sort: Sort = "newest",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Application], int]:
    """One page of applications in the caller's scope, and how many match in all."""
    with read_only(svc.engine) as connection:
        total_query = _scoped(select(func.count()).select_from(ApplicationRow), scope, filters)
        total = int(connection.execute(total_query).scalar_one())
        # The page's rows themselves (not their ids, then the rows): one round trip fewer.
        page_query = _scoped(select(APPLICATION), scope, filters)
        if sort == "due":
            # The most urgent first: the earliest due of the clocks still running or paused.
            next_due = (
                select(
                    col(ClockRow.application_id).label("application_id"),
                    func.min(ClockRow.due_at).label("next_due"),
                )
                .where(and_(col(ClockRow.stopped_at).is_(None), col(ClockRow.state) != "cancelled"))
                .group_by(col(ClockRow.application_id))
                .subquery()
            )
            page_query = page_query.outerjoin(
                next_due, next_due.c.application_id == col(ApplicationRow.id)
            ).order_by(next_due.c.next_due.is_(None), next_due.c.next_due, col(ApplicationRow.id))
        elif sort == "risk":
            page_query = _by_risk(page_query)
        elif sort == "oldest":
            page_query = page_query.order_by(col(ApplicationRow.id))
        else:
            page_query = page_query.order_by(col(ApplicationRow.id).desc())
        rows = connection.execute(page_query.limit(limit).offset(offset)).all()
        return read_applications(connection, rows), total


def page_views(svc: Services, page: list[Application]) -> list[dict[str, Any]]:
    """The views of a page of applications, all as of one moment."""
    moment = svc.now()
    policy, calendar = svc.policy, svc.calendar
    return [application_view(policy, calendar, app, moment) for app in page]


def _by_risk(query: Select[Any]) -> Select[Any]:
    """Command centre: the highest forecast breach risk of a running clock first, then due."""
    risk = (
        select(
            col(ClockRow.application_id).label("application_id"),
            func.max(ClockRow.breach_risk).label("risk"),
            func.min(ClockRow.due_at).label("next_due"),
        )
        .where(col(ClockRow.state) == "running")
        .group_by(col(ClockRow.application_id))
        .subquery()
    )
    return query.outerjoin(risk, risk.c.application_id == col(ApplicationRow.id)).order_by(
        risk.c.risk.is_(None), risk.c.risk.desc(), risk.c.next_due, col(ApplicationRow.id)
    )


def application_events(svc: Services, application_id: int, scope: Scope) -> list[dict[str, Any]]:
    """The audit trail of one application in the caller's scope, oldest first."""
    get_application(svc, application_id, scope)  # 404 outside the scope
    with svc.unit_of_work() as uow:
        rows = uow.session.exec(
            select(EventRow)
            .where(EventRow.application_id == application_id)
            .order_by(col(EventRow.seq))
        )
        return [
            {
                "seq": row.seq,
                "at": row.at.isoformat(),
                "actor": row.actor,
                "action": row.action,
                "stage_before": row.stage_before,
                "stage_after": row.stage_after,
                "details": row.details,
                "hash": row.hash,
            }
            for row in rows
        ]
