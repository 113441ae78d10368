"""Applications for staff: register, list, read, audit trail and the stage actions."""

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, status
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from gridconnect.api.auth import (
    AuthUser,
    SignedIn,
    as_user,
    require,
    require_signed,
    user_of,
    user_scope,
)
from gridconnect.api.content import require_json
from gridconnect.api.deps import ServicesDep, SettingsDep
from gridconnect.api.error_statuses import can_fail, errors
from gridconnect.api.permissions import Permission
from gridconnect.api.point_reads import on_page_thread, point_read, reads_inline
from gridconnect.api.schemas.applications import (
    ActionIn,
    ApplicationCreate,
    ApplicationPage,
    ApplicationPublic,
    CancelIn,
    EventOut,
    SuspendIn,
)
from gridconnect.api.shaped import shaped_json
from gridconnect.errors import InvalidInput, NotFound
from gridconnect.services.applications import (
    notify_missing_documents,
    perform,
    record_site_survey,
    shown_to,
)
from gridconnect.services.context import Services
from gridconnect.services.listing import (
    Filters,
    application_events,
    application_id_of,
    find_page,
    page_views,
)
from gridconnect.services.listing import list_applications as list_page
from gridconnect.services.selfservice.codes import receive_in_hall
from gridconnect.services.views import application_view
from gridconnect.store.reading import read_application as read_one
from gridconnect.store.reading import read_only
from gridconnect.workflow.errors import (
    ApplicationNotFound,
    InvalidApplication,
    InvalidTransition,
    MissingDocuments,
    UnknownSuspensionReason,
    VersionConflict,
)
from gridconnect.workflow.model import Application

router = APIRouter(prefix="/api/v1/applications", tags=["applications"])

NUMBER_PATTERN = r"^[A-Z]+-[0-9]{4}-[0-9]{6,}$"


@can_fail(NotFound, ApplicationNotFound, InvalidInput)
async def _application_id(
    svc: ServicesDep,
    application_id: Annotated[
        str,
        Path(
            pattern=rf"^([1-9][0-9]{{0,9}}|{NUMBER_PATTERN[1:-1]})$",
            description="the application's id or its number (SGCC-2026-000211)",
        ),
    ],
) -> int:
    """Clients know an application by its number; the id is accepted as before."""
    if application_id.isdigit():
        if int(application_id) > 2_147_483_647:
            raise InvalidInput(
                "application_id is out of range",
                [{"field": "application_id", "message": "at most 2147483647"}],
            )
        return int(application_id)
    found = await point_read(svc.engine, application_id_of, svc, application_id)
    if found is None:
        raise NotFound(f"no application {application_id}")
    return found


AppId = Annotated[int, Depends(_application_id)]
Clerk = Annotated[AuthUser, Depends(require(Permission.REGISTER_APPLICATIONS))]
Worker = Annotated[AuthUser, Depends(require(Permission.WORK_APPLICATIONS))]
Reader = Annotated[AuthUser, Depends(require(Permission.READ_APPLICATIONS))]
# Signed in, the user read later in the command's own thread hand-off (`as_user`).
SignedClerk = Annotated[SignedIn, Depends(require_signed(Permission.REGISTER_APPLICATIONS))]
SignedWorker = Annotated[SignedIn, Depends(require_signed(Permission.WORK_APPLICATIONS))]
SignedReader = Annotated[SignedIn, Depends(require_signed(Permission.READ_APPLICATIONS))]
JSON_ONLY = [Depends(require_json)]
# What a stage action can be refused for, beyond the input and the lookup.
ACTION_ERRORS = errors(VersionConflict, InvalidTransition)


