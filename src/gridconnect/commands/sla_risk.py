"""`gridconnect sla risk` and `gridconnect sla backtest`: the breach forecast, and its measure."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Annotated, Any

import typer
from rich.progress import Progress

from gridconnect.commands.context import cli_services


def _print(summary: dict[str, Any]) -> None:
    typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))


def risk() -> None:
    """Assess every running clock's breach risk now; raise the at-risk alerts that are due."""
    from gridconnect.services.breach_risk.risk_scan import scan_risks_of

    with cli_services() as svc:
        _print(scan_risks_of(svc).summary())


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date (YYYY-MM-DD)", param_hint=option
        ) from None


def backtest(
    first_day: Annotated[str, typer.Option("--from", help="first day replayed (YYYY-MM-DD)")],
    last_day: Annotated[str, typer.Option("--to", help="last day replayed (YYYY-MM-DD)")],
    generated: Annotated[
        int, typer.Option(help="replay a generated history of this many clocks, not the database")
    ] = 0,
    seed: Annotated[int, typer.Option(help="seed of the generated history")] = 7,
    threshold: Annotated[
        float | None, typer.Option(help="at-risk threshold (default: the policy's)")
    ] = None,
) -> None:
    """Replay every day from --from to --to: which clocks the forecast flagged before the
    fixed warning, which breached; print precision, recall and the notice gained."""
    from gridconnect.services.breach_risk.backtest import backtest as replay
    from gridconnect.services.breach_risk.generated import generate
    from gridconnect.services.breach_risk.history import clock_cases, ordinal_of

    start, end = _day(first_day, "--from"), _day(last_day, "--to")
    if end < start:
        raise typer.BadParameter("--to is before --from", param_hint="--to")
    with cli_services() as svc:
        policy, calendar = svc.policy, svc.calendar
        settings = policy.breach_risk
        base = start - timedelta(days=settings.history_days)
        first, last = ordinal_of(calendar, base, start), ordinal_of(calendar, base, end)
        if generated:
            cases = list(generate(seed, generated, last + 1).cases)
        else:
            cases = clock_cases(svc.engine, calendar, base)
    with Progress(transient=True) as bar:
        task = bar.add_task("replaying days", total=last - first + 1)

        def ticks() -> Any:
            while True:
                bar.advance(task)
                yield None

        result = replay(
            cases,
            first,
            last,
            threshold if threshold is not None else settings.threshold,
            settings.min_cases,
            policy.warn_working_days,
            progress=ticks(),
        )
    summary = result.summary()
    _print(summary)
    typer.echo(
        f"{summary['days']} working days, {summary['clocks_judged']} clocks judged: "
        f"precision {summary['precision']}, recall {summary['recall']}, "
        f"median notice gained {summary['median_working_days_gained']} working days"
    )
