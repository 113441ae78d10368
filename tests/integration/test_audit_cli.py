"""`gridconnect audit verify` over a real database file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from freezegun import freeze_time
from sqlmodel import Session, select
from typer.testing import CliRunner

from factories import advance_to_end, receive, tamper_with_event
from gridconnect.cli import app
from gridconnect.config.settings import get_settings
from gridconnect.services.context import Services
from gridconnect.store.tables import EventRow


@pytest.fixture
def cli_env(services: Services, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    monkeypatch.setenv("GRIDCONNECT_DATABASE_URL", services.engine.url.render_as_string(False))
    get_settings.cache_clear()
    yield services
    get_settings.cache_clear()


def test_audit_verify_passes_on_an_untouched_trail_and_names_a_changed_event(
    cli_env: Services,
) -> None:
    with freeze_time("2026-09-28 02:00:00"):
        advance_to_end(cli_env, receive(cli_env))
    runner = CliRunner()
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "every chain intact" in result.output

    with Session(cli_env.engine) as session:
        forged = session.exec(select(EventRow.id).where(EventRow.action == "advanced")).first()
    assert forged is not None
    tamper_with_event(cli_env.engine, forged, details={"forged": True})
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"event {forged} " in result.output
