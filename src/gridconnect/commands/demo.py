"""gridconnect demo: a development database with users and applications to look at."""

from __future__ import annotations

import random
from datetime import timedelta

import typer

from gridconnect.commands.context import cli_services, cli_settings
from gridconnect.errors import GridconnectError
from gridconnect.services.applications import (
    DocumentInput,
    perform,
    receive_application,
    record_document,
)
from gridconnect.services.breach_risk.risk_scan import scan_risks_of
from gridconnect.services.context import Services
from gridconnect.services.sla_scan import scan
from gridconnect.services.stall_scan import scan_stalls
from gridconnect.services.users import UserExists, add_user
from gridconnect.store.maintenance import analyse
from gridconnect.timesource import now
from gridconnect.workflow.intake import NewApplication
from gridconnect.workflow.model import Application, Customer

demo_app = typer.Typer(help="Demonstration data (development only).")

DEMO_USERS = (
    ("admin", "admin", None, ()),
    ("clerk", "clerk", "sgcc", ("西安", "咸阳")),
    ("supervisor", "supervisor", "sgcc", ("西安", "咸阳")),
)
DEMO_PASSWORD = "gridconnect-demo"
PDF = b"%PDF-1.4\n% demo document\n"


@demo_app.callback(invoke_without_command=True)
def demo(
    applications: int = typer.Option(40, min=0, max=5000, help="How many applications."),
    seed: int = typer.Option(7, help="Random seed, for the same data every time."),
) -> None:
    """Add demo users (password 'gridconnect-demo') and applications received over 30 days."""
    settings = cli_settings()
    if settings.environment != "development":
        typer.echo("demo data is only for GRIDCONNECT_ENVIRONMENT=development", err=True)
        raise typer.Exit(2)
    with cli_services(settings) as services:
        for username, role, company, cities in DEMO_USERS:
            try:
                add_user(services.engine, username, DEMO_PASSWORD, role, company, cities)
                typer.echo(f"user {username} ({role}) / {DEMO_PASSWORD}")
            except UserExists:
                typer.echo(f"user {username} exists")
        made = _applications(services, applications, random.Random(seed))
        # A bulk load: PostgreSQL has no statistics for these rows until autovacuum comes by.
        analyse(services.engine)
        typer.echo(f"{made} applications")
        # One scan now, so overdue demo applications show their alerts at once (the
        # scheduler's first run is an interval away).
        scanned = scan(services.engine, alert_channels=services.alert_channels)
        stalls = scan_stalls(services.engine, alert_channels=services.alert_channels)
        risks = scan_risks_of(services)
        alerts = scanned.warned + scanned.breached + stalls.stalled + len(risks.alerts)
        typer.echo(f"first scan: {alerts} alerts")


def _applications(services: Services, count: int, rng: random.Random) -> int:
    """Applications received at times spread over the last 30 days, some advanced."""
    start = now()
    made = 0
    for index in range(count):
        received = start - timedelta(days=rng.uniform(0, 30))
        services.now = lambda moment=received: moment  # type: ignore[misc]
        kind = rng.choice(["lv_residential", "lv_nonresidential", "lv_nonresidential", "hv"])
        new = NewApplication(
            kind=kind,
            company="sgcc",
            city=rng.choice(["西安", "咸阳"]),
            area_class=rng.choice(["city_center", "urban", "town", "rural"]),
            address=f"示范路 {index + 1} 号",
            channel=rng.choice(["hall", "online"]),
            customer=Customer(
                rng.choice(["王伟", "李娜", "张敏", "刘洋"]),
                f"139{rng.randrange(10**8):08d}",
                f"61010219{rng.randrange(10**10):010d}",
            ),
            capacity=rng.choice([8.0, 50.0, 120.0])
            if kind != "hv"
            else rng.choice([630.0, 2000.0]),
            voltage_kv=10.0 if kind == "hv" else None,
            supply=rng.choice(["single", "dual"]) if kind == "hv" else None,
        )
        app = receive_application(services, new, actor="demo")
        steps = rng.randrange(0, 4)
        for _ in range(steps):
            received += timedelta(days=rng.uniform(0.5, 4))
            if received >= start:
                break
            services.now = lambda moment=received: moment  # type: ignore[misc]
            try:
                app = _advance(services, app)
            except GridconnectError:
                break
            if app.status != "open":
                break
        made += 1
    services.now = now
    return made


def _advance(services: Services, app: Application) -> Application:
    assert app.id is not None
    application_id = app.id
    for doc in services.policy.whitelist(app.kind, app.stage):
        record_document(
            services,
            application_id,
            DocumentInput(doc.code, "upload", content=PDF, file_name=f"{doc.code}.pdf"),
            actor="clerk",
        )
    return perform(services, application_id, "advance", actor="clerk")
