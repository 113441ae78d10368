"""The supervisor's dashboard: open alerts to acknowledge, this month's on-time rates, breaches."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gridconnect.api.deps import services_of
from gridconnect.api.pages.labels import all_stage_names, clock_label
from gridconnect.api.pages.session import CsrfChecked, scope_of, staff
from gridconnect.api.pages.web import PageError, redirect, render
from gridconnect.api.permissions import Permission
from gridconnect.services import alerts, dashboard
from gridconnect.services.breach_risk.riskiest import riskiest_clocks
from gridconnect.services.reports.monthly import monthly_report
from gridconnect.services.reports.periods import month_of
from gridconnect.services.reports.render import filename, to_xlsx
from gridconnect.services.users import AuthUser
from gridconnect.timesource import today

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


@router.get("")
def dashboard_page(request: Request, user: AuthUser = SUPERVISOR) -> Response:
    svc = services_of(request)
    scope = scope_of(user)
    policy = svc.policy
    open_alerts = alerts.list_alerts(svc, scope, "open")
    rates = dashboard.on_time_rates(svc, scope)
    stage_names = all_stage_names(policy)
    breaches = dashboard.breached(svc, scope)
    for row in breaches:
        row["clock_name"] = clock_label(policy, row["kind"], row["clock"])
        row["stage_name"] = stage_names.get(row["stage"], row["stage"])
    for alert in open_alerts:
        alert["clock_name"] = _alert_clock_name(policy, alert["clock"], stage_names)
    month = monthly_report(svc, month_of(today()).label, scope)
    risks = riskiest_clocks(svc, scope)  # command centre: the breach risk forecast
    for risk in risks:
        risk["clock_name"] = _alert_clock_name(policy, risk["clock"], stage_names)
    context = {
        "month": month["period"]["label"],
        "month_total": month["summary"]["total"][0],
        "alerts": open_alerts,
        "rates": rates,
        "stage_names": stage_names,
        "city_chart": bar_chart(rates["by_city"], {}),
        "stage_chart": bar_chart(rates["by_stage"], stage_names),
        "breaches": breaches,
        "risks": risks,
    }
    return render(request, "supervisor.html", context)


def _alert_clock_name(policy: Any, clock: str, stage_names: dict[str, str]) -> str:
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


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/report.xlsx")
async def month_report_download(request: Request, user: AuthUser = REPORTS) -> Response:
    """This month's 月统计 for the supervisor's scope, as the spreadsheet the bureau gets."""
    svc = services_of(request)
    report = await run_in_threadpool(monthly_report, svc, month_of(today()).label, scope_of(user))
    content = await run_in_threadpool(to_xlsx, report)
    disposition = f'attachment; filename="{filename(report, "xlsx")}"'
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})
