"""Every page a role can open fits a 375 px phone: no sideways scrolling, for anyone.

The pages are found from the app's own routes, so a page added later is checked too; pages
that need an id get the seeded HV application's (at its supply-plan stage, so the plan page
has content).
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import iter_route_contexts

from factories import provide_all_documents, receive
from gridconnect.api.app import create_app
from gridconnect.services.applications import perform
from gridconnect.services.users import add_user

pytestmark = pytest.mark.browser

NOT_PAGES = ("/api", "/docs", "/redoc", "/openapi", "/static", "/healthz", "/readyz", "/metrics")
DOWNLOADS = ("/supervisor/report.xlsx",)
ROLES = ("anonymous", "clerk", "supervisor", "admin", "dispatcher")


def page_paths(application_id: int) -> list[str]:
    """GET pages of the app, with the application's id filled in; others with ids left out."""
    found = set()
    for context in iter_route_contexts(create_app().routes):
        methods = getattr(context.original_route, "methods", None) or set()
        path = str(getattr(context, "path", ""))
        if "GET" not in methods or path.startswith(NOT_PAGES) or path in DOWNLOADS:
            continue
        path = path.replace("{application_id}", str(application_id))
        if "{" not in path:
            found.add(path)
    return sorted(found)


def test_every_page_a_role_can_open_fits_a_375_px_phone(
    chromium: Any, live: Any, sign_in: Any
) -> None:
    add_user(live.engine, "dispatcher", "correct horse battery", "dispatcher", "sgcc", ["西安"])
    app = provide_all_documents(live.services, receive(live.services, "hv", city="西安"))
    assert app.id is not None
    perform(live.services, app.id, "advance", actor="clerk")
    paths = page_paths(app.id)
    assert f"/workbench/applications/{app.id}/plans" in paths
    too_wide: list[str] = []
    opened = 0
    for role in ROLES:
        context = chromium.new_context(
            base_url=live.url, locale="zh-CN", viewport={"width": 375, "height": 812}
        )
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        if role != "anonymous":
            sign_in(tab, role)
        for path in paths:
            response = tab.goto(path)
            if response is None or response.status != 200 or "/login" in tab.url:
                continue  # not this role's page
            opened += 1
            scroll, client = tab.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if scroll > client:
                too_wide.append(f"{role} {path}: {scroll} px in {client} px")
        context.close()
    assert opened >= 30, f"only {opened} pages opened: the walk lost its way"
    assert too_wide == []
