"""gridconnect policy: check and show the policy (stages, whitelists, SLA rules)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from gridconnect.commands.context import cli_settings
from gridconnect.config.policy import (
    Policy,
    PolicyError,
    load_policy,
    policy_schema,
    policy_to_dict,
    service_standards,
)

policy_app = typer.Typer(
    help="Policy: stages, document whitelists, SLA rules.", no_args_is_help=True
)


def _load(file: Path | None) -> Policy:
    try:
        return load_policy(file if file is not None else cli_settings().policy_file)
    except PolicyError as exc:
        where = file if file is not None else "the effective policy"
        typer.echo(f"{len(exc.details)} problem(s) in {where}:", err=True)
        for problem in exc.details:
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(1) from None


@policy_app.command("check")
def check_command(file: Path = typer.Argument(..., help="Policy TOML file to validate.")) -> None:
    """Validate a policy file, and check it against the ledger's own requirements (a
    policy may be stricter than the ledger, never looser); print "ok" or every problem,
    each with its rule, ledger item and line (exit 1)."""
    policy = _load(file)
    typer.echo(f"ok: {len(policy.kinds)} kinds, {len(policy.rules)} rules")


@policy_app.command("show")
def show_command(
    file: Path | None = typer.Option(
        None, "--file", help="Policy file (default: the effective one)."
    ),
) -> None:
    """Print the effective policy as JSON."""
    typer.echo(json.dumps(policy_to_dict(_load(file)), ensure_ascii=False, indent=2))


@policy_app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of a policy file (point an editor's TOML support at it)."""
    typer.echo(json.dumps(policy_schema(), ensure_ascii=False, indent=2))


@policy_app.command("standards")
def standards_command(
    on: str | None = typer.Option(None, "--on", help="Date (YYYY-MM-DD); default today."),
    city: str | None = typer.Option(None, "--city", help="Show as this city applies them."),
    company: str | None = typer.Option(
        None, "--company", help="Only this company's rules (sgcc or local); default both."
    ),
    file: Path | None = typer.Option(
        None, "--file", help="Policy file (default: the effective one)."
    ),
) -> None:
    """Print the public service standards (L52) in force on a date, as JSON."""
    from gridconnect.timesource import today

    try:
        day = date.fromisoformat(on) if on else today()
    except ValueError:
        typer.echo(f"--on must be a date like 2022-03-01, not {on!r}", err=True)
        raise typer.Exit(2) from None
    data = service_standards(_load(file), day, city, company)
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
