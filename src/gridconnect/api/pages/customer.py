"""Short-lived signed cookies for customers (no account): "my application" and the new code."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jwt
from fastapi import Request
from fastapi.responses import Response

from gridconnect.api.deps import settings_of
from gridconnect.api.pages.session import set_cookie
from gridconnect.timesource import now

CUSTOMER_COOKIE = "gridconnect_customer"
NEW_CODE_COOKIE = "gridconnect_new_code"
CUSTOMER_MINUTES = 30
NEW_CODE_MINUTES = 10
_ALGORITHM = "HS256"


def _secret(request: Request) -> str:
    return settings_of(request).signing_secret()


def _encode(request: Request, purpose: str, minutes: int, **claims: Any) -> str:
    payload = {"typ": purpose, "exp": now() + timedelta(minutes=minutes), **claims}
    return jwt.encode(payload, _secret(request), algorithm=_ALGORITHM)


def _decode(request: Request, cookie: str, purpose: str) -> dict[str, Any] | None:
    token = request.cookies.get(cookie)
    if not token:
        return None
    try:
        claims: dict[str, Any] = jwt.decode(
            token, _secret(request), algorithms=[_ALGORITHM], options={"require": ["exp", "typ"]}
        )
    except jwt.PyJWTError:
        return None
    # A staff session token is signed with the same key: the purpose keeps them apart.
    return claims if claims.get("typ") == purpose else None


def remember_customer(request: Request, response: Response, number: str) -> None:
    """The holder proved the access code for `number`: let them read it for 30 minutes."""
    token = _encode(request, "customer-status", CUSTOMER_MINUTES, num=number)
    set_cookie(request, response, CUSTOMER_COOKIE, token, max_age=CUSTOMER_MINUTES * 60)


def customer_number(request: Request) -> str | None:
    claims = _decode(request, CUSTOMER_COOKIE, "customer-status")
    return str(claims["num"]) if claims and "num" in claims else None


def forget_customer(response: Response) -> None:
    response.delete_cookie(CUSTOMER_COOKIE, path="/", httponly=True, samesite="lax")
    response.delete_cookie(NEW_CODE_COOKIE, path="/", httponly=True, samesite="lax")


def remember_new_code(request: Request, response: Response, number: str, code: str) -> None:
    """Carry the new number and code across the redirect after applying (shown, not stored)."""
    token = _encode(request, "new-code", NEW_CODE_MINUTES, num=number, code=code)
    set_cookie(request, response, NEW_CODE_COOKIE, token, max_age=NEW_CODE_MINUTES * 60)


def new_code(request: Request) -> tuple[str, str] | None:
    claims = _decode(request, NEW_CODE_COOKIE, "new-code")
    if not claims or "num" not in claims or "code" not in claims:
        return None
    return str(claims["num"]), str(claims["code"])


# selfservice: other short-lived customer cookies (the recovery challenge) use the same signing
def sign_claims(request: Request, purpose: str, minutes: int, **claims: Any) -> str:
    return _encode(request, purpose, minutes, **claims)


def read_claims(request: Request, cookie: str, purpose: str) -> dict[str, Any] | None:
    return _decode(request, cookie, purpose)
