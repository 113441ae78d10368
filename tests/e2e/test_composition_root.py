"""The web app runs on Services built from the Settings it was created with, via Depends."""

from __future__ import annotations

import warnings
from pathlib import Path

from sqlalchemy import Engine
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

from gridconnect.api.app import create_app
from gridconnect.api.deps import get_services
from gridconnect.calendar import load_calendar, parse_notice
from gridconnect.config.settings import Settings
from gridconnect.services.context import Services
from gridconnect.timesource import now as system_now

NOTICE_2027 = """\
year = 2027
[notice]
title = "测试用：2027年部分节假日安排（虚构）"
number = ""
published = 2026-11-05
[[holidays]]
name = "元旦"
dates = [2027-01-01, 2027-01-02, 2027-01-03]
"""


def settings_for(engine: Engine, tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=engine.url.render_as_string(hide_password=False),
        files_dir=tmp_path / "files",
        calendar_dir=tmp_path / "calendar",
    )


def test_the_calendar_api_answers_from_the_apps_own_calendar_directory(
    engine: Engine, tmp_path: Path
) -> None:
    app = create_app(settings_for(engine, tmp_path), engine=engine)
    with TestClient(app) as client:
        before = client.get("/api/v1/calendar/2027-01-04").json()
        (tmp_path / "calendar").mkdir()
        (tmp_path / "calendar" / "2027.toml").write_text(NOTICE_2027, encoding="utf-8")
        after = client.get("/api/v1/calendar/2027-01-04").json()
    assert before["provisional"] is True
    assert after["provisional"] is False  # a new notice file, no restart


def test_overriding_the_services_dependency_reaches_the_api_and_the_pages(
    engine: Engine, tmp_path: Path, services: Services
) -> None:
    official_2027 = load_calendar().with_notice(parse_notice(NOTICE_2027))
    services.calendar_source = lambda: official_2027
    asked: list[str] = []
    services.now = lambda: asked.append("now") or system_now()  # type: ignore[func-returns-value]
    app = create_app(settings_for(engine, tmp_path), engine=engine)
    app.dependency_overrides[get_services] = lambda: services
    with TestClient(app) as client:
        day = client.get("/api/v1/calendar/2027-01-04").json()
        home = client.get("/")
    assert day["provisional"] is False
    assert home.status_code == 200
    assert asked
