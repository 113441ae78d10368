"""Supervision orders: issued by a supervisor, answered by the clerk, audited, counted.

Each command goes through the one change path (`change_application`): the order's clock,
its audit event and its row commit together or not at all, with the application's
version checked (409 on a stale one).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import col, select

from gridconnect.config.vocabulary import OrderAssignee
from gridconnect.errors import NotFound
from gridconnect.services.applications import change_application, get_application
from gridconnect.services.context import Scope, Services
from gridconnect.store.tables import ClockRow, SupervisionOrderRow
from gridconnect.store.uow import UnitOfWork
from gridconnect.workflow import orders as flow
from gridconnect.workflow.application import Context, RaisedAlert
from gridconnect.workflow.errors import InvalidApplication
from gridconnect.workflow.model import Application, Clock

MAX_INSTRUCTION = 500
MAX_ANSWER = 1000


class OrderNotFound(NotFound):
    code = "order_not_found"


def _text(value: str, field: str, limit: int) -> str:
    text = value.strip()
    if not text:
        raise InvalidApplication(f"{field} is empty", [{"field": field, "message": "required"}])
    if len(text) > limit:
        raise InvalidApplication(
            f"{field} is longer than {limit} characters",
            [{"field": field, "message": f"at most {limit} characters"}],
        )
    return text


def issue_order(
    svc: Services,
    application_id: int,
    *,
    instruction: str,
    assignee: str,
    working_days: int,
    actor: str,
    scope: Scope,
    expected_version: int | None = None,
) -> Application:
    """Order an action on an application, to be answered within `working_days`."""
    text = _text(instruction, "instruction", MAX_INSTRUCTION)
    if assignee not in OrderAssignee.codes():
        raise InvalidApplication(
            f"unknown assignee {assignee!r}",
            [{"field": "assignee", "message": "must be clerk or hall"}],
        )
    issued: list[Clock] = []

    def change(ctx: Context, app: Application) -> list[RaisedAlert]:
        issued.append(flow.issue_order(ctx, app, text, assignee, working_days))
        return []

    def write_order(uow: UnitOfWork, app: Application) -> None:
        [clock] = issued
        assert app.id is not None and clock.id is not None
        uow.session.add(
            SupervisionOrderRow(
                application_id=app.id,
                clock_id=clock.id,
                company=app.company,
                city=app.city,
                instruction=text,
                assignee=assignee,
                working_days=working_days,
                issued_by=actor,
                issued_at=clock.started_at,
            )
        )

    return change_application(
        svc, application_id, actor, scope, expected_version, change, write_order
    )


def answer_order(
    svc: Services,
    application_id: int,
    order_id: int,
    *,
    answer: str,
    actor: str,
    scope: Scope,
    expected_version: int | None = None,
) -> Application:
    """Answer an order: its clock stops (late if past its due); the answer is kept."""
    text = _text(answer, "answer", MAX_ANSWER)
    clock_id = _order_clock(svc, application_id, order_id, scope)

    def change(ctx: Context, app: Application) -> list[RaisedAlert]:
        return flow.answer_order(ctx, app, clock_id, text)

    def write_answer(uow: UnitOfWork, app: Application) -> None:
        [stopped] = [c.stopped_at for c in app.clocks if c.id == clock_id]
        uow.session.execute(
            update(SupervisionOrderRow)
            .where(col(SupervisionOrderRow.id) == order_id)
            .values(answer=text, answered_by=actor, answered_at=stopped)
        )

    return change_application(
        svc, application_id, actor, scope, expected_version, change, write_answer
    )


def _order_clock(svc: Services, application_id: int, order_id: int, scope: Scope) -> int:
    get_application(svc, application_id, scope)  # 404 outside the scope
    with svc.unit_of_work() as uow:
        row = uow.session.get(SupervisionOrderRow, order_id)
        if row is None or row.application_id != application_id:
            raise OrderNotFound(f"order {order_id} not found", {"order_id": order_id})
        return row.clock_id


def list_orders(svc: Services, application_id: int, scope: Scope) -> list[dict[str, Any]]:
    """The orders of one application, oldest first, with their clocks' state."""
    get_application(svc, application_id, scope)
    statement = (
        select(SupervisionOrderRow, ClockRow)
        .join(ClockRow, col(ClockRow.id) == col(SupervisionOrderRow.clock_id))
        .where(col(SupervisionOrderRow.application_id) == application_id)
        .order_by(col(SupervisionOrderRow.id))
    )
    with svc.unit_of_work() as uow:
        return [_view(order, clock) for order, clock in uow.session.execute(statement).all()]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _view(order: SupervisionOrderRow, clock: ClockRow) -> dict[str, Any]:
    return {
        "id": order.id,
        "application_id": order.application_id,
        "instruction": order.instruction,
        "assignee": order.assignee,
        "working_days": order.working_days,
        "issued_by": order.issued_by,
        "issued_at": order.issued_at.isoformat(),
        "due_at": clock.due_at.isoformat(),
        "state": clock.state,
        "late": clock.late,
        "answer": order.answer,
        "answered_by": order.answered_by,
        "answered_at": _iso(order.answered_at),
    }


def order_statistics(svc: Services, start: datetime, end: datetime, scope: Scope) -> dict[str, int]:
    """Orders issued in [start, end), how many are answered, and how many on time."""
    statement = (
        select(
            func.count(),
            func.count(col(SupervisionOrderRow.answered_at)),
            func.count(col(SupervisionOrderRow.answered_at)).filter(col(ClockRow.late).is_(False)),
        )
        .select_from(SupervisionOrderRow)
        .join(ClockRow, col(ClockRow.id) == col(SupervisionOrderRow.clock_id))
        .where(
            col(SupervisionOrderRow.issued_at) >= start, col(SupervisionOrderRow.issued_at) < end
        )
    )
    if scope.company is not None:
        statement = statement.where(col(SupervisionOrderRow.company) == scope.company)
    if scope.cities is not None:
        statement = statement.where(col(SupervisionOrderRow.city).in_(scope.cities))
    with svc.unit_of_work() as uow:
        issued, answered, on_time = uow.session.execute(statement).one()
    return {"issued": issued, "answered": answered, "answered_on_time": on_time}
