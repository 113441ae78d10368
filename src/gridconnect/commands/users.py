"""`gridconnect users ...`: staff accounts. Passwords come from standard input, never argv."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from gridconnect.commands.context import cli_services
from gridconnect.errors import GridconnectError
from gridconnect.services.users import (
    ROLES,
    add_user,
    deactivate,
    list_users,
    reactivate,
    set_password,
)

users_app = typer.Typer(help="Staff accounts (clerks, supervisors, administrators).")


def _read_password() -> str:
    # On a terminal, ask twice without echo; from a pipe, take the first line.
    if sys.stdin.isatty():
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")


def _fail(exc: GridconnectError) -> typer.Exit:
    typer.echo(f"error: {exc.message}", err=True)
    if isinstance(exc.details, list):
        for problem in exc.details:
            typer.echo(f"  {problem.get('field')}: {problem.get('message')}", err=True)
    return typer.Exit(code=1)


@users_app.command()
def add(
    name: Annotated[str, typer.Argument(help="user name to sign in with")],
    role: Annotated[str, typer.Option(help=" | ".join(ROLES))],
    company: Annotated[str | None, typer.Option(help="sgcc | local")] = None,
    city: Annotated[list[str] | None, typer.Option("--city", help="a city served (repeat)")] = None,
) -> None:
    """Add a user; the password is read from standard input."""
    password = _read_password()
    try:
        with cli_services() as svc:
            user = add_user(svc.engine, name, password, role, company, city or [])
    except GridconnectError as exc:
        raise _fail(exc) from None
    where = f" {user.company} {'、'.join(user.cities)}" if user.company else ""
    typer.echo(f"added {user.username} ({user.role}{where})")


@users_app.command("list")
def list_command() -> None:
    """List the users: name, role, company, cities, active."""
    with cli_services() as svc:
        for user in list_users(svc.engine):
            state = "active" if user.active else "inactive"
            cities = ",".join(user.cities) or "-"
            typer.echo(f"{user.username}\t{user.role}\t{user.company or '-'}\t{cities}\t{state}")


@users_app.command("deactivate")
def deactivate_command(name: str) -> None:
    """Stop a user from signing in (their tokens stop working at once; not the last admin)."""
    try:
        with cli_services() as svc:
            deactivate(svc.engine, name)
    except GridconnectError as exc:
        raise _fail(exc) from None
    typer.echo(f"deactivated {name}")


@users_app.command("reactivate")
def reactivate_command(name: str) -> None:
    """Let a deactivated user sign in again (e.g. an administrator locked out by mistake)."""
    try:
        with cli_services() as svc:
            reactivate(svc.engine, name)
    except GridconnectError as exc:
        raise _fail(exc) from None
    typer.echo(f"reactivated {name}")


@users_app.command("password")
def password_command(name: str) -> None:
    """Set a new password (from standard input); every session of the user ends."""
    password = _read_password()
    try:
        with cli_services() as svc:
            set_password(svc.engine, name, password)
    except GridconnectError as exc:
        raise _fail(exc) from None
    typer.echo(f"new password set for {name}; their sessions have ended")
