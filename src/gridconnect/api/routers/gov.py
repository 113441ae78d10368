"""The government link: signed callbacks from the platform, and the staff's operations.

Callbacks (`/api/v1/gov/callbacks/...`) carry no user: the HMAC signature over the raw body
and a timestamp within 5 minutes authenticate them (docs/gov-platform.md); each is applied
once by its message id.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi import Path as Path_
from pydantic import BaseModel, ValidationError
from starlette.responses import Response

from gridconnect.api.auth import AuthUser, require, user_scope
from gridconnect.api.content import InvalidBody, MalformedJson
from gridconnect.api.deps import ServicesDep, SettingsDep
from gridconnect.api.error_statuses import errors
from gridconnect.api.permissions import Permission
from gridconnect.api.routers.applications import AppId, view
from gridconnect.api.schemas.applications import ApplicationCreate, ApplicationPublic
from gridconnect.api.schemas.gov import (
    AcknowledgementIn,
    ApprovalOut,
    CallbackAnswer,
    CloseLeadIn,
    DecisionIn,
    LeadIn,
    LeadOut,
    LicenceCheckOut,
    LicenceIn,
    LinkStatusOut,
    PullIn,
    SubmitIn,
)
from gridconnect.errors import InvalidInput, NotFound
from gridconnect.services.applications import get_application
from gridconnect.services.context import Services
from gridconnect.services.govlink import leads as lead_service
from gridconnect.services.govlink.approvals import (
    ApprovalNotParallel,
    ApprovalNotSubmitted,
    DecisionInput,
    LinkOff,
    UnknownDepartment,
    get_approval,
    start_parallel_approval,
)
from gridconnect.services.govlink.callbacks import (
    UnknownApplication,
    receive_acknowledgement,
    receive_decision,
)
from gridconnect.services.govlink.drafts import draft_from_lead
from gridconnect.services.govlink.leads import LeadAlreadyHandled, LeadNotFound
from gridconnect.services.govlink.licences import (
    LicenceGiven,
    PlatformDown,
    attach_licences,
    checks_of,
    pull_licences,
    verify_and_record,
)
from gridconnect.services.govlink.signing import (
    SignatureMissing,
    SignatureRefused,
    SignedMessage,
    TimestampOutOfWindow,
    verify,
)
from gridconnect.services.govlink.statistics import gov_monthly
from gridconnect.services.reports.periods import InvalidPeriod
from gridconnect.workflow.errors import (
    DocumentNotAllowed,
    InvalidApplication,
    InvalidTransition,
    VersionConflict,
)

router = APIRouter(prefix="/api/v1", tags=["gov"])

Reader = Annotated[AuthUser, Depends(require(Permission.READ_APPLICATIONS))]
Worker = Annotated[AuthUser, Depends(require(Permission.WORK_APPLICATIONS))]
Clerk = Annotated[AuthUser, Depends(require(Permission.REGISTER_APPLICATIONS))]
LeadId = Annotated[int, Path_(ge=1, le=2_147_483_647)]
Body = TypeVar("Body", bound=BaseModel)
# A callback's body is read and verified here (the signature covers the raw bytes).
CALLBACK_ERRORS = errors(
    400,
    413,
    SignatureMissing,
    SignatureRefused,
    TimestampOutOfWindow,
    LinkOff,
    MalformedJson,
    InvalidBody,
)
LINK_OFF_MESSAGE = (
    "政务平台未接入（未设置 GRIDCONNECT_GOV_PLATFORM_URL），电子证照与政府审批人工登记"
)


async def _signed(
    request: Request, svc: Services, schema: type[Body]
) -> tuple[SignedMessage, Body]:
    """The verified message and its body, or 401 (signature) / 409 (link off) / 422 (fields)."""
    platform = svc.gov_platform
    if platform is None:
        raise LinkOff("no government platform is configured; callbacks are refused", None)
    raw = await request.body()
    message = verify(platform.secret, request.headers, raw, platform.wall_clock())
    try:
        return message, schema.model_validate_json(raw)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise MalformedJson("the request body is not valid JSON", None) from None
        details = [
            {"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
            for e in exc.errors()
        ]
        fields = ", ".join(sorted({d["field"] for d in details}))
        raise InvalidBody(f"invalid value for: {fields}", details) from None


@router.post(
    "/gov/callbacks/approval-acknowledged",
    response_model=CallbackAnswer,
    responses={**CALLBACK_ERRORS, **errors(UnknownApplication)},
)
async def gov_approval_acknowledged(request: Request, svc: ServicesDep) -> dict[str, Any]:
    """The platform acknowledged a submission (signed; idempotent by message id)."""
    message, body = await _signed(request, svc, AcknowledgementIn)
    return receive_acknowledgement(svc, message.message_id, body.application_number, body.case_id)


@router.post(
    "/gov/callbacks/department-decisions",
    response_model=CallbackAnswer,
    responses={
        **CALLBACK_ERRORS,
        **errors(
            UnknownApplication,
            UnknownDepartment,
            InvalidInput,
            ApprovalNotParallel,
            ApprovalNotSubmitted,
        ),
    },
)
async def gov_department_decision(request: Request, svc: ServicesDep) -> dict[str, Any]:
    """A department decided (signed; idempotent by message id; the last one stops the clock)."""
    message, body = await _signed(request, svc, DecisionIn)
    given = DecisionInput(
        str(body.department), str(body.decision), body.reason, body.conditions, body.decided_at
    )
    if body.decision == "refused" and not (body.reason or "").strip():
        raise InvalidInput(
            "a refusal needs its reason", [{"field": "reason", "message": "required"}]
        )
    return receive_decision(svc, message.message_id, body.application_number, given)


@router.post("/gov/callbacks/leads", response_model=CallbackAnswer, responses=CALLBACK_ERRORS)
async def gov_lead(request: Request, svc: ServicesDep) -> dict[str, Any]:
    """A new business or an approved project with an electricity need (L18, L23)."""
    message, body = await _signed(request, svc, LeadIn)
    given = lead_service.LeadInput(
        **{**body.model_dump(), "source": str(body.source), "city": str(body.city)}
    )
    return lead_service.receive_lead(svc, message.message_id, given)


@router.get("/gov/status", response_model=LinkStatusOut)
def gov_link_status(user: Reader, svc: ServicesDep) -> dict[str, Any]:
    """Whether the government platform is connected (else: manual entry)."""
    connected = svc.gov_platform is not None
    return {"connected": connected, "message": "政务平台已接入" if connected else LINK_OFF_MESSAGE}


@router.get("/gov/licences", responses=errors(LinkOff, PlatformDown, InvalidInput))
def pull_gov_licences(
    user: Worker,
    svc: ServicesDep,
    certificate_number: Annotated[str, Query(min_length=1, max_length=64)],
) -> list[dict[str, Any]]:
    """The e-licences the platform holds for a certificate number."""
    return pull_licences(svc, certificate_number)


@router.get("/applications/{application_id}/e-licences", response_model=list[LicenceCheckOut])
def list_licence_checks(application_id: AppId, user: Reader, svc: ServicesDep) -> list[Any]:
    """Each e-licence given for the application and the platform's answer."""
    get_application(svc, application_id, user_scope(user))
    return checks_of(svc, application_id)