def view(svc: Services, app: Application, status_code: int = status.HTTP_200_OK) -> Response:
    """The application as the API shows it (`ApplicationPublic`), sent as built (`shaped`)."""
    return shaped_json(application_view(svc.policy, svc.calendar, app, svc.now()), status_code)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ApplicationPublic,
    dependencies=JSON_ONLY,
    responses=errors(InvalidInput, InvalidApplication),
)
async def create_application(
    body: ApplicationCreate, signed: SignedClerk, svc: ServicesDep, settings: SettingsDep
) -> Response:
    """Register an application received at the service hall (company from the clerk); its
    access code goes to the customer's phone (the receipt page shows it once)."""
    secret = settings.signing_secret()
    # One thread hand-off for the blocking work. On PostgreSQL the clerk's user is read in
    # it too (a hand-off of its own cost a fifth of the requests a second under load); on
    # SQLite, where a point read is cheaper in the event loop than in a thread, before it.
    clerk = as_user(svc.engine, signed) if reads_inline(svc.engine) else signed
    app = await run_in_threadpool(_register_as, svc, clerk, body, secret)
    return view(svc, app, status.HTTP_201_CREATED)  # the view (CPU only) in the event loop


def _register_as(
    svc: Services, clerk: AuthUser | SignedIn, body: ApplicationCreate, secret: str
) -> Application:
    """The clerk (401, 403), their city (422), then the registration with its access code."""
    user = user_of(svc.engine, clerk)
    if body.city not in user.cities:
        raise InvalidInput(
            f"{body.city} is not one of your cities",
            [{"field": "city", "message": f"must be one of {'、'.join(user.cities)}"}],
        )
    assert user.company is not None
    app, _code = receive_in_hall(svc, body.command(user.company), user.username, secret)
    return app


