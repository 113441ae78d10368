"""`gridconnect sla ...`: one SLA scan, a recompute of every open clock, one outbox pass."""

from __future__ import annotations

import json
from typing import Any

import typer

from gridconnect.commands import sla_risk
from gridconnect.commands.context import cli_services

sla_app = typer.Typer(help="SLA clocks: scan, recompute, deliver alerts.", no_args_is_help=True)


def _print(summary: dict[str, Any]) -> None:
    typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))


@sla_app.command()
def scan() -> None:
    """Run one warning/breach/stall scan now and print a JSON summary."""
    from gridconnect.services.breach_risk.risk_scan import scan_risks_of
    from gridconnect.services.sla_scan import scan as run_scan
    from gridconnect.services.stall_scan import scan_stalls

    with cli_services() as svc:
        result = run_scan(svc.engine, alert_channels=svc.alert_channels)
        stalls = scan_stalls(svc.engine, alert_channels=svc.alert_channels)
        risks = scan_risks_of(svc)
    _print(
        {
            **result.summary(),
            "stalled": stalls.stalled,
            "stall_alerts": stalls.alerts,
            **risks.summary(),
        }
    )


@sla_app.command()
def recompute() -> None:
    """Recompute the due of every open clock (after a calendar or policy change)."""
    from gridconnect.services.sla_recompute import recompute_services

    with cli_services() as svc:
        _print(recompute_services(svc).summary())


@sla_app.command()
def deliver() -> None:
    """Deliver the outbox messages that are due (one pass) and print a JSON summary."""
    from gridconnect.services.outbox import deliver_due

    with cli_services() as svc:
        result = deliver_due(svc.engine)
    _print(result.summary())


# command centre: the breach risk forecast and its backtest
sla_app.command("risk")(sla_risk.risk)
sla_app.command("backtest")(sla_risk.backtest)
