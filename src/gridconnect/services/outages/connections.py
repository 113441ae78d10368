"""A connected application becomes a customer account (the registry's denominator).

At 装表接电 the clerk knows the feeder and transformer area the new meter hangs on; once
the application is connected, recording them creates the customer account (its number is
the application's), so the registry grows with the applications without a separate import.
Kept apart from the stage machine: it reads the connected application, it never changes it.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import select
from sqlmodel import Session

from gridconnect.errors import Conflict, InvalidInput, NotFound
from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.store.outage_tables import CustomerAccountRow
from gridconnect.store.tables import ApplicationRow
from gridconnect.timesource import local_date

APPLICATION = cast(Any, ApplicationRow).__table__


class NotConnected(Conflict):
    code = "not_connected"


def account_from_application(
    svc: Services,
    application_id: int,
    feeder: str,
    transformer_area: str | None,
    scope: Scope = EVERYTHING,
) -> CustomerAccountRow:
    """Create (or update the feeder of) the customer account of a connected application."""
    if not feeder.strip():
        raise InvalidInput("feeder: required", [{"field": "feeder", "message": "required"}])
    with Session(svc.engine, expire_on_commit=False) as session:
        app = session.execute(select(APPLICATION).where(APPLICATION.c.id == application_id)).first()
        if app is None or not scope.admits(app.company, app.city):
            raise NotFound(f"no application {application_id}")
        if app.status != "connected" or app.closed_at is None:
            raise NotConnected(f"application {app.number} is not connected yet")
        row = session.execute(
            select(CustomerAccountRow).where(CustomerAccountRow.account == app.number)
        ).scalar_one_or_none()
        if row is None:
            row = CustomerAccountRow(
                account=app.number,
                company=app.company,
                city=app.city,
                area_class=app.area_class,
                feeder=feeder.strip(),
                transformer_area=(transformer_area or "").strip() or None,
                phone=app.customer_phone or None,
                connected_on=local_date(app.closed_at),
                application_id=app.id,
                updated_at=svc.now(),
            )
        else:
            row.feeder = feeder.strip()
            row.transformer_area = (transformer_area or "").strip() or None
            row.updated_at = svc.now()
        session.add(row)
        session.commit()
    return row
