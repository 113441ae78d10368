"""Operations: the online SQLite backup, statistics after bulk loads, the
autovacuum warning of /readyz, the outbox and alert metrics, and JSON log lines."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, text
from typer.testing import CliRunner

from factories import receive
from gridconnect.api.app import create_app
from gridconnect.api.routers import health
from gridconnect.cli import app as cli
from gridconnect.config.settings import Settings, get_settings
from gridconnect.observability.logs import JsonFormatter
from gridconnect.observability.metrics import DatabaseCollector, channel_label
from gridconnect.services.context import Services
from gridconnect.store.db import is_postgres
from gridconnect.store.maintenance import analyse, autovacuum_off, backup_sqlite
from gridconnect.store.tables import OutboxRow

OUTBOX = OutboxRow.__table__  # type: ignore[attr-defined]


def _sqlite_only(engine: Engine) -> Path:
    if is_postgres(engine):
        pytest.skip("SQLite's online backup; PostgreSQL has pg_dump")
    return Path(str(engine.url.database))


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_the_backup_is_a_consistent_copy_taken_while_a_writer_keeps_writing(
    engine: Engine, tmp_path: Path
) -> None:
    source = _sqlite_only(engine)
    with engine.begin() as db:
        db.execute(text("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)"))
        db.execute(
            text("INSERT INTO filler (body) VALUES (:body)"),
            [{"body": "x" * 2000} for _ in range(2000)],
        )
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.is_set():
            with engine.begin() as db:
                db.execute(text("INSERT INTO filler (body) VALUES ('more')"))

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        pages = backup_sqlite(str(engine.url), tmp_path / "copy.db", pages_per_step=16)
    finally:
        stop.set()
        writer.join()
    copy = tmp_path / "copy.db"
    assert pages > 16
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert 2000 <= _count(copy, "filler") <= _count(source, "filler")
    assert not (tmp_path / "copy.db.partial").exists()


def test_the_backup_command_copies_and_refuses_the_database_itself(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _sqlite_only(engine)
    monkeypatch.setenv("GRIDCONNECT_DATABASE_URL", str(engine.url))
    get_settings.cache_clear()
    try:
        done = CliRunner().invoke(cli, ["db", "backup", str(tmp_path / "b.db")])
        itself = CliRunner().invoke(cli, ["db", "backup", str(source)])
    finally:
        get_settings.cache_clear()
    assert done.exit_code == 0, done.output
    assert "backed up" in done.output
    assert _count(tmp_path / "b.db", "application") == _count(source, "application")
    assert itself.exit_code == 2


def test_the_backup_command_sends_postgresql_to_pg_dump(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GRIDCONNECT_DATABASE_URL", "postgresql+psycopg://u@127.0.0.1:1/x")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["db", "backup", str(tmp_path / "b.db")])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "pg_dump" in result.output


def test_analyse_refreshes_the_statistics_of_the_application_tables(engine: Engine) -> None:
    done = analyse(engine)
    if not is_postgres(engine):
        assert done == []
        return
    assert {"application", "sla_clock", "event", "alert", "outbox"} <= set(done)
    with engine.connect() as db:
        analysed = db.execute(
            text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'application'")
        ).scalar_one()
    assert analysed is not None


def test_readyz_warns_when_autovacuum_is_off(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert autovacuum_off(engine) in (True, False)  # asks the server; never fails
    settings = Settings(
        environment="test",
        database_url=engine.url.render_as_string(hide_password=False),
        files_dir=tmp_path / "files",
        secret_key="health-test-secret-0123456789abcdef",
    )
    monkeypatch.setattr(health, "autovacuum_off", lambda _engine: True)
    with TestClient(create_app(settings, engine=engine)) as client:
        warned = client.get("/readyz")
    monkeypatch.setattr(health, "autovacuum_off", lambda _engine: False)
    with TestClient(create_app(settings, engine=engine)) as client:
        quiet = client.get("/readyz")
    assert warned.status_code == 200
    assert warned.json() == {"status": "ready", "warnings": ["autovacuum_off"]}
    assert quiet.json() == {"status": "ready"}


def test_the_outbox_metrics_name_channels_without_their_secrets(engine: Engine) -> None:
    now = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
    hook = "https://robot.example.com/send?key=very-secret"
    rows = [
        {"state": "pending", "created_at": now - timedelta(minutes=10)},
        {"state": "pending", "created_at": now - timedelta(minutes=2)},
        {"state": "failed", "created_at": now - timedelta(hours=1)},
        {"state": "delivered", "created_at": now - timedelta(hours=2)},
    ]
    with engine.begin() as db:
        for i, row in enumerate(rows):
            db.execute(
                insert(OUTBOX).values(
                    dedup_key=f"k{i}",
                    channel=hook,
                    topic="alert",
                    payload={},
                    attempts=0,
                    next_attempt_at=now,
                    **row,
                )
            )
    families = {f.name: f for f in DatabaseCollector(engine, now=now).collect()}
    label = channel_label(hook)
    assert "very-secret" not in label
    assert label.startswith("robot.example.com#")
    assert [(s.labels, s.value) for s in families["gridconnect_outbox_backlog"].samples] == [
        ({"channel": label}, 2.0)
    ]
    assert families["gridconnect_outbox_oldest_undelivered_seconds"].samples[0].value == 600.0
    assert families["gridconnect_outbox_failed"].samples[0].value == 1.0


def test_json_log_lines_are_one_object_each_with_the_exception() -> None:
    record = logging.LogRecord("gridconnect.x", logging.ERROR, __file__, 1, "scan %s", ("1",), None)
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line.replace("\\n", "")
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "gridconnect.x"
    assert entry["message"] == "scan 1"
    assert "ValueError: boom" in entry["exception"]


def test_a_scheduled_scan_counts_its_duration_and_the_clocks_it_claimed(
    services: Services,
) -> None:
    from prometheus_client import REGISTRY

    from gridconnect.scheduler.jobs import run_scan
    from gridconnect.services.alert_routing import AlertRecipients

    def sample(name: str, labels: dict[str, str] | None = None) -> float:
        return REGISTRY.get_sample_value(name, labels or {}) or 0.0

    app = receive(services)
    past = datetime.now(UTC) - timedelta(minutes=1)
    with services.engine.begin() as db:
        running = db.execute(
            text("UPDATE sla_clock SET due_at = :past WHERE application_id = :id"),
            {"past": past, "id": app.id},
        ).rowcount
    scans = sample("gridconnect_sla_scan_duration_seconds_count")
    breaches = sample("gridconnect_sla_clocks_claimed_total", {"level": "breach"})
    raised = sample("gridconnect_alerts_raised_total", {"level": "breach"})
    run_scan(services.engine, AlertRecipients.of([]))
    assert sample("gridconnect_sla_scan_duration_seconds_count") == scans + 1
    assert running >= 1
    assert sample("gridconnect_sla_clocks_claimed_total", {"level": "breach"}) == breaches + running
    assert sample("gridconnect_alerts_raised_total", {"level": "breach"}) == raised + running
