"""Signing in and out: a bearer token for a username and password, revoked at sign-out."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, Response, status
from starlette.concurrency import run_in_threadpool

from gridconnect.api.auth import CurrentUser, PasswordChecksBusy, check_password, issue_token
from gridconnect.api.deps import EngineDep, SettingsDep
from gridconnect.api.error_statuses import errors
from gridconnect.api.schemas.common import Token, UserPublic
from gridconnect.config.vocabulary import NoControl
from gridconnect.services.attempts import TooManyAttempts
from gridconnect.services.users import end_sessions, user_view

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post(
    "/token",
    response_model=Token,
    responses=errors(401, TooManyAttempts, PasswordChecksBusy),
)
async def log_in(
    username: Annotated[str, NoControl, Form(max_length=64)],
    password: Annotated[str, NoControl, Form(max_length=200)],
    request: Request,
    settings: SettingsDep,
    grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
) -> dict[str, Any]:
    """Exchange a username and password (OAuth2 password form) for a bearer token."""
    user = await check_password(request, username, password)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "wrong username or password",
            {"WWW-Authenticate": "Bearer"},
        )
    return {
        "access_token": issue_token(settings, user),
        "token_type": "bearer",
        "expires_in": int(settings.token_hours * 3600),
    }


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(user: CurrentUser, engine: EngineDep) -> Response:
    """Sign out: this token and every other token of the user stop working."""
    await run_in_threadpool(end_sessions, engine, user.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserPublic)
def read_current_user(user: CurrentUser) -> dict[str, Any]:
    """Who the token belongs to: role, company and cities."""
    return user_view(user)
