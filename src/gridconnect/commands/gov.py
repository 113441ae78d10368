"""`gridconnect gov status | retry | report MONTH`: the government link."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn

from gridconnect.commands.context import cli_services
from gridconnect.errors import GridconnectError
from gridconnect.services.context import Scope
from gridconnect.services.govlink.licences import retry_pending_checks
from gridconnect.services.govlink.retry import retry_submissions
from gridconnect.services.govlink.statistics import gov_monthly

gov_app = typer.Typer(help="The government platform: link state, retries, monthly figures.")


@gov_app.command()
def status() -> None:
    """Whether the platform is configured (GRIDCONNECT_GOV_PLATFORM_URL)."""
    with cli_services() as svc:
        platform = svc.gov_platform
    if platform is None:
        typer.echo("government platform: not configured (manual entry)")
    else:
        typer.echo(f"government platform: {platform.base_url}")


@gov_app.command()
def retry() -> None:
    """One pass: pending e-licence checks and submissions not yet accepted."""
    with cli_services() as svc:
        if svc.gov_platform is None:
            typer.echo("government platform not configured: nothing to retry")
            return
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), transient=True) as bar:
            bar.add_task("asking the government platform again", total=None)
            checks = retry_pending_checks(svc)
            submissions = retry_submissions(svc)
    typer.echo(
        f"e-licences: {checks.verified} verified, {checks.mismatched} mismatched, "
        f"{checks.still_pending} still pending; submissions accepted: {submissions}"
    )


@gov_app.command()
def report(
    month: Annotated[str, typer.Argument(help="the month, YYYY-MM")],
    company: Annotated[str | None, typer.Option(help="only this company")] = None,
    city: Annotated[list[str] | None, typer.Option("--city", help="only these cities")] = None,
) -> None:
    """Departments' approval times and leads of a month (JSON)."""
    try:
        with cli_services() as svc:
            figures = gov_monthly(svc, month, Scope(company, tuple(city) if city else None))
    except GridconnectError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps(figures, ensure_ascii=False, indent=2))
