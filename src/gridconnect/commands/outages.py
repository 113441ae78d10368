"""`gridconnect customers|outages import`, `customers counts`, `reliability report`.

A stable contract used by scripts: a bad file exits 1 with every problem and its line
number on standard error and writes nothing; a good one prints one summary line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress

from gridconnect.commands.context import cli_services
from gridconnect.commands.report import CityOpt, CompanyOpt, Format, FormatOpt, OutputOpt
from gridconnect.errors import GridconnectError
from gridconnect.services.context import Scope, Services
from gridconnect.services.outages.imports import (
    ImportResult,
    import_counts,
    import_customers,
    import_outages,
    local_instant,
)
from gridconnect.services.outages.periods import parse_period
from gridconnect.services.outages.render import reliability_csv, reliability_xlsx
from gridconnect.services.outages.report import reliability_report

customers_app = typer.Typer(
    help="The customer registry and month-end counts.", no_args_is_help=True
)
outages_app = typer.Typer(help="The outage ledger.", no_args_is_help=True)
reliability_app = typer.Typer(help="Supply reliability indices (L5, L7, L9).", no_args_is_help=True)

FileArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]
Importer = Callable[[Services, str, Callable[[int], None]], ImportResult]


def _run_import(path: Path, noun: str, importer: Importer) -> None:
    text = path.read_text(encoding="utf-8-sig")
    total = max(text.count("\n") - 1, 1)
    try:
        with cli_services() as svc, Progress(transient=True, console=Console(stderr=True)) as bar:
            task = bar.add_task(f"importing {path.name}", total=2 * total)
            result = importer(svc, text, lambda n: bar.advance(task, n))
    except GridconnectError as exc:
        typer.echo(f"error: {path}: {exc.message}", err=True)
        for problem in exc.details or []:
            typer.echo(f"{path}: {problem}" if isinstance(problem, str) else str(problem), err=True)
        raise typer.Exit(1) from None
    typer.echo(result.summary(noun))


@customers_app.command("import")
def customers_import(file: FileArg) -> None:
    """Customer accounts: account,company,city,area_class,feeder,transformer_area,phone,
    connected_on (idempotent by account)."""
    _run_import(
        file,
        "account(s)",
        lambda svc, text, tick: import_customers(svc.engine, text, svc.now(), tick),
    )


@customers_app.command("counts")
def customers_counts(file: FileArg) -> None:
    """Month-end counts: company,city,area_class,month,customers (win over the registry)."""
    _run_import(
        file, "count(s)", lambda svc, text, tick: import_counts(svc.engine, text, svc.now(), tick)
    )


@outages_app.command("import")
def outages_import(file: FileArg) -> None:
    """Outages from an outage-management system: external_id,company,city,area_class,kind,
    start,end,customers,cause,feeder (idempotent by external id)."""
    _run_import(
        file,
        "outage(s)",
        lambda svc, text, tick: import_outages(svc.engine, text, svc.now(), "cli", tick),
    )


def _as_of(value: str | None, svc: Services) -> datetime:
    if not value:
        return svc.now()
    try:
        return local_instant(datetime.fromisoformat(value))
    except ValueError:
        typer.echo(f"error: --as-of {value!r} is not an ISO 8601 time", err=True)
        raise typer.Exit(2) from None


def _write(report: dict[str, Any], fmt: Format, output: Path | None) -> None:
    if fmt == Format.XLSX:
        if output is None:
            typer.echo("error: --format xlsx needs --output FILE", err=True)
            raise typer.Exit(2)
        output.write_bytes(reliability_xlsx(report))
        return
    body = (
        reliability_csv(report)
        if fmt == Format.CSV
        else json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    )
    if output is None:
        typer.echo(body, nl=False)
    else:
        output.write_text(body, encoding="utf-8")


@reliability_app.command("report")
def report(
    year: Annotated[str | None, typer.Option("--year", help="a year, e.g. 2026")] = None,
    quarter: Annotated[str | None, typer.Option("--quarter", help="e.g. 2026Q3")] = None,
    month: Annotated[str | None, typer.Option("--month", help="e.g. 2026-10")] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="ISO time (default now); Asia/Shanghai without offset"),
    ] = None,
    fmt: FormatOpt = Format.JSON,
    output: OutputOpt = None,
    company: CompanyOpt = None,
    city: CityOpt = None,
) -> None:
    """AIHC (SAIDI), AITC (SAIFI), CAIDI and RS per company, city and area class, with targets
    (--city 西安 gives a city's yearly report for its energy bureau)."""
    try:
        with cli_services() as svc:
            period = parse_period(year, quarter, month)
            scope = Scope(company, tuple(city) if city else None)
            built = reliability_report(
                svc.engine, svc.policy.reliability, period, _as_of(as_of, svc), scope
            )
    except GridconnectError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    _write(built, fmt, output)


@reliability_app.command("scan")
def scan() -> None:
    """Alert supervisors (once each) where a yearly outage budget runs ahead of the year."""
    from gridconnect.services.outages.budget import scan_budgets

    with cli_services() as svc:
        result = scan_budgets(svc)
    if result.skipped:
        typer.echo(f"skipped: {result.skipped}", err=True)
    typer.echo(f"checked {result.checked} city/area class(es), raised {result.raised} alert(s)")
