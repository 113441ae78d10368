"""Outage pages: the dispatcher's list and forms (phone-first: faults are recorded in the
field), the supervisor's reliability view with a month-by-month chart, and the public
停电信息 page (no personal data)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session

from gridconnect.api.deps import services_of
from gridconnect.api.pages.session import CsrfChecked, optional_user, scope_of, staff
from gridconnect.api.pages.web import redirect, render
from gridconnect.api.permissions import Permission
from gridconnect.api.schemas.outages import OutageCreate, RestorationIn
from gridconnect.config.vocabulary import AreaClass, City, OutageKind
from gridconnect.errors import GridconnectError
from gridconnect.services.outages.indices import MissingCustomerCount, sum_interruptions
from gridconnect.services.outages.ledger import post_progress, register, restore
from gridconnect.services.outages.periods import ReliabilityPeriod, parse_period, year
from gridconnect.services.outages.queries import (
    list_outages,
    list_reliability_alerts,
    notice_failures,
    outage_detail,
    outages_of_account,
    public_outages,
)
from gridconnect.services.outages.report import load_interruptions, reliability_report
from gridconnect.services.users import AuthUser
from gridconnect.timesource import SHANGHAI

router = APIRouter(tags=["pages"], include_in_schema=False)

READER = staff(Permission.READ_OUTAGES)
DISPATCHER = staff(Permission.RECORD_OUTAGES)
SUPERVISOR = staff(Permission.READ_REPORTS)
STATE_NAMES = {"current": "停电中", "planned": "计划", "restored": "已恢复", "all": "全部"}
FIELD_NAMES = {
    "city": "地市",
    "area_class": "区域类别",
    "kind": "停电类型",
    "cause": "原因",
    "start": "开始时间",
    "end": "结束时间",
    "customers": "停电户数",
    "areas": "线路",
    "feeders": "线路",
    "restored_at": "恢复时间",
}


def _choices() -> dict[str, Any]:
    return {
        "kind_choices": list(OutageKind.names().items()),
        "area_class_choices": list(AreaClass.names().items()),
        "city_names": City.codes(),
        "area_class_names": AreaClass.names(),
        "kind_names": OutageKind.names(),
        "state_names": STATE_NAMES,
    }


@router.get("/outages")
def outage_list(request: Request, state: str = "current", user: AuthUser = READER) -> Response:
    """The outages of the user's cities, with the fault form on top for dispatchers."""
    state = state if state in STATE_NAMES else "current"
    items, total = list_outages(services_of(request), scope_of(user), state, limit=100)
    values = {"kind": "fault", "city": user.cities[0] if user.cities else ""}
    context = {"items": items, "total": total, "state": state, "values": values, "errors": {}}
    return render(request, "outages.html", context | _choices() | {"cities": user.cities})


def _form_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for item in exc.errors(include_url=False):
        name = str(item["loc"][0]) if item["loc"] else "form"
        errors.setdefault(name, f"{FIELD_NAMES.get(name, name)}：{item['msg']}")
    return errors


@router.post("/outages/new", dependencies=[CsrfChecked])
async def record_outage(request: Request, user: AuthUser = DISPATCHER) -> Response:
    """Register a planned outage or record a fault from the form."""
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    feeders = [f.strip() for f in values.get("feeders", "").replace("，", ",").split(",")]
    body = {
        "company": user.company or "",
        "city": values.get("city", ""),
        "area_class": values.get("area_class", ""),
        "kind": values.get("kind", ""),
        "cause": values.get("cause", ""),
        "start": values.get("start", ""),
        "end": values.get("end") or None,
        "customers": values.get("customers") or None,
        "areas": [{"feeder": f} for f in feeders if f],
    }
    errors: dict[str, str] = {}
    try:
        change = register(
            services_of(request),
            OutageCreate.model_validate(body).command(),
            user.username,
            scope_of(user),
        )
    except ValidationError as exc:
        errors = _form_errors(exc)
    except GridconnectError as exc:
        field = (exc.details or [{}])[0].get("field", "form") if exc.details else "form"
        errors = {field: f"{FIELD_NAMES.get(field, field)}：{exc.message}"}
    if errors:
        items, total = list_outages(services_of(request), scope_of(user), "current", limit=100)
        context = {"items": items, "total": total, "state": "current"}
        context |= {"values": values, "errors": errors, "cities": user.cities}
        return render(request, "outages.html", context | _choices(), status_code=422)
    return redirect(f"/outages/{change.outage.id}?done=recorded")


@router.get("/outages/{outage_id}")
def outage_page(request: Request, outage_id: int, user: AuthUser = READER) -> Response:
    outage = outage_detail(services_of(request), outage_id, scope_of(user))
    return render(request, "outage.html", {"o": outage, "errors": {}} | _choices())


