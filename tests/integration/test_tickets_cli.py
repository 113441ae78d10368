"""`gridconnect tickets scan / list` over a real database file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from freezegun import freeze_time
from typer.testing import CliRunner

from factories import receive
from gridconnect.cli import app
from gridconnect.config.settings import get_settings
from gridconnect.services.context import Services
from gridconnect.services.selfservice.tickets import open_ticket


@pytest.fixture
def cli_env(services: Services, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    monkeypatch.setenv("GRIDCONNECT_DATABASE_URL", services.engine.url.render_as_string(False))
    get_settings.cache_clear()
    yield services
    get_settings.cache_clear()


def test_the_scan_warns_and_breaches_an_unanswered_ticket_and_the_list_shows_it(
    cli_env: Services,
) -> None:
    with freeze_time("2026-11-02 02:00:00"):
        application = receive(cli_env)
        open_ticket(cli_env, application.number, "complaint", "没人联系我")
    runner = CliRunner()
    with freeze_time("2026-11-20 02:00:00"):
        scanned = runner.invoke(app, ["tickets", "scan"])
        again = runner.invoke(app, ["tickets", "scan"])
        listed = runner.invoke(app, ["tickets", "list"])
    assert scanned.exit_code == 0, scanned.output
    assert "tickets: 1 warned, 1 breached" in scanned.output
    assert "tickets: 0 warned, 0 breached" in again.output
    assert application.number in listed.output
    assert "1 open tickets, 1 past due" in listed.output
