"""One application for staff: details, stages, documents, allowed actions, audit trail.

Forms carry `expected_version`; when someone else changed the application in between, the
page is shown again with the current state and a message, never an error page.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gridconnect.api.deps import services_of
from gridconnect.api.pages import gov as gov_pages  # govlink
from gridconnect.api.pages.labels import clock_label, stage_label
from gridconnect.api.pages.orders_view import orders_context
from gridconnect.api.pages.session import CsrfChecked, scope_of, staff
from gridconnect.api.pages.web import PageError, redirect, render
from gridconnect.api.permissions import Permission, allows
from gridconnect.config.vocabulary import NoControl
from gridconnect.errors import GridconnectError
from gridconnect.services.applications import (
    DocumentInput,
    get_application,
    notify_missing_documents,
    perform,
    record_document,
    record_not_applicable,
    record_site_survey,
)
from gridconnect.services.listing import application_events
from gridconnect.services.users import AuthUser
from gridconnect.services.views import application_view
from gridconnect.store.files import FileRefused
from gridconnect.workflow.errors import (
    ApplicationNotFound,
    DocumentAlwaysRequired,
    DocumentNotAllowed,
    InvalidApplication,
    InvalidTransition,
    MissingDocuments,
    UnknownNotApplicableReason,
    UnknownSuspensionReason,
    VersionConflict,
)
from gridconnect.workflow.machine import Action
from gridconnect.workflow.model import Application

router = APIRouter(prefix="/workbench/applications", tags=["pages"], include_in_schema=False)

STAFF = staff(Permission.READ_APPLICATIONS)
WORKER = staff(Permission.WORK_APPLICATIONS)
CONFLICT = "此申请已被他人更新，请刷新后重试"
DONE = {
    "registered": "申请已登记受理。",
    "document": "资料已登记。",
    "advance": "已办结本环节。",
    "suspend": "已暂停，计时暂停。",
    "resume": "已恢复办理，时限已顺延。",
    "cancel": "申请已撤销。",
    "start_gov_approval": "已登记报送政府审批。",
    "complete_gov_approval": "已登记政府审批完成。",
    "not_applicable": "已登记资料不适用及原因。",
    "notice": "已登记一次性告知，客户将收到通知。",
    "site_survey": "已登记现场勘查。",
    # command centre: supervision orders
    "order_issued": "督办单已下达。",
    "order_answered": "督办单已答复。",
}


def _not_found() -> PageError:
    return PageError(404, "未找到申请", "申请不存在，或不在您所辖的供电企业和地市范围内。")


def _page(
    request: Request, user: AuthUser, application_id: int, status_code: int = 200, **extra: Any
) -> Response:
    svc = services_of(request)
    scope = scope_of(user)
    try:
        app = get_application(svc, application_id, scope)
    except ApplicationNotFound:
        raise _not_found() from None
    policy = svc.policy
    view = application_view(policy, svc.calendar, app, svc.now())
    kind = view["kind"]
    for clock in view["clocks"]:
        clock["name"] = clock_label(policy, kind, clock["kind"])
    for document in view["documents"]:
        document["stage_name"] = stage_label(policy, kind, document["stage"])
    events = application_events(svc, application_id, scope)
    for event in events:
        after, doc_type = event["stage_after"], event["details"].get("doc_type")
        event["stage_name"] = stage_label(policy, kind, after) if after else ""
        event["doc_name"] = policy.documents[doc_type].name if doc_type in policy.documents else ""
    whitelist = policy.whitelist(kind, app.stage) if app.is_open else ()
    context = {
        "app": view,
        "kind_name": policy.kind(kind).name,
        "stage_name": stage_label(policy, kind, view["stage"]),
        "events": events,
        "whitelist": whitelist,
        "reasons": policy.suspension_reasons,
        "na_reasons": policy.not_applicable_reasons,
        "first_stage": policy.stage_codes(kind)[0],
        "reason_names": {r.code: r.name for r in policy.suspension_reasons},
        "unconfigured": [clock_label(policy, kind, c) for c in view["unconfigured_clocks"]],
        "doc_values": {"source": "e_license"},
        "doc_errors": {},
        "done": DONE.get(request.query_params.get("done", "")),
        "action_error": REFUSED.get(request.query_params.get("refused", "")),
        "may_work": allows(user.role, Permission.WORK_APPLICATIONS),
        "gov": gov_pages.staff_context(svc, app, user),  # govlink: _gov_application.html
        **orders_context(svc, user, application_id),  # command centre
        **extra,
    }
    return render(request, "application.html", context, status_code=status_code)


@router.get("/{application_id}")
def application_page(request: Request, application_id: int, user: AuthUser = STAFF) -> Response:
    return _page(request, user, application_id)


def _document_errors(exc: GridconnectError, allowed: list[str]) -> dict[str, str]:
    if isinstance(exc, DocumentNotAllowed):
        return {"doc_type": "本环节不能要求此类资料，请从列表中选择：" + "、".join(allowed)}
    if isinstance(exc, FileRefused):
        return {"file": "请上传 PDF、JPEG 或 PNG 文件（不能为空，且不超过上传大小限制）"}
    fields = [p.get("field") for p in exc.details or [] if isinstance(p, dict)]
    errors = {}
    if "reference" in fields:
        errors["reference"] = "电子证照方式须填写证照编号"
    if "file" in fields:
        errors["file"] = "上传方式须选择要上传的文件"
    if "source" in fields:
        errors["source"] = "请选择资料来源"
    return errors or {"doc_type": exc.message}


@router.post("/{application_id}/documents", dependencies=[CsrfChecked])
async def add_document(
    request: Request,
    application_id: int,
    doc_type: Annotated[str, NoControl, Form(max_length=64)] = "",
    source: Annotated[str, NoControl, Form(max_length=32)] = "",
    reference: Annotated[str, NoControl, Form(max_length=200)] = "",
    expected_version: Annotated[int | None, Form()] = None,
    file: Annotated[UploadFile | None, Form()] = None,
    user: AuthUser = WORKER,
) -> Response:
    """Record one whitelisted document of the current stage (upload or e-licence)."""
    content = await file.read() if file is not None and file.filename else None
    document = DocumentInput(
        doc_type=doc_type,
        source=source,
        reference=reference.strip() or None,
        content=content,
        declared_type=file.content_type if content is not None and file is not None else None,
        file_name=file.filename if content is not None and file is not None else None,
    )
    svc = services_of(request)
    try:
        await run_in_threadpool(
            record_document,
            svc,
            application_id,
            document,
            user.username,
            scope_of(user),
            expected_version,
        )
    except ApplicationNotFound:
        raise _not_found() from None
    except VersionConflict:
        return _page(request, user, application_id, 409, conflict=CONFLICT)
    except (DocumentNotAllowed, InvalidApplication, FileRefused, InvalidTransition) as exc:
        app = get_application(svc, application_id, scope_of(user))
        allowed = [d.name for d in svc.policy.whitelist(app.kind, app.stage)] if app.is_open else []
        values = {"doc_type": doc_type, "source": source, "reference": reference}
        errors = _document_errors(exc, allowed)
        return _page(request, user, application_id, 422, doc_values=values, doc_errors=errors)
    return redirect(f"/workbench/applications/{application_id}?done=document")


@router.post("/{application_id}/actions/{action}", dependencies=[CsrfChecked])
def act(
    request: Request,
    application_id: int,
    action: str,
    expected_version: Annotated[int | None, Form()] = None,
    reason_code: Annotated[str, NoControl, Form(max_length=32)] = "",
    note: Annotated[str, NoControl, Form(max_length=500)] = "",
    user: AuthUser = WORKER,
) -> Response:
    """Run one action the stage machine allows now."""
    if action not in tuple(Action):
        raise PageError(404, "无此操作", "该操作不存在。")
    svc = services_of(request)
    try:
        perform(
            svc,
            application_id,
            action,
            user.username,
            scope_of(user),
            expected_version,
            reason_code=reason_code or None,
            note=note.strip() or None,
        )
    except ApplicationNotFound:
        raise _not_found() from None
    except VersionConflict:
        return _page(request, user, application_id, 409, conflict=CONFLICT)
    except UnknownSuspensionReason:
        return _refused(application_id, "suspension_reason")
    except MissingDocuments:
        return _refused(application_id, "missing_documents")
    except InvalidTransition:
        return _refused(application_id, "transition")
    return redirect(f"/workbench/applications/{application_id}?done={action}")


# A refused action answers with a redirect to the page that says why (post/redirect/get),
# so that refreshing the page does not post the refused form again.
REFUSED = {
    "suspension_reason": "请从列表中选择暂停原因",
    "missing_documents": "本环节资料尚未齐全，不能办结"
    "（请先登记缺少的资料，或将不适用的资料登记为不适用并选择原因）",
    "transition": "当前状态下不能执行此操作，请刷新后查看可用操作",
}


def _refused(application_id: int, reason: str) -> Response:
    return redirect(f"/workbench/applications/{application_id}?refused={reason}")


@router.post("/{application_id}/documents/not-applicable", dependencies=[CsrfChecked])
def mark_not_applicable(
    request: Request,
    application_id: int,
    doc_type: Annotated[str, NoControl, Form(max_length=64)] = "",
    reason_code: Annotated[str, NoControl, Form(max_length=32)] = "",
    note: Annotated[str, NoControl, Form(max_length=500)] = "",
    expected_version: Annotated[int | None, Form()] = None,
    user: AuthUser = WORKER,
) -> Response:
    """Record a where-applicable document as not applicable, with a reason from the list."""
    svc = services_of(request)
    try:
        record_not_applicable(
            svc,
            application_id,
            doc_type,
            reason_code,
            user.username,
            note=note.strip() or None,
            scope=scope_of(user),
            expected_version=expected_version,
        )
    except ApplicationNotFound:
        raise _not_found() from None
    except VersionConflict:
        return _page(request, user, application_id, 409, conflict=CONFLICT)
    except UnknownNotApplicableReason:
        return _page(request, user, application_id, 422, na_error="请从列表中选择不适用的原因")
    except (DocumentAlwaysRequired, DocumentNotAllowed, InvalidTransition):
        error = "此资料须提供，不能登记为不适用（或已登记），请刷新后重试"
        return _page(request, user, application_id, 422, na_error=error)
    return redirect(f"/workbench/applications/{application_id}?done=not_applicable")


@router.post("/{application_id}/missing-documents-notice", dependencies=[CsrfChecked])
def missing_documents_notice(
    request: Request,
    application_id: int,
    expected_version: Annotated[int | None, Form()] = None,
    user: AuthUser = WORKER,
) -> Response:
    """Record the one-time notice of missing documents; the customer is notified."""
    refused = "只能在业务受理环节、尚有缺件时登记一次性告知"
    command = notify_missing_documents
    return _record_step(request, user, application_id, expected_version, command, refused, "notice")


@router.post("/{application_id}/site-survey", dependencies=[CsrfChecked])
def site_survey(
    request: Request,
    application_id: int,
    expected_version: Annotated[int | None, Form()] = None,
    user: AuthUser = WORKER,
) -> Response:
    """Record the HV site survey of the supply-plan stage."""
    refused = "只能在供电方案答复环节登记一次现场勘查"
    command = record_site_survey
    return _record_step(
        request, user, application_id, expected_version, command, refused, "site_survey"
    )


def _record_step(
    request: Request,
    user: AuthUser,
    application_id: int,
    expected_version: int | None,
    command: Callable[..., Application],
    refused: str,
    done: str,
) -> Response:
    """Run a step with no input but the version; a refusal re-renders the page and says why."""
    svc = services_of(request)
    try:
        command(svc, application_id, user.username, scope_of(user), expected_version)
    except ApplicationNotFound:
        raise _not_found() from None
    except VersionConflict:
        return _page(request, user, application_id, 409, conflict=CONFLICT)
    except InvalidTransition:
        return _page(request, user, application_id, 409, action_error=refused)
    return redirect(f"/workbench/applications/{application_id}?done={done}")
