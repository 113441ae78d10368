"""The last active administrator cannot be deactivated (409 `last_admin`), and
`gridconnect users reactivate NAME` lets a deactivated account back in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_helpers import sign_in
from typer.testing import CliRunner

from gridconnect.cli import app as cli
from gridconnect.config.settings import get_settings
from gridconnect.services.users import add_user, authenticate


@pytest.fixture
def cli_on(engine, monkeypatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("GRIDCONNECT_DATABASE_URL", engine.url.render_as_string(False))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_the_last_active_administrator_cannot_deactivate_themselves(client, staff, as_user):
    answer = client.post("/api/v1/users/admin/deactivate", headers=as_user("admin"))
    assert answer.status_code == 409
    assert answer.json()["code"] == "last_admin"
    assert "admin" in answer.json()["message"]
    assert client.get("/api/v1/users", headers=as_user("admin")).status_code == 200


def test_with_a_second_administrator_one_may_go_but_not_both(client, engine, staff, as_user):
    add_user(engine, "admin2", "a long enough password", "admin")
    other = sign_in(client, "admin2", "a long enough password")
    assert client.post("/api/v1/users/admin/deactivate", headers=other).status_code == 200
    last = client.post("/api/v1/users/admin2/deactivate", headers=other)
    assert last.status_code == 409
    assert last.json()["code"] == "last_admin"


def test_the_command_line_refuses_too_and_reactivates(cli_on, engine, staff):
    refused = cli_on.invoke(cli, ["users", "deactivate", "admin"])
    assert refused.exit_code == 1
    assert "last active administrator" in refused.output
    assert cli_on.invoke(cli, ["users", "deactivate", "clerk_xa"]).exit_code == 0
    assert authenticate(engine, "clerk_xa", staff["clerk_xa"]) is None
    result = cli_on.invoke(cli, ["users", "reactivate", "clerk_xa"])
    assert result.exit_code == 0, result.output
    assert authenticate(engine, "clerk_xa", staff["clerk_xa"]) is not None
    unknown = cli_on.invoke(cli, ["users", "reactivate", "nobody"])
    assert unknown.exit_code == 1
    assert "nobody" in unknown.output


def test_a_new_password_from_the_command_line(cli_on, engine, staff):
    result = cli_on.invoke(cli, ["users", "password", "clerk_xa"], input="another long one\n")
    assert result.exit_code == 0, result.output
    assert authenticate(engine, "clerk_xa", "another long one") is not None
    assert authenticate(engine, "clerk_xa", staff["clerk_xa"]) is None
