"""Fault (PostgreSQL): gridconnect killed with SIGKILL in the middle of the last decision.

A real `gridconnect serve` process receives the last department's decision while the test
holds the application's row lock, so the callback's transaction is open and blocked when
the process is killed. The simulated platform keeps retrying; the server is started again;
the decision is then applied exactly once: the clock stopped once, one completion event,
three messages remembered, the audit chains intact.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_helpers import hv_body
from gov_helpers import GOV_SECRET, send
from sqlalchemy import Engine, text

from gridconnect.services.audit import verify_chains
from gridconnect.services.users import add_user
from servers import free_port, start_server

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

SECRET = "gov-kill-test-secret-0123456789abcdefghij"
PASSWORD = "correct horse battery"
BLOCKED_UPDATES = (
    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
    "AND query LIKE 'UPDATE application%'"
)


@pytest.fixture(autouse=True)
def _postgres_only(on_postgres: bool) -> None:
    if not on_postgres:
        pytest.skip("needs PostgreSQL (GRIDCONNECT_TEST_DATABASE_URL)")


def _count(engine: Engine, sql: str, **params: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(sql), params).scalar_one())


def test_killed_mid_callback_the_platforms_retry_applies_it_exactly_once(
    engine: Engine, govsim: httpx.Client, govsim_server: str, tmp_path: Path
) -> None:
    add_user(engine, "clerk", PASSWORD, "clerk", "sgcc", ["咸阳"])
    env = {
        **os.environ,
        "GRIDCONNECT_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "GRIDCONNECT_FILES_DIR": str(tmp_path / "files"),
        "GRIDCONNECT_SECRET_KEY": SECRET,
        "GRIDCONNECT_ENVIRONMENT": "test",
        "GRIDCONNECT_GOV_PLATFORM_URL": govsim_server,
        "GRIDCONNECT_GOV_PLATFORM_SECRET": GOV_SECRET,
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    govsim.post("/sim/faults", json={"callback_url": base}).raise_for_status()
    server = start_server(env, port)
    try:
        with httpx.Client(base_url=base, timeout=30) as http:
            token = http.post(
                "/api/v1/auth/token", data={"username": "clerk", "password": PASSWORD}
            ).json()["access_token"]
            http.headers["Authorization"] = f"Bearer {token}"
            app = http.post("/api/v1/applications", json=hv_body(city="咸阳")).json()
            submitted = http.post(f"/api/v1/applications/{app['id']}/gov-approval/submit", json={})
            assert submitted.json()["state"] == "submitted", submitted.text
        for department in ("planning", "housing"):
            body = {
                "application_number": app["number"],
                "department": department,
                "decision": "approved",
            }
            assert send(govsim, "department-decisions", body)[0]["status"] == 200

        answers: list[Any] = []
        last = {
            "application_number": app["number"],
            "department": "transport",
            "decision": "approved",
        }

        def platform_delivers() -> None:
            with httpx.Client(base_url=govsim_server, timeout=300) as sim:
                order = {"retry_attempts": 400, "retry_delay_seconds": 0.25}
                answers.extend(send(sim, "department-decisions", last, **order))

        with engine.connect() as blocker:
            # Hold the application's row: the callback's UPDATE waits inside its transaction.
            blocker.execute(
                text("SELECT id FROM application WHERE id = :id FOR UPDATE"), {"id": app["id"]}
            )
            delivery = threading.Thread(target=platform_delivers)
            delivery.start()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                # Another connection: stats views are a snapshot per transaction.
                waiting = _count(engine, BLOCKED_UPDATES)
                if waiting:
                    break
                time.sleep(0.05)
            else:
                pytest.fail("the callback never reached the application's update")
            server.send_signal(signal.SIGKILL)
            server.wait(10)
            blocker.rollback()
        server = start_server(env, port)
        delivery.join(120)
        assert not delivery.is_alive()
    finally:
        server.kill()
        server.wait(10)
    (answer,) = answers
    assert answer["status"] == 200, answer
    assert answer["attempts"] >= 2
    assert answer["body"]["approval_state"] == "decided"
    completed = "SELECT count(*) FROM event WHERE application_id = :id AND action = :a"
    assert _count(engine, completed, id=app["id"], a="gov_approval_completed") == 1
    assert _count(engine, "SELECT count(*) FROM gov_inbound_message") == 3
    stopped = (
        "SELECT count(*) FROM sla_clock WHERE application_id = :id "
        "AND kind = 'gov_approval' AND stopped_at IS NOT NULL"
    )
    assert _count(engine, stopped, id=app["id"]) == 1
    checked, breaks = verify_chains(engine)
    assert checked > 0
    assert breaks == []
