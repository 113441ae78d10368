"""The CSRF token is bound to the session. Someone who can plant cookies gives the
victim their own anchor and its token; the victim's session must still refuse it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from page_helpers import csrf_of, page_sign_in, post_form

from factories import receive
from gridconnect.api.auth import SESSION_COOKIE
from gridconnect.api.pages.session import CSRF_COOKIE
from gridconnect.services.applications import get_application


def _suspend_with(victim: TestClient, app_id: int, anchor: str, token: str) -> int:
    """Post from the victim's browser: their session cookie, the attacker's planted anchor."""
    session = victim.cookies[SESSION_COOKIE]
    victim.cookies.clear()
    cookie = f"{SESSION_COOKIE}={session}; {CSRF_COOKIE}={anchor}"
    data = {"csrf_token": token, "reason_code": "customer_construction"}
    path = f"/workbench/applications/{app_id}/actions/suspend"
    answer = victim.post(path, data=data, headers={"Cookie": cookie}, follow_redirects=False)
    return answer.status_code


def test_an_anonymous_anchor_and_token_planted_in_a_signed_in_browser_are_refused(
    app, client, staff, services
):
    application = receive(services, "lv_nonresidential", city="西安")
    page_sign_in(client, "clerk_xa")
    with TestClient(app) as attacker:
        token = csrf_of(attacker, "/login")
        anchor = attacker.cookies[CSRF_COOKIE]
    assert _suspend_with(client, application.id, anchor, token) == 403
    assert not get_application(services, application.id).suspended


def test_the_attackers_own_signed_in_anchor_and_token_are_refused_too(app, client, staff, services):
    application = receive(services, "lv_nonresidential", city="西安")
    page_sign_in(client, "clerk_xa")
    with TestClient(app) as attacker:
        page_sign_in(attacker, "clerk_yl")
        token = csrf_of(attacker, "/workbench")
        anchor = attacker.cookies[CSRF_COOKIE]
    assert _suspend_with(client, application.id, anchor, token) == 403
    assert not get_application(services, application.id).suspended


def test_the_victims_own_form_still_works(client, staff, services):
    application = receive(services, "lv_nonresidential", city="西安")
    page_sign_in(client, "clerk_xa")
    path = f"/workbench/applications/{application.id}"
    answer = post_form(
        client, f"{path}/actions/suspend", {"reason_code": "customer_construction"}, from_page=path
    )
    assert answer.status_code == 303
    assert get_application(services, application.id).suspended