@router.post(
    "/applications/{application_id}/e-licences",
    response_model=LicenceCheckOut,
    status_code=201,
    responses=errors(LinkOff, InvalidInput, DocumentNotAllowed, VersionConflict, InvalidTransition),
)
def verify_licence(application_id: AppId, body: LicenceIn, user: Worker, svc: ServicesDep) -> Any:
    """Verify an e-licence with the platform and record it: verified, mismatch or pending."""
    given = LicenceGiven(str(body.licence_type), body.certificate_number, body.holder_name)
    _, check = verify_and_record(
        svc, application_id, given, user.username, user_scope(user), body.expected_version
    )
    return check


@router.post(
    "/applications/{application_id}/e-licences/pull",
    response_model=ApplicationPublic,
    responses=errors(
        LinkOff, PlatformDown, InvalidInput, DocumentNotAllowed, VersionConflict, InvalidTransition
    ),
)
def attach_pulled_licences(
    application_id: AppId, body: PullIn, user: Worker, svc: ServicesDep
) -> Response:
    """Pull the applicant's e-licences by certificate number and attach them in one step."""
    app, _ = attach_licences(
        svc,
        application_id,
        body.certificate_number,
        user.username,
        user_scope(user),
        body.expected_version,
    )
    return view(svc, app)


