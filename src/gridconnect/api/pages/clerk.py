"""The clerk's workbench: the queue, most urgent first, and registering a hall application."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gridconnect.api.deps import services_of, settings_of
from gridconnect.api.pages import customer as cookies
from gridconnect.api.pages.forms import read_application
from gridconnect.api.pages.labels import STATUS_NAMES, all_stage_names
from gridconnect.api.pages.public import form_choices
from gridconnect.api.pages.session import CsrfChecked, scope_of, staff
from gridconnect.api.pages.web import PageError, redirect, render
from gridconnect.api.permissions import Permission
from gridconnect.services import dashboard
from gridconnect.services.selfservice.codes import receive_in_hall
from gridconnect.services.users import AuthUser
from gridconnect.workflow.lv_ceiling import LvCapacityAboveCeiling

router = APIRouter(prefix="/workbench", tags=["pages"], include_in_schema=False)

STAFF = staff(Permission.READ_APPLICATIONS)
REGISTRAR = staff(Permission.REGISTER_APPLICATIONS)
HALL_KINDS = ("lv_residential", "lv_nonresidential", "hv")
STATUS_FILTERS = ("open", "suspended", "connected", "cancelled", "all")


@router.get("")
def workbench(
    request: Request, stage: str = "", status: str = "open", user: AuthUser = STAFF
) -> Response:
    """The applications in the user's scope, most urgent first, with filters."""
    svc = services_of(request)
    stage_names = all_stage_names(svc.policy)
    stage = stage if stage in stage_names else ""
    status = status if status in STATUS_FILTERS else "open"
    by_risk = request.query_params.get("sort") == "risk"  # command centre
    items, total = dashboard.queue(
        svc,
        scope_of(user),
        stage=stage or None,
        status=None if status == "all" else status,
        by_risk=by_risk,
    )
    context = {
        "items": items,
        "total": total,
        "stage": stage,
        "status": status,
        "sort": "risk" if by_risk else "due",
        "stage_names": stage_names,
        "status_filters": [(s, STATUS_NAMES.get(s, "全部")) for s in STATUS_FILTERS],
        "kind_names": {code: kind.name for code, kind in svc.policy.kinds.items()},
    }
    return render(request, "workbench.html", context)


def _new_context(
    request: Request, user: AuthUser, values: dict[str, str], errors: dict[str, str]
) -> dict[str, Any]:
    context: dict[str, Any] = {
        **form_choices(request, HALL_KINDS),
        "values": values,
        "errors": errors,
    }
    if user.cities:
        context["city_choices"] = [(c, c) for c in user.cities]
    if user.company:
        context["company_choices"] = [
            pair for pair in context["company_choices"] if pair[0] == user.company
        ]
    return context


@router.get("/new")
def new_form(request: Request, user: AuthUser = REGISTRAR) -> Response:
    values = {"kind": "lv_residential", "company": user.company or "sgcc"}
    if len(user.cities) == 1:
        values["city"] = user.cities[0]
    return render(request, "new_application.html", _new_context(request, user, values, {}))


@router.post("/new", dependencies=[CsrfChecked])
async def register(request: Request, user: AuthUser = REGISTRAR) -> Response:
    """Register an application brought to the service hall (it may never be refused, L29)."""
    form = await request.form()
    new, errors, values = read_application(form, "hall", HALL_KINDS)
    if new is not None and not scope_of(user).admits(new.company, new.city):
        new, errors = None, {"city": "只能登记本人所辖供电企业和地市的申请"}
    if new is None:
        context = _new_context(request, user, values, errors)
        return render(request, "new_application.html", context, status_code=422)
    secret = settings_of(request).signing_secret()
    try:
        app, code = receive_in_hall(services_of(request), new, user.username, secret)
    except LvCapacityAboveCeiling as exc:  # L36, L41: apply as HV
        context = _new_context(request, user, values, {"capacity": exc.chinese})
        return render(request, "new_application.html", context, status_code=422)
    if app.id is None:  # pragma: no cover - the repository always sets it
        raise PageError(500, "登记失败", "申请未能保存，请重试。")
    # The receipt (受理回执) shows the access code once, to print for the customer.
    response = redirect(f"/workbench/applications/{app.id}/receipt")
    cookies.remember_new_code(request, response, app.number, code)
    return response
