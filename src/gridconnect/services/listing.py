"""Reading many applications: filter, sort and page in SQL, then load only the page.

There are tens of thousands of applications, so nothing here loads a row it will not show.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import Integer, Select, and_, bindparam, func, literal
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


def _filter_values(scope: Scope, filters: Filters) -> dict[str, Any]:
    """The filters a list request sets, by name: its statements are built once for each
    combination of names (with bind parameters) and sort, `_statements`. Building and
    keying them afresh on every request cost a tenth of a list page's time."""
    values = {
        "company": scope.company,
        "cities": list(scope.cities) if scope.cities is not None else None,
        "stage": filters.stage,
        "city": filters.city,
        "number": filters.number,
        "status": filters.status,
        "clock_state": filters.clock_state,
    }
    return {name: value for name, value in values.items() if value is not None}


def _scoped(statement: Select[Any], given: frozenset[str]) -> Select[Any]:
    """`statement` restricted by the filters in `given`, each a bind parameter."""
    for name in ("company", "stage", "city", "number", "status"):
        if name in given:
            statement = statement.where(getattr(APPLICATION.c, name) == bindparam(name))
    if "cities" in given:
        statement = statement.where(APPLICATION.c.city.in_(bindparam("cities", expanding=True)))
    if "clock_state" in given:
        has_clock = (
            select(literal(1))
            .where(
                col(ClockRow.application_id) == APPLICATION.c.id,
                col(ClockRow.state) == bindparam("clock_state"),
            )
            .exists()
        )
        statement = statement.where(has_clock)
    return statement


@lru_cache(maxsize=256)
def _statements(given: frozenset[str], sort: Sort) -> tuple[Select[Any], Select[Any]]:
    """The count and the page statements for these filters and this sort."""
    total = _scoped(select(func.count()).select_from(APPLICATION), given)
    page = _scoped(select(APPLICATION), given)
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
        page = page.outerjoin(next_due, next_due.c.application_id == APPLICATION.c.id).order_by(
            next_due.c.next_due.is_(None), next_due.c.next_due, APPLICATION.c.id
        )
    elif sort == "risk":
        page = _by_risk(page)
    elif sort == "oldest":
        page = page.order_by(APPLICATION.c.id)
    else:
        page = page.order_by(APPLICATION.c.id.desc())
    page = page.limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer))
    return total, page


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
    values = _filter_values(scope, filters)
    total_query, page_query = _statements(frozenset(values), sort)
    with read_only(svc.engine) as connection:
        total = int(connection.execute(total_query, values).scalar_one())
        # The page's rows themselves (not their ids, then the rows): one round trip fewer.
        rows = connection.execute(page_query, {**values, "limit": limit, "offset": offset}).all()
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