@router.get("", response_model=ApplicationPage)
async def list_applications(
    user: Reader,
    svc: ServicesDep,
    stage: Annotated[str | None, Query(max_length=32)] = None,
    city: Annotated[str | None, Query(max_length=16)] = None,
    number: Annotated[
        str | None, Query(pattern=NUMBER_PATTERN, description="SGCC-2026-000211")
    ] = None,
    status_: Annotated[
        Literal["open", "connected", "cancelled"] | None, Query(alias="status")
    ] = None,
    clock_state: Literal["running", "paused", "met", "breached", "cancelled"] | None = None,
    sort: Annotated[
        Literal["due", "newest", "oldest", "risk"],
        Query(description="due: most urgent first; risk: highest forecast breach risk first"),
    ] = "newest",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """Applications in your company and cities, filtered, sorted and paginated."""
    filters = Filters(
        stage=stage, city=city, status=status_, clock_state=clock_state, number=number
    )
    scope = user_scope(user)
    if reads_inline(svc.engine):
        # SQLite: the page and its views in one hand-off, on a thread of their own (see
        # `on_page_thread`).
        items, total = await on_page_thread(list_page, svc, scope, filters, sort, limit, offset)
    else:
        # PostgreSQL: the database work in the thread pool; the views (CPU only) in the
        # event loop, where they do not contend for the GIL with the threads' reads.
        page, total = await run_in_threadpool(find_page, svc, scope, filters, sort, limit, offset)
        items = page_views(svc, page)
    return shaped_json({"items": items, "total": total, "limit": limit, "offset": offset})


@router.get("/{application_id}", response_model=ApplicationPublic)
async def read_application(
    application_id: AppId, signed: SignedReader, svc: ServicesDep
) -> Response:
    """One application with its stages, documents, missing documents, actions and clocks."""
    app = await point_read(svc.engine, _read_as, svc, signed, application_id)
    return view(svc, app)


def _read_as(svc: Services, signed: SignedIn, application_id: int) -> Application:
    """The caller's user and the application: one hand-off, one connection (401, 403,
    then 404)."""
    with read_only(svc.engine) as connection:
        user = as_user(connection, signed)
        app = read_one(connection, application_id)
    return shown_to(user_scope(user), app, application_id)


@router.get("/{application_id}/events", response_model=list[EventOut])
async def list_application_events(
    application_id: AppId, user: Reader, svc: ServicesDep
) -> list[dict[str, Any]]:
    """The audit trail, oldest first (hash-chained)."""
    return await run_in_threadpool(application_events, svc, application_id, user_scope(user))


def _act(
    svc: Services,
    signed: SignedIn,
    application_id: int,
    action: str,
    body: ActionIn | None,
    reason_code: str | None = None,
    note: str | None = None,
) -> Response:
    """A stage action in the request's one thread hand-off: the user (401, 403), then the
    command."""
    user = as_user(svc.engine, signed)
    app = perform(
        svc,
        application_id,
        action,
        actor=user.username,
        scope=user_scope(user),
        expected_version=body.expected_version if body else None,
        reason_code=reason_code,
        note=note,
    )
    return view(svc, app)


@router.post(
    "/{application_id}/advance",
    response_model=ApplicationPublic,
    dependencies=JSON_ONLY,
    responses=errors(VersionConflict, InvalidTransition, MissingDocuments),
)
def advance_application(
    application_id: AppId, signed: SignedWorker, svc: ServicesDep, body: ActionIn | None = None
) -> Response:
    """Move to the next stage (all documents of this stage needed); the last one connects."""
    return _act(svc, signed, application_id, "advance", body)


@router.post(
    "/{application_id}/suspend",
    response_model=ApplicationPublic,
    dependencies=JSON_ONLY,
    responses=errors(VersionConflict, InvalidTransition, UnknownSuspensionReason),
)
def suspend_application(
    application_id: AppId, body: SuspendIn, signed: SignedWorker, svc: ServicesDep
) -> Response:
    """Suspend for a customer-side reason; the clocks pause."""
    return _act(svc, signed, application_id, "suspend", body, body.reason_code, body.note)


@router.post(
    "/{application_id}/resume",
    response_model=ApplicationPublic,
    dependencies=JSON_ONLY,
    responses=ACTION_ERRORS,
)
def resume_application(
    application_id: AppId, signed: SignedWorker, svc: ServicesDep, body: ActionIn | None = None
) -> Response:
    """Resume a suspended application; deadlines move out by the working days suspended."""
    return _act(svc, signed, application_id, "resume", body)


@router.post(
    "/{application_id}/cancel",
    response_model=ApplicationPublic,
    dependencies=JSON_ONLY,
    responses=ACTION_ERRORS,
)
def cancel_application(
    application_id: AppId, signed: SignedWorker, svc: ServicesDep, body: CancelIn | None = None
) -> Response:
    """Cancel at the customer's request."""
    return _act(svc, signed, application_id, "cancel", body, note=body.note if body else None)


@router.post(
    "/{application_id}/gov-approval/start",
    response_model=ApplicationPublic,
    dependencies=JSON_ONLY,
    responses=ACTION_ERRORS,
)
def start_gov_approval(
    application_id: AppId, signed: SignedWorker, svc: ServicesDep, body: ActionIn | None = None
) -> Response:
    """Start the government approval of the connection works (its own clock)."""
    return _act(svc, signed, application_id, "start_gov_approval", body)


@router.post(
    "/{application_id}/gov-approval/complete",
    response_model=ApplicationPublic,
    dependencies=JSON_ONLY,
    responses=ACTION_ERRORS,
)
def complete_gov_approval(
    application_id: AppId, signed: SignedWorker, svc: ServicesDep, body: ActionIn | None = None
) -> Response:
    """Record that the government approval is granted."""
    return _act(svc, signed, application_id, "complete_gov_approval", body)


@router.post(
    "/{application_id}/missing-documents-notice",
    response_model=ApplicationPublic,
    dependencies=JSON_ONLY,
    responses=ACTION_ERRORS,
)
def missing_documents_notice(
    application_id: AppId, signed: SignedWorker, svc: ServicesDep, body: ActionIn | None = None
) -> Response:
    """Tell the customer once what is still needed (一次性告知); the acceptance clock stops."""
    return _step(svc, signed, application_id, body, notify_missing_documents)


@router.post(
    "/{application_id}/site-survey",
    response_model=ApplicationPublic,
    dependencies=JSON_ONLY,
    responses=ACTION_ERRORS,
)
def site_survey(
    application_id: AppId, signed: SignedWorker, svc: ServicesDep, body: ActionIn | None = None
) -> Response:
    """Record the HV site survey (supply-plan stage); an on-site reply is due that day."""
    return _step(svc, signed, application_id, body, record_site_survey)


def _step(
    svc: Services,
    signed: SignedIn,
    application_id: int,
    body: ActionIn | None,
    command: Callable[..., Application],
) -> Response:
    """A step that takes nothing but the version the client read (the user read first)."""
    user = as_user(svc.engine, signed)
    version = body.expected_version if body else None
    app = command(svc, application_id, user.username, user_scope(user), version)
    return view(svc, app)
