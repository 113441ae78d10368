"""Customers' self-service pages: the hall receipt with its code, recovering a lost code.

The plain access code is shown once, carried across the redirect in a short signed cookie
(`customer.remember_new_code`) as after applying online; it is never stored in clear.
"""

from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from gridconnect.api.deps import services_of, settings_of
from gridconnect.api.pages import customer as cookies
from gridconnect.api.pages.labels import clock_label, stage_label
from gridconnect.api.pages.session import CsrfChecked, scope_of, set_cookie, staff
from gridconnect.api.pages.web import PageError, days_left, due_text, local_time, redirect, render
from gridconnect.api.permissions import Permission
from gridconnect.config.vocabulary import NoControl
from gridconnect.services import public
from gridconnect.services.applications import DocumentInput, get_application
from gridconnect.services.attempts import TooManyAttempts
from gridconnect.services.context import Services
from gridconnect.services.selfservice.codes import reissue_in_hall
from gridconnect.services.selfservice.documents import (
    DocumentFileNotFound,
    StoredDocument,
    application_of,
    customer_cancel,
    customer_upload,
    stored_document,
)
from gridconnect.services.selfservice.recovery import (
    ONE_TIME_VALID,
    RecoveryFailed,
    request_recovery,
    verify_recovery,
)
from gridconnect.services.selfservice.satisfaction import (
    SCORES,
    AlreadyRated,
    NotYetConnected,
    rate,
    rating_of,
)
from gridconnect.services.selfservice.tickets import CATEGORIES, tickets_of
from gridconnect.services.users import AuthUser
from gridconnect.store.files import FileRefused
from gridconnect.workflow.errors import (
    ApplicationNotFound,
    DocumentNotAllowed,
    InvalidApplication,
    InvalidTransition,
)
from gridconnect.workflow.model import Application

router = APIRouter(tags=["pages"], include_in_schema=False)

STAFF = staff(Permission.READ_APPLICATIONS)
REGISTRAR = staff(Permission.REGISTER_APPLICATIONS)
RECOVERY_COOKIE = "gridconnect_recovery"


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def status_link(request: Request, number: str) -> str:
    """The status page with the number filled in: what the receipt's QR code opens."""
    return str(request.url_for("status_form").include_query_params(number=number))


def qr_svg(link: str) -> str:
    """An inline SVG QR code (error correction M: survives a crease in the paper)."""
    return str(segno.make(link, error="m").svg_inline(scale=4, dark="#000", light="#fff"))


# -- the hall: the receipt shows the code once; a clerk may give a new one -------------------
@router.get("/workbench/applications/{application_id}/receipt")
def receipt(request: Request, application_id: int, user: AuthUser = STAFF) -> Response:
    """受理回执 on A4: number, code (right after receipt), QR link, missing documents, dues."""
    svc = services_of(request)
    try:
        app = get_application(svc, application_id, scope_of(user))
    except ApplicationNotFound:
        raise PageError(404, "未找到申请", "申请不存在，或不在您所辖范围内。") from None
    view: dict[str, Any] = public.masked_view(svc, app)
    policy = svc.policy
    for deadline in view["deadlines"]:
        deadline["name"] = clock_label(policy, view["kind"], deadline["kind"])
    found = cookies.new_code(request)
    link = status_link(request, app.number)
    context = {
        "app": view,
        "application_id": application_id,
        "kind_name": policy.kind(view["kind"]).name,
        "stage_name": stage_label(policy, view["kind"], view["stage"]),
        "code": found[1] if found and found[0] == app.number else None,
        "status_link": link,
        "qr": qr_svg(link),
    }
    return render(request, "receipt.html", context)


@router.post("/workbench/applications/{application_id}/access-code", dependencies=[CsrfChecked])
def reissue(request: Request, application_id: int, user: AuthUser = REGISTRAR) -> Response:
    """A new code for a customer at the hall; the old one stops working (audited)."""
    svc = services_of(request)
    secret = settings_of(request).signing_secret()
    try:
        app, code = reissue_in_hall(svc, application_id, user.username, scope_of(user), secret)
    except ApplicationNotFound:
        raise PageError(404, "未找到申请", "申请不存在，或不在您所辖范围内。") from None
    response = redirect(f"/workbench/applications/{application_id}/receipt")
    cookies.remember_new_code(request, response, app.number, code)
    return response


# -- the customer: a lost code, recovered by the phone on the application -------------------
def _too_many() -> PageError:
    return PageError(
        429,
        "尝试次数过多",
        "操作过于频繁，请稍后再试；也可携带身份证件到营业厅重新领取查询码。",
    )


@router.get("/status/recover")
def recover_form(request: Request, number: str = "") -> Response:
    values = {"number": number.strip().upper()[:32]}
    return render(request, "recover.html", {"values": values, "errors": {}})


