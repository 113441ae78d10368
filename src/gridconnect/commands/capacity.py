"""gridconnect capacity / plans: the open-capacity register (L52) and transitional plans (L27)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import Progress

from gridconnect.commands.context import cli_services
from gridconnect.errors import GridconnectError

capacity_app = typer.Typer(
    help="The network's open capacity and restricted areas (L52).", no_args_is_help=True
)
plans_app = typer.Typer(help="Supply plans: transitional plans' grid upgrades (L27).")

ACTOR = "cli"


@capacity_app.command("import")
def import_file(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
) -> None:
    """Import a CSV (UTF-8, header row) as a whole: every line valid or nothing written."""
    from gridconnect.services.supply_plans.capacity import parse_capacity_csv, save_capacity

    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        typer.echo(f"{file}: not UTF-8 text", err=True)
        raise typer.Exit(1) from None
    with cli_services() as svc:
        try:
            lines = parse_capacity_csv(text)
        except GridconnectError as exc:
            for problem in exc.details or []:
                typer.echo(
                    f"{file}:{problem['line']}: {problem['field']}: {problem['message']}", err=True
                )
            typer.echo(f"refused: {len(exc.details or [])} problem(s), nothing imported", err=True)
            raise typer.Exit(1) from None
        with Progress(transient=True) as bar:
            task = bar.add_task("importing", total=len(lines))
            result = save_capacity(svc, lines, ACTOR, progress=lambda n: bar.advance(task, n))
    typer.echo(
        f"imported {result['lines']} line(s): {result['added']} added, {result['updated']} updated"
    )


@capacity_app.command("list")
def list_rows(city: str | None = typer.Option(None, help="one city")) -> None:
    """Print every row (all fields) as JSON."""
    from gridconnect.services.supply_plans.capacity import list_capacity

    with cli_services() as svc:
        rows = list_capacity(svc, city=city)
    typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))


@plans_app.command("upgrades")
def scan_upgrades() -> None:
    """Alert now on chosen transitional plans whose grid upgrade is past its planned day."""
    from gridconnect.services.supply_plans.upgrade_scan import scan_grid_upgrades

    with cli_services() as svc:
        result = scan_grid_upgrades(svc.engine, alert_channels=svc.alert_channels)
    typer.echo(json.dumps({"overdue": result.overdue, "alerts": result.alerts}, ensure_ascii=False))
