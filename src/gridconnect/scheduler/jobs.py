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
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from gridconnect.bootstrap import alert_recipients, build_services
from gridconnect.config.settings import Settings
from gridconnect.services.alert_routing import AlertRecipients
from gridconnect.services.context import Services
from gridconnect.timesource import SHANGHAI

log = logging.getLogger(__name__)

SCAN_JOB = "sla_scan"
OUTBOX_JOB = "outbox"
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


def run_scan(
    engine: Engine,
    alert_channels: AlertRecipients,
    dashboards: Services | None = None,
    interval: timedelta | None = None,
) -> None:
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
    # (L27): transitional plans whose grid upgrade is past its planned completion
    from gridconnect.services.supply_plans.upgrade_scan import scan_grid_upgrades

    scan_grid_upgrades(engine, alert_channels=alert_channels)
    # selfservice: customers' help requests and complaints past their warning or due
    from gridconnect.services.selfservice.tickets import scan_tickets

    scan_tickets(engine, alert_channels)
    # The supervisors' month figures, recomputed after the scan that may have moved them, so
    # a dashboard reads figures younger than the scan interval (services.dashboard_snapshot).
    if dashboards is not None and interval is not None:
        from gridconnect.services.dashboard_snapshot import refresh_snapshots

        refresh_snapshots(dashboards, interval)


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
        args=[
            engine,
            alert_recipients(settings),
            build_services(engine, settings),
            timedelta(seconds=settings.scan_interval_seconds),
        ],
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
    if settings.gov_platform_url:  # govlink: retried with the outbox's rhythm
        scheduler.add_job(
            run_gov_retry,
            IntervalTrigger(seconds=settings.outbox_interval_seconds, timezone=SHANGHAI),
            args=[engine, settings],
            id=GOV_RETRY_JOB,
            name="government platform retries",
            replace_existing=True,
        )
    # command centre: the breach risk forecast (the risk moves by the working day, so hourly)
    scheduler.add_job(
        run_risk_scan,
        IntervalTrigger(seconds=RISK_SCAN_INTERVAL_SECONDS, timezone=SHANGHAI),
        args=[build_services(engine, settings)],
        id=RISK_JOB,
        name="breach risk forecast",
        replace_existing=True,
    )
    # outages capability: the yearly outage budgets, checked every hour
    scheduler.add_job(
        run_budget_scan,
        IntervalTrigger(seconds=BUDGET_INTERVAL_SECONDS, timezone=SHANGHAI),
        args=[engine, settings],
        id=BUDGET_JOB,
        name="outage budget scan",
        replace_existing=True,
    )
    return scheduler


GOV_RETRY_JOB = "gov_retry"


def run_gov_retry(engine: Engine, settings: Settings) -> None:
    """govlink: pending e-licence checks and unsent approval submissions, asked again."""
    from gridconnect.services.govlink.retry import retry_all

    checks, submissions = retry_all(build_services(engine, settings))
    if checks.verified or checks.mismatched or submissions:
        log.info("gov link: %s, %d submissions accepted", checks.summary(), submissions)


# -- command centre: the breach risk forecast ---------------------------------------------
RISK_JOB = "breach_risk"
RISK_SCAN_INTERVAL_SECONDS = 3600


def run_risk_scan(services: Services) -> None:
    from gridconnect.services.breach_risk.risk_scan import scan_risks_of

    result = scan_risks_of(services)
    if result.alerts:
        log.info("risk scan: %d at-risk alerts raised", len(result.alerts))


# -- outages capability -------------------------------------------------------------------
BUDGET_JOB = "reliability_budget"
BUDGET_INTERVAL_SECONDS = 3600


def run_budget_scan(engine: Engine, settings: Settings) -> None:
    """Alert (once per city, class and level) when a yearly outage budget runs ahead."""
    from gridconnect.services.outages.budget import scan_budgets

    result = scan_budgets(build_services(engine, settings))
    if result.raised:
        log.info("outage budget scan: %d alert(s) raised", result.raised)