@router.get(
    "/applications/{application_id}/gov-approval",
    response_model=ApprovalOut,
    responses=errors(NotFound),
)
def read_gov_approval(application_id: AppId, user: Reader, svc: ServicesDep) -> Any:
    """The approval mode chosen at receipt and each department's state."""
    get_application(svc, application_id, user_scope(user))
    approval = get_approval(svc, application_id)
    if approval is None:
        raise NotFound(
            "this application has no approval record", {"application_id": application_id}
        )
    return approval


@router.post(
    "/applications/{application_id}/gov-approval/submit",
    response_model=ApprovalOut,
    responses=errors(LinkOff, ApprovalNotParallel, VersionConflict, InvalidTransition),
)
def submit_gov_approval(
    application_id: AppId, body: SubmitIn, user: Worker, svc: ServicesDep
) -> Any:
    """Submit the parallel approval to the platform (一窗受理); its clock starts."""
    _, approval = start_parallel_approval(
        svc, application_id, user.username, user_scope(user), body.expected_version
    )
    return approval


@router.get("/gov/leads", response_model=list[LeadOut])
def list_gov_leads(
    user: Reader,
    svc: ServicesDep,
    state: Annotated[str, Query(pattern="^(open|converted|closed)$")] = "open",
) -> list[Any]:
    """Leads in your cities (open ones by default), newest first."""
    return lead_service.list_leads(svc, user_scope(user), state)


@router.get("/gov/leads/{lead_id}/draft", responses=errors(LeadNotFound))
def draft_gov_lead(lead_id: LeadId, user: Reader, svc: ServicesDep) -> dict[str, Any]:
    """The application the lead would become: every field the lead knows, pre-filled."""
    return draft_from_lead(lead_service.get_lead(svc, lead_id, user_scope(user)))


@router.post(
    "/gov/leads/{lead_id}/convert",
    response_model=ApplicationPublic,
    status_code=201,
    responses=errors(LeadNotFound, LeadAlreadyHandled, InvalidInput, InvalidApplication),
)
def convert_gov_lead(
    lead_id: LeadId, body: ApplicationCreate, user: Clerk, svc: ServicesDep, settings: SettingsDep
) -> Response:
    """Turn the lead into an application in one step (the lead is converted with it)."""
    if body.city not in user.cities:
        raise InvalidInput(
            f"{body.city} is not one of your cities",
            [{"field": "city", "message": f"must be one of {'、'.join(user.cities)}"}],
        )
    assert user.company is not None
    app = lead_service.convert_lead(
        svc,
        lead_id,
        body.command(user.company),
        user.username,
        settings.signing_secret(),
        user_scope(user),
    )
    return view(svc, app, status.HTTP_201_CREATED)


@router.post(
    "/gov/leads/{lead_id}/close",
    response_model=LeadOut,
    responses=errors(LeadNotFound, LeadAlreadyHandled),
)
def close_gov_lead(lead_id: LeadId, body: CloseLeadIn, user: Worker, svc: ServicesDep) -> Any:
    """Close a lead with a reason (no application)."""
    return lead_service.close_lead(svc, lead_id, body.reason, user.username, user_scope(user))


@router.get("/gov/reports/monthly/{month}", responses=errors(InvalidPeriod))
def gov_monthly_report(
    month: Annotated[str, Path_(pattern=r"^\d{4}-\d{2}$")],
    user: Annotated[AuthUser, Depends(require(Permission.READ_REPORTS))],
    svc: ServicesDep,
) -> dict[str, Any]:
    """Departments' approval times (L55 ledger) and leads (L18, L23) of a month."""
    return gov_monthly(svc, month, user_scope(user))
