"""A fault's notices with two deliverers racing and one dying mid-delivery (PostgreSQL).

Two outbox passes run at once in threads: each batch is claimed by one of them only
(`FOR UPDATE SKIP LOCKED` and a lease). A deliverer that claims a batch and dies before
recording it leaves it to the next pass after the lease; the gateway then sees it a second
time with the same `Idempotency-Key`, so it delivers each batch to the customers once.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx
import pytest
from freezegun import freeze_time

from gridconnect.services import outbox
from gridconnect.services.context import Services
from gridconnect.services.outages.ledger import AreaInput, NewOutage, register
from gridconnect.services.outbox import deliver_due
from integration.outage_helpers import add_customers, local

pytestmark = pytest.mark.postgres
NOW = local("2026-10-01 09:00")


class Gateway:
    """Counts posts and keeps what it delivered once per Idempotency-Key."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.posts: list[str] = []
        self.delivered: dict[str, int] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        key = request.headers["Idempotency-Key"]
        with self.lock:
            self.posts.append(key)
            self.delivered.setdefault(key, len(request.read()))
        return httpx.Response(200)


def record_fault(services: Services) -> None:
    services.customer_channels = ["http://gateway.test/notices"]
    add_customers(services.engine, "F1", 4500)
    fault = NewOutage(
        "sgcc", "西安", "urban", "fault", "雷击", NOW - timedelta(minutes=5),
        areas=(AreaInput("F1"),),
    )  # fmt: skip
    with freeze_time(NOW):
        register(services, fault, "d")


def test_two_racing_deliverers_send_each_batch_once(services, on_postgres):
    if not on_postgres:
        pytest.skip("row locks with SKIP LOCKED: PostgreSQL")
    record_fault(services)
    gateway = Gateway()
    results = []

    def deliver() -> None:
        client = httpx.Client(transport=httpx.MockTransport(gateway))
        results.append(deliver_due(services.engine, NOW, client, batch=2))

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.delivered for r in results) == 4  # the two passes shared the first 4 batches
    assert (
        deliver_due(
            services.engine, NOW, httpx.Client(transport=httpx.MockTransport(gateway))
        ).delivered
        == 1
    )
    assert sorted(gateway.posts) == sorted(set(gateway.posts))  # nothing sent twice
    assert len(gateway.delivered) == 5


def test_a_deliverer_killed_after_claiming_leaves_the_batches_to_the_next(services, on_postgres):
    if not on_postgres:
        pytest.skip("row locks with SKIP LOCKED: PostgreSQL")
    record_fault(services)
    gateway = Gateway()
    claimed = outbox._claim(services.engine, NOW, 3)  # then the process dies
    assert len(claimed) == 3
    client = httpx.Client(transport=httpx.MockTransport(gateway))
    assert deliver_due(services.engine, NOW, client).delivered == 2  # the unclaimed ones
    later = NOW + timedelta(seconds=3 * outbox.TIMEOUT_SECONDS + 61)
    assert deliver_due(services.engine, later, client).delivered == 3  # after the lease
    assert len(gateway.delivered) == 5
    assert len(gateway.posts) == 5
