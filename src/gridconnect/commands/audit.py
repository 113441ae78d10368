"""gridconnect audit: check the hash-chained audit trail."""

from __future__ import annotations

import typer

from gridconnect.commands.context import cli_services
from gridconnect.services.audit import verify_chains

audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)


@audit_app.command("verify")
def verify() -> None:
    """Check every application's event chain; name the first event that does not match."""
    with cli_services() as svc:
        checked, breaks = verify_chains(svc.engine)
    for item in breaks:
        typer.echo(
            f"application {item.application_id}: event {item.event_id} (seq {item.seq}): "
            f"{item.reason}",
            err=True,
        )
    if breaks:
        typer.echo(f"{len(breaks)} broken chain(s) among {checked} events", err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: {checked} events, every chain intact")
