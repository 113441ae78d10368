"""The government link in the pages: e-licences and the approval on an application's page,
the leads in the hall's workbench, departments' times for supervisors, and each
department's state on the customer's status page.

The application and status pages include `_gov_application.html` / `_gov_departments.html`
with the context built here, so the link's part stays in its own templates.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from gridconnect.api.deps import services_of, settings_of
from gridconnect.api.pages.session import CsrfChecked, scope_of, staff
from gridconnect.api.pages.web import PageError, redirect, render
from gridconnect.api.permissions import Permission, allows
from gridconnect.config.vocabulary import (
    ApprovalMode,
    AreaClass,
    Department,
    DepartmentDecision,
    Kind,
    LeadSource,
    LicenceType,
    NoControl,
)
from gridconnect.errors import GridconnectError
from gridconnect.services.context import Services
from gridconnect.services.govlink import leads as lead_service
from gridconnect.services.govlink.approvals import get_approval, start_parallel_approval
from gridconnect.services.govlink.drafts import draft_from_lead
from gridconnect.services.govlink.licences import (
    LicenceGiven,
    attach_licences,
    checks_of,
    verify_and_record,
)
from gridconnect.services.govlink.statistics import gov_monthly
from gridconnect.services.reports.periods import month_of
from gridconnect.services.users import AuthUser
from gridconnect.timesource import local_date
from gridconnect.workflow.intake import ApplicationIntake
from gridconnect.workflow.model import Application

router = APIRouter(tags=["pages"], include_in_schema=False)

READER = staff(Permission.READ_APPLICATIONS)
WORKER = staff(Permission.WORK_APPLICATIONS)
CLERK = staff(Permission.REGISTER_APPLICATIONS)
REPORTS = staff(Permission.READ_REPORTS)
LINK_OFF = "政务平台未接入：电子证照请人工登记证照编号，政府审批请人工登记报送和完成。"
DEPARTMENT_STATES = {"pending": "审批中", **DepartmentDecision.names()}
APPROVAL_STATES = {
    "chosen": "未报送",
    "submitting": "报送中（政务平台暂不可用，自动重试）",
    "submitted": "已报送，待平台受理",
    "acknowledged": "平台已受理，各部门并联审批中",
    "decided": "各部门已全部办结",
}
CHECK_STATES = {
    "verified": "核验通过",
    "mismatch": "核验不符（未计入）",
    "pending": "待核验（暂计入）",
}


def _departments(svc: Services, application_id: int) -> dict[str, Any] | None:
    approval = get_approval(svc, application_id)
    if approval is None:
        return None
    names = Department.names()
    return {
        "mode": approval.mode,
        "mode_name": ApprovalMode.names().get(approval.mode, approval.mode),
        "state": approval.state,
        "state_name": APPROVAL_STATES.get(approval.state, approval.state),
        "case_id": approval.case_id,
        "submitted_at": approval.submitted_at,
        "last_error": approval.last_error,
        "departments": [
            {
                "name": names.get(d.department, d.department),
                "state": d.state,
                "state_name": DEPARTMENT_STATES.get(d.state, d.state),
                "reason": d.reason,
                "conditions": d.conditions,
                "decided_at": d.decided_at,
                "working_days": d.working_days,
            }
            for d in approval.departments
        ],
        "planned": [names.get(d, d) for d in _planned(svc, application_id)],
    }


def _planned(svc: Services, application_id: int) -> list[str]:
    from gridconnect.store.gov_tables import GovApprovalRow

    with svc.unit_of_work() as uow:
        from sqlmodel import select

        row = uow.session.exec(
            select(GovApprovalRow).where(GovApprovalRow.application_id == application_id)
        ).first()
        return list(row.departments) if row is not None else []


def customer_context(svc: Services, app: Application) -> dict[str, Any] | None:
    """What the customer sees of the approval (审批流程公开透明, L17)."""
    assert app.id is not None
    return _departments(svc, app.id)


def staff_context(svc: Services, app: Application, user: AuthUser) -> dict[str, Any]:
    assert app.id is not None
    return {
        "link_on": svc.gov_platform is not None,
        "link_off_message": LINK_OFF,
        "approval": _departments(svc, app.id),
        "checks": [
            {**c.__dict__, "state_name": CHECK_STATES.get(c.state, c.state)}
            for c in checks_of(svc, app.id)
        ],
        "licence_types": LicenceType.names(),
        "may_work": allows(user.role, Permission.WORK_APPLICATIONS) and app.is_open,
    }


def _refused(exc: GridconnectError) -> PageError:
    titles = {409: "操作冲突", 503: "政务平台暂不可用", 404: "未找到"}
    return PageError(exc.status, titles.get(exc.status, "无法办理"), exc.message)


def _back(application_id: int, done: str) -> Response:
    return redirect(f"/workbench/applications/{application_id}?done={done}#gov")


@router.post("/workbench/applications/{application_id}/gov/licences", dependencies=[CsrfChecked])
def verify_licence_form(
    request: Request,
    application_id: int,
    licence_type: Annotated[str, NoControl, Form(max_length=32)] = "",
    certificate_number: Annotated[str, NoControl, Form(max_length=64)] = "",
    holder_name: Annotated[str, NoControl, Form(max_length=100)] = "",
    expected_version: Annotated[int | None, Form()] = None,
    user: AuthUser = WORKER,
) -> Response:
    given = LicenceGiven(licence_type, certificate_number.strip(), holder_name.strip())
    if not given.certificate_number or not given.holder_name:
        raise PageError(422, "信息不全", "请填写证照号码和持证人名称。")
    try:
        verify_and_record(
            services_of(request),
            application_id,
            given,
            user.username,
            scope_of(user),
            expected_version,
        )
    except GridconnectError as exc:
        raise _refused(exc) from None
    return _back(application_id, "document")


@router.post("/workbench/applications/{application_id}/gov/pull", dependencies=[CsrfChecked])
def pull_licences_form(
    request: Request,
    application_id: int,
    certificate_number: Annotated[str, NoControl, Form(max_length=64)] = "",
    expected_version: Annotated[int | None, Form()] = None,
    user: AuthUser = WORKER,
) -> Response:
    try:
        attach_licences(
            services_of(request),
            application_id,
            certificate_number,
            user.username,
            scope_of(user),
            expected_version,
        )
    except GridconnectError as exc:
        raise _refused(exc) from None
    return _back(application_id, "document")


@router.post("/workbench/applications/{application_id}/gov/submit", dependencies=[CsrfChecked])
def submit_approval_form(
    request: Request,
    application_id: int,
    expected_version: Annotated[int | None, Form()] = None,
    user: AuthUser = WORKER,
) -> Response:
    try:
        start_parallel_approval(
            services_of(request), application_id, user.username, scope_of(user), expected_version
        )
    except GridconnectError as exc:
        raise _refused(exc) from None
    return _back(application_id, "start_gov_approval")


@router.get("/workbench/leads")
def leads_page(request: Request, user: AuthUser = READER) -> Response:
    svc = services_of(request)
    leads = lead_service.list_leads(svc, scope_of(user), "open")
    context = {
        "leads": [{**lead.model_dump(), "draft": draft_from_lead(lead)} for lead in leads],
        "source_names": LeadSource.names(),
        "kind_names": Kind.names(),
        "area_names": AreaClass.names(),
        "may_convert": allows(user.role, Permission.REGISTER_APPLICATIONS),
        "may_close": allows(user.role, Permission.WORK_APPLICATIONS),
        "link_on": svc.gov_platform is not None,
        "link_off_message": LINK_OFF,
        "done": {"converted": "已转为报装申请。", "closed": "线索已关闭。"}.get(
            request.query_params.get("done", "")
        ),
    }
    return render(request, "gov_leads.html", context)


@router.post("/workbench/leads/{lead_id}/convert", dependencies=[CsrfChecked])
def convert_lead_form(
    request: Request,
    lead_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
    kind: Annotated[str, Form(max_length=32)] = "",
    area_class: Annotated[str, Form(max_length=16)] = "",
    capacity: Annotated[float | None, Form()] = None,
    phone: Annotated[str, NoControl, Form(max_length=32)] = "",
    user: AuthUser = CLERK,
) -> Response:
    svc = services_of(request)
    try:
        lead = lead_service.get_lead(svc, lead_id, scope_of(user))
        draft = draft_from_lead(lead)
        draft.update(kind=kind or draft["kind"], area_class=area_class or draft["area_class"])
        draft["customer"]["phone"] = phone.strip() or draft["customer"]["phone"]
        for unit in ("capacity_kw", "capacity_kva", "voltage_kv", "supply"):
            draft.pop(unit, None)
        if draft["kind"] == Kind.HV:
            draft.update(capacity_kva=capacity, voltage_kv=10.0, supply="single")
        else:
            draft["capacity_kw"] = capacity
        intake = ApplicationIntake.model_validate(draft)
        problems = intake.problems()
        if problems:
            raise PageError(422, "信息不全", "；".join(p["message"] for p in problems))
        assert user.company is not None
        from gridconnect.api.schemas.applications import ApplicationCreate

        command = ApplicationCreate.model_validate(draft).command(user.company)
        secret = settings_of(request).signing_secret()
        app = lead_service.convert_lead(
            svc, lead_id, command, user.username, secret, scope_of(user)
        )
    except GridconnectError as exc:
        raise _refused(exc) from None
    except ValueError as exc:
        raise PageError(422, "信息有误", f"请核对线索信息：{exc.__class__.__name__}") from None
    return redirect(f"/workbench/applications/{app.id}?done=registered")


@router.post("/workbench/leads/{lead_id}/close", dependencies=[CsrfChecked])
def close_lead_form(
    request: Request,
    lead_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
    reason: Annotated[str, NoControl, Form(max_length=200)] = "",
    user: AuthUser = WORKER,
) -> Response:
    try:
        lead_service.close_lead(
            services_of(request), lead_id, reason, user.username, scope_of(user)
        )
    except GridconnectError as exc:
        raise _refused(exc) from None
    return redirect("/workbench/leads?done=closed")


@router.get("/supervisor/gov")
def gov_ledger_page(
    request: Request, month: str | None = None, user: AuthUser = REPORTS
) -> Response:
    """Departments' approval times (L55 台账) and leads of a month."""
    svc = services_of(request)
    label = month or month_of(local_date(svc.now())).label
    try:
        figures = gov_monthly(svc, label, scope_of(user))
    except GridconnectError as exc:
        raise _refused(exc) from None
    return render(request, "gov_ledger.html", {"figures": figures})
