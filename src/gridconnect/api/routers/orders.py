"""Supervision orders (督办) in the JSON API: list, issue, answer, count per month."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from gridconnect.api.auth import AuthUser, require, user_scope
from gridconnect.api.content import require_json
from gridconnect.api.deps import ServicesDep
from gridconnect.api.error_statuses import errors
from gridconnect.api.permissions import Permission
from gridconnect.api.routers.applications import AppId
from gridconnect.api.schemas.applications import ActionIn
from gridconnect.config.vocabulary import NoControl, OrderAssignee
from gridconnect.services.applications import get_application
from gridconnect.services.orders import service as orders
from gridconnect.services.reports.periods import month_of, parse_month
from gridconnect.timesource import local_date
from gridconnect.workflow.errors import InvalidApplication, InvalidTransition, VersionConflict

router = APIRouter(prefix="/api/v1", tags=["supervision orders"])

Reader = Annotated[AuthUser, Depends(require(Permission.READ_APPLICATIONS))]
Issuer = Annotated[AuthUser, Depends(require(Permission.ISSUE_ORDERS))]
Answerer = Annotated[AuthUser, Depends(require(Permission.ANSWER_ORDERS))]
ReportReader = Annotated[AuthUser, Depends(require(Permission.READ_REPORTS))]
OrderId = Annotated[int, Path(ge=1, le=2**31 - 1)]
JSON_ONLY = [Depends(require_json)]


class OrderIn(ActionIn):
    instruction: Annotated[str, NoControl, Field(min_length=1, max_length=500)]
    assignee: OrderAssignee = Field(description="clerk (经办人员) or hall (营业厅)")
    working_days: Annotated[int, Field(strict=True, ge=1, le=30)]


class OrderAnswerIn(ActionIn):
    answer: Annotated[str, NoControl, Field(min_length=1, max_length=1000)]


class OrderPublic(BaseModel):
    id: int
    application_id: int
    instruction: str
    assignee: str
    working_days: int
    issued_by: str
    issued_at: str
    due_at: str
    state: str
    late: bool
    answer: str | None
    answered_by: str | None
    answered_at: str | None


class OrdersPublic(BaseModel):
    version: int = Field(description="the application's version after the change")
    orders: list[OrderPublic]


class OrderStatistics(BaseModel):
    month: str
    issued: int
    answered: int
    answered_on_time: int


def _orders(svc: Any, user: AuthUser, application_id: int, version: int) -> dict[str, Any]:
    return {
        "version": version,
        "orders": orders.list_orders(svc, application_id, user_scope(user)),
    }


@router.get("/applications/{application_id}/orders", response_model=OrdersPublic)
def list_orders(application_id: AppId, user: Reader, svc: ServicesDep) -> dict[str, Any]:
    """The supervision orders of an application, oldest first."""
    app = get_application(svc, application_id, user_scope(user))
    return _orders(svc, user, application_id, app.version)


@router.post(
    "/applications/{application_id}/orders",
    response_model=OrdersPublic,
    status_code=201,
    dependencies=JSON_ONLY,
    responses=errors(InvalidApplication, VersionConflict, InvalidTransition),
)
def issue_order(
    application_id: AppId, body: OrderIn, user: Issuer, svc: ServicesDep
) -> dict[str, Any]:
    """Order an action on the application, to be answered within `working_days`."""
    app = orders.issue_order(
        svc,
        application_id,
        instruction=body.instruction,
        assignee=str(body.assignee),
        working_days=body.working_days,
        actor=user.username,
        scope=user_scope(user),
        expected_version=body.expected_version,
    )
    return _orders(svc, user, application_id, app.version)


@router.post(
    "/applications/{application_id}/orders/{order_id}/answer",
    response_model=OrdersPublic,
    dependencies=JSON_ONLY,
    responses=errors(InvalidApplication, VersionConflict, InvalidTransition),
)
def answer_order(
    application_id: AppId, order_id: OrderId, body: OrderAnswerIn, user: Answerer, svc: ServicesDep
) -> dict[str, Any]:
    """Answer an order; its clock stops, late if past its due."""
    app = orders.answer_order(
        svc,
        application_id,
        order_id,
        answer=body.answer,
        actor=user.username,
        scope=user_scope(user),
        expected_version=body.expected_version,
    )
    return _orders(svc, user, application_id, app.version)


@router.get("/supervision-orders/statistics", response_model=OrderStatistics)
def order_statistics(
    user: ReportReader,
    svc: ServicesDep,
    month: Annotated[str | None, Query(description="YYYY-MM; default: the current month")] = None,
) -> dict[str, Any]:
    """Orders issued in the month, answered, and answered on time (月统计)."""
    period = parse_month(month) if month else month_of(local_date(svc.now()))
    counts = orders.order_statistics(svc, period.start, period.end, user_scope(user))
    return {"month": period.label, **counts}
