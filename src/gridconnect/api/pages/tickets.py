"""Help requests and complaints in the pages: the customer asks, the supervisor answers."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from gridconnect.api.deps import services_of
from gridconnect.api.pages.selfservice import customer_number_or_403
from gridconnect.api.pages.session import CsrfChecked, scope_of, staff
from gridconnect.api.pages.web import PageError, redirect, render
from gridconnect.api.permissions import Permission
from gridconnect.config.vocabulary import NoControl
from gridconnect.services.attempts import TooManyAttempts
from gridconnect.services.selfservice.tickets import (
    TicketAlreadyAnswered,
    TicketNotFound,
    answer_ticket,
    open_ticket,
    open_tickets,
)
from gridconnect.services.users import AuthUser
from gridconnect.workflow.errors import InvalidApplication

router = APIRouter(tags=["pages"], include_in_schema=False)

SUPERVISOR = staff(Permission.HANDLE_ALERTS)


@router.post("/my/tickets", dependencies=[CsrfChecked])
def ask(
    request: Request,
    category: Annotated[str, NoControl, Form(max_length=16)] = "",
    text: Annotated[str, NoControl, Form(max_length=500)] = "",
) -> Response:
    """The customer asks for help or complains about the application."""
    number = customer_number_or_403(request)
    try:
        open_ticket(services_of(request), number, category, text)
    except InvalidApplication:
        return redirect("/my?error=ticket")
    except TooManyAttempts:
        return redirect("/my?error=limit")
    return redirect("/my?done=ticket")


@router.get("/supervisor/tickets")
def ticket_list(request: Request, user: AuthUser = SUPERVISOR) -> Response:
    """Unanswered help requests and complaints in the user's scope, the most urgent first."""
    svc = services_of(request)
    context = {
        "tickets": open_tickets(svc, scope_of(user)),
        "answered": request.query_params.get("done") == "answered",
    }
    return render(request, "tickets.html", context)


@router.post("/supervisor/tickets/{ticket_id}/answer", dependencies=[CsrfChecked])
def answer(
    request: Request,
    ticket_id: int,
    answer: Annotated[str, NoControl, Form(max_length=1000)] = "",
    user: AuthUser = SUPERVISOR,
) -> Response:
    """Answer a ticket: its clock stops, the customer is told and reads the answer."""
    try:
        answer_ticket(services_of(request), ticket_id, answer, user.username, scope_of(user))
    except TicketNotFound:
        raise PageError(404, "未找到工单", "工单不存在，或不在您所辖范围内。") from None
    except TicketAlreadyAnswered:
        raise PageError(409, "已答复", "该工单已由他人答复。") from None
    except InvalidApplication:
        raise PageError(422, "请填写答复", "答复内容不能为空，且不超过1000字。") from None
    return redirect("/supervisor/tickets?done=answered")
