"""Sign-out ends the session on the server, as bearer and as cookie; so do
deactivation and a new password, for every session of the user."""

from __future__ import annotations

from api_helpers import sign_in
from fastapi.testclient import TestClient
from page_helpers import page_sign_in, post_form

from gridconnect.api.auth import SESSION_COOKIE
from gridconnect.services.users import set_password


def test_after_logout_the_bearer_token_is_refused(client, staff):
    headers = sign_in(client, "clerk_xa")
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_a_session_cookie_copied_before_logout_is_worthless_after_it(app, client, staff):
    page_sign_in(client, "clerk_xa")
    stolen = client.cookies[SESSION_COOKIE]
    assert post_form(client, "/logout", {}, from_page="/workbench").status_code == 303
    with TestClient(app) as thief:
        thief.cookies.set(SESSION_COOKIE, stolen)
        answer = thief.get("/workbench", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")


def test_logout_ends_every_session_of_the_user(client, staff):
    first, second = sign_in(client, "clerk_xa"), sign_in(client, "clerk_xa")
    assert client.post("/api/v1/auth/logout", headers=first).status_code == 204
    assert client.get("/api/v1/auth/me", headers=second).status_code == 401
    assert client.get("/api/v1/auth/me", headers=sign_in(client, "clerk_xa")).status_code == 200


def test_deactivation_ends_every_session_and_reactivation_does_not_revive_them(
    client, staff, as_user
):
    old = sign_in(client, "clerk_xa")
    admin = as_user("admin")
    assert client.post("/api/v1/users/clerk_xa/deactivate", headers=admin).status_code == 200
    assert client.get("/api/v1/auth/me", headers=old).status_code == 401
    assert client.post("/api/v1/users/clerk_xa/reactivate", headers=admin).status_code == 200
    assert client.get("/api/v1/auth/me", headers=old).status_code == 401
    assert client.get("/api/v1/auth/me", headers=sign_in(client, "clerk_xa")).status_code == 200


def test_a_new_password_ends_every_session(client, engine, staff):
    old = sign_in(client, "clerk_xa")
    set_password(engine, "clerk_xa", "a brand new passphrase")
    assert client.get("/api/v1/auth/me", headers=old).status_code == 401
    assert sign_in(client, "clerk_xa", "a brand new passphrase")
