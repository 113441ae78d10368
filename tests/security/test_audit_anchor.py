"""The audit trail cannot be erased unnoticed.

Each test plays someone who can run SQL: first without lifting the triggers (TRUNCATE),
then as an administrator who lifts them and deletes a chain's tail, a whole chain or
every event, and finally one who also rewrites the anchors to match, whom only a signed
checkpoint taken earlier catches.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from freezegun import freeze_time
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from factories import advance_to_end, provide_all_documents, receive
from gridconnect.cli import app as cli
from gridconnect.config.settings import get_settings
from gridconnect.services.applications import DocumentInput, record_document
from gridconnect.services.audit import ChainBreak, _ChainWalk, verify_chains
from gridconnect.services.audit_checkpoint import (
    CheckpointRefused,
    current_heads,
    read_checkpoint,
    write_checkpoint,
)
from gridconnect.services.context import Services
from gridconnect.store.db import alembic_config
from gridconnect.timesource import now
from gridconnect.workflow.audit import event_hash
from gridconnect.workflow.model import Application

SECRET = "checkpoint-test-secret-0123456789abcdef"


@contextmanager
def triggers_lifted(engine: Engine) -> Iterator[Connection]:
    """One transaction with the append-only triggers out of the way, as an admin could."""
    with engine.begin() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("ALTER TABLE event DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER event_no_update"))
            connection.execute(text("DROP TRIGGER event_no_delete"))
        yield connection
        if postgres:
            connection.execute(text("ALTER TABLE event ENABLE TRIGGER USER"))


def three_applications(services: Services) -> list[Application]:
    with freeze_time("2026-09-28 02:00:00"):
        connected = advance_to_end(services, receive(services))
        documented = provide_all_documents(services, receive(services))
        received = receive(services)
    return [connected, documented, received]


def reasons(services: Services, checkpoint: dict[int, tuple[int, str]] | None = None) -> dict:
    _, breaks = verify_chains(services.engine, batch=7, checkpoint=checkpoint)
    return {item.application_id: item.reason for item in breaks}


def test_truncating_the_event_table_is_refused_on_postgres(
    services: Services, on_postgres: bool
) -> None:
    if not on_postgres:
        pytest.skip("SQLite has no TRUNCATE; its DELETE trigger covers a DELETE of every row")
    three_applications(services)
    with (
        pytest.raises(DBAPIError, match="never changed or deleted"),
        services.engine.begin() as connection,
    ):
        connection.execute(text("TRUNCATE event"))
    with (
        pytest.raises(DBAPIError, match="never changed or deleted"),
        services.engine.begin() as connection,
    ):
        connection.execute(text("TRUNCATE application CASCADE"))
    assert reasons(services) == {}


def test_an_untouched_trail_verifies_with_every_chain_anchored(services: Services) -> None:
    apps = three_applications(services)
    checked, breaks = verify_chains(services.engine, batch=7)
    assert breaks == []
    heads = current_heads(services.engine)
    assert sorted(heads) == sorted(a.id for a in apps)
    assert all(length >= 1 for length, _ in heads.values())
    assert sum(length for length, _ in heads.values()) == checked


def test_every_event_deleted_is_reported_for_every_application(services: Services) -> None:
    apps = three_applications(services)
    with triggers_lifted(services.engine) as sql:
        if sql.dialect.name == "postgresql":
            sql.execute(text("TRUNCATE event"))
        else:
            sql.execute(text("DELETE FROM event"))
    found = reasons(services)
    assert sorted(found) == sorted(a.id for a in apps)
    assert all("events deleted" in reason for reason in found.values())


def test_a_cut_tail_and_a_deleted_chain_are_each_reported(services: Services) -> None:
    connected, _, received = three_applications(services)
    with triggers_lifted(services.engine) as sql:
        sql.execute(
            text(
                "DELETE FROM event WHERE application_id = :a AND seq = "
                "(SELECT MAX(seq) FROM event WHERE application_id = :a)"
            ),
            {"a": connected.id},
        )
        sql.execute(text("DELETE FROM event WHERE application_id = :a"), {"a": received.id})
    found = reasons(services)
    assert set(found) == {connected.id, received.id}
    assert "events deleted" in found[connected.id]
    assert found[received.id].startswith("chain ends at event 0")


def cut_tail_and_rewrite_anchor(sql: Connection, application_id: int) -> None:
    """Delete the last event and make the application's anchor agree: a careful admin."""
    sql.execute(
        text(
            "DELETE FROM event WHERE application_id = :a AND seq = "
            "(SELECT MAX(seq) FROM event WHERE application_id = :a)"
        ),
        {"a": application_id},
    )
    sql.execute(
        text(
            "UPDATE application SET audit_length = audit_length - 1, audit_head = "
            "(SELECT hash FROM event WHERE application_id = :a ORDER BY seq DESC LIMIT 1) "
            "WHERE id = :a"
        ),
        {"a": application_id},
    )


