"""The `gridconnect` command: serve, scheduler and the administration commands."""

from __future__ import annotations

from contextlib import suppress

import typer

from gridconnect.commands.audit import audit_app
from gridconnect.commands.calendar import calendar_app
from gridconnect.commands.capacity import capacity_app, plans_app
from gridconnect.commands.db import db_app
from gridconnect.commands.demo import demo_app
from gridconnect.commands.export import export_app
from gridconnect.commands.files import files_app
from gridconnect.commands.gov import gov_app  # govlink
from gridconnect.commands.outages import customers_app, outages_app, reliability_app  # outages
from gridconnect.commands.policy import policy_app
from gridconnect.commands.report import report_app
from gridconnect.commands.sla import sla_app
from gridconnect.commands.tickets import tickets_app  # selfservice
from gridconnect.commands.users import users_app
from gridconnect.config.settings import SettingsError, get_settings

app = typer.Typer(
    help="gridconnect: power-connection applications and their deadlines.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(calendar_app, name="calendar", help="The official working-day calendar.")
app.add_typer(policy_app, name="policy", help="The policy file: stages, documents, limits.")
app.add_typer(audit_app, name="audit")
app.add_typer(users_app, name="users", help="Staff accounts.")
app.add_typer(demo_app, name="demo")
app.add_typer(sla_app, name="sla", help="SLA clocks: scan, recompute, deliver alerts.")
app.add_typer(report_app, name="report")
app.add_typer(export_app, name="export")
app.add_typer(files_app, name="files")
# supply plans, charges and open capacity
app.add_typer(capacity_app, name="capacity")
app.add_typer(plans_app, name="plans")
app.add_typer(gov_app, name="gov")  # govlink
app.add_typer(tickets_app, name="tickets")  # selfservice
# outages capability: the customer registry, the outage ledger and the reliability report
app.add_typer(customers_app, name="customers")
app.add_typer(outages_app, name="outages")
app.add_typer(reliability_app, name="reliability")


@app.callback()
def _check_settings() -> None:
    """Stop at once, naming the variable, when a setting is wrong."""
    try:
        get_settings()
    except SettingsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Address to bind (default from settings)."),
    port: int | None = typer.Option(None, help="Port (default from settings)."),
    no_scheduler: bool = typer.Option(False, "--no-scheduler", help="Do not run the SLA scan."),
    workers: int = typer.Option(
        1, "--workers", min=1, max=64, help="API processes (one per core; see the README)."
    ),
) -> None:
    """Serve the API and pages, with the SLA scheduler unless --no-scheduler.

    With --workers N, N API processes share the port and the scheduler runs once, in the
    process that supervises them (or in `gridconnect scheduler` processes of its own).
    """
    from gridconnect.serving import serve_multiple, serve_single

    settings = get_settings()
    try:
        settings.check_for_serving(host or settings.host)
    except SettingsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    address = (host or settings.host, port or settings.port)
    if workers == 1:
        serve_single(settings, *address, scheduler=not no_scheduler)
    else:
        serve_multiple(settings, *address, workers=workers, scheduler=not no_scheduler)


@app.command()
def scheduler() -> None:
    """Run the SLA scan and the outbox alone (for deployments with several API workers)."""
    from gridconnect.commands.context import cli_services
    from gridconnect.observability.logs import configure_logging
    from gridconnect.scheduler.jobs import build_scheduler

    settings = get_settings()
    typer.echo(
        f"scheduler: SLA scan every {settings.scan_interval_seconds} s, "
        f"outbox every {settings.outbox_interval_seconds} s (Ctrl-C stops)"
    )
    configure_logging(settings.log_format)
    with cli_services(settings) as svc, suppress(KeyboardInterrupt, SystemExit):
        build_scheduler(svc.engine, settings, blocking=True).start()


if __name__ == "__main__":
    app()
