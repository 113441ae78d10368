"""A wrong setting stops start-up with a message naming the environment variable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from gridconnect.cli import app
from gridconnect.config.settings import SettingsError, get_settings, load_settings


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_a_non_numeric_scan_interval_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDCONNECT_SCAN_INTERVAL_SECONDS", "often")
    with pytest.raises(SettingsError, match="GRIDCONNECT_SCAN_INTERVAL_SECONDS"):
        load_settings()


def test_an_unknown_database_kind_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDCONNECT_DATABASE_URL", "mysql://root@localhost/x")
    with pytest.raises(SettingsError, match="GRIDCONNECT_DATABASE_URL"):
        load_settings()


def test_the_command_line_stops_with_exit_code_2_and_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GRIDCONNECT_PORT", "99999")
    result = CliRunner().invoke(app, ["calendar", "years"])
    assert result.exit_code == 2
    assert "GRIDCONNECT_PORT" in result.output


def test_serving_outside_development_refuses_the_default_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GRIDCONNECT_ENVIRONMENT", "production")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "GRIDCONNECT_SECRET_KEY" in result.output