def test_an_admin_who_rewrites_the_anchor_is_caught_by_an_earlier_checkpoint(
    services: Services, tmp_path: Path
) -> None:
    connected, _, _ = three_applications(services)
    assert connected.id is not None
    saved = tmp_path / "checkpoint.json"
    write_checkpoint(saved, current_heads(services.engine), now(), SECRET)
    with triggers_lifted(services.engine) as sql:
        cut_tail_and_rewrite_anchor(sql, connected.id)
    assert reasons(services) == {}  # the anchor alone cannot see it
    checkpoint = read_checkpoint(saved, SECRET).heads
    found = reasons(services, checkpoint)
    assert list(found) == [connected.id]
    assert "fewer than the" in found[connected.id]


def test_a_chain_rewritten_with_valid_hashes_diverges_from_the_checkpoint(
    services: Services, tmp_path: Path
) -> None:
    """The last event replaced by a forged one with a correct hash, anchor updated."""
    connected, _, _ = three_applications(services)
    assert connected.id is not None
    saved = tmp_path / "checkpoint.json"
    write_checkpoint(saved, current_heads(services.engine), now(), SECRET)
    with triggers_lifted(services.engine) as sql:
        last = sql.execute(
            text(
                "SELECT id, seq, at, actor, action, stage_before, stage_after, details, "
                "prev_hash FROM event WHERE application_id = :a ORDER BY seq DESC LIMIT 1"
            ),
            {"a": connected.id},
        ).one()
        details = last.details if isinstance(last.details, dict) else json.loads(last.details)
        forged = event_hash(
            application_id=connected.id,
            seq=last.seq,
            at=_utc(last.at),
            actor="someone-else",
            action=last.action,
            stage_before=last.stage_before,
            stage_after=last.stage_after,
            details=details,
            prev_hash=last.prev_hash,
        )
        sql.execute(
            text("UPDATE event SET actor = 'someone-else', hash = :h WHERE id = :id"),
            {"h": forged, "id": last.id},
        )
        sql.execute(
            text("UPDATE application SET audit_head = :h WHERE id = :a"),
            {"h": forged, "a": connected.id},
        )
    assert reasons(services) == {}  # chain and anchor agree with each other
    found = reasons(services, read_checkpoint(saved, SECRET).heads)
    assert "differs from the checkpoint" in found[connected.id]