@router.post("/outages/{outage_id}/progress", dependencies=[CsrfChecked])
async def outage_progress(
    request: Request, outage_id: int, user: AuthUser = DISPATCHER
) -> Response:
    form = await request.form()
    svc = services_of(request)
    expected = str(form.get("expected_restoration", "")) or None
    try:
        moment = _local(expected) if expected else None
        post_progress(
            svc, outage_id, int(str(form.get("version", "0"))), str(form.get("note", ""))[:200],
            moment, user.username, scope_of(user),
        )  # fmt: skip
    except (GridconnectError, ValueError) as exc:
        return _detail_error(request, outage_id, user, "progress", exc)
    return redirect(f"/outages/{outage_id}?done=progress")


@router.post("/outages/{outage_id}/restore", dependencies=[CsrfChecked])
async def outage_restore(request: Request, outage_id: int, user: AuthUser = DISPATCHER) -> Response:
    form = await request.form()
    svc = services_of(request)
    feeders = [str(f) for f in form.getlist("feeders")]
    try:
        body = RestorationIn.model_validate(
            {
                "version": form.get("version"),
                "restored_at": form.get("restored_at") or svc.now().isoformat(),
                "feeders": feeders or None,
            }
        )
        restore(
            svc, outage_id, body.version, body.restored_at, user.username, body.feeders,
            scope_of(user),
        )  # fmt: skip
    except (GridconnectError, ValidationError) as exc:
        return _detail_error(request, outage_id, user, "restore", exc)
    return redirect(f"/outages/{outage_id}?done=restored")


def _local(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment


def _detail_error(
    request: Request, outage_id: int, user: AuthUser, form: str, exc: Exception
) -> Response:
    if isinstance(exc, ValidationError):
        message = "；".join(_form_errors(exc).values())
    elif isinstance(exc, GridconnectError):
        message = exc.message
    else:
        message = "时间格式不正确"
    outage = outage_detail(services_of(request), outage_id, scope_of(user))
    status = 409 if getattr(exc, "status", 422) == 409 else 422
    context = {"o": outage, "errors": {form: message}} | _choices()
    return render(request, "outage.html", context, status_code=status)


def _month_chart(svc: Any, period: ReliabilityPeriod, at: datetime, user: AuthUser) -> Any:
    """Customer-hours per month of the year so far (inline SVG bars); needs no counts."""
    with Session(svc.engine) as session:
        items = load_interruptions(session, period.start, min(at, period.end), scope_of(user))
    momentary = svc.policy.reliability.momentary_minutes
    months: list[dict[str, Any]] = []
    for number in range(1, 13):
        month = parse_period(None, None, f"{period.year:04d}-{number:02d}")
        if month.start >= at:
            break
        sums = sum_interruptions(items, month.start, month.end, at, momentary)
        hours = float(sum(s.customer_hours for s in sums.values()))
        months.append({"label": f"{number}月", "hours": hours})
    top = max((float(m["hours"]) for m in months), default=0.0) or 1.0
    width, height = 30, 120
    for index, m in enumerate(months):
        m["x"] = index * (width + 6)
        m["h"] = round(float(m["hours"]) / top * height, 1)
        m["y"] = height - m["h"]
    return {"months": months, "bar": width, "height": height, "width": 12 * (width + 6)}


@router.get("/reliability")
def reliability_page(request: Request, user: AuthUser = SUPERVISOR) -> Response:
    """Per city × area class: target, year-to-date AIHC, status; month-by-month chart."""
    svc = services_of(request)
    at = svc.now()
    period = year(at.astimezone(SHANGHAI).year)
    report, missing = None, None
    try:
        report = reliability_report(svc.engine, svc.policy.reliability, period, at, scope_of(user))
    except MissingCustomerCount as exc:
        missing = exc.message
    context = {
        "alerts": list_reliability_alerts(svc, scope_of(user))[:50],
        "failures": notice_failures(svc, scope_of(user), 50),
        "report": report,
        "missing": missing,
        "year": period.year,
        "chart": _month_chart(svc, period, at, user),
    }
    return render(request, "reliability.html", context | _choices())


@router.get("/outage-info")
def public_page(request: Request, city: str = "", account: str = "") -> Response:
    """停电信息: current and planned outages of a city, for everyone; with an account
    number, this year's outages on that account's feeder."""
    optional_user(request)
    city = city if city in City.codes() else ""
    svc = services_of(request)
    items = public_outages(svc, city or None)
    account = account.strip()[:32]
    mine, unknown = None, False
    if account:
        try:
            mine = outages_of_account(svc, account)
        except GridconnectError:
            unknown = True
    context = {"items": items, "city": city, "account": account, "mine": mine}
    return render(request, "outage_info.html", context | {"unknown": unknown} | _choices())
