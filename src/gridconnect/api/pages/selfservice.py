"""Customers' self-service pages: the hall receipt with its code, recovering a lost code.

The plain access code is shown once, carried across the redirect in a short signed cookie
(`customer.remember_new_code`) as after applying online; it is never stored in clear.
"""

from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from gridconnect.api.deps import services_of, settings_of
from gridconnect.api.pages import customer as cookies
from gridconnect.api.pages.labels import clock_label, stage_label
from gridconnect.api.pages.session import CsrfChecked, scope_of, set_cookie, staff
from gridconnect.api.pages.web import PageError, redirect, render
from gridconnect.api.permissions import Permission
from gridconnect.config.vocabulary import NoControl
from gridconnect.services import public
from gridconnect.services.applications import get_application
from gridconnect.services.attempts import TooManyAttempts
from gridconnect.services.selfservice.codes import reissue_in_hall
from gridconnect.services.selfservice.recovery import (
    ONE_TIME_VALID,
    RecoveryFailed,
    request_recovery,
    verify_recovery,
)
from gridconnect.services.users import AuthUser
from gridconnect.workflow.errors import ApplicationNotFound

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
