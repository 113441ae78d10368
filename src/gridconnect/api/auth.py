"""Who is calling: signed tokens (JWT, HS256), the current user, permissions and scope.

The API reads the token from `Authorization: Bearer ...` only. Pages may carry the same
token in the `SESSION_COOKIE` cookie (`issue_token` / `user_from_token`); the JSON API does
not accept the cookie, so a cross-site form cannot act with a clerk's session.

A token names the user's session generation (`gen`); sign-out, deactivation and a new
password raise it, so every earlier token stops working at once, bearer and cookie alike.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Connection, Engine
from starlette.concurrency import run_in_threadpool

from gridconnect.api.deps import ServicesDep, SettingsDep
from gridconnect.api.error_statuses import can_fail
from gridconnect.api.permissions import Permission, allows
from gridconnect.api.point_reads import point_read
from gridconnect.config.settings import Settings
from gridconnect.errors import GridconnectError
from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.services.users import AuthUser, LoginLimits, get_user, sign_in
from gridconnect.timesource import now

ALGORITHM = "HS256"
SESSION_COOKIE = "gridconnect_session"
INVALID_TOKEN = "the token is invalid or expired: sign in again"

_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def issue_token(settings: Settings, user: AuthUser) -> str:
    """A token naming the user, valid for `settings.token_hours`."""
    issued = now()
    claims: dict[str, Any] = {
        "sub": str(user.id),
        "name": user.username,
        "gen": user.session_generation,
        # Refuses a role early (`require_signed`), never grants: the user read decides.
        "role": user.role,
        "iat": issued,
        "exp": issued + timedelta(hours=settings.token_hours),
    }
    return jwt.encode(claims, settings.signing_secret(), algorithm=ALGORITHM)


def token_subject(settings: Settings, token: str) -> tuple[int, Any] | None:
    """The user id and session generation a valid, unexpired token names; None otherwise."""
    claims = _valid_claims(settings, token)
    return None if claims is None else (claims[0], claims[1])


def _valid_claims(settings: Settings, token: str) -> tuple[int, Any, int, str | None] | None:
    try:
        claims = _signed_claims(settings.signing_secret(), token)
    except (jwt.PyJWTError, ValueError, TypeError, OverflowError):
        return None
    # Expiry is what limits a token, checked on every call; "iat" is informational.
    if claims[2] <= now().timestamp():
        return None
    return claims


@functools.lru_cache(maxsize=4096)
def _signed_claims(secret: str, token: str) -> tuple[int, Any, int, str | None]:
    """What a token's signature vouches for: user id, session generation, expiry, and the
    role the user had when it was issued (None in tokens issued before tokens named it).

    A pure function of the key and the token, so remembering it cannot go stale (a new
    secret is a new key; expiry and the session generation are checked on every request).
    Decoding was a tenth of a signed-in read; a forged token raises and is never remembered.
    """
    claims = jwt.decode(
        token,
        secret,
        algorithms=[ALGORITHM],
        options={"require": ["exp", "sub", "gen"], "verify_iat": False, "verify_exp": False},
    )
    role = claims.get("role")
    return (
        int(claims["sub"]),
        claims["gen"],
        int(claims["exp"]),
        role if isinstance(role, str) else None,
    )


def user_of_session(source: Engine | Connection, user_id: int, generation: Any) -> AuthUser | None:
    """The active user `user_id` while the token's session generation is still theirs."""
    user = get_user(source, user_id)  # None for ids out of range, missing or inactive users
    if user is None or generation != user.session_generation:
        return None  # signed out, deactivated or re-passworded since
    return user


def user_from_token(engine: Engine, settings: Settings, token: str) -> AuthUser | None:
    """The active user a valid, unexpired token names; None for anything else."""
    subject = token_subject(settings, token)
    return None if subject is None else user_of_session(engine, *subject)


class PasswordChecksBusy(GridconnectError):
    """Every argon2 slot is taken: answer at once rather than queue (each check takes 64 MiB)."""

    status = 429
    code = "sign_in_busy"


def _password_gate(request: Request) -> threading.BoundedSemaphore:
    # Created on first use in the event loop thread (no race), one per app and process.
    gate: threading.BoundedSemaphore | None = getattr(request.app.state, "password_gate", None)
    if gate is None:
        size = request.app.state.settings.max_concurrent_password_checks
        gate = request.app.state.password_gate = threading.BoundedSemaphore(size)
    return gate


