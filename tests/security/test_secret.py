"""No known signing secret. Development makes a random one at first start and
keeps it beside the database; known or short secrets are refused where others can reach us."""

from __future__ import annotations

import stat
import warnings
from datetime import timedelta
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient
from jwt.warnings import InsecureKeyLengthWarning
from typer.testing import CliRunner

from gridconnect.api.app import create_app
from gridconnect.config.settings import Settings, SettingsError, get_settings
from gridconnect.config.signing import secret_file
from gridconnect.services.users import add_user
from gridconnect.timesource import now


def _forged(secret: str, user_id: int) -> dict[str, str]:
    claims = {"sub": str(user_id), "gen": 0, "exp": now() + timedelta(hours=1)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)  # the attacker does not care
        token = jwt.encode(claims, secret, algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


def test_a_token_forged_with_change_me_reads_nothing_in_default_development(
    engine, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # where a PostgreSQL development secret would be kept
    admin = add_user(engine, "root", "a long enough password", "admin")
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(environment="development", database_url=url)
    with TestClient(create_app(settings, engine=engine)) as client:
        answer = client.get("/api/v1/users", headers=_forged("change-me", admin.id))
    assert answer.status_code == 401


def test_the_development_secret_is_random_kept_beside_the_database_and_private(tmp_path):
    settings = Settings(environment="development", database_url=f"sqlite:///{tmp_path}/g.db")
    first = settings.with_secret().signing_secret()
    again = Settings(environment="development", database_url=settings.database_url)
    assert again.with_secret().signing_secret() == first  # sessions survive a restart
    path = secret_file(settings)
    assert path == tmp_path / "g.db.secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32
    other = Settings(environment="development", database_url=f"sqlite:///{tmp_path}/h.db")
    assert other.with_secret().signing_secret() != first


@pytest.mark.parametrize("environment", ["development", "test", "production"])
@pytest.mark.parametrize("secret", ["change-me", "secret", "CHANGE-ME"])
def test_a_known_secret_is_refused_in_every_environment(environment, secret):
    settings = Settings(environment=environment, secret_key=secret)
    with pytest.raises(SettingsError, match="GRIDCONNECT_SECRET_KEY"):
        create_app(settings)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_a_short_or_missing_secret_is_refused_when_reachable_from_another_machine(host):
    for secret in ("short-but-not-known", None):
        settings = Settings(environment="development", secret_key=secret, host=host)
        with pytest.raises(SettingsError, match="GRIDCONNECT_SECRET_KEY"):
            settings.with_secret()


def test_a_short_secret_is_accepted_on_loopback_in_development():
    for host in ("127.0.0.1", "::1", "localhost"):
        Settings(environment="development", secret_key="short-but-mine", host=host).with_secret()


def test_the_secret_never_shows_in_the_settings_repr():
    settings = Settings(
        environment="test", secret_key="a-very-private-secret-of-48-characters-xxxxxxx"
    )
    assert "a-very-private" not in repr(settings)
    assert "a-very-private" not in str(settings.model_dump())


def test_serve_on_all_interfaces_without_a_secret_stops_with_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from gridconnect.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GRIDCONNECT_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "GRIDCONNECT_SECRET_KEY" in result.output
