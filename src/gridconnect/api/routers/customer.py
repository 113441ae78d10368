"""The customer's own application through the API: every call carries the number and its
access code (`X-Access-Code`, checked with the same limits as reading the status)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Request, status
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from gridconnect.api.content import InvalidBody, MalformedJson, require_json
from gridconnect.api.deps import ServicesDep, SettingsDep
from gridconnect.api.error_statuses import can_fail, errors
from gridconnect.api.routers.documents import REQUEST_BODY, document_from
from gridconnect.api.schemas.public import PublicStatus
from gridconnect.config.vocabulary import NoControl
from gridconnect.services.attempts import TooManyAttempts
from gridconnect.services.context import Services
from gridconnect.services.public import StatusNotFound, check_access_code, masked_view
from gridconnect.services.selfservice.documents import (
    application_of,
    customer_cancel,
    customer_upload,
)
from gridconnect.services.selfservice.satisfaction import AlreadyRated, NotYetConnected, rate
from gridconnect.services.selfservice.tickets import open_ticket, tickets_of
from gridconnect.store.files import FileRefused
from gridconnect.workflow.errors import (
    ApplicationNotFound,
    DocumentNotAllowed,
    InvalidApplication,
    InvalidTransition,
    VersionConflict,
)

router = APIRouter(prefix="/api/v1/public/applications", tags=["public"])


@can_fail(StatusNotFound, ApplicationNotFound, TooManyAttempts)
def proven_number(
    number: Annotated[str, Path(max_length=32)],
    request: Request,
    svc: ServicesDep,
    settings: SettingsDep,
    access_code: Annotated[str | None, Header(alias="X-Access-Code", max_length=64)] = None,
) -> str:
    """The number, once its access code is right (404 otherwise, 429 after too many)."""
    client = request.client.host if request.client else "unknown"
    check_access_code(svc, number, access_code, settings.signing_secret(), client)
    return number


Proven = Annotated[str, Depends(proven_number)]


class CancelRequest(BaseModel):
    reason: Annotated[str, NoControl] = Field(min_length=1, max_length=500)


class RatingIn(BaseModel):
    score: int = Field(
        ge=1, le=5, description="5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意"
    )
    comment: str | None = Field(default=None, max_length=500)


class RatingOut(BaseModel):
    score: int
    comment: str | None


class TicketIn(BaseModel):
    category: Literal["help", "complaint", "suggestion"]
    text: Annotated[str, NoControl] = Field(min_length=1, max_length=500)


class TicketOut(BaseModel):
    id: int
    category: str
    text: str
    created_at: str
    due_at: str
    answered_at: str | None
    answer: str | None


def _status(svc: Services, number: str) -> dict[str, Any]:
    return masked_view(svc, application_of(svc, number))


@router.post(
    "/{number}/documents",
    status_code=status.HTTP_201_CREATED,
    response_model=PublicStatus,
    openapi_extra={"requestBody": REQUEST_BODY},
    responses=errors(
        400,
        413,
        415,
        MalformedJson,
        InvalidBody,
        FileRefused,
        DocumentNotAllowed,
        InvalidTransition,
        VersionConflict,
        TooManyAttempts,
    ),
)
async def send_document(number: Proven, request: Request, svc: ServicesDep) -> dict[str, Any]:
    """A document of the current stage: a file (multipart) or an e-licence (JSON)."""
    document, _ = await document_from(request)
    await run_in_threadpool(customer_upload, svc, number, document)
    return await run_in_threadpool(_status, svc, number)


@router.post(
    "/{number}/cancel",
    response_model=PublicStatus,
    dependencies=[Depends(require_json)],
    responses=errors(InvalidApplication, InvalidTransition, VersionConflict),
)
def cancel(number: Proven, body: CancelRequest, svc: ServicesDep) -> dict[str, Any]:
    """Withdraw the application, saying why."""
    customer_cancel(svc, number, body.reason)
    return _status(svc, number)


@router.post(
    "/{number}/rating",
    status_code=status.HTTP_201_CREATED,
    response_model=RatingOut,
    dependencies=[Depends(require_json)],
    responses=errors(AlreadyRated, NotYetConnected),
)
def rate_service(number: Proven, body: RatingIn, svc: ServicesDep) -> dict[str, Any]:
    """Rate a connected application, once (好差评)."""
    given = rate(svc, number, body.score, body.comment)
    return {"score": given.score, "comment": given.comment}


def _ticket(view: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": view["id"],
        "category": view["category"],
        "text": view["text"],
        "created_at": view["created_at"].isoformat(),
        "due_at": view["due_at"].isoformat(),
        "answered_at": view["answered_at"].isoformat() if view["answered_at"] else None,
        "answer": view["answer"],
    }


@router.post(
    "/{number}/tickets",
    status_code=status.HTTP_201_CREATED,
    response_model=list[TicketOut],
    dependencies=[Depends(require_json)],
    responses=errors(InvalidApplication),
)
def ask_for_help(number: Proven, body: TicketIn, svc: ServicesDep) -> list[dict[str, Any]]:
    """Ask for help or complain; the city's supervisors answer within the policy's days."""
    open_ticket(svc, number, body.category, body.text)
    app = application_of(svc, number)
    assert app.id is not None
    return [_ticket(t) for t in tickets_of(svc, app.id)]


@router.get("/{number}/tickets", response_model=list[TicketOut])
def my_tickets(number: Proven, svc: ServicesDep) -> list[dict[str, Any]]:
    """The application's help requests and complaints, with their answers."""
    app = application_of(svc, number)
    assert app.id is not None
    return [_ticket(t) for t in tickets_of(svc, app.id)]