def _utc(value: object) -> datetime:
    """The stored time as the hash saw it (SQLite hands back text, PostgreSQL a datetime)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def test_a_vanished_application_is_reported_against_the_checkpoint(
    services: Services, tmp_path: Path
) -> None:
    _, _, received = three_applications(services)
    heads = current_heads(services.engine)
    heads[received.id + 1000] = (2, "f" * 64)  # an application that was deleted since
    found = reasons(services, heads)
    assert found == {received.id + 1000: "application in the checkpoint no longer exists"}


def test_an_altered_or_foreign_checkpoint_is_refused(services: Services, tmp_path: Path) -> None:
    three_applications(services)
    saved = tmp_path / "checkpoint.json"
    write_checkpoint(saved, current_heads(services.engine), now(), SECRET)
    with pytest.raises(CheckpointRefused, match="not signed"):
        read_checkpoint(saved, "another-installation-secret")
    document = json.loads(saved.read_text())
    document["heads"][0][1] -= 1  # lower a length to hide a cut tail
    saved.write_text(json.dumps(document))
    with pytest.raises(CheckpointRefused, match="not signed"):
        read_checkpoint(saved, SECRET)


def test_the_migration_backfills_every_head_from_the_events(services: Services) -> None:
    three_applications(services)
    before = current_heads(services.engine)
    config = alembic_config(services.engine.url.render_as_string(hide_password=False))
    command.downgrade(config, "0004")
    command.upgrade(config, "0005")
    assert current_heads(services.engine) == before
    assert reasons(services) == {}
    # On PostgreSQL the next tests share this database: leave it at the newest revision.
    command.upgrade(config, "head")


@pytest.fixture
def cli_env(services: Services, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    monkeypatch.setenv("GRIDCONNECT_DATABASE_URL", services.engine.url.render_as_string(False))
    monkeypatch.setenv("GRIDCONNECT_SECRET_KEY", SECRET)
    get_settings.cache_clear()
    yield services
    get_settings.cache_clear()


def test_audit_checkpoint_then_verify_against_it_from_the_command_line(
    cli_env: Services, tmp_path: Path
) -> None:
    connected, _, _ = three_applications(cli_env)
    assert connected.id is not None
    saved = tmp_path / "daily.json"
    runner = CliRunner()
    made = runner.invoke(cli, ["audit", "checkpoint", "-o", str(saved)])
    assert made.exit_code == 0, made.output
    assert "checkpoint of 3 chains" in made.output
    ok = runner.invoke(cli, ["audit", "verify", "--checkpoint", str(saved)])
    assert ok.exit_code == 0, ok.output

    with triggers_lifted(cli_env.engine) as sql:
        cut_tail_and_rewrite_anchor(sql, connected.id)
    caught = runner.invoke(cli, ["audit", "verify", "--checkpoint", str(saved)])
    assert caught.exit_code == 1
    assert f"application {connected.id}: chain: " in caught.output


def test_audit_checkpoint_refuses_to_sign_a_broken_trail(cli_env: Services, tmp_path: Path) -> None:
    connected, _, _ = three_applications(cli_env)
    with triggers_lifted(cli_env.engine) as sql:
        sql.execute(text("DELETE FROM event WHERE application_id = :a"), {"a": connected.id})
    result = CliRunner().invoke(cli, ["audit", "checkpoint", "-o", str(tmp_path / "c.json")])
    assert result.exit_code == 1
    assert "events deleted" in result.output
    assert not (tmp_path / "c.json").exists()


def test_verify_while_the_service_appends_reports_no_false_break(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An application changed after its events were walked, before its anchor is read."""
    _, _, received = three_applications(services)
    assert received.id is not None
    compare = _ChainWalk.anchor
    appended: list[int] = []

    def anchor_read_after_an_append(
        walk: _ChainWalk, app_id: int, length: int, head: str
    ) -> ChainBreak | None:
        if not appended:  # the service records a document once the events are walked
            document = DocumentInput("identity_document", "e_license", reference="EL-9")
            record_document(services, received.id, document, actor="clerk2")
            appended.append(app_id)
        if app_id == received.id:  # and its anchor is read after that commit
            length, head = current_heads(services.engine)[app_id]
        return compare(walk, app_id, length, head)

    monkeypatch.setattr(_ChainWalk, "anchor", anchor_read_after_an_append)
    assert reasons(services) == {}
    assert appended
