"""`gridconnect tickets ...`: customers' help requests and complaints."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from gridconnect.commands.context import cli_services

tickets_app = typer.Typer(
    help="Customers' help requests and complaints: scan their clocks, list open ones.",
    no_args_is_help=True,
)


@tickets_app.command()
def scan() -> None:
    """Warn and breach unanswered tickets that reached their instant (also in the scheduler)."""
    from gridconnect.services.selfservice.tickets import scan_tickets

    with cli_services() as svc:
        result = scan_tickets(svc.engine, svc.alert_channels, svc.now())
    typer.echo(f"tickets: {result.warned} warned, {result.breached} breached")


@tickets_app.command("list")
def list_open() -> None:
    """The unanswered tickets, the most urgent first, and a one-line summary."""
    from gridconnect.services.selfservice.tickets import open_tickets

    with cli_services() as svc:
        tickets = open_tickets(svc)
    table = Table("id", "application", "city", "category", "due", "state")
    for t in tickets:
        state = "超期" if t["breached"] else "预警" if t["warned"] else ""
        table.add_row(
            str(t["id"]), t["number"], t["city"], t["category_name"], t["due_at"].isoformat(), state
        )
    Console().print(table)
    breached = sum(1 for t in tickets if t["breached"])
    typer.echo(f"{len(tickets)} open tickets, {breached} past due")
