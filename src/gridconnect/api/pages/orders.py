"""Supervision orders (督办) on the application page: a supervisor issues, the clerk answers."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from gridconnect.api.deps import services_of
from gridconnect.api.pages import application as page
from gridconnect.api.pages.session import CsrfChecked, scope_of, staff
from gridconnect.api.pages.web import redirect
from gridconnect.api.permissions import Permission
from gridconnect.config.vocabulary import NoControl
from gridconnect.services.orders import service as orders
from gridconnect.services.users import AuthUser
from gridconnect.workflow.errors import ApplicationNotFound, InvalidApplication, VersionConflict

router = APIRouter(prefix="/workbench/applications", tags=["pages"], include_in_schema=False)

ISSUER = staff(Permission.ISSUE_ORDERS)
ANSWERER = staff(Permission.ANSWER_ORDERS)
FIELD_NAMES = {
    "instruction": "督办事项",
    "assignee": "督办对象",
    "working_days": "办理时限",
    "answer": "答复内容",
    "order": "督办单",
    "application": "申请",
}


def _refused(
    request: Request, user: AuthUser, application_id: int, exc: InvalidApplication
) -> Response:
    details = exc.details if isinstance(exc.details, list) else []
    fields = [FIELD_NAMES.get(str(d.get("field")), str(d.get("field"))) for d in details]
    message = f"督办单未保存：请检查{'、'.join(fields) or '填写内容'}"
    return page._page(request, user, application_id, 422, order_error=message)


@router.post("/{application_id}/orders", dependencies=[CsrfChecked])
def issue(
    request: Request,
    application_id: int,
    instruction: Annotated[str, NoControl, Form(max_length=500)] = "",
    assignee: Annotated[str, Form(max_length=16)] = "",
    working_days: Annotated[int, Form(ge=0, le=1000)] = 0,
    expected_version: Annotated[int | None, Form()] = None,
    user: AuthUser = ISSUER,
) -> Response:
    """Issue a supervision order on the application (supervisors)."""
    try:
        orders.issue_order(
            services_of(request),
            application_id,
            instruction=instruction,
            assignee=assignee,
            working_days=working_days,
            actor=user.username,
            scope=scope_of(user),
            expected_version=expected_version,
        )
    except ApplicationNotFound:
        raise page._not_found() from None
    except VersionConflict:
        return page._page(request, user, application_id, 409, conflict=page.CONFLICT)
    except InvalidApplication as exc:
        return _refused(request, user, application_id, exc)
    return redirect(f"/workbench/applications/{application_id}?done=order_issued")


@router.post("/{application_id}/orders/{order_id}/answer", dependencies=[CsrfChecked])
def answer(
    request: Request,
    application_id: int,
    order_id: int,
    answer: Annotated[str, NoControl, Form(max_length=1000)] = "",
    expected_version: Annotated[int | None, Form()] = None,
    user: AuthUser = ANSWERER,
) -> Response:
    """Answer a supervision order (the clerk); its clock stops."""
    try:
        orders.answer_order(
            services_of(request),
            application_id,
            order_id,
            answer=answer,
            actor=user.username,
            scope=scope_of(user),
            expected_version=expected_version,
        )
    except (ApplicationNotFound, orders.OrderNotFound):
        raise page._not_found() from None
    except VersionConflict:
        return page._page(request, user, application_id, 409, conflict=page.CONFLICT)
    except InvalidApplication as exc:
        return _refused(request, user, application_id, exc)
    return redirect(f"/workbench/applications/{application_id}?done=order_answered")
