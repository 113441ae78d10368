"""`gridconnect export regulator`: changes since a cursor for the regulator (L31–32)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from gridconnect.config.settings import get_settings
from gridconnect.errors import GridconnectError
from gridconnect.services.context import build_services
from gridconnect.services.export import DEFAULT_LIMIT, export_changes
from gridconnect.store.db import make_engine

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
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        batch = export_changes(
            build_services(engine, settings),
            since,
            actor=actor or f"cli:{getpass.getuser()}",
            channel="cli",
            limit=limit,
        )
    except GridconnectError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    if output is None:
        typer.echo(batch.text(), nl=False)
    else:
        output.write_text(batch.text(), encoding="utf-8")
        typer.echo(
            f"wrote {output}: {batch.applications} application(s), {batch.events} event(s); "
            f"next cursor {batch.next_cursor}" + (" (more to export)" if batch.more else ""),
            err=True,
        )
