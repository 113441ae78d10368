"""Staff sign-in and sign-out: the session cookie carries the API's own signed token.

Sign-in goes through the same limits as the API (`api.auth.check_password`); sign-out ends
the session on the server too, so a copied cookie is worth nothing afterwards.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gridconnect.api.auth import PasswordChecksBusy, check_password, issue_token
from gridconnect.api.deps import settings_of
from gridconnect.api.pages.session import CsrfChecked, end_session, optional_user, start_session
from gridconnect.api.pages.web import redirect, render
from gridconnect.config.vocabulary import NoControl
from gridconnect.services.attempts import TooManyAttempts
from gridconnect.services.users import end_sessions

router = APIRouter(tags=["pages"], include_in_schema=False)

HOME_OF_ROLE = {"clerk": "/workbench", "supervisor": "/supervisor", "admin": "/admin"}
HOME_OF_ROLE["dispatcher"] = "/outages"  # outages capability


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an absolute URL or a scheme-relative //host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    user = optional_user(request)
    if user is not None:
        return redirect(safe_next(next) or HOME_OF_ROLE.get(user.role, "/"))
    return render(request, "login.html", {"next": safe_next(next) or "", "values": {}})


@router.post("/login", dependencies=[CsrfChecked])
async def login(
    request: Request,
    username: Annotated[str, NoControl, Form(max_length=64)] = "",
    password: Annotated[str, NoControl, Form(max_length=200)] = "",
    next: Annotated[str, NoControl, Form(max_length=2000)] = "",
) -> Response:
    """Check the password (argon2, in a thread, within the limits) and start a session."""
    user = None
    if username.strip() and password:
        try:
            user = await check_password(request, username.strip(), password)
        except (TooManyAttempts, PasswordChecksBusy) as exc:
            retry = exc.details["retry_after_seconds"]
            context = {
                "next": safe_next(next) or "",
                "values": {"username": username},
                "error": f"尝试次数过多或系统繁忙，请 {retry} 秒后再试",
            }
            refused = render(request, "login.html", context, status_code=429)
            refused.headers["Retry-After"] = str(retry)
            return refused
    if user is None:
        context = {
            "next": safe_next(next) or "",
            "values": {"username": username},
            "error": "用户名或密码不正确"
            if username.strip() and password
            else "请填写用户名和密码",
        }
        return render(request, "login.html", context, status_code=401)
    response = redirect(safe_next(next) or HOME_OF_ROLE.get(user.role, "/"))
    start_session(request, response, issue_token(settings_of(request), user))
    return response


@router.post("/logout", dependencies=[CsrfChecked])
async def logout(request: Request) -> Response:
    user = optional_user(request)
    if user is not None:
        await run_in_threadpool(end_sessions, request.app.state.engine, user.id)
    response = redirect("/login")
    end_session(response)
    return response