async def check_password(request: Request, username: str, password: str) -> AuthUser | None:
    """The user for this name and password, within the sign-in limits (429 beyond them).

    At most `max_concurrent_password_checks` argon2 verifications run at once in this
    process; the excess is refused with Retry-After instead of filling the thread pool
    that every other request needs (40 sign-ins took reads from 0.07 s to 12.6 s).
    """
    settings: Settings = request.app.state.settings
    limits = LoginLimits(
        per_account=settings.login_attempts_per_account,
        per_client=settings.login_attempts_per_client,
        window=timedelta(seconds=settings.login_window_seconds),
    )
    client = request.client.host if request.client else "unknown"
    gate = _password_gate(request)
    if not gate.acquire(blocking=False):
        raise PasswordChecksBusy(
            "the server is busy checking other sign-ins; try again in a second",
            {"retry_after_seconds": 1},
        )
    try:
        engine = request.app.state.engine
        return await run_in_threadpool(sign_in, engine, username, password, client, limits)
    finally:
        gate.release()


def _unauthenticated(message: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, message, {"WWW-Authenticate": "Bearer"})


@can_fail(401)
async def current_user(
    svc: ServicesDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(_bearer)],
) -> AuthUser:
    """The user of the bearer token; 401 without one or with an expired or forged one."""
    return await _signed_in(svc, settings, token)


async def _signed_in(svc: Services, settings: Settings, token: str | None) -> AuthUser:
    engine = svc.engine
    user_id, generation, _expires, _role = _claims(settings, token)
    user = await point_read(engine, user_of_session, engine, user_id, generation)
    if user is None:
        raise _unauthenticated(INVALID_TOKEN)
    return user


def _claims(settings: Settings, token: str | None) -> tuple[int, Any, int, str | None]:
    """The token's user id, session generation, expiry and role; 401 without a token or a
    valid one (a signature check: no thread hand-off)."""
    if not token:
        raise _unauthenticated("sign in first: send Authorization: Bearer <token>")
    claims = _valid_claims(settings, token)
    if claims is None:
        raise _unauthenticated(INVALID_TOKEN)
    return claims


CurrentUser = Annotated[AuthUser, Depends(current_user)]


def require(permission: Permission) -> Callable[..., Awaitable[AuthUser]]:
    """A dependency that lets only roles holding `permission` through (401 without a valid
    token, 403 for the other roles).

    It does `current_user`'s work itself rather than depend on it: every signed-in request
    passes here, and each dependency FastAPI resolves costs about as much as a point read.
    """

    @can_fail(401, 403)
    async def check(
        svc: ServicesDep,
        settings: SettingsDep,
        token: Annotated[str | None, Depends(_bearer)],
    ) -> AuthUser:
        return _permitted(await _signed_in(svc, settings, token), permission)

    check.permission = permission  # type: ignore[attr-defined]  # read by the permission test
    return check


@dataclass(frozen=True)
class SignedIn:
    """A valid token's subject whose user is not read yet: for a route that reads the user
    in the same hand-off as its own point read (`as_user`), one thread hop instead of two
    on PostgreSQL, where the second hop was a seventh of a signed-in read."""

    user_id: int
    generation: Any
    permission: Permission


def require_signed(permission: Permission) -> Callable[..., Awaitable[SignedIn]]:
    """`require`, with the user read later by `as_user` (which answers its 401 and 403).

    A role the token names that lacks `permission` is refused here, before the request's
    body is looked at, as `require` refuses it (a role is fixed when a user is created, and
    the token is signed); the user read in `as_user` still decides every other case."""

    @can_fail(401, 403)
    async def signed(
        settings: SettingsDep, token: Annotated[str | None, Depends(_bearer)]
    ) -> SignedIn:
        user_id, generation, _expires, role = _claims(settings, token)
        if role is not None and not allows(role, permission):
            raise _forbidden(permission)
        return SignedIn(user_id, generation, permission)

    signed.permission = permission  # type: ignore[attr-defined]  # read by the permission test
    return signed


def as_user(source: Engine | Connection, signed: SignedIn) -> AuthUser:
    """The user of `signed`, refused as `require` refuses (blocking: call it in a point read)."""
    user = user_of_session(source, signed.user_id, signed.generation)
    if user is None:
        raise _unauthenticated(INVALID_TOKEN)
    return _permitted(user, signed.permission)


def user_of(source: Engine | Connection, who: AuthUser | SignedIn) -> AuthUser:
    """`who` when its user was read already, else that user read now (`as_user`)."""
    return as_user(source, who) if isinstance(who, SignedIn) else who


def _permitted(user: AuthUser, permission: Permission) -> AuthUser:
    """`user` if their role holds `permission`; 403 otherwise."""
    if not allows(user.role, permission):
        raise _forbidden(permission)
    return user


def _forbidden(permission: Permission) -> HTTPException:
    return HTTPException(
        status.HTTP_403_FORBIDDEN, f"your role may not do this ({permission.value})"
    )


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
    "check_password",
    "current_user",
    "issue_token",
    "require",
    "user_from_token",
    "user_scope",
]
