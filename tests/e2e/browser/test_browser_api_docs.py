"""/docs and /redoc render on an intranet: every request that would leave 127.0.0.1 is
aborted, and both pages still show the API's operations."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit


def _offline_page(chromium: Any, live: Any) -> tuple[Any, Any, list[str]]:
    context = chromium.new_context(base_url=live.url, viewport={"width": 1280, "height": 900})
    blocked: list[str] = []

    def only_local(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    return context, tab, blocked


def test_swagger_ui_renders_every_operation_with_no_internet(chromium, live):
    context, tab, blocked = _offline_page(chromium, live)
    try:
        failed: list[str] = []
        tab.on("requestfailed", lambda request: failed.append(request.url))
        tab.goto("/docs")
        tab.wait_for_selector("#operations-applications-read_application")
        assert tab.locator(".opblock").count() >= 30
        assert blocked == []
        assert failed == []
    finally:
        context.close()


def test_redoc_renders_the_api_with_no_internet(chromium, live):
    context, tab, blocked = _offline_page(chromium, live)
    try:
        tab.goto("/redoc")
        tab.wait_for_selector("h2:has-text('Read Application')")
        assert "gridconnect" in tab.title()
        assert blocked == []
    finally:
        context.close()
