"""Signing in, tokens that expire, roles, and the signing secret."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import PASSWORD, sign_in
from freezegun import freeze_time
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from gridconnect.api.app import create_app
from gridconnect.config.settings import Settings, SettingsError
from gridconnect.services.users import authenticate, deactivate


def test_a_user_signs_in_with_the_password_form_and_gets_a_bearer_token(
    client: Any, staff: Any
) -> None:
    response = client.post(
        "/api/v1/auth/token", data={"username": "clerk_xa", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"
    me = client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {response.json()['access_token']}"}
    )
    assert me.json()["role"] == "clerk"
    assert me.json()["cities"] == ["西安", "咸阳"]


def test_a_wrong_password_or_unknown_user_is_refused_alike(client: Any, staff: Any) -> None:
    wrong = client.post("/api/v1/auth/token", data={"username": "clerk_xa", "password": "nope"})
    nobody = client.post("/api/v1/auth/token", data={"username": "ghost", "password": "nope"})
    assert wrong.status_code == nobody.status_code == 401
    assert wrong.json() == nobody.json()


def test_passwords_are_stored_as_argon2_hashes(engine: Engine, staff: Any) -> None:
    with engine.connect() as connection:
        hashes = connection.execute(text("SELECT password_hash FROM app_user")).scalars().all()
    assert hashes
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert all(PASSWORD not in h for h in hashes)


def test_without_a_token_staff_endpoints_answer_401(client: Any) -> None:
    response = client.get("/api/v1/applications")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.headers["www-authenticate"] == "Bearer"
    forged = client.get("/api/v1/applications", headers={"Authorization": "Bearer abc.def.ghi"})
    assert forged.status_code == 401


def test_a_token_expires_after_eight_hours(client: Any, staff: Any) -> None:
    with freeze_time("2026-09-28 01:00:00") as frozen:
        headers = sign_in(client, "clerk_xa")
        frozen.tick(8 * 3600 - 60)
        assert client.get("/api/v1/applications", headers=headers).status_code == 200
        frozen.tick(120)
        assert client.get("/api/v1/applications", headers=headers).status_code == 401


def test_a_deactivated_user_can_neither_sign_in_nor_use_a_token(
    client: Any, engine: Engine, staff: Any
) -> None:
    headers = sign_in(client, "clerk_xa")
    deactivate(engine, "clerk_xa")
    assert client.get("/api/v1/applications", headers=headers).status_code == 401
    assert authenticate(engine, "clerk_xa", PASSWORD) is None


def test_only_admins_manage_users_calendar_and_policy(client: Any, as_user: Any) -> None:
    for path in ("/api/v1/users", "/api/v1/admin/policy", "/api/v1/admin/calendar/years"):
        response = client.get(path, headers=as_user("supervisor_xa"))
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    assert client.get("/api/v1/admin/policy", headers=as_user("admin")).status_code == 200


def test_an_admin_adds_a_user_who_can_then_sign_in(client: Any, as_user: Any) -> None:
    body = {
        "username": "clerk_bj",
        "password": "a long enough password",
        "role": "clerk",
        "company": "local",
        "cities": ["宝鸡"],
    }
    response = client.post("/api/v1/users", json=body, headers=as_user("admin"))
    assert response.status_code == 201, response.text
    again = client.post("/api/v1/users", json=body, headers=as_user("admin"))
    assert again.status_code == 409
    assert again.json()["code"] == "user_exists"
    assert sign_in(client, "clerk_bj", "a long enough password")
    no_city = dict(body, username="clerk_x", cities=[])
    refused = client.post("/api/v1/users", json=no_city, headers=as_user("admin"))
    assert refused.status_code == 422
    assert refused.json()["details"][0]["field"] == "cities"
    gone = client.post("/api/v1/users/clerk_bj/deactivate", headers=as_user("admin"))
    assert gone.json()["active"] is False


@pytest.mark.parametrize("secret", ["", "change-me"])
def test_outside_development_the_app_refuses_a_missing_or_default_secret(secret: str) -> None:
    settings = Settings(environment="production", secret_key=secret)
    with pytest.raises(SettingsError, match="GRIDCONNECT_SECRET_KEY"):
        create_app(settings)


def test_the_users_command_reads_the_password_from_standard_input(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gridconnect.cli import app as cli
    from gridconnect.config.settings import get_settings

    monkeypatch.setenv("GRIDCONNECT_DATABASE_URL", engine.url.render_as_string(False))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        args = ["users", "add", "wang", "--role", "clerk", "--company", "sgcc"]
        result = runner.invoke(
            cli, [*args, "--city", "西安", "--city", "咸阳"], input="s3cret-password\n"
        )
        assert result.exit_code == 0, result.output
        assert "s3cret-password" not in result.output
        listed = runner.invoke(cli, ["users", "list"])
        assert "wang\tclerk\tsgcc\t西安,咸阳\tactive" in listed.output
        short = runner.invoke(cli, ["users", "add", "li", "--role", "admin"], input="short\n")
        assert short.exit_code == 1
        assert "password" in short.output
    finally:
        get_settings.cache_clear()
    user = authenticate(engine, "wang", "s3cret-password")
    assert user is not None
    assert user.cities == ("西安", "咸阳")
