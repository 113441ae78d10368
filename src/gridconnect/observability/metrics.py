"""Prometheus metrics: request latency per route, the SLA scan, alerts and the outbox.

Counted in the process that does the work (a request in its API worker, a scan in its
scheduler); with several processes `PROMETHEUS_MULTIPROC_DIR` names a directory they all
write to and a scrape of any worker adds them up (prometheus-client's multiprocess mode;
`gridconnect serve --workers N` sets one up). What the database already knows (the outbox's
backlog, its oldest undelivered message, failures per channel, alerts by level) is read from
it at scrape time, so it is the same whichever worker answers and is never stale.

`prometheus_client` reads PROMETHEUS_MULTIPROC_DIR when it is first imported: import this
module only after the environment is settled (the CLI sets the variable before any import).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urlsplit

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from sqlmodel import col

from gridconnect.store.tables import AlertRow, OutboxRow
from gridconnect.timesource import as_utc
from gridconnect.timesource import now as system_now

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUEST_SECONDS = Histogram(
    "gridconnect_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template, method and status class",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SCAN_SECONDS = Histogram(
    "gridconnect_sla_scan_duration_seconds",
    "Time one SLA scan took (warnings, breaches and stalls)",
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0),
)
SCANS_SKIPPED = Counter(
    "gridconnect_sla_scans_skipped_total",
    "Scans that found another scheduler holding the scan lock",
)
CLOCKS_CLAIMED = Counter(
    "gridconnect_sla_clocks_claimed_total",
    "Clocks a scan claimed (each raises one alert of that level)",
    ["level"],
)
ALERTS_RAISED = Counter(
    "gridconnect_alerts_raised_total",
    "Alerts raised by this process's scans, by level",
    ["level"],
)
OUTBOX_DELIVERIES = Counter(
    "gridconnect_outbox_deliveries_total",
    "Outbox delivery attempts by this process, by result (delivered, retrying, failed)",
    ["result"],
)


def channel_label(channel: str) -> str:
    """A webhook's host and a short digest of its whole address: webhook URLs often carry a
    token in their path or query, which must not end up in a metrics database."""
    host = urlsplit(channel).hostname or "unknown"
    return f"{host}#{hashlib.sha256(channel.encode()).hexdigest()[:8]}"


class DatabaseCollector(Collector):
    """Reads, at each scrape, what the database knows: alerts by level and the outbox."""

    def __init__(self, engine: Engine, now: datetime | None = None) -> None:
        self.engine = engine
        self.now = now

    def collect(self) -> Iterator[GaugeMetricFamily]:
        alerts = GaugeMetricFamily(
            "gridconnect_alerts",
            "Alerts ever raised, by level (from the database)",
            labels=["level"],
        )
        backlog = GaugeMetricFamily(
            "gridconnect_outbox_backlog",
            "Messages waiting to be delivered, by channel",
            labels=["channel"],
        )
        oldest = GaugeMetricFamily(
            "gridconnect_outbox_oldest_undelivered_seconds",
            "Age of the oldest message not yet delivered, by channel",
            labels=["channel"],
        )
        failed = GaugeMetricFamily(
            "gridconnect_outbox_failed",
            "Messages given up after every retry, by channel",
            labels=["channel"],
        )
        moment = self.now or system_now()
        with self.engine.connect() as db:
            for level, count in db.execute(
                select(col(AlertRow.level), func.count()).group_by(col(AlertRow.level))
            ):
                alerts.add_metric([str(level)], float(count))
            for channel, state, count, first in db.execute(
                select(
                    col(OutboxRow.channel),
                    col(OutboxRow.state),
                    func.count(),
                    func.min(col(OutboxRow.created_at)),
                )
                .where(col(OutboxRow.state) != "delivered")
                .group_by(col(OutboxRow.channel), col(OutboxRow.state))
            ):
                label = channel_label(str(channel))
                if state == "failed":
                    failed.add_metric([label], float(count))
                    continue
                backlog.add_metric([label], float(count))
                if first is not None:
                    oldest.add_metric([label], max((moment - as_utc(first)).total_seconds(), 0.0))
        yield from (alerts, backlog, oldest, failed)


def render(engine: Engine) -> bytes:
    """The text exposition of every metric: this process's (or, in multiprocess mode, every
    process's) and the database's."""
    if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        process_part = generate_latest(registry)
    else:
        process_part = generate_latest(REGISTRY)
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector(engine))
    return process_part + generate_latest(database)
