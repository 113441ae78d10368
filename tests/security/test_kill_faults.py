"""Fault test: kill -9 the server during uploads and advances, then check.

A real `gridconnect serve` process on PostgreSQL is killed with SIGKILL while several
clients upload documents (some content shared between applications, some unique) and
advance applications, a bounded number of rounds. Afterwards nothing may be half-written:
- `audit verify`: every chain intact and ending where its application's anchor says;
- the database: each application's stage is its last event's, and each document row has
  exactly one `document_recorded` event naming its content;
- the file store: every referenced file is there with the content its name promises;
  `files sweep --dry-run` reports no missing file, and a sweep removes every orphan and
  `.upload-*` temporary the kills left, leaving every referenced file.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from gridconnect.cli import app as cli
from gridconnect.config.settings import get_settings
from gridconnect.services.audit import verify_chains
from gridconnect.services.users import add_user
from servers import free_port, start_server

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

ROUNDS = 4
CLIENTS = 4
SECRET = "kill-fault-test-secret-0123456789abcdef"
PASSWORD = "correct horse battery"
SHARED = b"%PDF-1.4\n% a deed several customers upload\n"


@pytest.fixture(autouse=True)
def _postgres_only(on_postgres: bool) -> None:
    if not on_postgres:
        pytest.skip("needs PostgreSQL (GRIDCONNECT_TEST_DATABASE_URL)")


def client_loop(base: str, token: str, done: list[int], seed: int) -> None:
    """Apply, upload (shared and unique content), advance, until the server dies."""
    body = {
        "kind": "lv_nonresidential",
        "customer": {"name": "张三", "phone": "13800138000", "id_number": "610102199001011234"},
        "address": "西安市雁塔区科技路 1 号",
        "city": "西安",
        "area_class": "urban",
        "capacity_kw": 100,
        "channel": "hall",
    }
    headers = {"Authorization": f"Bearer {token}"}
    n = 0
    try:
        with httpx.Client(base_url=base, timeout=30, headers=headers) as http:
            while True:
                n += 1
                created = http.post("/api/v1/applications", json=body).json()
                url = f"/api/v1/applications/{created['id']}"
                unique = b"%PDF-1.4\n% " + f"{seed}-{n}".encode() + os.urandom(2048)
                for doc_type, content in (
                    ("identity_document", unique),
                    ("property_certificate", SHARED),
                ):
                    http.post(
                        f"{url}/documents",
                        data={"doc_type": doc_type},
                        files={"file": (f"{doc_type}.pdf", content, "application/pdf")},
                    )
                    done.append(1)
                http.post(f"{url}/advance")
                http.post(f"{url}/advance")
                done.append(1)
    except (httpx.TransportError, KeyError, ValueError):
        return  # the server was killed under us


def run_round(env: dict[str, str], kill_at: int) -> None:
    """One server life: clients work until `kill_at` requests were answered, then SIGKILL
    (counted in requests, not seconds, so the kill lands mid-traffic on a slow machine too)."""
    port = free_port()
    server = start_server(env, port)
    base = f"http://127.0.0.1:{port}"
    token = httpx.post(
        f"{base}/api/v1/auth/token", data={"username": "clerk", "password": PASSWORD}, timeout=60
    ).json()["access_token"]
    done: list[int] = []
    clients = [
        threading.Thread(target=client_loop, args=(base, token, done, i)) for i in range(CLIENTS)
    ]
    for client in clients:
        client.start()
    try:
        for _ in range(1200):  # at most two minutes
            if len(done) >= kill_at or not any(c.is_alive() for c in clients):
                break
            time.sleep(0.1)
    finally:
        os.kill(server.pid, signal.SIGKILL)
        server.wait(30)
        for client in clients:
            client.join(60)
    assert len(done) >= kill_at, "the clients stopped before the kill"


@pytest.fixture
def server_env(engine: Engine, tmp_path: Path) -> Iterator[dict[str, str]]:
    add_user(engine, "clerk", PASSWORD, "clerk", "sgcc", ["西安"])
    env = dict(
        os.environ,
        GRIDCONNECT_DATABASE_URL=engine.url.render_as_string(hide_password=False),
        GRIDCONNECT_FILES_DIR=str(tmp_path / "files"),
        GRIDCONNECT_SECRET_KEY=SECRET,
        GRIDCONNECT_ENVIRONMENT="test",
    )
    return env


def test_killing_the_server_during_uploads_and_advances_leaves_nothing_half_written(
    engine: Engine, server_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for round_number in range(ROUNDS):
        run_round(server_env, kill_at=5 + 7 * round_number)

    checked, breaks = verify_chains(engine)
    assert breaks == []
    assert checked > 0

    with engine.connect() as sql:
        applications = sql.execute(text("SELECT count(*) FROM application")).scalar_one()
        stage_not_last_event = sql.execute(
            text(
                "SELECT a.id FROM application a JOIN event e ON e.application_id = a.id "
                "AND e.seq = a.audit_length WHERE e.stage_after <> a.stage"
            )
        ).all()
        documents = sql.execute(text("SELECT id, application_id, sha256 FROM document")).all()
        recorded = sql.execute(
            text("SELECT application_id, details FROM event WHERE action = 'document_recorded'")
        ).all()
    assert applications > 0
    assert documents
    assert stage_not_last_event == []
    from_events = sorted((a, d["sha256"]) for a, d in recorded)
    assert sorted((a, sha) for _, a, sha in documents) == from_events

    files = Path(server_env["GRIDCONNECT_FILES_DIR"])
    for _, _, sha in documents:
        stored = files / sha[:2] / sha
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha

    monkeypatch.setenv("GRIDCONNECT_DATABASE_URL", server_env["GRIDCONNECT_DATABASE_URL"])
    monkeypatch.setenv("GRIDCONNECT_FILES_DIR", server_env["GRIDCONNECT_FILES_DIR"])
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        dry = runner.invoke(cli, ["files", "sweep", "--dry-run", "--grace", "0"])
        assert dry.exit_code == 0, dry.output
        assert "missing 0" in dry.output, dry.output
        swept = runner.invoke(cli, ["files", "sweep", "--grace", "0"])
        assert swept.exit_code == 0, swept.output
        again = runner.invoke(cli, ["files", "sweep", "--dry-run", "--grace", "0"])
        assert "would remove 0 unreferenced file(s) (0 bytes) and 0 temporary" in again.output
        assert f"kept {len({sha for _, _, sha in documents})} " in again.output
    finally:
        get_settings.cache_clear()
    print(
        f"{applications} applications, {len(documents)} documents, {checked} events; {dry.output}"
    )
