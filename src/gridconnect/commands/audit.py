"""gridconnect audit: check the hash-chained audit trail; sign a checkpoint of its heads."""

from __future__ import annotations

from pathlib import Path

import typer

from gridconnect.commands.context import cli_services, cli_settings
from gridconnect.services.audit import ChainBreak, verify_chains
from gridconnect.services.audit_checkpoint import (
    CheckpointRefused,
    current_heads,
    read_checkpoint,
    write_checkpoint,
)
from gridconnect.timesource import now

audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)


def _report(breaks: list[ChainBreak], checked: int) -> None:
    for item in breaks:
        where = f"event {item.event_id} (seq {item.seq})" if item.event_id else "chain"
        typer.echo(f"application {item.application_id}: {where}: {item.reason}", err=True)
    typer.echo(f"{len(breaks)} broken chain(s) among {checked} events", err=True)


@audit_app.command("verify")
def verify(
    checkpoint: Path | None = typer.Option(
        None, "--checkpoint", help="A file from `audit checkpoint`: every chain must extend it."
    ),
) -> None:
    """Check every application's event chain and its anchor; name the first break of each."""
    settings = cli_settings()
    heads = None
    if checkpoint is not None:
        try:
            heads = read_checkpoint(checkpoint, settings.with_secret().signing_secret()).heads
        except CheckpointRefused as exc:
            typer.echo(exc.message, err=True)
            raise typer.Exit(2) from None
    with cli_services(settings) as svc:
        checked, breaks = verify_chains(svc.engine, checkpoint=heads)
    if breaks:
        _report(breaks, checked)
        raise typer.Exit(1)
    against = f", none shorter than checkpoint {checkpoint}" if checkpoint else ""
    typer.echo(f"ok: {checked} events, every chain intact and anchored{against}")


@audit_app.command("checkpoint")
def checkpoint(
    output: Path = typer.Option(..., "-o", "--output", help="File to write (keep it elsewhere)."),
) -> None:
    """Write every chain's length and head, signed with the service secret (run daily)."""
    settings = cli_settings()
    with cli_services(settings) as svc:
        checked, breaks = verify_chains(svc.engine)
        if breaks:  # never certify a trail that is already broken
            _report(breaks, checked)
            raise typer.Exit(1)
        heads = current_heads(svc.engine)
    write_checkpoint(output, heads, now(), settings.with_secret().signing_secret())
    typer.echo(f"checkpoint of {len(heads)} chains ({checked} events) written to {output}")
