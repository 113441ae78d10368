"""`gridconnect report monthly|quarterly`: the L55 statistics as JSON, CSV or XLSX."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from gridconnect.commands.context import cli_services
from gridconnect.errors import GridconnectError
from gridconnect.services.context import Scope, Services
from gridconnect.services.reports import monthly_report, quarterly_report
from gridconnect.services.reports.render import to_csv, to_xlsx

report_app = typer.Typer(help="Monthly statistics and quarterly analysis (L55).")


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="json, csv or xlsx")]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="file to write (default: stdout)")
]
CompanyOpt = Annotated[str | None, typer.Option(help="only this company (sgcc, local)")]
CityOpt = Annotated[list[str] | None, typer.Option("--city", help="only these cities")]


def _write(report: dict[str, Any], fmt: Format, output: Path | None) -> None:
    if fmt == Format.XLSX:
        if output is None:
            typer.echo("error: --format xlsx needs --output FILE", err=True)
            raise typer.Exit(2)
        output.write_bytes(to_xlsx(report))
    else:
        body = (
            to_csv(report)
            if fmt == Format.CSV
            else json.dumps(report, ensure_ascii=False, indent=2) + "\n"
        )
        if output is None:
            typer.echo(body, nl=False)
        else:
            output.write_text(body, encoding="utf-8")
    if output is not None:
        typer.echo(f"wrote {output}", err=True)


def _run(
    build: Callable[[Services, str, Scope], dict[str, Any]],
    period: str,
    fmt: Format,
    output: Path | None,
    company: str | None,
    cities: list[str] | None,
) -> None:
    try:
        with cli_services() as svc:
            report = build(svc, period, Scope(company, tuple(cities) if cities else None))
    except GridconnectError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    _write(report, fmt, output)


@report_app.command()
def monthly(
    month: Annotated[str, typer.Argument(help="the month, YYYY-MM")],
    fmt: FormatOpt = Format.JSON,
    output: OutputOpt = None,
    company: CompanyOpt = None,
    city: CityOpt = None,
) -> None:
    """月统计: applications, times, on-time rates, suspensions and approvals of a month."""
    _run(monthly_report, month, fmt, output, company, city)


@report_app.command()
def quarterly(
    quarter: Annotated[str, typer.Argument(help="the quarter, YYYYQn (e.g. 2026Q3)")],
    fmt: FormatOpt = Format.JSON,
    output: OutputOpt = None,
    company: CompanyOpt = None,
    city: CityOpt = None,
) -> None:
    """季分析: the quarter with its trend, longest open applications, breaches, due date."""
    _run(quarterly_report, quarter, fmt, output, company, city)
