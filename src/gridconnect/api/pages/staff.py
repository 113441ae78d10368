"""Staff sign-in and sign-out: the session cookie carries the API's own signed token."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gridconnect.api.auth import issue_token
from gridconnect.api.pages.session import CsrfChecked, end_session, optional_user, start_session
from gridconnect.api.pages.web import redirect, render
from gridconnect.config.vocabulary import NoControl
from gridconnect.services.users import authenticate

router = APIRouter(tags=["pages"], include_in_schema=False)

HOME_OF_ROLE = {"clerk": "/workbench", "supervisor": "/supervisor", "admin": "/admin"}


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
    """Check the password (argon2, in a thread) and start a session."""
    engine = request.app.state.engine
    user = None
    if username.strip() and password:
        user = await run_in_threadpool(authenticate, engine, username.strip(), password)
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
    start_session(request, response, issue_token(request.app.state.settings, user))
    return response


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request) -> Response:
    response = redirect("/login")
    end_session(response)
    return response
