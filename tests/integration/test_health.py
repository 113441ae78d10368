"""/healthz says the process is up; /readyz checks the database and its migrations."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gridconnect.api.app import create_app
from gridconnect.config.settings import Settings
from gridconnect.store.db import make_engine, upgrade


def settings_for(url: str, tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=url,
        files_dir=tmp_path / "files",
        secret_key="health-test-secret-0123456789abcdef",
    )


def test_a_migrated_database_is_ready(engine: Engine, tmp_path: Path) -> None:
    url = engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(settings_for(url, tmp_path), engine=engine)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").status_code == 200


def test_a_database_behind_on_migrations_is_not_ready(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001")
    engine = make_engine(url)
    try:
        with TestClient(create_app(settings_for(url, tmp_path), engine=engine)) as client:
            answer = client.get("/readyz")
    finally:
        engine.dispose()
    assert answer.status_code == 503
    assert answer.json()["code"] == "migrations_pending"


def test_an_unreachable_database_is_not_ready_and_the_process_still_answers(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'missing-folder' / 'x.db'}"
    engine = make_engine(url)
    try:
        with TestClient(create_app(settings_for(url, tmp_path), engine=engine)) as client:
            assert client.get("/healthz").status_code == 200
            answer = client.get("/readyz")
    finally:
        engine.dispose()
    assert answer.status_code == 503
    assert answer.json()["code"] == "database_unreachable"
