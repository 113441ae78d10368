"""A customer's ticket reaching its warning or its due becomes an alert row (no clock).

The supervisors' alert inbox (`/api/v1/alerts/inbox`, `/supervisor`) lists it beside the
clock alerts, with its ticket; it is acknowledged like any other. The row is unique per
(ticket, level) (`uq_alert_ticket_level`) and is written in the transaction that claims the
ticket's warning or breach, so a scan that runs twice raises it once. A breach withdraws the
ticket's warning (`cleared_at`), as a clock's breach does, so the inbox shows the breach alone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from gridconnect.store.selfservice_tables import HelpTicketRow
from gridconnect.store.tables import AlertRow
from gridconnect.workflow.events import AlertLevel

ALERTS = cast(Any, AlertRow).__table__
#: The scan's level of a ticket ("warning" / "breach") -> the alert's level.
TICKET_LEVELS = {"warning": AlertLevel.TICKET_WARNING, "breach": AlertLevel.TICKET_BREACH}
#: What the inbox shows as the alert's clock.
TICKET_CLOCK = "ticket"


def raise_ticket_alert(
    session: Session, ticket: HelpTicketRow, level: str, due_at: datetime, at: datetime
) -> int | None:
    """The ticket's alert of `level`, once: its id, or None if it was raised before."""
    alert_level = str(TICKET_LEVELS[level])
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    alert_id = session.execute(
        insert(AlertRow)
        .values(
            clock_id=None,
            ticket_id=ticket.id,
            application_id=ticket.application_id,
            company=ticket.company,
            city=ticket.city,
            level=alert_level,
            due_at=due_at,
            raised_at=at,
            raised_count=1,
        )
        .on_conflict_do_nothing(index_elements=["ticket_id", "level"])
        .returning(ALERTS.c.id)
    ).scalar_one_or_none()
    if alert_id is not None and level == "breach":
        session.execute(
            update(ALERTS)
            .where(
                ALERTS.c.ticket_id == ticket.id,
                ALERTS.c.level == str(AlertLevel.TICKET_WARNING),
                ALERTS.c.cleared_at.is_(None),
            )
            .values(cleared_at=at)
        )
    return int(alert_id) if alert_id is not None else None
