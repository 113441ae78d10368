"""What the public and the customer see of plans and charges (L44, L52)."""

from typing import Any

from fastapi import APIRouter, Depends

from gridconnect.api.content import require_json
from gridconnect.api.deps import ServicesDep
from gridconnect.api.error_statuses import errors
from gridconnect.api.routers.customer import Proven
from gridconnect.api.schemas.supply_plans import ChargeItemOut, ChoiceIn, SupplyPlansOut
from gridconnect.config.policy import charge_item_dict
from gridconnect.services.context import Services
from gridconnect.services.public import ACTOR
from gridconnect.services.supply_plans.plans import choose_supply_plan, read_plans_by_number
from gridconnect.timesource import local_date
from gridconnect.workflow.errors import ApplicationNotFound, VersionConflict
from gridconnect.workflow.supply_plans import InvalidSupplyPlan, SupplyPlanNotExpected

router = APIRouter(prefix="/api/v1/public", tags=["public"])


@router.get("/charge-catalogue", response_model=list[ChargeItemOut])
def read_charge_catalogue(svc: ServicesDep) -> list[dict[str, Any]]:
    """The permitted charge items in force today (收费项目目录清单, L52)."""
    today = local_date(svc.now())
    return [charge_item_dict(i) for i in svc.policy.charge_items if i.in_force(today)]


def customer_plans(svc: Services, number: str) -> dict[str, Any]:
    app, found = read_plans_by_number(svc, number)
    return {
        "number": app.number,
        "stage": app.stage,
        "version": app.version,
        "options": found.options,
        "chosen": found.chosen,
        "on_transitional_supply": found.on_transitional_supply,
    }


@router.get(
    "/applications/{number}/supply-plans",
    response_model=SupplyPlansOut,
    # the code is checked by `Proven`, under the same per-client and per-number limits
)
def read_my_supply_plans(number: Proven, svc: ServicesDep) -> dict[str, Any]:
    """The options answered to the customer, side by side (cost, time, reliability)."""
    return customer_plans(svc, number)


@router.post(
    "/applications/{number}/supply-plans/choice",
    response_model=SupplyPlansOut,
    dependencies=[Depends(require_json)],
    responses=errors(
        ApplicationNotFound,
        SupplyPlanNotExpected,
        InvalidSupplyPlan,
        VersionConflict,
    ),
)
def choose_my_supply_plan(number: Proven, body: ChoiceIn, svc: ServicesDep) -> dict[str, Any]:
    """The customer chooses one option online; the choice and its time are audited."""
    app, _ = read_plans_by_number(svc, number)
    assert app.id is not None
    choose_supply_plan(svc, app.id, body.option_no, ACTOR, expected_version=body.expected_version)
    return customer_plans(svc, number)
