"""`gridconnect export regulator`: changes since a cursor for the regulator (L31–32)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from gridconnect.commands.context import cli_services
from gridconnect.errors import GridconnectError
from gridconnect.services.export import DEFAULT_LIMIT, export_changes

export_app = typer.Typer(help="Data exports for the regulator.", no_args_is_help=True)


@export_app.command()
def regulator(
    since: Annotated[
        str, typer.Option("--since", help="the next_cursor of the previous export ('' = all)")
    ] = "",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="JSON Lines file")] = None,
    limit: Annotated[int, typer.Option(help="at most this many events")] = DEFAULT_LIMIT,
    actor: Annotated[str | None, typer.Option(help="who exports (default: OS user)")] = None,
) -> None:
    """Write applications changed since the cursor as JSON Lines; the last line is the
    next cursor. Every export is recorded in the export log."""
    try:
        with cli_services() as svc:
            batch = export_changes(
                svc,
                since,
                actor=actor or f"cli:{getpass.getuser()}",
                channel="cli",
                limit=limit,
            )
    except GridconnectError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    if output is None:
        typer.echo(batch.text(), nl=False)
    else:
        output.write_text(batch.text(), encoding="utf-8")
        typer.echo(
            f"wrote {output}: {batch.applications} application(s), {batch.outages} outage(s), "
            f"{batch.events} event(s); "
            f"next cursor {batch.next_cursor}" + (" (more to export)" if batch.more else ""),
            err=True,
        )
