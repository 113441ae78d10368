"""`gridconnect demo` fills a development database, and refuses any other."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from gridconnect.cli import app
from gridconnect.config.settings import get_settings
from gridconnect.services.context import Services
from gridconnect.services.users import authenticate


@pytest.fixture
def demo_env(
    services: Services, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Services]:
    monkeypatch.setenv("GRIDCONNECT_DATABASE_URL", services.engine.url.render_as_string(False))
    monkeypatch.setenv("GRIDCONNECT_FILES_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("GRIDCONNECT_ENVIRONMENT", "development")
    get_settings.cache_clear()
    yield services
    get_settings.cache_clear()


def test_demo_adds_users_who_can_sign_in_and_applications(demo_env: Services) -> None:
    result = CliRunner().invoke(app, ["demo", "--applications", "6"])
    assert result.exit_code == 0, result.output
    assert authenticate(demo_env.engine, "clerk", "gridconnect-demo") is not None
    with demo_env.engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM application")).scalar_one()
    assert count == 6
    again = CliRunner().invoke(app, ["demo", "--applications", "0"])
    assert again.exit_code == 0
    assert "user clerk exists" in again.output


def test_demo_refuses_a_production_database(
    demo_env: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRIDCONNECT_ENVIRONMENT", "production")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 2


def test_the_demo_raises_the_alerts_of_its_overdue_applications_at_once(
    demo_env: Services,
) -> None:
    # command centre: one scan at the end, not an interval later
    result = CliRunner().invoke(app, ["demo", "--applications", "12"])
    assert result.exit_code == 0, result.output
    with demo_env.engine.connect() as connection:
        alerts = connection.execute(text("SELECT count(*) FROM alert")).scalar_one()
    scanned = int(result.output.split("first scan: ")[1].split(" alerts")[0])
    assert 0 < scanned <= alerts  # a late stop during the demo may have raised some before
