"""Administration: the calendar years and their source, and loading a new holiday notice."""

from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gridconnect.api.deps import services_of, settings_of
from gridconnect.api.pages.labels import flow_diagrams
from gridconnect.api.pages.notice_problems import in_chinese
from gridconnect.api.pages.session import CsrfChecked, staff
from gridconnect.api.pages.web import redirect, render
from gridconnect.api.permissions import Permission
from gridconnect.calendar import NoticeFileError
from gridconnect.services.calendar_admin import load_notice
from gridconnect.services.users import AuthUser

router = APIRouter(prefix="/admin", tags=["pages"], include_in_schema=False)

ADMIN = staff(Permission.MANAGE_CALENDAR)


def _page(request: Request, status_code: int = 200, **extra: object) -> Response:
    svc = services_of(request)
    context = {
        "years": svc.calendar.years(),
        "calendar_dir": settings_of(request).calendar_dir,
        "loaded": request.query_params.get("loaded"),
        "kinds": svc.policy.kinds,
        "flows": flow_diagrams(svc.policy),
        **extra,
    }
    return render(request, "admin.html", context, status_code=status_code)


@router.get("")
def admin_page(request: Request, _user: AuthUser = ADMIN) -> Response:
    return _page(request)


@router.post("/calendar", dependencies=[CsrfChecked])
async def upload_notice(
    request: Request,
    file: Annotated[UploadFile | None, Form()] = None,
    _user: AuthUser = ADMIN,
) -> Response:
    """Validate and load a year's notice; a bad file is listed problem by problem, by line."""
    directory = settings_of(request).calendar_dir
    if directory is None:
        return _page(request, 409, error="未设置日历目录（GRIDCONNECT_CALENDAR_DIR），无法保存。")
    if file is None or not file.filename:
        return _page(request, 422, error="请选择通知文件（TOML 格式，UTF-8 编码）。")
    data = await file.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _page(request, 422, error="文件不是 UTF-8 编码的文本。", file_name=file.filename)
    try:
        notice, _ = await run_in_threadpool(load_notice, text, directory, services_of(request))
        year = notice.year
    except NoticeFileError as exc:
        return _page(
            request,
            422,
            error="通知文件有误，未加载。请按以下逐行提示修改后重新上传：",
            problems=[{**p, "reason": in_chinese(str(p["reason"]))} for p in exc.problems],
            file_name=file.filename,
        )
    return redirect(f"/admin?loaded={year}")
