"""`gridconnect calendar ...`: inspect the working-day calendar and load a new notice.

After `calendar load FILE` copies a notice into GRIDCONNECT_CALENDAR_DIR, every open SLA
clock is recomputed (`sla recompute`): deadlines computed from that year's estimate become
official ones, each moved due recorded in the audit trail.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from gridconnect.bootstrap import calendar_source
from gridconnect.calendar import (
    CalendarRangeError,
    NoticeFileError,
    WorkingCalendar,
    read_notice_file,
    save_notice,
)
from gridconnect.commands.context import cli_services, cli_settings

calendar_app = typer.Typer(help="Working-day calendar (State Council holiday notices).")


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


DateArg = Annotated[date, typer.Argument(parser=_parse_date, help="a date, YYYY-MM-DD")]


def _calendar() -> WorkingCalendar:
    return calendar_source(cli_settings())()


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


@calendar_app.command()
def export(
    start: Annotated[date, typer.Option(parser=_parse_date, metavar="YYYY-MM-DD")],
    end: Annotated[date, typer.Option(parser=_parse_date, metavar="YYYY-MM-DD")],
) -> None:
    """Print `date<TAB>kind` for each day (third column `provisional` on estimated days)."""
    calendar = _calendar()
    day, lines = start, []
    try:
        while day <= end:
            info = calendar.kind(day)
            extra = "\tprovisional" if info.provisional else ""
            lines.append(f"{day.isoformat()}\t{info.kind.value}{extra}")
            day += timedelta(days=1)
    except CalendarRangeError as exc:
        raise _fail(exc.message) from None
    if lines:
        typer.echo("\n".join(lines))


@calendar_app.command()
def add(day: DateArg, n: Annotated[int, typer.Argument(help="working days")]) -> None:
    """Print the n-th working day after DAY (the start day is not counted)."""
    try:
        result = _calendar().add_working_days(day, n)
    except CalendarRangeError as exc:
        raise _fail(exc.message) from None
    typer.echo(result.value.isoformat() + (" provisional" if result.provisional else ""))


@calendar_app.command()
def count(start: DateArg, end: DateArg) -> None:
    """Print the number of working days in (START, END]."""
    try:
        result = _calendar().working_days_between(start, end)
    except CalendarRangeError as exc:
        raise _fail(exc.message) from None
    typer.echo(str(result.value) + (" provisional" if result.provisional else ""))


@calendar_app.command()
def years() -> None:
    """List each supported year with its source (notice or estimate)."""
    for info in _calendar().years():
        if info.source == "notice":
            typer.echo(f"{info.year}\tnotice\t{info.title}\t{info.number or '-'}\t{info.published}")
        else:
            typer.echo(f"{info.year}\testimate\t(statutory rules; no notice loaded)")


@calendar_app.command()
def load(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Validate a notice file, copy it into GRIDCONNECT_CALENDAR_DIR and recompute SLA clocks."""
    directory = cli_settings().calendar_dir
    if directory is None:
        raise _fail("no calendar directory: set GRIDCONNECT_CALENDAR_DIR to a writable folder")
    try:
        notice = read_notice_file(file)
        target = save_notice(file.read_text(encoding="utf-8"), directory)
    except NoticeFileError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        for problem in exc.problems:
            typer.echo(f"  line {problem['line']}: {problem['reason']}", err=True)
        raise typer.Exit(code=1) from None
    days_off = sum(len(holiday.dates) for holiday in notice.holidays)
    typer.echo(
        f"loaded {notice.year}: {notice.title} {notice.number}".rstrip()
        + f" ({notice.published}); {days_off} days off, "
        f"{len(notice.adjusted_workdays)} adjusted working days -> {target}"
    )
    _recompute_sla_clocks()


def _recompute_sla_clocks() -> None:
    """Deadlines computed from this year's estimate become official: recompute them."""
    from gridconnect.services.sla_recompute import recompute_services
    from gridconnect.store.maintenance import analyse

    with cli_services() as svc:
        result = recompute_services(svc)
        analyse(svc.engine, ("sla_clock", "sla_clock_pause", "alert"))  # rewritten in bulk
    typer.echo(f"SLA clocks: recomputed ({result})")
