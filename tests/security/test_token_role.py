"""The role a token names refuses early and never grants: a role without the permission is
told 403 before its request's body is looked at, and the user's own row decides the rest."""

from __future__ import annotations

from api_helpers import SECRET, bearer_of, lv_body
from freezegun import freeze_time

APPS = "/api/v1/applications"


def _id_of(client, headers) -> int:
    return int(client.get("/api/v1/auth/me", headers=headers).json()["id"])


@freeze_time("2026-09-28 02:00:00")
def test_a_role_without_the_permission_is_refused_before_its_body_is_checked(client, as_user):
    supervisor = as_user("supervisor_xa")
    assert client.post(APPS, json={}, headers=supervisor).status_code == 403
    assert client.post(APPS, json=lv_body(), headers=supervisor).status_code == 403


@freeze_time("2026-09-28 02:00:00")
def test_a_token_naming_a_role_the_user_does_not_have_grants_nothing(client, as_user):
    # Signed with the service's own key: what a leaked key or a bug in issuing would give.
    supervisor_id = _id_of(client, as_user("supervisor_xa"))
    claims_clerk = bearer_of(SECRET, sub=str(supervisor_id), role="clerk")
    answer = client.post(APPS, json=lv_body(), headers=claims_clerk)
    assert answer.status_code == 403
    assert client.get(f"{APPS}?limit=1", headers=as_user("clerk_xa")).json()["total"] == 0


@freeze_time("2026-09-28 02:00:00")
def test_a_token_issued_before_tokens_named_the_role_still_works(client, as_user):
    clerk_id = _id_of(client, as_user("clerk_xa"))
    supervisor_id = _id_of(client, as_user("supervisor_xa"))
    without_role = bearer_of(SECRET, sub=str(clerk_id))
    assert client.post(APPS, json=lv_body(), headers=without_role).status_code == 201
    without_role = bearer_of(SECRET, sub=str(supervisor_id))
    assert client.post(APPS, json=lv_body(), headers=without_role).status_code == 403
