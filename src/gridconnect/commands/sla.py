"""`gridconnect sla ...`: one SLA scan, a recompute of every open clock, one outbox pass."""

from __future__ import annotations

import json
from typing import Any

import typer

from gridconnect.config.settings import get_settings
from gridconnect.services.alert_routing import AlertRecipients

sla_app = typer.Typer(help="SLA clocks: scan, recompute, deliver alerts.", no_args_is_help=True)


def _print(summary: dict[str, Any]) -> None:
    typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))


@sla_app.command()
def scan() -> None:
    """Run one warning/breach scan now and print a JSON summary."""
    from gridconnect.services.sla_scan import scan as run_scan
    from gridconnect.store.db import make_engine

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        recipients = AlertRecipients.from_settings(settings.alert_webhooks, settings.alert_routes)
        result = run_scan(engine, alert_channels=recipients)
    finally:
        engine.dispose()
    _print(result.summary())


@sla_app.command()
def recompute() -> None:
    """Recompute the due of every open clock (after a calendar or policy change)."""
    from gridconnect.services.sla_recompute import recompute_all

    _print(recompute_all().summary())


@sla_app.command()
def deliver() -> None:
    """Deliver the outbox messages that are due (one pass) and print a JSON summary."""
    from gridconnect.services.outbox import deliver_due
    from gridconnect.store.db import make_engine

    engine = make_engine(get_settings().database_url)
    try:
        result = deliver_due(engine)
    finally:
        engine.dispose()
    _print(result.summary())
