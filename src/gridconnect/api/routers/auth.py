"""Signing in: a bearer token for a username and password."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm
from starlette.concurrency import run_in_threadpool

from gridconnect.api.auth import CurrentUser, issue_token
from gridconnect.api.deps import EngineDep, SettingsDep
from gridconnect.api.schemas.common import Token, UserPublic
from gridconnect.services.users import authenticate, user_view

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/token", response_model=Token)
async def log_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    engine: EngineDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """Exchange a username and password (OAuth2 password form) for a bearer token."""
    user = await run_in_threadpool(authenticate, engine, form.username, form.password)
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


@router.get("/me", response_model=UserPublic)
def read_current_user(user: CurrentUser) -> dict[str, Any]:
    """Who the token belongs to: role, company and cities."""
    return user_view(user)
