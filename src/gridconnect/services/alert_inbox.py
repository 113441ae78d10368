"""Alerts a supervisor can work through (command centre): filtered and paged in SQL, and
acknowledged a selection at a time with one note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import col

from gridconnect.services.alerts import alert_view, scoped_alert_query
from gridconnect.services.context import Scope, Services
from gridconnect.store.tables import AlertRow, ClockRow
from gridconnect.workflow.errors import InvalidApplication

MAX_SELECTION = 500
MAX_NOTE = 500


@dataclass(frozen=True)
class AlertFilters:
    """Open alerts only; narrowed by city, clock ("stall" for a stall), level and age."""

    city: str | None = None
    clock: str | None = None
    level: str | None = None
    min_age_days: int | None = None  # raised at least this many calendar days ago


def _filtered(statement: Any, filters: AlertFilters, svc: Services) -> Any:
    statement = statement.where(
        col(AlertRow.acknowledged_at).is_(None), col(AlertRow.cleared_at).is_(None)
    )
    if filters.city is not None:
        statement = statement.where(col(AlertRow.city) == filters.city)
    if filters.level is not None:
        statement = statement.where(col(AlertRow.level) == filters.level)
    if filters.clock == "stall":
        statement = statement.where(
            col(AlertRow.clock_id).is_(None), col(AlertRow.ticket_id).is_(None)
        )
    elif filters.clock == "ticket":  # selfservice: customers' tickets
        statement = statement.where(col(AlertRow.ticket_id).is_not(None))
    elif filters.clock is not None:
        statement = statement.where(col(ClockRow.kind) == filters.clock)
    if filters.min_age_days:
        cutoff = svc.now() - timedelta(days=filters.min_age_days)
        statement = statement.where(col(AlertRow.raised_at) <= cutoff)
    return statement


def _scoped_count(scope: Scope, filters: AlertFilters) -> Any:
    """The listing's count from the alert table alone: every alert has its application (a
    foreign key, never null) and the clock is an outer join, so neither join changes the
    count unless the clock's kind is filtered on; on a large inbox the joins cost seconds."""
    statement = select(func.count(col(AlertRow.id))).select_from(AlertRow)
    if filters.clock not in (None, "stall", "ticket"):
        statement = statement.join(ClockRow, col(ClockRow.id) == col(AlertRow.clock_id))
    if scope.company is not None:
        statement = statement.where(col(AlertRow.company) == scope.company)
    if scope.cities is not None:
        statement = statement.where(col(AlertRow.city).in_(scope.cities))
    return statement


def find_alerts(
    svc: Services, scope: Scope, filters: AlertFilters, limit: int = 50, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """One page of open alerts in the scope, oldest first (the longest waiting on top),
    and how many match in all."""
    listing = _filtered(scoped_alert_query(scope), filters, svc)
    counting = _filtered(_scoped_count(scope, filters), filters, svc)
    page = listing.order_by(col(AlertRow.raised_at), col(AlertRow.id)).limit(limit).offset(offset)
    with svc.unit_of_work() as uow:
        total = int(uow.session.execute(counting).scalar_one())
        rows = uow.session.execute(page).all()
        return [alert_view(alert, number, kind) for alert, number, kind in rows], total


def acknowledge_many(
    svc: Services, alert_ids: list[int], actor: str, note: str, scope: Scope
) -> list[int]:
    """Acknowledge the selected alerts of the scope in one transaction, with one note.

    Alerts outside the scope, or acknowledged already, are left as they are (the first
    acknowledgement stands); the ids acknowledged now are returned.
    """
    text = note.strip()
    if not alert_ids or len(alert_ids) > MAX_SELECTION:
        raise InvalidApplication(
            f"select between 1 and {MAX_SELECTION} alerts",
            [{"field": "ids", "message": f"between 1 and {MAX_SELECTION} alerts"}],
        )
    if len(text) > MAX_NOTE:
        raise InvalidApplication(
            f"note is longer than {MAX_NOTE} characters",
            [{"field": "note", "message": f"at most {MAX_NOTE} characters"}],
        )
    in_scope = (
        scoped_alert_query(scope)
        .with_only_columns(col(AlertRow.id))
        .where(col(AlertRow.id).in_(sorted(set(alert_ids))))
    )
    with svc.unit_of_work() as uow:
        ids = [int(i) for i in uow.session.execute(in_scope).scalars()]
        if not ids:
            return []
        done = uow.session.execute(
            update(AlertRow)
            .where(col(AlertRow.id).in_(ids), col(AlertRow.acknowledged_at).is_(None))
            .values(acknowledged_by=actor, acknowledged_at=svc.now(), ack_note=text or None)
            .returning(col(AlertRow.id))
        )
        acknowledged = sorted(int(i) for i in done.scalars())
        uow.commit()
    return acknowledged
