"""Answering, reading and choosing supply plans; completing a transitional plan's upgrade.

Each command follows the one path of `services.applications._change`: load within scope,
check the version the caller read, change the domain object (which records the audit
event), save it, write the plan rows in the same unit of work, raise late-stop alerts,
notify the customer, commit: the answer, its audit event and the stage clock's stop
commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from gridconnect.services.applications import (
    _check_version,
    _context,
    _load,
    _notify_customer,
    _raise,
)
from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.store.plan_tables import SupplyPlanRow
from gridconnect.store.uow import UnitOfWork
from gridconnect.timesource import local_date
from gridconnect.workflow import application as flow
from gridconnect.workflow import supply_plans as plans
from gridconnect.workflow.errors import ApplicationNotFound
from gridconnect.workflow.model import Application
from gridconnect.workflow.supply_plans import InvalidSupplyPlan, SupplyPlanOption

Change = Callable[[flow.Context, Application, UnitOfWork], list[flow.RaisedAlert]]


def change_with_rows(
    svc: Services,
    application_id: int,
    actor: str,
    scope: Scope,
    expected_version: int | None,
    change: Change,
) -> Application:
    """`_change` with the unit of work handed to the change, for the rows it writes."""
    ctx = _context(svc, actor)
    with svc.unit_of_work() as uow:
        app = _load(uow, application_id, scope)
        version = _check_version(app, expected_version)
        raised = change(ctx, app, uow)
        pending = list(app.events)
        uow.applications.save(app, version)
        for alert in raised:
            _raise(svc, uow, app, alert, ctx)
        _notify_customer(svc, uow, app, pending)
        uow.commit()
    return app


def plan_rows(session: Session, application_id: int) -> list[SupplyPlanRow]:
    statement = (
        select(SupplyPlanRow)
        .where(SupplyPlanRow.application_id == application_id)
        .order_by(col(SupplyPlanRow.option_no))
    )
    return list(session.exec(statement).all())


def answer_supply_plans(
    svc: Services,
    application_id: int,
    options: list[SupplyPlanOption],
    actor: str,
    scope: Scope = EVERYTHING,
    expected_version: int | None = None,
) -> Application:
    """Deliver one to three options (L44); the supply-plan stage clock stops here."""

    def change(ctx: flow.Context, app: Application, uow: UnitOfWork) -> list[flow.RaisedAlert]:
        raised = plans.answer(ctx, app, options)
        assert app.id is not None
        if plan_rows(uow.session, app.id):  # an earlier answer (the stage was re-entered)
            raise plans.SupplyPlanNotExpected(
                f"application {app.number} already has its supply plan", {"stage": app.stage}
            )
        for number, option in enumerate(options, start=1):
            fields = option.model_dump(exclude={"estimated_cost_yuan", "supply"})
            uow.session.add(
                SupplyPlanRow(
                    application_id=app.id,
                    option_no=number,
                    supply=str(option.supply),
                    **fields,
                    estimated_cost_fen=option.estimated_cost_fen,
                    answered_at=ctx.now,
                    answered_by=ctx.actor,
                )
            )
        return raised

    return change_with_rows(svc, application_id, actor, scope, expected_version, change)


def choose_supply_plan(
    svc: Services,
    application_id: int,
    option_no: int,
    actor: str,
    scope: Scope = EVERYTHING,
    expected_version: int | None = None,
) -> Application:
    """The customer's choice (online, or recorded by the clerk), audited with its time."""

    def change(ctx: flow.Context, app: Application, uow: UnitOfWork) -> list[flow.RaisedAlert]:
        assert app.id is not None
        rows = plan_rows(uow.session, app.id)
        plans.choose(ctx, app, option_no, len(rows))
        for row in rows:
            chosen = row.option_no == option_no
            row.chosen_at = ctx.now if chosen else None
            row.chosen_by = ctx.actor if chosen else None
            uow.session.add(row)
        return []

    return change_with_rows(svc, application_id, actor, scope, expected_version, change)


def complete_grid_upgrade(
    svc: Services,
    application_id: int,
    completed_on: date,
    actor: str,
    scope: Scope = EVERYTHING,
    expected_version: int | None = None,
) -> Application:
    """The transitional plan's grid upgrade is finished: the application is no longer marked."""

    def change(ctx: flow.Context, app: Application, uow: UnitOfWork) -> list[flow.RaisedAlert]:
        assert app.id is not None
        row = next(
            (r for r in plan_rows(uow.session, app.id) if r.chosen_at and r.transitional), None
        )
        if row is None or row.upgrade_completed_on is not None:
            raise plans.SupplyPlanNotExpected(
                f"application {app.number} has no pending grid upgrade", {"stage": app.stage}
            )
        if completed_on > local_date(ctx.now):
            raise InvalidSupplyPlan(
                "completed_on is in the future",
                [{"field": "completed_on", "message": "today or earlier"}],
            )
        plans.complete_upgrade(ctx, app, row.option_no, completed_on)
        row.upgrade_completed_on = completed_on
        uow.session.add(row)
        return []

    return change_with_rows(svc, application_id, actor, scope, expected_version, change)


@dataclass(frozen=True)
class PlansView:
    options: list[dict[str, Any]]
    chosen: int | None
    #: L27: on a transitional supply until the grid upgrade is done
    on_transitional_supply: bool


def option_view(row: SupplyPlanRow) -> dict[str, Any]:
    return {
        "option_no": row.option_no,
        "substation": row.substation,
        "feeder": row.feeder,
        "voltage_kv": row.voltage_kv,
        "capacity_kva": row.capacity_kva,
        "supply": row.supply,
        "metering": row.metering,
        "grid_works": row.grid_works,
        "customer_works": row.customer_works,
        "estimated_cost_yuan": row.estimated_cost_fen / 100,
        "estimated_working_days": row.estimated_working_days,
        "reliability": row.reliability,
        "transitional": row.transitional,
        "upgrade_name": row.upgrade_name,
        "upgrade_planned_on": row.upgrade_planned_on,
        "upgrade_completed_on": row.upgrade_completed_on,
        "answered_at": row.answered_at,
        "chosen": row.chosen_at is not None,
        "chosen_at": row.chosen_at,
    }


def plans_view(rows: list[SupplyPlanRow]) -> PlansView:
    chosen = next((r for r in rows if r.chosen_at is not None), None)
    return PlansView(
        options=[option_view(r) for r in rows],
        chosen=chosen.option_no if chosen else None,
        on_transitional_supply=bool(
            chosen and chosen.transitional and chosen.upgrade_completed_on is None
        ),
    )


def read_plans(svc: Services, application_id: int, scope: Scope = EVERYTHING) -> PlansView:
    """The options of an application's answer, for staff (scope-checked)."""
    with svc.unit_of_work() as uow:
        _load(uow, application_id, scope)
        return plans_view(plan_rows(uow.session, application_id))


def read_plans_by_number(svc: Services, number: str) -> tuple[Application, PlansView]:
    """The customer's own application's options (the caller proved the access code)."""
    with svc.unit_of_work() as uow:
        app = uow.applications.get_by_number(number)
        if app is None or app.id is None:
            raise ApplicationNotFound(f"application {number} not found", {"number": number})
        return app, plans_view(plan_rows(uow.session, app.id))
