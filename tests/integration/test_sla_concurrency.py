"""Exactly-once alerts on PostgreSQL: scans racing in two processes, a scan killed mid-way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import Engine, text

from factories import full_process_only, receive
from gridconnect.config.policy import Policy, load_policy
from gridconnect.services.context import Services
from gridconnect.services.sla_scan import SCAN_LOCK_KEY, scan
from gridconnect.timesource import SHANGHAI

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CHANNELS = ["http://127.0.0.1:9/wecom", "http://127.0.0.1:9/dingtalk"]
SCAN_AT = datetime(2026, 10, 24, 9, 0, tzinfo=SHANGHAI)  # past the due of every clock below

# Runs one scan in a fresh interpreter. It says "ready", waits for a line on stdin (so two
# of them start together), scans, and prints its result. With SCAN_HANG_AT=n it stops
# as it queues its n-th alert, mid-batch,, and prints its database backend's pid.
CHILD = """
import json, os, sys
from datetime import datetime
from sqlalchemy import text
import gridconnect.services.sla_scan as module
from gridconnect.store.db import make_engine

hang_at = int(os.environ.get("SCAN_HANG_AT", "0"))
real_enqueue, calls = module.enqueue, [0]

def enqueue(session, **kwargs):
    calls[0] += 1
    if calls[0] == hang_at:
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        print(f"hanging {pid}", flush=True)
        sys.stdin.readline()  # until killed
    return real_enqueue(session, **kwargs)

module.enqueue = enqueue
engine = make_engine(os.environ["SCAN_DB"])
print("ready", flush=True)
sys.stdin.readline()
result = module.scan(
    engine,
    datetime.fromisoformat(os.environ["SCAN_AT"]),
    alert_channels=json.loads(os.environ["SCAN_CHANNELS"]),
    batch_size=int(os.environ["SCAN_BATCH"]),
    exclusive=os.environ["SCAN_EXCLUSIVE"] == "1",
)
print(json.dumps({"breached": result.breached, "skipped": result.skipped}), flush=True)
"""


@pytest.fixture(scope="module")
def policy() -> Policy:
    """These tests count the full-process clock's breaches alone (see `full_process_only`)."""
    return full_process_only(load_policy())


@pytest.fixture(autouse=True)
def _postgres_only(on_postgres: bool) -> None:
    if not on_postgres:
        pytest.skip("needs PostgreSQL (GRIDCONNECT_TEST_DATABASE_URL)")


def start_scan(
    engine: Engine, batch: int, exclusive: bool, hang_at: int = 0
) -> subprocess.Popen[str]:
    env = dict(
        os.environ,
        SCAN_DB=engine.url.render_as_string(hide_password=False),
        SCAN_AT=SCAN_AT.isoformat(),
        SCAN_CHANNELS=json.dumps(CHANNELS),
        SCAN_BATCH=str(batch),
        SCAN_EXCLUSIVE="1" if exclusive else "0",
        SCAN_HANG_AT=str(hang_at),
    )
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    return child


def go(child: subprocess.Popen[str]) -> None:
    assert child.stdin is not None
    child.stdin.write("go\n")
    child.stdin.flush()


def overdue_applications(services: Services, count: int) -> None:
    with freeze_time(datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI)):
        for _ in range(count):
            receive(services)


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: int(connection.execute(text(query)).scalar_one())
            for name, query in {
                "breached_clocks": "SELECT count(*) FROM sla_clock WHERE state = 'breached'",
                "alerts": "SELECT count(*) FROM alert WHERE level = 'breach'",
                "distinct_alerts": "SELECT count(DISTINCT (clock_id, level)) FROM alert",
                "messages": "SELECT count(*) FROM outbox WHERE topic = 'alert'",
                "distinct_messages": "SELECT count(DISTINCT (dedup_key, channel)) FROM outbox",
            }.items()
        }


@pytest.mark.parametrize("exclusive", [False, True], ids=["without-lock", "with-lock"])
def test_two_scanning_processes_raise_every_alert_exactly_once(
    services: Services, exclusive: bool
) -> None:
    overdue_applications(services, 40)
    children = [start_scan(services.engine, batch=3, exclusive=exclusive) for _ in range(2)]
    for child in children:
        go(child)
    outcomes = []
    for child in children:
        out, _ = child.communicate(timeout=120)
        assert child.returncode == 0
        outcomes.append(json.loads(out.strip().splitlines()[-1]))

    assert sum(o["breached"] for o in outcomes) == 40  # no clock counted by both
    assert counts(services.engine) == {
        "breached_clocks": 40,
        "alerts": 40,
        "distinct_alerts": 40,
        "messages": 80,
        "distinct_messages": 80,
    }


def test_a_scan_killed_mid_batch_then_run_again_raises_every_alert_exactly_once(
    services: Services,
) -> None:
    overdue_applications(services, 12)
    # Batches of 5: the 7th alert queued is the 2nd clock of batch 2.
    child = start_scan(services.engine, batch=5, exclusive=True, hang_at=7)
    go(child)
    assert child.stdout is not None
    line = child.stdout.readline().split()
    assert line[0] == "hanging"
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    wait_until_gone(services.engine, int(line[1]))

    assert counts(services.engine)["alerts"] == 5  # batch 1 committed, batch 2 rolled back
    again = scan(services.engine, SCAN_AT, alert_channels=CHANNELS)
    assert (again.breached, again.skipped) == (7, False)  # the dead scan's lock went with it
    assert counts(services.engine) == {
        "breached_clocks": 12,
        "alerts": 12,
        "distinct_alerts": 12,
        "messages": 24,
        "distinct_messages": 24,
    }


def wait_until_gone(engine: Engine, backend_pid: int) -> None:
    """The server ends a killed client's session (and its transaction) once it sees EOF."""
    with engine.connect() as connection:
        for _ in range(10_000):
            alive = connection.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                {"pid": backend_pid},
            ).scalar_one()
            connection.commit()
            if not alive:
                return
    raise AssertionError(f"backend {backend_pid} still there")


@contextmanager
def scan_lock_held_elsewhere(engine: Engine) -> Iterator[None]:
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SCAN_LOCK_KEY})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCAN_LOCK_KEY})
            connection.commit()


def test_a_scan_skips_while_another_scheduler_holds_the_lock(services: Services) -> None:
    overdue_applications(services, 2)
    with scan_lock_held_elsewhere(services.engine):
        waiting = scan(services.engine, SCAN_AT)
    assert waiting.skipped
    assert waiting.alerts == []
    assert scan(services.engine, SCAN_AT).breached == 2
