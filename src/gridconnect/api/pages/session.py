"""Staff sessions and CSRF protection for the pages.

The session cookie holds the same signed token the API issues (`gridconnect.api.auth`),
HttpOnly and SameSite=Lax, so no new signing scheme is needed. CSRF: every browser gets a
random anchor cookie; each form carries HMAC(secret, anchor, session) in `csrf_token`,
checked on every POST (customer forms included). A cross-site page can neither read the
anchor nor compute the token. The token is bound to the session cookie too: someone able to
plant cookies (a sibling subdomain, a man in the middle on plain HTTP) can give a victim
their own anchor and matching token, but that token was made for *their* session, not the
victim's, and is refused. The anchor is renewed at sign-in and dropped at
sign-out; sign-out also ends the session on the server (the user's session generation).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import Response

from gridconnect.api.auth import SESSION_COOKIE, user_from_token, user_scope
from gridconnect.api.deps import services_of, settings_of
from gridconnect.api.permissions import Permission, allows
from gridconnect.services.context import Scope
from gridconnect.services.users import AuthUser

CSRF_COOKIE = "gridconnect_csrf"


def _secret(request: Request) -> bytes:
    return settings_of(request).signing_secret().encode()


def sign(request: Request, purpose: str, value: str) -> str:
    return hmac.new(_secret(request), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def set_cookie(
    request: Request, response: Response, name: str, value: str, max_age: int | None = None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def _bound(request: Request, anchor: str) -> str:
    """What the CSRF token signs: the anchor and a digest of this browser's session cookie."""
    session = request.cookies.get(SESSION_COOKIE, "")
    return f"{anchor}:{hashlib.sha256(session.encode()).hexdigest()}"


def csrf_token(request: Request) -> tuple[str, str | None]:
    """The form token for this browser, and a new anchor to set when it had none."""
    anchor = getattr(request.state, "csrf_anchor", None) or request.cookies.get(CSRF_COOKIE)
    new_anchor = None
    if not anchor:
        anchor = new_anchor = secrets.token_urlsafe(32)
        request.state.csrf_anchor = anchor
    return sign(request, "csrf", _bound(request, anchor)), new_anchor


def renew_csrf(request: Request, response: Response) -> None:
    """A fresh anchor at sign-in, so a token seen before sign-in is worth nothing after."""
    anchor = secrets.token_urlsafe(32)
    request.state.csrf_anchor = anchor
    set_cookie(request, response, CSRF_COOKIE, anchor)


def check_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    """Refuse a POST whose form token does not match this browser's anchor cookie."""
    from gridconnect.api.pages.web import PageError

    anchor = request.cookies.get(CSRF_COOKIE)
    expected = sign(request, "csrf", _bound(request, anchor)) if anchor else ""
    if not anchor or not hmac.compare_digest(csrf_token, expected):
        raise PageError(
            403,
            "表单已失效",
            "表单已过期或来源不明，未作任何处理。请返回上一页刷新后重新提交。",
        )


CsrfChecked = Depends(check_csrf)


def start_session(request: Request, response: Response, token: str) -> None:
    set_cookie(request, response, SESSION_COOKIE, token)
    renew_csrf(request, response)


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    response.delete_cookie(CSRF_COOKIE, path="/", httponly=True, samesite="lax")


def optional_user(request: Request) -> AuthUser | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    user = user_from_token(services_of(request).engine, settings_of(request), token)
    request.state.user = user
    return user


def staff(permission: Permission):  # type: ignore[no-untyped-def]
    """A dependency: the signed-in user whose role holds `permission` (login page or 403)."""

    def dependency(request: Request) -> AuthUser:
        from gridconnect.api.pages.web import LoginRequired, PageError

        user = optional_user(request)
        if user is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginRequired(target if request.method == "GET" else request.url.path)
        if not allows(user.role, permission):
            raise PageError(403, "无权访问", "您的账号没有访问此页面的权限。")
        return user

    dependency.permission = permission  # type: ignore[attr-defined]  # read by the tests
    return Depends(dependency)


def scope_of(user: AuthUser) -> Scope:
    return user_scope(user)
