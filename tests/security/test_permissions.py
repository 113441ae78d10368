"""One permission table for pages and API. Walk every API route and every page
action for every role; each answer must match the table, and pages must grant what the API
grants for the same permission, no more and no less."""

from __future__ import annotations

import re
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from page_helpers import csrf_of, page_sign_in

from gridconnect.api.permissions import ROLES, ROLES_FOR, Permission

# Routes anyone may call, and routes any signed-in member of staff may call.
PUBLIC_API = {
    "/healthz",
    "/readyz",
    "/api/v1/auth/token",
    "/api/v1/public/applications",
    "/api/v1/public/applications/{number}",
    "/api/v1/public/service-standards",
    "/api/v1/calendar/add",  # the working-day calendar is public arithmetic
    "/api/v1/calendar/count",
    "/api/v1/calendar/{date}",
    # outages capability: current and planned outages (停电信息), no personal data
    "/api/v1/public/outages",
    "/api/v1/public/outages/account/{account}",
}
SIGNED_IN_API = {"/api/v1/auth/me", "/api/v1/auth/logout"}
# govlink: no user but the platform's HMAC signature (tests/security/test_gov_signatures.py)
SIGNED_IN_API |= {
    "/api/v1/gov/callbacks/approval-acknowledged",
    "/api/v1/gov/callbacks/department-decisions",
    "/api/v1/gov/callbacks/leads",
}
PUBLIC_PAGES = {"/", "/standards", "/apply", "/apply/done", "/status", "/my", "/my/leave"}
PUBLIC_PAGES |= {"/login", "/logout"}
# supply plans, charges and open capacity: the customer's code or nothing at all
PUBLIC_API |= {
    "/api/v1/public/charge-catalogue",
    "/api/v1/public/applications/{number}/supply-plans",
    "/api/v1/public/applications/{number}/supply-plans/choice",
    "/api/v1/public/open-capacity",
}
PUBLIC_PAGES |= {"/my/plans", "/my/plans/choice", "/capacity"}
# selfservice: a customer recovers a lost access code with a one-time code sent to the phone
PUBLIC_API |= {"/api/v1/public/recovery", "/api/v1/public/recovery/{challenge}/verify"}
PUBLIC_API |= {
    f"/api/v1/public/applications/{{number}}/{action}"
    for action in ("documents", "cancel", "rating", "tickets")
}
PUBLIC_PAGES |= {"/status/recover", "/status/recover/verify", "/status/recovered"}
# selfservice: the customer's own application, behind the cookie a proven code opens
PUBLIC_PAGES |= {"/my/documents", "/my/cancel", "/my/documents/{document_id}", "/my/rating"}
PUBLIC_PAGES |= {"/my/tickets"}
PUBLIC_PAGES |= {"/outage-info"}  # outages capability: 停电信息, no personal data
ROLE_USERS = {"clerk": "clerk_xa", "supervisor": "supervisor_xa", "admin": "admin"}
ROLE_USERS["dispatcher"] = "dispatcher_xa"  # outages capability


def _permission(route: APIRoute) -> Permission | None:
    """The permission a route's dependencies check (searched through the whole tree)."""
    pending = list(route.dependant.dependencies)
    while pending:
        dependant = pending.pop()
        found = getattr(dependant.call, "permission", None)
        if found is not None:
            return Permission(found)
        pending.extend(dependant.dependencies)
    return None


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every APIRoute, also inside routers FastAPI keeps as included-router nodes (>=0.165)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif getattr(route, "original_router", None) is not None:
            found.extend(_api_routes(route.original_router.routes))
    return found


def _routes(app: Any) -> list[tuple[APIRoute, str, Permission | None]]:
    found = []
    for route in _api_routes(app.routes):
        for method in sorted(route.methods - {"HEAD"}):
            found.append((route, method, _permission(route)))
    assert len(found) > 40, "the walk found too few routes: FastAPI's routing changed?"
    return found


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _is_page(route: APIRoute) -> bool:
    return not route.path.startswith("/api/") and route.path not in ("/healthz", "/readyz")


def test_every_route_names_a_permission_or_is_listed_as_public(app):
    unlisted = []
    for route, method, permission in _routes(app):
        if route.path.startswith(("/docs", "/redoc", "/openapi")):
            continue
        public = PUBLIC_PAGES if _is_page(route) else PUBLIC_API | SIGNED_IN_API
        if permission is None and route.path not in public:
            unlisted.append(f"{method} {route.path}")
    assert unlisted == [], "routes without a permission: " + ", ".join(unlisted)


def _answers(app: Any, staff: dict[str, str]) -> dict[tuple[str, str, str], int]:
    """(role, method, path) -> status, for every route that names a permission."""
    answers = {}
    routes = [r for r in _routes(app) if r[2] is not None]
    for role, name in ROLE_USERS.items():
        with TestClient(app) as client:
            token = client.post(
                "/api/v1/auth/token", data={"username": name, "password": staff[name]}
            ).json()["access_token"]
            bearer = {"Authorization": f"Bearer {token}"}
            page_sign_in(client, name)
            csrf = csrf_of(client, "/")  # a page every role may open (dispatchers: no /workbench)
            for route, method, _ in routes:
                url = _url(route.path)
                if _is_page(route):
                    data = {"csrf_token": csrf} if method == "POST" else None
                    response = client.request(method, url, data=data, follow_redirects=False)
                else:
                    body = {} if method == "POST" else None
                    response = client.request(method, url, json=body, headers=bearer)
                answers[(role, method, route.path)] = response.status_code
    return answers


def test_every_answer_matches_the_table_and_pages_match_the_api(app, staff):
    assert set(ROLE_USERS) == set(ROLES)
    answers = _answers(app, staff)
    routes = {(m, r.path): p for r, m, p in _routes(app) if p is not None}
    granted: dict[tuple[str, Permission, bool], set[bool]] = {}
    wrong = []
    for (role, method, path), status in answers.items():
        permission = routes[(method, path)]
        allowed = role in ROLES_FOR[permission]
        if (status == 403) == allowed or (status in (401, 303) and allowed):
            wrong.append(f"{role} {method} {path}: {status}, table says {allowed}")
        is_page = not path.startswith("/api/")
        granted.setdefault((role, permission, is_page), set()).add(status != 403)
    assert wrong == []
    for (role, permission, is_page), outcomes in granted.items():
        assert len(outcomes) == 1, f"{role} {permission}: mixed answers"
        other = granted.get((role, permission, not is_page))
        if other is not None:
            assert other == outcomes, f"{role} {permission}: page and API disagree"
    # The pages the issue named: each refused now, as the API refuses them.
    assert answers[("admin", "POST", "/workbench/new")] == 403
    assert answers[("supervisor", "POST", "/workbench/new")] == 403
    action = "/workbench/applications/{application_id}/actions/{action}"
    assert answers[("admin", "POST", action)] == 403
