"""Leads (L18, L23): demand the platform pushes before anyone applies.

A lead is turned into an application in one step: the application is received pre-filled
from the lead and the lead marked converted in the receipt's own transaction (a lead can be
converted once; a second attempt is a 409), or closed with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from gridconnect.errors import Conflict, InvalidInput, NotFound
from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.services.govlink.callbacks import once
from gridconnect.services.selfservice.codes import receive_in_hall
from gridconnect.store.gov_tables import GovLeadRow
from gridconnect.store.uow import UnitOfWork
from gridconnect.timesource import as_utc
from gridconnect.workflow.intake import NewApplication
from gridconnect.workflow.model import Application


class LeadNotFound(NotFound):
    code = "gov_lead_not_found"


class LeadAlreadyHandled(Conflict):
    code = "gov_lead_already_handled"


@dataclass(frozen=True)
class LeadInput:
    source: str
    reference: str
    name: str
    city: str
    address: str
    contact_phone: str | None = None
    certificate_number: str | None = None
    expected_capacity_kw: float | None = None


def receive_lead(svc: Services, message_id: str, given: LeadInput) -> dict[str, Any]:
    def process(uow: UnitOfWork) -> dict[str, Any]:
        row = GovLeadRow(**given.__dict__, state="open", received_at=svc.now())
        uow.session.add(row)
        uow.session.flush()
        return {"lead_id": row.id, "state": row.state}

    return once(svc, message_id, "lead", process)


def _detached(row: GovLeadRow) -> GovLeadRow:
    """A copy that outlives its session (a unit of work's rollback expires its rows)."""
    return GovLeadRow(**row.model_dump())


def _scoped(scope: Scope) -> Any:
    query = select(GovLeadRow)
    if scope.cities is not None:
        query = query.where(col(GovLeadRow.city).in_(scope.cities))
    return query


def list_leads(
    svc: Services, scope: Scope = EVERYTHING, state: str | None = "open"
) -> list[GovLeadRow]:
    query = _scoped(scope).order_by(col(GovLeadRow.received_at).desc(), col(GovLeadRow.id).desc())
    if state is not None:
        query = query.where(GovLeadRow.state == state)
    with svc.unit_of_work() as uow:
        return [_detached(row) for row in uow.session.exec(query.limit(200)).all()]


def get_lead(svc: Services, lead_id: int, scope: Scope = EVERYTHING) -> GovLeadRow:
    with svc.unit_of_work() as uow:
        found = uow.session.get(GovLeadRow, lead_id)
        row = _detached(found) if found is not None else None
    if row is None or (scope.cities is not None and row.city not in scope.cities):
        raise LeadNotFound(f"lead {lead_id} not found", {"lead_id": lead_id})
    return row


def _claim(uow: UnitOfWork, lead_id: int, values: dict[str, Any]) -> None:
    """Move an open lead on, or LeadAlreadyHandled: a compare-and-set, safe under races."""
    result = uow.session.execute(
        update(GovLeadRow)
        .where(col(GovLeadRow.id) == lead_id, col(GovLeadRow.state) == "open")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise LeadAlreadyHandled(
            f"lead {lead_id} was already converted or closed", {"lead_id": lead_id}
        )


def convert_lead(
    svc: Services,
    lead_id: int,
    new: NewApplication,
    actor: str,
    secret_key: str,
    scope: Scope = EVERYTHING,
) -> Application:
    """Receive the application made from the lead, as at the hall (its access code goes to
    the customer's phone); the lead is converted in that transaction."""
    lead = get_lead(svc, lead_id, scope)
    if lead.state != "open":
        raise LeadAlreadyHandled(f"lead {lead_id} is {lead.state}", {"lead_id": lead_id})
    if new.city != lead.city:
        raise InvalidInput(
            "the application's city must be the lead's",
            [{"field": "city", "message": f"must be {lead.city}"}],
        )
    now = svc.now()

    def also(uow: UnitOfWork, app: Application) -> None:
        _claim(
            uow,
            lead_id,
            {
                "state": "converted",
                "application_id": app.id,
                "converted_at": now,
                "handled_by": actor,
            },
        )

    app, _code = receive_in_hall(svc, new, actor, secret_key, also)
    return app


def close_lead(
    svc: Services, lead_id: int, reason: str, actor: str, scope: Scope = EVERYTHING
) -> GovLeadRow:
    get_lead(svc, lead_id, scope)
    if not reason.strip():
        raise InvalidInput(
            "a closed lead needs its reason", [{"field": "reason", "message": "required"}]
        )
    with svc.unit_of_work() as uow:
        _claim(
            uow, lead_id, {"state": "closed", "closed_reason": reason.strip(), "handled_by": actor}
        )
        uow.commit()
    return get_lead(svc, lead_id, scope)


@dataclass(frozen=True)
class LeadStatistics:
    received: int
    converted: int
    closed: int
    mean_days_to_application: float | None


def lead_statistics(
    svc: Services, start: datetime, end: datetime, scope: Scope = EVERYTHING
) -> LeadStatistics:
    """Leads received in [start, end): how many converted, and the mean days lead→application."""
    query = _scoped(scope).where(
        col(GovLeadRow.received_at) >= start, col(GovLeadRow.received_at) < end
    )
    with svc.unit_of_work() as uow:
        rows = [_detached(row) for row in uow.session.exec(query).all()]
    converted = [r for r in rows if r.state == "converted" and r.converted_at is not None]
    days = [
        (as_utc(r.converted_at) - as_utc(r.received_at)).total_seconds() / 86400
        for r in converted
        if r.converted_at is not None
    ]
    return LeadStatistics(
        received=len(rows),
        converted=len(converted),
        closed=sum(1 for r in rows if r.state == "closed"),
        mean_days_to_application=round(sum(days) / len(days), 1) if days else None,
    )
