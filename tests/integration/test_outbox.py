"""Outbox delivery against a real HTTP server on 127.0.0.1 that fails the first attempts."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from freezegun import freeze_time
from sqlmodel import Session, col, select

from factories import full_process_only, receive
from gridconnect.config.policy import Policy, load_policy
from gridconnect.services.context import Services
from gridconnect.services.outbox import MAX_ATTEMPTS, deliver_due, retry_delay
from gridconnect.services.sla_scan import scan
from gridconnect.store.tables import OutboxRow
from gridconnect.timesource import SHANGHAI, as_utc


@pytest.fixture(scope="module")
def policy() -> Policy:
    """These tests follow the full-process clock alone (see `full_process_only`)."""
    return full_process_only(load_policy())


@dataclass
class Receiver:
    """A webhook endpoint: answers 503 to the first `failures` requests of each path."""

    failures: int = 0
    received: list[tuple[str, dict[str, str], Any]] = field(default_factory=list)
    attempts: dict[str, int] = field(default_factory=dict)
    url: str = ""

    def path(self, name: str) -> str:
        return f"{self.url}/{name}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                seen = state.attempts.get(self.path, 0) + 1
                state.attempts[self.path] = seen
                ok = seen > state.failures
                if ok:
                    state.received.append((self.path, dict(self.headers), json.loads(body)))
            self.send_response(200 if ok else 503)
            self.end_headers()
            self.wfile.write(b"ok" if ok else b"busy")

        def log_message(self, *args: object) -> None:  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


def local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)


def breach_alert(services: Services, channels: list[str]) -> datetime:
    """One breached clock with its alert queued for `channels`; the instant of the scan."""
    with freeze_time(local("2026-09-28 10:00")):
        receive(services)
    at = local("2026-10-24 08:00")
    assert scan(services.engine, at, alert_channels=channels).breached == 1
    return as_utc(at)


def messages(services: Services) -> list[OutboxRow]:
    with Session(services.engine) as session:
        return list(session.exec(select(OutboxRow).order_by(col(OutboxRow.id))))


def test_an_alert_reaches_a_failing_robot_after_retries_with_backoff(
    services: Services, receiver: Receiver
) -> None:
    receiver.failures = 2
    robot = receiver.path("robot")
    t0 = breach_alert(services, [robot])

    assert deliver_due(services.engine, t0).retrying == 1
    [message] = messages(services)
    assert message.attempts == 1
    assert message.next_attempt_at == t0 + timedelta(seconds=30)
    assert message.last_error is not None
    assert message.last_error.startswith("HTTP 503")
    assert deliver_due(services.engine, t0 + timedelta(seconds=29)).summary() == {
        "delivered": 0,
        "retrying": 0,
        "failed": 0,
    }
    assert deliver_due(services.engine, t0 + timedelta(seconds=30)).retrying == 1
    [message] = messages(services)
    assert message.next_attempt_at == t0 + timedelta(seconds=90)  # then 60 s
    assert deliver_due(services.engine, t0 + timedelta(seconds=90)).delivered == 1
    assert deliver_due(services.engine, t0 + timedelta(hours=5)).delivered == 0

    [message] = messages(services)
    assert message.state == "delivered"
    assert message.attempts == 3
    assert message.last_error is None
    assert message.delivered_at == t0 + timedelta(seconds=90)
    [(path, headers, body)] = receiver.received
    assert path == "/robot"
    assert body["level"] == "breach"
    assert body["clock"] == "full_process"
    assert headers["Idempotency-Key"] == message.dedup_key


def test_each_configured_channel_gets_each_alert_once(
    services: Services, receiver: Receiver
) -> None:
    channels = [receiver.path("wecom"), receiver.path("dingtalk")]
    t0 = breach_alert(services, channels)
    assert scan(services.engine, t0, alert_channels=channels).alerts == []  # nothing new
    assert deliver_due(services.engine, t0).delivered == 2
    assert deliver_due(services.engine, t0 + timedelta(minutes=5)).delivered == 0
    assert sorted(path for path, _, _ in receiver.received) == ["/dingtalk", "/wecom"]


def test_delivery_gives_up_after_the_last_attempt_and_keeps_the_error(
    services: Services,
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/robot"
    at = breach_alert(services, [closed])
    outcomes = []
    for _ in range(MAX_ATTEMPTS):
        outcomes.append(deliver_due(services.engine, at).summary())
        [message] = messages(services)
        at = message.next_attempt_at
    assert [o["retrying"] for o in outcomes] == [1] * (MAX_ATTEMPTS - 1) + [0]
    assert outcomes[-1]["failed"] == 1
    [message] = messages(services)
    assert message.state == "failed"
    assert message.attempts == MAX_ATTEMPTS
    assert message.last_error is not None
    assert "ConnectError" in message.last_error
    assert deliver_due(services.engine, at + timedelta(days=1)).failed == 0


def test_the_wait_doubles_from_thirty_seconds_up_to_an_hour() -> None:
    waits = [retry_delay(n).total_seconds() for n in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_customers_get_a_progress_notice_through_the_same_outbox(
    services: Services, receiver: Receiver
) -> None:
    services.customer_channels = [receiver.path("sms")]
    with freeze_time(local("2026-09-28 10:00")):
        app = receive(services)
    assert deliver_due(services.engine, local("2026-09-28 10:00")).delivered == 1
    [(path, _, body)] = receiver.received
    assert path == "/sms"
    assert body["application"] == app.number
    assert body["action"] == "received"
    assert body["phone"] == "13800138000"
