"""Delivering the outbox: each message POSTed as JSON to its channel, retried with backoff.

A pass claims due messages in a short transaction (on PostgreSQL with `FOR UPDATE SKIP
LOCKED`): it counts the attempt and pushes `next_attempt_at` out by a lease longer than the
pass can take, so a second deliverer running meanwhile does not send them too. The HTTP
calls happen outside any transaction; each outcome is then written in its own. A process
that dies between a POST and its record sends that message again after the lease
(at-least-once): the `Idempotency-Key` header, the message's dedup key, lets receivers
drop the repeat.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import httpx
from sqlalchemy import Engine, select, update
from sqlmodel import Session

from gridconnect.store.db import is_postgres
from gridconnect.store.tables import OutboxRow
from gridconnect.timesource import as_utc
from gridconnect.timesource import now as system_now

log = logging.getLogger(__name__)

OUTBOX = cast(Any, OutboxRow).__table__
TIMEOUT_SECONDS = 5.0
MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)


@dataclass
class DeliveryResult:
    delivered: int = 0
    retrying: int = 0  # failed this time, another attempt is scheduled
    failed: int = 0  # gave up after MAX_ATTEMPTS

    def summary(self) -> dict[str, int]:
        return {"delivered": self.delivered, "retrying": self.retrying, "failed": self.failed}


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next attempt after `attempts` failed ones: 30 s doubling, at most 1 h."""
    doublings = min(max(attempts - 1, 0), 20)
    return min(FIRST_RETRY * (1 << doublings), LONGEST_RETRY)


def deliver_due(
    engine: Engine,
    now: datetime | None = None,
    client: httpx.Client | None = None,
    batch: int = 100,
) -> DeliveryResult:
    """One pass over the messages due at `now`."""
    at = as_utc(now) if now is not None else system_now()
    result = DeliveryResult()
    messages = _claim(engine, at, batch)
    if not messages:
        return result
    owned = client is None
    http = client if client is not None else httpx.Client(timeout=TIMEOUT_SECONDS)
    try:
        for message in messages:
            error = _post(http, message)
            _record(engine, message, at, error, result)
    finally:
        if owned:
            http.close()
    return result


def _claim(engine: Engine, at: datetime, batch: int) -> list[Any]:
    lease = timedelta(seconds=batch * TIMEOUT_SECONDS + 60)
    pick = (
        select(OUTBOX.c.id)
        .where(OUTBOX.c.state == "pending", OUTBOX.c.next_attempt_at <= at)
        .order_by(OUTBOX.c.next_attempt_at)
        .limit(batch)
    )
    if is_postgres(engine):
        pick = pick.with_for_update(skip_locked=True)
    picked = pick.cte("picked").prefix_with("MATERIALIZED")  # run once (see sla_scan._claim)
    claim = (
        update(OUTBOX)
        .where(
            OUTBOX.c.id == picked.c.id,
            OUTBOX.c.state == "pending",
            OUTBOX.c.next_attempt_at <= at,
        )
        .values(attempts=OUTBOX.c.attempts + 1, next_attempt_at=at + lease)
        .returning(
            OUTBOX.c.id,
            OUTBOX.c.channel,
            OUTBOX.c.topic,
            OUTBOX.c.dedup_key,
            OUTBOX.c.payload,
            OUTBOX.c.attempts,
        )
    )
    with Session(engine) as session:
        rows = list(session.execute(claim).all())
        session.commit()
    return sorted(rows, key=lambda row: row.id)


def _post(http: httpx.Client, message: Any) -> str | None:
    """None when the channel took it (2xx), else what went wrong."""
    try:
        response = http.post(
            message.channel,
            json=message.payload,
            headers={"Idempotency-Key": message.dedup_key, "X-Gridconnect-Topic": message.topic},
            timeout=TIMEOUT_SECONDS,
        )
    except httpx.HTTPError as exc:
        return f"{exc.__class__.__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}: {response.text[:200]}"[:500]


def _record(
    engine: Engine, message: Any, at: datetime, error: str | None, result: DeliveryResult
) -> None:
    if error is None:
        values: dict[str, Any] = {"state": "delivered", "delivered_at": at, "last_error": None}
        result.delivered += 1
    elif message.attempts >= MAX_ATTEMPTS:
        values = {"state": "failed", "last_error": error}
        result.failed += 1
        log.warning("outbox %s to %s failed for good: %s", message.id, message.channel, error)
    else:
        values = {"next_attempt_at": at + retry_delay(message.attempts), "last_error": error}
        result.retrying += 1
    with Session(engine) as session:
        session.execute(update(OUTBOX).where(OUTBOX.c.id == message.id).values(**values))
        session.commit()
