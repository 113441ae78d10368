"""Supply plans and charges of one application, for staff."""

from typing import Any

from fastapi import APIRouter, status

from gridconnect.api.auth import user_scope
from gridconnect.api.deps import ServicesDep
from gridconnect.api.error_statuses import errors
from gridconnect.api.routers.applications import JSON_ONLY, AppId, Reader, Worker
from gridconnect.api.schemas.supply_plans import (
    ChargeIn,
    ChargesOut,
    ChoiceIn,
    SupplyPlansIn,
    SupplyPlansOut,
    UpgradeCompletedIn,
)
from gridconnect.services.applications import get_application
from gridconnect.services.context import Services
from gridconnect.services.supply_plans.charges import charges_of, record_charge
from gridconnect.services.supply_plans.plans import (
    answer_supply_plans,
    choose_supply_plan,
    complete_grid_upgrade,
    read_plans,
)
from gridconnect.workflow.errors import InvalidApplication, InvalidTransition, VersionConflict
from gridconnect.workflow.model import Application
from gridconnect.workflow.supply_plans import (
    ChargeInsideInvestmentBoundary,
    ChargeNotInCatalogue,
    InvalidSupplyPlan,
    SupplyPlanNotExpected,
)

router = APIRouter(prefix="/api/v1/applications", tags=["supply plans"])


def plans_out(svc: Services, app: Application) -> dict[str, Any]:
    assert app.id is not None
    found = read_plans(svc, app.id)
    return {
        "number": app.number,
        "stage": app.stage,
        "version": app.version,
        "options": found.options,
        "chosen": found.chosen,
        "on_transitional_supply": found.on_transitional_supply,
    }


@router.post(
    "/{application_id}/supply-plans",
    status_code=status.HTTP_201_CREATED,
    response_model=SupplyPlansOut,
    dependencies=JSON_ONLY,
    responses=errors(SupplyPlanNotExpected, InvalidSupplyPlan, VersionConflict, InvalidTransition),
)
def answer_plans(
    application_id: AppId, body: SupplyPlansIn, user: Worker, svc: ServicesDep
) -> dict[str, Any]:
    """Deliver the supply plan, one to three options (L44); the stage's clock stops."""
    app = answer_supply_plans(
        svc, application_id, body.plans, user.username, user_scope(user), body.expected_version
    )
    return plans_out(svc, app)


@router.get("/{application_id}/supply-plans", response_model=SupplyPlansOut)
def list_plans(application_id: AppId, user: Reader, svc: ServicesDep) -> dict[str, Any]:
    """The options answered, the chosen one, and whether a transitional supply is in place."""
    return plans_out(svc, get_application(svc, application_id, user_scope(user)))


@router.post(
    "/{application_id}/supply-plans/choice",
    response_model=SupplyPlansOut,
    dependencies=JSON_ONLY,
    responses=errors(SupplyPlanNotExpected, InvalidSupplyPlan, VersionConflict),
)
def record_choice(
    application_id: AppId, body: ChoiceIn, user: Worker, svc: ServicesDep
) -> dict[str, Any]:
    """Record the customer's choice of option (during design review), audited."""
    app = choose_supply_plan(
        svc, application_id, body.option_no, user.username, user_scope(user), body.expected_version
    )
    return plans_out(svc, app)


@router.post(
    "/{application_id}/supply-plans/upgrade-completed",
    response_model=SupplyPlansOut,
    dependencies=JSON_ONLY,
    responses=errors(SupplyPlanNotExpected, InvalidSupplyPlan, VersionConflict),
)
def record_upgrade_completed(
    application_id: AppId, body: UpgradeCompletedIn, user: Worker, svc: ServicesDep
) -> dict[str, Any]:
    """The transitional plan's grid upgrade is done (L27): the mark is lifted."""
    app = complete_grid_upgrade(
        svc,
        application_id,
        body.completed_on,
        user.username,
        user_scope(user),
        body.expected_version,
    )
    return plans_out(svc, app)


def charges_out(svc: Services, app: Application) -> dict[str, Any]:
    assert app.id is not None
    charges = charges_of(svc, app.id)
    total = round(sum(c["amount_yuan"] for c in charges), 2)
    return {"number": app.number, "version": app.version, "charges": charges, "total_yuan": total}


@router.post(
    "/{application_id}/charges",
    status_code=status.HTTP_201_CREATED,
    response_model=ChargesOut,
    dependencies=JSON_ONLY,
    responses=errors(
        ChargeNotInCatalogue,
        ChargeInsideInvestmentBoundary,
        InvalidApplication,
        VersionConflict,
        InvalidTransition,
    ),
)
def add_charge(
    application_id: AppId, body: ChargeIn, user: Worker, svc: ServicesDep
) -> dict[str, Any]:
    """Record a charge from the published catalogue (L42); zero investment is enforced."""
    app = record_charge(
        svc,
        application_id,
        body.item_code,
        body.quantity,
        user.username,
        body.note,
        user_scope(user),
        body.expected_version,
    )
    return charges_out(svc, app)


@router.get("/{application_id}/charges", response_model=ChargesOut)
def list_charges(application_id: AppId, user: Reader, svc: ServicesDep) -> dict[str, Any]:
    """The charges recorded on the application, with their total."""
    return charges_out(svc, get_application(svc, application_id, user_scope(user)))
