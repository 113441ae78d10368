"""gridconnect db: migrations."""

from __future__ import annotations

import typer

from gridconnect.commands.context import cli_settings
from gridconnect.store.db import upgrade

db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade_command(revision: str = typer.Argument("head")) -> None:
    """Apply migrations to GRIDCONNECT_DATABASE_URL."""
    url = cli_settings().database_url
    upgrade(url, revision)
    typer.echo(f"database at {revision}: {url.split('@')[-1]}")
