"""Charges recorded against the published catalogue (L42, L52), and their totals.

A charge is decided by the workflow (`decide_charge`: in the catalogue and in force that
day; never an item inside the investment boundary for a residential or 三零 customer) and
written with its audit event in one unit of work. Amounts are integers in fen, so that the
monthly totals per city and company are exact sums.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.services.supply_plans.plans import change_with_rows
from gridconnect.store.plan_tables import ChargeRow
from gridconnect.store.tables import ApplicationRow
from gridconnect.store.uow import UnitOfWork
from gridconnect.timesource import local_date
from gridconnect.workflow import application as flow
from gridconnect.workflow import supply_plans as rules
from gridconnect.workflow.errors import InvalidApplication
from gridconnect.workflow.model import Application

CHARGES: sa.Table = ChargeRow.__table__  # type: ignore[attr-defined]
APPLICATIONS: sa.Table = ApplicationRow.__table__  # type: ignore[attr-defined]
MAX_QUANTITY = 1e7


def record_charge(
    svc: Services,
    application_id: int,
    item_code: str,
    quantity: float,
    actor: str,
    note: str | None = None,
    scope: Scope = EVERYTHING,
    expected_version: int | None = None,
) -> Application:
    """Record one charge from the catalogue; refused outside it or inside the boundary."""
    if not 0 < quantity <= MAX_QUANTITY:
        raise InvalidApplication(
            "quantity is out of range",
            [{"field": "quantity", "message": f"greater than 0, at most {MAX_QUANTITY:g}"}],
        )

    def change(ctx: flow.Context, app: Application, uow: UnitOfWork) -> list[flow.RaisedAlert]:
        assert app.id is not None
        decision = rules.decide_charge(
            ctx.policy.charge_items, app, item_code, quantity, local_date(ctx.now)
        )
        rules.record_charge(ctx, app, decision, quantity)
        uow.session.add(
            ChargeRow(
                application_id=app.id,
                item_code=decision.item.code,
                quantity=quantity,
                amount_fen=decision.amount_fen,
                note=note,
                recorded_at=ctx.now,
                recorded_by=ctx.actor,
            )
        )
        return []

    return change_with_rows(svc, application_id, actor, scope, expected_version, change)


def charges_of(svc: Services, application_id: int) -> list[dict[str, Any]]:
    """An application's charges, named from the catalogue (shown to staff and customer)."""
    names = {item.code: item for item in svc.policy.charge_items}
    with svc.unit_of_work() as uow:
        rows = uow.session.exec(
            select(ChargeRow)
            .where(ChargeRow.application_id == application_id)
            .order_by(col(ChargeRow.id))
        ).all()
        return [
            {
                "item_code": row.item_code,
                "name": names[row.item_code].name if row.item_code in names else row.item_code,
                "unit": names[row.item_code].unit if row.item_code in names else "",
                "quantity": row.quantity,
                "amount_yuan": row.amount_fen / 100,
                "note": row.note,
                "recorded_at": row.recorded_at,
            }
            for row in rows
        ]


def charge_totals(
    svc: Services, start: datetime, end: datetime, scope: Scope = EVERYTHING
) -> list[dict[str, Any]]:
    """Charges recorded in [start, end) per company and city: count, applications charged
    and total (cost to connect, the World Bank's second measure beside time)."""
    charge, application = CHARGES.c, APPLICATIONS.c
    statement = (
        sa.select(
            application.company,
            application.city,
            sa.func.count(charge.id),
            sa.func.count(sa.distinct(charge.application_id)),
            sa.func.sum(charge.amount_fen),
        )
        .select_from(CHARGES.join(APPLICATIONS, application.id == charge.application_id))
        .where(charge.recorded_at >= start, charge.recorded_at < end)
        .group_by(application.company, application.city)
        .order_by(application.company, application.city)
    )
    if scope.company is not None:
        statement = statement.where(application.company == scope.company)
    if scope.cities is not None:
        statement = statement.where(application.city.in_(scope.cities))
    with svc.engine.connect() as connection:
        return [
            {
                "company": company,
                "city": city,
                "charges": int(count),
                "applications": int(charged),
                "total_yuan": int(total or 0) / 100,
            }
            for company, city, count, charged, total in connection.execute(statement)
        ]


CHARGE_BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "total": (),
    "company": ("company",),
    "city": ("city",),
}


def charges_report(
    svc: Services, start: datetime, end: datetime, scope: Scope = EVERYTHING
) -> dict[str, list[dict[str, Any]]]:
    """The period's charges per breakdown (total, company, city), for the 月统计."""
    rows = charge_totals(svc, start, end, scope)
    out: dict[str, list[dict[str, Any]]] = {}
    for name, keys in CHARGE_BREAKDOWNS.items():
        summed: dict[tuple[str, ...], list[int]] = {}
        for row in rows:
            key = tuple(row[k] for k in keys)
            total = summed.setdefault(key, [0, 0, 0])
            total[0] += row["charges"]
            total[1] += row["applications"]  # an application is in one company and city
            total[2] += round(row["total_yuan"] * 100)
        if not keys:
            summed.setdefault((), [0, 0, 0])
        out[name] = [
            {
                **(dict(zip(keys, key, strict=True)) if keys else {"scope": "total"}),
                "charges": count,
                "applications": charged,
                "total_yuan": fen / 100,
                "mean_per_application_yuan": round(fen / charged / 100, 2) if charged else None,
            }
            for key, (count, charged, fen) in sorted(summed.items())
        ]
    return out
