"""Monthly statistics and quarterly analysis (L55), as JSON, CSV or XLSX."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from gridconnect.api.auth import AuthUser, require, user_scope
from gridconnect.api.deps import ServicesDep
from gridconnect.api.error_statuses import errors
from gridconnect.api.permissions import Permission
from gridconnect.api.schemas.reports import Report
from gridconnect.services.reports import monthly_report, quarterly_report
from gridconnect.services.reports.periods import InvalidPeriod, month_of
from gridconnect.services.reports.render import filename, to_csv, to_xlsx
from gridconnect.timesource import local_date

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

# Statistics are for supervisors (their company and cities) and admins (everything).
Reader = Annotated[AuthUser, Depends(require(Permission.READ_REPORTS))]
Format = Annotated[
    Literal["json", "csv", "xlsx"] | None,
    Query(description="json (default), csv or xlsx; or ask with the Accept header"),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report: JSON, or a CSV or XLSX download",
        "model": Report,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}

REPORT_RESPONSES = {**DOWNLOADS, **errors(InvalidPeriod)}


def _format(request: Request, requested: str | None) -> str:
    if requested:
        return requested
    accept = request.headers.get("accept", "")
    if XLSX in accept:
        return "xlsx"
    return "csv" if "text/csv" in accept else "json"


def _respond(report: dict[str, Any], fmt: str) -> Response:
    if fmt == "json":
        return JSONResponse(report)
    extension = fmt
    disposition = {"Content-Disposition": f'attachment; filename="{filename(report, extension)}"'}
    if fmt == "csv":
        return Response(to_csv(report), media_type="text/csv; charset=utf-8", headers=disposition)
    return Response(to_xlsx(report), media_type=XLSX, headers=disposition)


@router.get(
    "/monthly", response_class=JSONResponse, responses={**DOWNLOADS, **errors(InvalidPeriod)}
)
def read_monthly_report(
    request: Request,
    user: Reader,
    svc: ServicesDep,
    month: Annotated[str | None, Query(description="YYYY-MM; default: the current month")] = None,
    format: Format = None,
) -> Response:
    """月统计 of your company and cities: applications, times, on-time rates, suspensions."""
    period = month or month_of(local_date(svc.now())).label
    return _respond(monthly_report(svc, period, user_scope(user)), _format(request, format))


@router.get(
    "/quarterly", response_class=JSONResponse, responses={**DOWNLOADS, **errors(InvalidPeriod)}
)
def read_quarterly_report(
    request: Request,
    user: Reader,
    svc: ServicesDep,
    quarter: Annotated[str, Query(description="YYYYQn, e.g. 2026Q3")],
    format: Format = None,
) -> Response:
    """季分析: the quarter with its trend, longest open applications, breaches, due date."""
    return _respond(quarterly_report(svc, quarter, user_scope(user)), _format(request, format))
