"""Public pages: home, service standards, apply online, and "my application" by access code."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from gridconnect.api.deps import services_of, settings_of
from gridconnect.api.pages import customer as cookies
from gridconnect.api.pages import gov as gov_pages  # govlink
from gridconnect.api.pages import selfservice  # selfservice
from gridconnect.api.pages.forms import read_application
from gridconnect.api.pages.labels import (
    AREA_NAMES,
    COMPANY_NAMES,
    SUPPLY_NAMES,
    clock_label,
    flow_diagrams,
    stage_label,
)
from gridconnect.api.pages.session import CsrfChecked, optional_user
from gridconnect.api.pages.web import PageError, redirect, render
from gridconnect.config.standards import service_standards
from gridconnect.config.vocabulary import NoControl
from gridconnect.services import public
from gridconnect.timesource import local_date
from gridconnect.workflow.intake import HV_VOLTAGES
from gridconnect.workflow.lv_ceiling import LvCapacityAboveCeiling
from gridconnect.workflow.model import AREA_CLASSES, CITIES, COMPANIES

router = APIRouter(tags=["pages"], include_in_schema=False)

# Every kind applies on the web, with the API's own validation (forms.py).
ONLINE_KINDS = ("lv_residential", "lv_nonresidential", "hv")


def form_choices(request: Request, kinds: tuple[str, ...]) -> dict[str, Any]:
    """The option lists of the application form, as (code, Chinese name) pairs."""
    policy = services_of(request).policy
    return {
        "kinds": [(k, policy.kind(k).name) for k in kinds],
        "company_choices": [(c, COMPANY_NAMES[c]) for c in COMPANIES],
        "city_choices": [(c, c) for c in CITIES],
        "area_choices": [(a, AREA_NAMES[a]) for a in AREA_CLASSES],
        "voltage_choices": [(f"{v:g}", f"{v:g} 千伏") for v in HV_VOLTAGES],
        "supply_choices": list(SUPPLY_NAMES.items()),
        "hv_allowed": "hv" in kinds,
    }


def _choices(request: Request) -> dict[str, Any]:
    return form_choices(request, ONLINE_KINDS)


@router.get("/")
def home(request: Request) -> Response:
    """What the service is, and where to go."""
    optional_user(request)
    svc = services_of(request)
    standards = service_standards(svc.policy, local_date(svc.now()))
    return render(request, "home.html", {"kinds": standards["kinds"]})


@router.get("/standards")
def standards(request: Request) -> Response:
    """Service standards in force today (L52): stages, documents, limits, fees."""
    optional_user(request)
    svc = services_of(request)
    context = {
        "standards": service_standards(svc.policy, local_date(svc.now())),
        "flows": flow_diagrams(svc.policy),
    }
    return render(request, "standards.html", context)


@router.get("/apply")
def apply_form(request: Request) -> Response:
    values = {"company": "sgcc", "kind": "lv_residential"}
    return render(request, "apply.html", {**_choices(request), "values": values, "errors": {}})


@router.post("/apply", dependencies=[CsrfChecked])
async def apply(request: Request) -> Response:
    """Receive an online application (any kind); the number and access code are shown once."""
    form = await request.form()
    new, errors, values = read_application(form, "online", ONLINE_KINDS)
    if new is None:
        context = {**_choices(request), "values": values, "errors": errors}
        return render(request, "apply.html", context, status_code=422)
    svc = services_of(request)
    try:
        app, code = public.apply_online(svc, new, settings_of(request).signing_secret())
    except LvCapacityAboveCeiling as exc:  # L36, L41: apply as HV
        context = {**_choices(request), "values": values, "errors": {"capacity": exc.chinese}}
        return render(request, "apply.html", context, status_code=422)
    response = redirect("/apply/done")
    cookies.remember_new_code(request, response, app.number, code)
    cookies.remember_customer(request, response, app.number)
    return response


@router.get("/apply/done")
def applied(request: Request) -> Response:
    found = cookies.new_code(request)
    if found is None:
        return redirect("/status")
    number, code = found
    return render(request, "apply_done.html", {"number": number, "code": code})


@router.get("/status")
def status_form(request: Request, number: str = "") -> Response:
    """The status form; the receipt's QR code opens it with the number filled in."""
    values = {"number": number.strip().upper()[:32]} if number else {}
    return render(request, "status.html", {"values": values, "errors": {}})


@router.post("/status", dependencies=[CsrfChecked])
def status_lookup(
    request: Request,
    number: Annotated[str, NoControl, Form(max_length=32)] = "",
    code: Annotated[str, NoControl, Form(max_length=64)] = "",
) -> Response:
    """Check the number and access code; on success remember them for 30 minutes."""
    number = number.strip().upper()
    values = {"number": number}
    errors = {}
    if not number:
        errors["number"] = "请填写申请编号"
    if not code.strip():
        errors["code"] = "请填写查询码"
    if errors:
        return render(request, "status.html", {"values": values, "errors": errors}, 422)
    svc = services_of(request)
    try:
        client = request.client.host if request.client else "unknown"
        secret = settings_of(request).signing_secret()
        public.public_status(svc, number, code.strip(), secret, client)
    except public.TooManyAttempts:
        raise PageError(
            429,
            "尝试次数过多",
            "查询码错误次数过多，请15分钟后再试；如遗失查询码，可凭登记手机的验证码"
            "找回（/status/recover）。",
        ) from None
    except public.StatusNotFound:
        errors["code"] = "申请编号或查询码不正确，请核对后重新输入"
        return render(request, "status.html", {"values": values, "errors": errors}, 404)
    response = redirect("/my")
    cookies.remember_customer(request, response, number)
    return response


@router.get("/my")
def my_application(request: Request) -> Response:
    """The customer's application: stages, documents still needed, deadlines (masked)."""
    number = cookies.customer_number(request)
    if number is None:
        return redirect("/status")
    svc = services_of(request)
    with svc.unit_of_work() as uow:
        app = uow.applications.get_by_number(number)
    if app is None:
        return redirect("/status")
    view = public.masked_view(svc, app)
    policy = svc.policy
    for deadline in view["deadlines"]:
        deadline["name"] = clock_label(policy, view["kind"], deadline["kind"])
    view["stage_name"] = stage_label(policy, view["kind"], view["stage"])
    view["kind_name"] = policy.kind(view["kind"]).name
    context = {
        "app": view,
        "gov": gov_pages.customer_context(svc, app),  # govlink: _gov_departments.html
        **selfservice.my_context(request, svc, app, view),  # selfservice
    }
    return render(request, "my_application.html", context)


@router.post("/my/leave", dependencies=[CsrfChecked])
def leave(request: Request) -> Response:
    response = redirect("/")
    cookies.forget_customer(response)
    return response
