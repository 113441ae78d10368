"""What every page shares: the templates, rendering with the CSRF token, page errors."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from gridconnect.api.pages import labels
from gridconnect.api.pages.session import CSRF_COOKIE, csrf_token, set_cookie
from gridconnect.api.permissions import Permission, allows
from gridconnect.services.users import AuthUser
from gridconnect.timesource import SHANGHAI, as_utc

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def local_time(value: datetime | str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An instant as a person in Shaanxi reads it (Asia/Shanghai)."""
    if value is None:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return as_utc(moment).astimezone(SHANGHAI).strftime(fmt)


def due_day(value: datetime | str | None) -> str:
    """A due instant (24:00 of its last day) as that day, not as 00:00 of the next."""
    if value is None:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return local_time(moment - timedelta(seconds=1), "%Y-%m-%d")


def days_left(value: int | None) -> str:
    """Working days to a due, never negative: past the due it reads 超期 N 个工作日."""
    if value is None:
        return "—"
    return f"剩余 {value} 个工作日" if value >= 0 else f"超期 {-value} 个工作日"


def due_text(value: str | None) -> str:
    """A due day, unambiguous: the day itself counts ("2026-12-02（含）前")."""
    return f"{value}（含）前" if value else "—"


def quantity(value: float | None) -> str:
    """A capacity or a voltage as people write it: 800, 10, 12.5 (no trailing ".0")."""
    return "—" if value is None else f"{round(value, 2):g}"


def may(user: AuthUser | None, permission: str) -> bool:
    """For templates: show an action only to roles that may take it (`api.permissions`)."""
    return user is not None and allows(user.role, Permission(permission))


templates.env.filters["local_time"] = local_time
templates.env.filters["due_day"] = due_day
templates.env.filters["days_left"] = days_left
templates.env.filters["due_text"] = due_text
templates.env.filters["quantity"] = quantity  # "800 千伏安 · 10 千伏"
templates.env.globals.update(
    company_names=labels.COMPANY_NAMES,
    area_names=labels.AREA_NAMES,
    channel_names=labels.CHANNEL_NAMES,
    supply_names=labels.SUPPLY_NAMES,
    status_names=labels.STATUS_NAMES,
    source_names=labels.SOURCE_NAMES,
    day_kind_names=labels.DAY_KIND_NAMES,
    year_source_names=labels.YEAR_SOURCE_NAMES,
    clock_state_names=labels.CLOCK_STATE_NAMES,
    urgency_names=labels.URGENCY_NAMES,
    action_names=labels.ACTION_NAMES,
    event_names=labels.EVENT_NAMES,
    role_names=labels.ROLE_NAMES,
    alert_level_names=labels.ALERT_LEVEL_NAMES,
    capacity_unit_names=labels.CAPACITY_UNIT_NAMES,
    may=may,
)


class PageError(Exception):
    """A page-level refusal shown as a normal page (403, 404, 429...), never as JSON."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


class LoginRequired(Exception):
    """The page needs a signed-in member of staff: send them to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a template with the CSRF token, the user and the clock in its context."""
    token, new_anchor = csrf_token(request)
    values: dict[str, Any] = {
        "csrf_token": token,
        "user": getattr(request.state, "user", None),
    }
    values.update(context or {})
    response = templates.TemplateResponse(request, name, values, status_code=status_code)
    if new_anchor is not None:
        set_cookie(request, response, CSRF_COOKIE, new_anchor)
    return response


def redirect(url: str) -> RedirectResponse:
    """After a successful POST: see-other, so a reload does not post again."""
    return RedirectResponse(url, status_code=303)


async def page_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageError)
    context = {"title": exc.title, "message": exc.message}
    return render(request, "error.html", context, status_code=exc.status)


async def login_required_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    from urllib.parse import quote

    return redirect("/login?next=" + quote(exc.next_url, safe="/?=&"))
