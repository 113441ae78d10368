"""The periodic jobs: the SLA scan and the outbox delivery.

Both run in APScheduler 3 with an explicit Asia/Shanghai time zone (never the host's),
`coalesce=True` (runs missed while the process slept or was busy collapse into one),
`max_instances=1` (a slow scan is never overlapped by the next) and no misfire grace limit
(a late run still runs: the scan catches up on whatever fell due meanwhile). Running
several schedulers is safe: the scan takes a PostgreSQL advisory lock and alerts are
unique per (clock, level); outbox messages are claimed with a lease.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from gridconnect.bootstrap import alert_recipients
from gridconnect.config.settings import Settings
from gridconnect.services.alert_routing import AlertRecipients
from gridconnect.timesource import SHANGHAI

log = logging.getLogger(__name__)

SCAN_JOB = "sla_scan"
OUTBOX_JOB = "outbox"
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


def run_scan(engine: Engine, alert_channels: AlertRecipients) -> None:
    from gridconnect.observability import metrics
    from gridconnect.services.sla_scan import scan
    from gridconnect.services.stall_scan import scan_stalls

    with metrics.SCAN_SECONDS.time():
        result = scan(engine, alert_channels=alert_channels)
        stalls = scan_stalls(engine, alert_channels=alert_channels)  # same job: stalls
    if result.skipped:
        metrics.SCANS_SKIPPED.inc()
    claimed = (("warning", result.warned), ("breach", result.breached), ("stall", stalls.stalled))
    for level, count in claimed:
        metrics.CLOCKS_CLAIMED.labels(level).inc(count)
        metrics.ALERTS_RAISED.labels(level).inc(count)
    if result.warned or result.breached:
        log.info("SLA scan: %d warned, %d breached", result.warned, result.breached)


def run_outbox(engine: Engine) -> None:
    from gridconnect.observability import metrics
    from gridconnect.services.outbox import deliver_due

    result = deliver_due(engine)
    for outcome, count in result.summary().items():
        metrics.OUTBOX_DELIVERIES.labels(outcome).inc(count)
    if result.delivered or result.retrying or result.failed:
        log.info("outbox: %s", result.summary())


def build_scheduler(engine: Engine, settings: Settings, blocking: bool = False) -> BaseScheduler:
    """A scheduler with both jobs, not started. Blocking for `gridconnect scheduler`."""
    kind = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = kind(timezone=SHANGHAI, job_defaults=dict(JOB_DEFAULTS))
    scheduler.add_job(
        run_scan,
        IntervalTrigger(seconds=settings.scan_interval_seconds, timezone=SHANGHAI),
        args=[engine, alert_recipients(settings)],
        id=SCAN_JOB,
        name="SLA warning and breach scan",
        replace_existing=True,
    )
    scheduler.add_job(
        run_outbox,
        IntervalTrigger(seconds=settings.outbox_interval_seconds, timezone=SHANGHAI),
        args=[engine],
        id=OUTBOX_JOB,
        name="outbox delivery",
        replace_existing=True,
    )
    return scheduler