@router.post("/status/recover", dependencies=[CsrfChecked])
def recover_send(
    request: Request, number: Annotated[str, NoControl, Form(max_length=32)] = ""
) -> Response:
    """Send a one-time code to the application's phone; the same answer for any number."""
    number = number.strip().upper()
    if not number:
        errors = {"number": "请填写申请编号"}
        return render(request, "recover.html", {"values": {}, "errors": errors}, 422)
    svc = services_of(request)
    secret = settings_of(request).signing_secret()
    try:
        challenge = request_recovery(svc, number, client_of(request), secret)
    except TooManyAttempts:
        raise _too_many() from None
    response = redirect("/status/recover/verify")
    minutes = int(ONE_TIME_VALID.total_seconds() // 60)
    token = cookies.sign_claims(request, "recovery", minutes, ch=challenge, num=number)
    set_cookie(request, response, RECOVERY_COOKIE, token, max_age=minutes * 60)
    return response


def _challenge(request: Request) -> tuple[str, str] | None:
    claims = cookies.read_claims(request, RECOVERY_COOKIE, "recovery")
    if not claims or "ch" not in claims or "num" not in claims:
        return None
    return str(claims["ch"]), str(claims["num"])


@router.get("/status/recover/verify")
def recover_verify_form(request: Request) -> Response:
    found = _challenge(request)
    if found is None:
        return redirect("/status/recover")
    return render(request, "recover_verify.html", {"number": found[1], "errors": {}})


@router.post("/status/recover/verify", dependencies=[CsrfChecked])
def recover_verify(
    request: Request, one_time_code: Annotated[str, NoControl, Form(max_length=16)] = ""
) -> Response:
    """The right one-time code: a new access code, shown once, and the status opened."""
    found = _challenge(request)
    if found is None:
        return redirect("/status/recover")
    challenge, number = found
    svc = services_of(request)
    secret = settings_of(request).signing_secret()
    try:
        recovered = verify_recovery(svc, challenge, one_time_code, client_of(request), secret)
    except TooManyAttempts:
        raise PageError(
            429, "尝试次数过多", "验证码错误次数过多，此验证码已失效，请重新获取验证码。"
        ) from None
    except RecoveryFailed:
        errors = {"one_time_code": "验证码不正确或已过期，请核对短信或重新获取"}
        context = {"number": number, "errors": errors}
        return render(request, "recover_verify.html", context, 404)
    response = redirect("/status/recovered")
    response.delete_cookie(RECOVERY_COOKIE, path="/", httponly=True, samesite="lax")
    cookies.remember_new_code(request, response, recovered.number, recovered.access_code)
    cookies.remember_customer(request, response, recovered.number)
    return response


@router.get("/status/recovered")
def recovered(request: Request) -> Response:
    found = cookies.new_code(request)
    if found is None:
        return redirect("/status")
    number, code = found
    return render(request, "recovered.html", {"number": number, "code": code})


# -- the customer's own application: documents from the phone, cancelling -------------------
UPLOAD_ERRORS = {
    "doc_type": "本环节不需要此项资料，请从列表中选择",
    "file": "请上传 PDF、JPEG 或 PNG 文件（不能为空，且不超过上传大小限制）",
    "reference": "电子证照方式须填写证照编号",
    "closed": "申请已办结或已撤销，无需再提交资料",
    "limit": "今天提交的资料次数已达上限，请明天再试或到营业厅办理",
    "reason": "请填写撤销原因",
    "cancel": "申请已办结或已撤销，不能再撤销",
    "score": "请选择满意程度",
    "rated": "您已评价过本次服务",
    "ticket": "请选择类别并填写内容（500字以内）",
}
DONE = {
    "document": "资料已提交，营业厅将尽快审核。",
    "cancelled": "申请已撤销。",
    "rated": "感谢您的评价！",
    "ticket": "已收到您的诉求，我们将在规定时限内答复。",
}


def customer_number_or_403(request: Request) -> str:
    """The number whose code this browser proved (30 minutes), or a 403 page."""
    number = cookies.customer_number(request)
    if number is None:
        raise PageError(403, "请先查询", "请先凭申请编号和查询码打开您的申请。")
    return number


def current_note(view: dict[str, Any]) -> str:
    """The current stage on the timeline: since when, and its due in working days and date."""
    stage = next((s for s in view["stages"] if s["state"] == "current"), None)
    if stage is None:
        return ""
    parts = [f"{local_time(stage['entered_at'], '%Y-%m-%d')} 起"] if stage["entered_at"] else []
    clock = next((d for d in view["deadlines"] if d["kind"] == f"stage:{stage['stage']}"), None)
    if clock and clock["state"] in ("running", "paused") and clock["due_date"]:
        left = days_left(clock["working_days_left"])
        parts.append(f"应于 {due_text(clock['due_date'])}办结，{left}")
    return " · ".join(parts)


def my_context(
    request: Request, svc: Services, app: Application, view: dict[str, Any]
) -> dict[str, Any]:
    """What the customer's page adds for self-service: files, rating, tickets, messages."""
    assert app.id is not None
    policy = svc.policy
    uploaded = [
        {"id": d.id, "name": policy.document_name(d.doc_type), "file_name": d.file_name or ""}
        for d in app.documents
        if d.sha256
    ]
    rating = rating_of(svc, app.id) if str(app.status) == "connected" else None
    return {
        "rating": {"score": SCORES[rating.score], "comment": rating.comment} if rating else None,
        "scores": list(SCORES.items()),
        "current_note": current_note(view),
        "tickets": tickets_of(svc, app.id),
        "ticket_categories": list(CATEGORIES.items()),
        "ticket_days": svc.policy.ticket_answer_working_days,
        "uploaded": uploaded,
        "upload_error": UPLOAD_ERRORS.get(request.query_params.get("error", "")),
        "done_message": DONE.get(request.query_params.get("done", "")),
    }


def _upload_error(exc: Exception) -> str:
    if isinstance(exc, DocumentNotAllowed):
        return "doc_type"
    if isinstance(exc, FileRefused):
        return "file"
    if isinstance(exc, InvalidTransition):
        return "closed"
    fields = [p.get("field") for p in getattr(exc, "details", None) or [] if isinstance(p, dict)]
    return "reference" if "reference" in fields else "file"


@router.post("/my/documents", dependencies=[CsrfChecked])
async def my_upload(
    request: Request,
    doc_type: Annotated[str, NoControl, Form(max_length=64)] = "",
    source: Annotated[str, NoControl, Form(max_length=32)] = "upload",
    reference: Annotated[str, NoControl, Form(max_length=200)] = "",
    file: Annotated[UploadFile | None, Form()] = None,
) -> Response:
    """A missing document of the current stage, uploaded or named by its e-licence."""
    number = customer_number_or_403(request)
    content = await file.read() if file is not None and file.filename else None
    document = DocumentInput(
        doc_type=doc_type,
        source=source,
        reference=reference.strip() or None,
        content=content if source == "upload" else None,
        declared_type=file.content_type if content is not None and file is not None else None,
        file_name=(file.filename or "")[:255] if content is not None and file else None,
    )
    svc = services_of(request)
    try:
        await run_in_threadpool(customer_upload, svc, number, document)
    except TooManyAttempts:
        return redirect("/my?error=limit")
    except (DocumentNotAllowed, InvalidApplication, FileRefused, InvalidTransition) as exc:
        return redirect(f"/my?error={_upload_error(exc)}")
    return redirect("/my?done=document")


@router.post("/my/cancel", dependencies=[CsrfChecked])
def my_cancel(
    request: Request, reason: Annotated[str, NoControl, Form(max_length=500)] = ""
) -> Response:
    """The customer withdraws the application, with a reason."""
    number = customer_number_or_403(request)
    try:
        customer_cancel(services_of(request), number, reason)
    except InvalidApplication:
        return redirect("/my?error=reason")
    except InvalidTransition:
        return redirect("/my?error=cancel")
    return redirect("/my?done=cancelled")


def _file_response(stored: StoredDocument) -> Response:
    """The file itself: inline for PDF and images, under its original name; never a path
    from the request (the path is the recorded hash's)."""
    return FileResponse(
        stored.path,
        media_type=stored.content_type,
        filename=stored.file_name,
        content_disposition_type="inline" if stored.inline else "attachment",
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


@router.get("/my/documents/{document_id}")
def my_document(request: Request, document_id: int) -> Response:
    """One of the customer's own stored documents."""
    number = customer_number_or_403(request)
    svc = services_of(request)
    try:
        app = application_of(svc, number)
        assert app.id is not None
        return _file_response(stored_document(svc, app.id, document_id))
    except (ApplicationNotFound, DocumentFileNotFound):
        raise PageError(404, "未找到资料", "资料不存在。") from None


@router.get("/workbench/applications/{application_id}/documents/{document_id}")
def staff_document(
    request: Request, application_id: int, document_id: int, user: AuthUser = STAFF
) -> Response:
    """A stored document of an application in the user's scope."""
    svc = services_of(request)
    try:
        stored = stored_document(svc, application_id, document_id, scope_of(user))
    except (ApplicationNotFound, DocumentFileNotFound):
        raise PageError(404, "未找到资料", "资料不存在，或不在您所辖范围内。") from None
    return _file_response(stored)


@router.post("/my/rating", dependencies=[CsrfChecked])
def my_rating(
    request: Request,
    score: Annotated[int | None, Form(ge=1, le=5)] = None,
    comment: Annotated[str, NoControl, Form(max_length=500)] = "",
) -> Response:
    """The customer rates a connected application, once (好差评)."""
    number = customer_number_or_403(request)
    if score is None:
        return redirect("/my?error=score")
    try:
        rate(services_of(request), number, score, comment)
    except (AlreadyRated, NotYetConnected):
        return redirect("/my?error=rated")
    return redirect("/my?done=rated")
