"""Migration 0014 (ticket alerts) goes down and up on both databases; going up it gives the
tickets the scan had already warned or breached their alert rows."""

from __future__ import annotations

from alembic import command
from freezegun import freeze_time
from sqlalchemy import Engine, inspect, text

from factories import receive
from gridconnect.services.context import Services
from gridconnect.services.selfservice.tickets import open_ticket, scan_tickets
from gridconnect.store.db import alembic_config
from risk_history import local


def ticket_alerts(engine: Engine) -> list[tuple[int, str, bool]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT ticket_id, level, cleared_at FROM alert"
                " WHERE ticket_id IS NOT NULL ORDER BY ticket_id, level DESC"
            )
        ).all()
    return [(int(ticket), level, cleared is not None) for ticket, level, cleared in rows]


def test_two_tickets_of_one_application_asked_the_same_day_each_alert(services: Services) -> None:
    with freeze_time(local("2026-11-02 10:00")):
        app = receive(services, city="西安")
        first = open_ticket(services, app.number, "help", "何时装表？")
        second = open_ticket(services, app.number, "complaint", "无人联系")
    scan_tickets(services.engine, [], at=local("2026-11-10 09:00"))  # both past their due
    scan_tickets(services.engine, [], at=local("2026-11-10 09:05"))

    assert ticket_alerts(services.engine) == [
        (first.id, "ticket_warning", True),
        (first.id, "ticket_breach", False),
        (second.id, "ticket_warning", True),
        (second.id, "ticket_breach", False),
    ]


def test_the_migration_backfills_the_alerts_of_warned_and_breached_tickets(
    services: Services,
) -> None:
    engine = services.engine
    with freeze_time(local("2026-11-02 10:00")):
        app = receive(services, city="西安")
        breached = open_ticket(services, app.number, "help", "何时装表？")
    with freeze_time(local("2026-11-06 10:00")):
        warned = open_ticket(services, app.number, "complaint", "无人联系")
    scan_tickets(engine, [], at=local("2026-11-10 09:00"))
    scan_tickets(engine, [], at=local("2026-11-13 12:00"))  # `warned` is warned, not breached
    before = ticket_alerts(engine)
    assert [(t, level) for t, level, _ in before] == [
        (breached.id, "ticket_warning"),
        (breached.id, "ticket_breach"),
        (warned.id, "ticket_warning"),
    ]
    url = engine.url.render_as_string(hide_password=False)

    command.downgrade(alembic_config(url), "0013")
    columns = {c["name"] for c in inspect(engine).get_columns("alert")}
    assert "ticket_id" not in columns
    command.upgrade(alembic_config(url), "head")

    assert ticket_alerts(engine) == before
