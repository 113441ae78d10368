"""gridconnect db: migrations, backup of an SQLite database, statistics."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import Progress

from gridconnect.commands.context import cli_services, cli_settings
from gridconnect.store.db import upgrade
from gridconnect.store.maintenance import NotSQLite, analyse, backup_sqlite

db_app = typer.Typer(help="Database migrations and upkeep.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade_command(revision: str = typer.Argument("head")) -> None:
    """Apply migrations to GRIDCONNECT_DATABASE_URL."""
    url = cli_settings().database_url
    upgrade(url, revision)
    typer.echo(f"database at {revision}: {url.split('@')[-1]}")


# -- perf: online backup of an SQLite database, statistics after a restore ------
@db_app.command("backup")
def backup_command(
    target: Path = typer.Argument(..., help="The copy to write (replaced if it exists)."),
) -> None:
    """Copy the SQLite database consistently while the service runs (SQLite's online backup).

    PostgreSQL: use pg_dump (the README's production section says how).
    """
    url = cli_settings().database_url
    try:
        with Progress(transient=True) as bar:
            task = bar.add_task("copying pages", total=None)
            pages = backup_sqlite(
                url,
                target,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    except NotSQLite as exc:
        typer.echo(f"{exc}; for PostgreSQL use pg_dump (see the README)", err=True)
        raise typer.Exit(2) from None
    except (FileNotFoundError, ValueError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"backed up {pages} pages ({target.stat().st_size} bytes) to {target}")


@db_app.command("analyse")
def analyse_command() -> None:
    """Refresh PostgreSQL's statistics of the application tables (after a restore)."""
    with cli_services() as svc:
        done = analyse(svc.engine)
    typer.echo(f"analysed {len(done)} table(s)" if done else "nothing to analyse (SQLite)")
