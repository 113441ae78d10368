"""The supervisor's dashboard: open alerts to acknowledge, this month's on-time rates, breaches."""

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gridconnect.api.deps import services_of, settings_of
from gridconnect.api.pages.labels import all_stage_names, clock_label
from gridconnect.api.pages.session import CsrfChecked, scope_of, staff
from gridconnect.api.pages.web import PageError, redirect, render
from gridconnect.api.permissions import Permission
from gridconnect.config.vocabulary import City, NoControl
from gridconnect.services import alerts, dashboard
from gridconnect.services.alert_inbox import AlertFilters, acknowledge_many, find_alerts
from gridconnect.services.breach_risk.riskiest import riskiest_clocks
from gridconnect.services.dashboard_snapshot import month_figures
from gridconnect.services.orders.service import order_statistics
from gridconnect.services.reports.monthly import monthly_report
from gridconnect.services.reports.periods import month_of
from gridconnect.services.reports.render import filename, to_xlsx
from gridconnect.services.users import AuthUser
from gridconnect.timesource import local_date, today
from gridconnect.workflow.errors import InvalidApplication
from gridconnect.workflow.events import AlertLevel

router = APIRouter(prefix="/supervisor", tags=["pages"], include_in_schema=False)

SUPERVISOR = staff(Permission.HANDLE_ALERTS)
REPORTS = staff(Permission.READ_REPORTS)
BAR_HEIGHT = 26


def bar_chart(rows: list[dict[str, Any]], names: dict[str, str]) -> dict[str, Any]:
    """Geometry of a horizontal bar chart (drawn as inline SVG by the template)."""
    label_width, bar_width = 120, 260
    bars = []
    for index, row in enumerate(rows):
        rate = row["rate"] or 0.0
        bars.append(
            {
                "y": index * BAR_HEIGHT,
                "label": names.get(row["key"], row["key"]),
                "width": round(rate * bar_width, 1),
                "text": f"{rate:.0%}" if row["rate"] is not None else "—",
                "low": rate < 0.9,
            }
        )
    return {
        "bars": bars,
        "label_width": label_width,
        "bar_width": bar_width,
        "width": label_width + bar_width + 50,
        "height": max(len(rows), 1) * BAR_HEIGHT,
        "bar_height": BAR_HEIGHT - 8,
    }


PAGE_SIZE = 50
AGE_CHOICES = {"": "不限", "1": "1 天以上", "3": "3 天以上", "7": "7 天以上"}


def _alert_filters(request: Request) -> tuple[AlertFilters, dict[str, str], int]:
    """The inbox filters of the query string; unknown values are ignored, not refused."""
    query = request.query_params
    city = query.get("city", "")
    level = query.get("level", "")
    clock = query.get("clock", "")[:48]
    age = query.get("age", "")
    page = query.get("page", "1")
    chosen = {
        "city": city if city in City.codes() else "",
        "level": level if level in tuple(AlertLevel) else "",
        "clock": clock,
        "age": age if age in AGE_CHOICES else "",
    }
    filters = AlertFilters(
        city=chosen["city"] or None,
        clock=chosen["clock"] or None,
        level=chosen["level"] or None,
        min_age_days=int(chosen["age"]) if chosen["age"] else None,
    )
    number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    return filters, chosen, number


TREND_WIDTH, TREND_HEIGHT = 220, 36


def trend_chart(trend: dict[str, Any]) -> dict[str, Any]:
    """Geometry of the 12-month sparklines per city (inline SVG in the template): the on-time
    rate on 0–100 %, the mean full-process working days on one scale for every city."""
    step = TREND_WIDTH / max(len(trend["months"]) - 1, 1)
    longest = max(
        (v for c in trend["cities"].values() for v in c["working_days"] if v is not None),
        default=1.0,
    )

    def points(values: list[float | None], top: float) -> str:
        return " ".join(
            f"{i * step:.1f},{TREND_HEIGHT - (v / top) * (TREND_HEIGHT - 2) - 1:.1f}"
            for i, v in enumerate(values)
            if v is not None
        )

    rows = []
    for city, series in trend["cities"].items():
        rate = [r for r in series["rate"] if r is not None]
        days = [d for d in series["working_days"] if d is not None]
        rows.append(
            {
                "city": city,
                "rate_points": points(series["rate"], 1.0),
                "days_points": points(series["working_days"], max(longest, 1.0)),
                "rate_text": f"{rate[-1]:.1%}" if rate else "—",
                "days_text": f"{days[-1]:.1f} 个工作日" if days else "—",
            }
        )
    return {
        "rows": rows,
        "width": TREND_WIDTH,
        "height": TREND_HEIGHT,
        "first": trend["months"][0],
        "last": trend["months"][-1],
    }


