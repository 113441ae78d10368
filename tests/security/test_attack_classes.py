"""The attacks that already failed in the issue-11 run, kept failing: another city's clerk,
another company, forged, expired and oversized tokens, open redirects after sign-in."""

from __future__ import annotations

import jwt
import pytest
from api_helpers import SECRET, bearer_of, sign_in
from freezegun import freeze_time
from page_helpers import post_form

from factories import receive


@pytest.mark.parametrize("reader", ["clerk_yl", "clerk_local"])
def test_another_citys_or_companys_clerk_cannot_read_or_act(client, staff, services, reader):
    application = receive(services, "lv_nonresidential", city="西安")
    headers = sign_in(client, reader)
    url = f"/api/v1/applications/{application.id}"
    assert client.get(url, headers=headers).status_code == 404
    assert client.post(f"{url}/cancel", json={}, headers=headers).status_code == 404


def test_a_token_signed_with_another_secret_or_none_is_refused(client, staff):
    admin_id = client.get("/api/v1/auth/me", headers=sign_in(client, "admin")).json()["id"]
    signed = bearer_of(SECRET, sub=str(admin_id))
    assert client.get("/api/v1/users", headers=signed).status_code == 200
    forged = bearer_of("another-secret-of-sufficient-length-0000", sub=str(admin_id))
    assert client.get("/api/v1/users", headers=forged).status_code == 401
    unsigned = jwt.encode({"sub": str(admin_id), "gen": 0}, key=None, algorithm="none")
    answer = client.get("/api/v1/users", headers={"Authorization": f"Bearer {unsigned}"})
    assert answer.status_code == 401


def test_an_expired_token_is_refused(client, staff):
    with freeze_time("2026-11-02 09:00:00"):
        headers = sign_in(client, "clerk_xa")
    with freeze_time("2026-11-02 17:00:01"):
        assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


@pytest.mark.parametrize("subject", ["2147483648", "99999999999999999999", "-1", "0", "x"])
def test_a_signed_token_with_an_impossible_subject_is_401_not_500(client, staff, subject):
    answer = client.get("/api/v1/auth/me", headers=bearer_of(SECRET, sub=subject))
    assert answer.status_code == 401
    assert answer.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"]
)
def test_sign_in_never_redirects_off_the_site(client, staff, target):
    form = {"username": "clerk_xa", "password": staff["clerk_xa"], "next": target}
    answer = post_form(client, "/login", form)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/workbench"
