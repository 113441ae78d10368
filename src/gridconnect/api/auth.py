"""Who is calling: signed tokens (JWT, HS256), the current user, role checks and scope.

The API reads the token from `Authorization: Bearer ...` only. Pages may carry the same
token in the `SESSION_COOKIE` cookie (`issue_token` / `user_from_token`); the JSON API does
not accept the cookie, so a cross-site form cannot act with a clerk's session.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Engine

from gridconnect.api.deps import EngineDep, SettingsDep
from gridconnect.config.settings import Settings
from gridconnect.services.context import EVERYTHING, Scope
from gridconnect.services.users import AuthUser, get_user
from gridconnect.timesource import now

ALGORITHM = "HS256"
SESSION_COOKIE = "gridconnect_session"

_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def issue_token(settings: Settings, user: AuthUser) -> str:
    """A token naming the user, valid for `settings.token_hours`."""
    issued = now()
    claims: dict[str, Any] = {
        "sub": str(user.id),
        "name": user.username,
        "iat": issued,
        "exp": issued + timedelta(hours=settings.token_hours),
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM)


def user_from_token(engine: Engine, settings: Settings, token: str) -> AuthUser | None:
    """The active user a valid, unexpired token names; None for anything else."""
    try:
        # Expiry is what limits a token; "iat" is informational (not checked against the clock).
        claims = jwt.decode(
            token,
            settings.secret_key,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "sub"], "verify_iat": False},
        )
        user_id = int(claims["sub"])
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
    return get_user(engine, user_id)


def _unauthenticated(message: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, message, {"WWW-Authenticate": "Bearer"})


def current_user(
    engine: EngineDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(_bearer)],
) -> AuthUser:
    """The user of the bearer token; 401 without one or with an expired or forged one."""
    if not token:
        raise _unauthenticated("sign in first: send Authorization: Bearer <token>")
    user = user_from_token(engine, settings, token)
    if user is None:
        raise _unauthenticated("the token is invalid or expired: sign in again")
    return user


CurrentUser = Annotated[AuthUser, Depends(current_user)]


def require_roles(*roles: str) -> Callable[[AuthUser], AuthUser]:
    """A dependency that lets only these roles through (403 for the others)."""

    def check(user: CurrentUser) -> AuthUser:
        if user.role not in roles:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"this needs the role {' or '.join(roles)}"
            )
        return user

    return check


def user_scope(user: AuthUser) -> Scope:
    """Admins see everything; others their company's applications in their own cities."""
    if user.role == "admin":
        return EVERYTHING
    # A user without a company would otherwise see all companies: give them an empty scope.
    return Scope(company=user.company or "", cities=tuple(user.cities))


__all__ = [
    "SESSION_COOKIE",
    "AuthUser",
    "CurrentUser",
    "current_user",
    "issue_token",
    "require_roles",
    "user_from_token",
    "user_scope",
]
