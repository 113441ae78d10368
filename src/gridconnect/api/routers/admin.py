"""Administration: the working-day calendar (a new notice each autumn) and the policy."""

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, UploadFile
from starlette.concurrency import run_in_threadpool

from gridconnect.api.auth import AuthUser, require
from gridconnect.api.deps import ServicesDep, SettingsDep
from gridconnect.api.error_statuses import errors
from gridconnect.api.permissions import Permission
from gridconnect.api.schemas.common import CalendarLoaded, CalendarYear
from gridconnect.api.schemas.standards import PolicyInForce
from gridconnect.calendar.errors import NoticeFileError
from gridconnect.config.policy import policy_to_dict
from gridconnect.errors import Conflict, InvalidInput
from gridconnect.services.calendar_admin import load_notice
from gridconnect.services.context import Services

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])

Admin = Annotated[AuthUser, Depends(require(Permission.MANAGE_CALENDAR))]
PolicyReader = Annotated[AuthUser, Depends(require(Permission.READ_POLICY))]


class CalendarDirMissing(Conflict):
    code = "calendar_dir_not_set"


def _load_notice(text: str, directory: Path, svc: Services) -> dict[str, Any]:
    notice, _ = load_notice(text, directory, svc)
    return {
        "year": notice.year,
        "title": notice.title,
        "published": notice.published.isoformat(),
        "days_off": sum(len(h.dates) for h in notice.holidays),
        "adjusted_workdays": len(notice.adjusted_workdays),
    }


@router.post(
    "/calendar",
    response_model=CalendarLoaded,
    status_code=201,
    responses=errors(CalendarDirMissing, InvalidInput, NoticeFileError),
)
async def load_calendar_notice(
    file: Annotated[UploadFile, File(description="the year's notice file (TOML, UTF-8)")],
    _user: Admin,
    settings: SettingsDep,
    svc: ServicesDep,
) -> dict[str, Any]:
    """Load a year's State Council holiday notice; provisional deadlines are recomputed."""
    if settings.calendar_dir is None:
        raise CalendarDirMissing("no calendar directory: set GRIDCONNECT_CALENDAR_DIR")
    try:
        text = (await file.read()).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("the notice file is not UTF-8 text", [{"field": "file"}]) from None
    return await run_in_threadpool(_load_notice, text, settings.calendar_dir, svc)


@router.get("/calendar/years", response_model=list[CalendarYear])
def list_calendar_years(_user: Admin, svc: ServicesDep) -> list[dict[str, Any]]:
    """Each supported year and where its holidays come from (a notice, or an estimate)."""
    return [
        {
            "year": info.year,
            "source": info.source,
            "title": info.title,
            "number": info.number,
            "published": info.published.isoformat() if info.published else None,
        }
        for info in svc.calendar.years()
    ]


@router.get("/policy", response_model=PolicyInForce)
def read_policy(_user: PolicyReader, svc: ServicesDep) -> dict[str, Any]:
    """The policy in force: stages, document whitelists, SLA rules, thresholds and fees."""
    return policy_to_dict(svc.policy)
