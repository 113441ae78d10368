"""Two API workers and two schedulers on one PostgreSQL.

`gridconnect serve --workers 2` and two `gridconnect scheduler` processes run for real.
Clerks register applications and take some of them to their next stage over HTTP; then
their running clocks are moved past their warning or their due (the clocks count working
days, so the test moves the clocks rather than waiting for the calendar). Both schedulers
scan every second: every clock must be alerted exactly once at its level, every alert
delivered exactly once to the supervisors' webhook, and every audit chain intact.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from api_helpers import PASSWORD, lv_body
from sqlalchemy import Engine, text

from gridconnect.services.audit import verify_chains
from gridconnect.services.users import add_user
from servers import free_port

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

SECRET = "several-workers-secret-0123456789abcdef"
APPLICATIONS = 8


@pytest.fixture(autouse=True)
def _postgres_only(on_postgres: bool) -> None:
    if not on_postgres:
        pytest.skip("needs PostgreSQL (GRIDCONNECT_TEST_DATABASE_URL)")


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, object]]]]:
    """A supervisors' robot on loopback that records every message it receives."""
    received: list[dict[str, object]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


def _wait_until(check, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def _up(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def _move_clocks(engine: Engine) -> dict[int, str]:
    """Running clocks of even applications past their warning, of odd ones past their due;
    the level each clock must be alerted at."""
    now = datetime.now(UTC)
    expected = {}
    with engine.begin() as db:
        clocks = db.execute(
            text("SELECT id, application_id FROM sla_clock WHERE state = 'running'")
        ).all()
        for clock_id, application_id in clocks:
            if application_id % 2 == 0:
                warn, due, level = now - timedelta(minutes=1), now + timedelta(days=3), "warning"
            else:
                warn, due, level = now - timedelta(days=1), now - timedelta(minutes=1), "breach"
            db.execute(
                text("UPDATE sla_clock SET warn_at = :warn, due_at = :due WHERE id = :id"),
                {"warn": warn, "due": due, "id": clock_id},
            )
            expected[clock_id] = level
    return expected


def test_two_workers_and_two_schedulers_alert_every_clock_exactly_once(
    engine: Engine, tmp_path: Path, webhook: tuple[str, list[dict[str, object]]]
) -> None:
    hook_url, received = webhook
    add_user(engine, "clerk", PASSWORD, "clerk", "sgcc", ["西安", "咸阳"])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "GRIDCONNECT_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "GRIDCONNECT_SECRET_KEY": SECRET,
        "GRIDCONNECT_FILES_DIR": str(tmp_path / "files"),
        "GRIDCONNECT_ENVIRONMENT": "test",
        "GRIDCONNECT_SCAN_INTERVAL_SECONDS": "1",
        "GRIDCONNECT_OUTBOX_INTERVAL_SECONDS": "1",
        "GRIDCONNECT_ALERT_WEBHOOKS": json.dumps([hook_url]),
    }
    command = [sys.executable, "-m", "gridconnect.cli"]
    quiet = {"env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [
        subprocess.Popen(
            [*command, "serve", "--workers", "2", "--no-scheduler", "--port", str(port)], **quiet
        )
    ]
    try:
        _wait_until(lambda: _up(base), 90, "two workers to start")
        with httpx.Client(base_url=base, timeout=30) as http:
            token = http.post(
                "/api/v1/auth/token", data={"username": "clerk", "password": PASSWORD}
            ).json()["access_token"]
            http.headers["Authorization"] = f"Bearer {token}"
            apps = [
                http.post("/api/v1/applications", json=lv_body()).json()
                for _ in range(APPLICATIONS)
            ]
            for app in apps[::2]:  # every stage: the first's documents, then the next stage
                url = f"/api/v1/applications/{app['id']}"
                for doc in app["missing_documents"] + app["documents_if_applicable"]:
                    body = {"doc_type": doc["doc_type"], "source": "e_license", "reference": "EL"}
                    assert http.post(f"{url}/documents", json=body).status_code == 201
                moved = http.post(f"{url}/advance")
                assert moved.status_code == 200, moved.text
                assert moved.json()["stage"] == "meter_install"
        expected = _move_clocks(engine)
        assert len(expected) >= APPLICATIONS
        processes += [subprocess.Popen([*command, "scheduler"], **quiet) for _ in range(2)]
        _wait_until(lambda: len(received) >= len(expected), 90, "every alert delivered")
        time.sleep(3)  # a few more scans by both schedulers: nothing may come twice
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    with engine.connect() as db:
        alerts = db.execute(
            text("SELECT clock_id, level, raised_count FROM alert WHERE clock_id IS NOT NULL")
        ).all()
        undelivered = db.execute(
            text("SELECT count(*) FROM outbox WHERE state <> 'delivered'")
        ).scalar_one()
    assert sorted((a.clock_id, a.level) for a in alerts) == sorted(expected.items())
    assert all(a.raised_count == 1 for a in alerts)
    deliveries = Counter((m["application"], m["clock"], m["level"]) for m in received)
    assert len(deliveries) == len(expected)
    assert set(deliveries.values()) == {1}, deliveries
    assert undelivered == 0
    checked, breaks = verify_chains(engine)
    assert breaks == []
    assert checked >= APPLICATIONS