@router.get("")
def dashboard_page(request: Request, user: AuthUser = SUPERVISOR) -> Response:
    svc = services_of(request)
    scope = scope_of(user)
    policy = svc.policy
    filters, chosen, page = _alert_filters(request)
    open_alerts, alert_total = find_alerts(svc, scope, filters, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    stage_names = all_stage_names(policy)
    breaches = dashboard.breached(svc, scope)
    for row in breaches:
        row["clock_name"] = clock_label(policy, row["kind"], row["clock"])
        row["stage_name"] = stage_names.get(row["stage"], row["stage"])
    for alert in open_alerts:
        alert["clock_name"] = _alert_clock_name(policy, alert["clock"], stage_names)
    # The services' clock, as every other figure of the page (a test's moved clock, too).
    this_month = month_of(local_date(svc.now()))
    # The report's core (counts, clocks, rates) and the trend, as the report computed them
    # at most one breach-scan interval ago: the same figures as the API and the XLSX.
    interval = timedelta(seconds=settings_of(request).scan_interval_seconds)
    figures = month_figures(svc, scope, interval)
    rates = figures["rates"]
    trend = trend_chart(figures["trend"])  # command centre
    orders = order_statistics(svc, this_month.start, this_month.end, scope)  # 督办
    risks = riskiest_clocks(svc, scope)  # command centre: the breach risk forecast
    for risk in risks:
        risk["clock_name"] = _alert_clock_name(policy, risk["clock"], stage_names)
    context = {
        "month": figures["month"],
        "month_total": figures["month_total"],
        "alerts": open_alerts,
        "rates": rates,
        "stage_names": stage_names,
        "city_chart": bar_chart(rates["by_city"], {}),
        "stage_chart": bar_chart(rates["by_stage"], stage_names),
        "breaches": breaches,
        "risks": risks,
        "orders": orders,
        "trend": trend,
        "alert_total": alert_total,
        "alert_filters": chosen,
        "alert_page": page,
        "alert_pages": max((alert_total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        "age_choices": AGE_CHOICES,
        "cities": City.codes(),
        "clock_choices": _clock_choices(policy, stage_names),
    }
    return render(request, "supervisor.html", context)


def _clock_choices(policy: Any, stage_names: dict[str, str]) -> dict[str, str]:
    clocks = {rule.clock for rule in policy.rules} | {"stall", "supervision_order", "ticket"}
    return {c: _alert_clock_name(policy, c, stage_names) for c in sorted(clocks)}


def _alert_clock_name(policy: Any, clock: str, stage_names: dict[str, str]) -> str:
    if clock == "ticket":  # selfservice: a customer's help request or complaint
        return "客户诉求答复"
    if clock.startswith("stage:"):
        return stage_names.get(clock[6:], clock) + "环节"
    return clock_label(policy, "hv", clock)


@router.post("/alerts/{alert_id}/ack", dependencies=[CsrfChecked])
def acknowledge(request: Request, alert_id: int, user: AuthUser = SUPERVISOR) -> Response:
    """Acknowledge an alert in the supervisor's scope (the first acknowledgement stands)."""
    try:
        alerts.acknowledge(services_of(request), alert_id, user.username, scope_of(user))
    except alerts.AlertNotFound:
        raise PageError(404, "未找到预警", "该预警不存在，或不在您的管辖范围内。") from None
    return redirect("/supervisor?acked=1")


@router.post("/alerts/ack", dependencies=[CsrfChecked])
def acknowledge_selection(
    request: Request,
    ids: Annotated[list[int], Form()] = [],  # noqa: B006 - FastAPI copies form defaults
    note: Annotated[str, NoControl, Form(max_length=500)] = "",
    user: AuthUser = SUPERVISOR,
) -> Response:
    """Acknowledge the ticked alerts with one note, then back to the list (post/redirect/get)."""
    if not ids:
        raise PageError(422, "未选择预警", "请先勾选要确认的预警，再点“确认所选”。")
    try:
        done = acknowledge_many(
            services_of(request), ids[:500], user.username, note, scope_of(user)
        )
    except InvalidApplication:
        raise PageError(422, "无法确认", "所选预警过多或备注过长，请缩小范围后重试。") from None
    return redirect(f"/supervisor?acked={len(done)}")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/report.xlsx")
async def month_report_download(request: Request, user: AuthUser = REPORTS) -> Response:
    """This month's 月统计 for the supervisor's scope, as the spreadsheet the bureau gets."""
    svc = services_of(request)
    report = await run_in_threadpool(monthly_report, svc, month_of(today()).label, scope_of(user))
    content = await run_in_threadpool(to_xlsx, report)
    disposition = f'attachment; filename="{filename(report, "xlsx")}"'
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})
