"""The HV supply plan (供电方案) as the customer reads it, and the charges on an application.

What the company answers in the `supply_plan` stage is one to three options (L44); the
answer stops that stage's clock through the ordinary advance (the clock stops when the plan
is delivered, not when the customer decides), so the answer, its audit event and the clock
commit together. The customer then chooses one during design review (or the clerk records
the choice); a transitional option (L27) names the grid upgrade and its planned completion.

Charges come from the policy's catalogue only (L42, L52); an item inside the grid's
investment boundary is never charged to a residential or 三零 customer (L37–L39).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from gridconnect.config.plans_policy import ChargeItem
from gridconnect.config.vocabulary import HV_VOLTAGES, Kind, NoControl, Supply
from gridconnect.errors import Conflict, InvalidInput
from gridconnect.timesource import local_date
from gridconnect.workflow import application as flow
from gridconnect.workflow.events import Event
from gridconnect.workflow.model import Application

SUPPLY_PLAN_STAGE = "supply_plan"
DESIGN_REVIEW_STAGE = "design_review"
MAX_OPTIONS = 3  # L44: two or three alternatives beside the first
#: L27: transitional plans are for single-supply 10 kV customers of 1250 kVA and below
TRANSITIONAL_MAX_KVA = 1250.0
TRANSITIONAL_VOLTAGE_KV = 10.0


class SupplyPlanNotExpected(Conflict):
    code = "supply_plan_not_expected"


class InvalidSupplyPlan(InvalidInput):
    code = "invalid_supply_plan"


class ChargeNotInCatalogue(InvalidInput):
    code = "charge_not_in_catalogue"


class ChargeInsideInvestmentBoundary(InvalidInput):
    code = "charge_inside_investment_boundary"


Line = Annotated[str, NoControl, Field(min_length=1, max_length=100, pattern=r"\S")]
Works = Annotated[str, NoControl, Field(min_length=1, max_length=500, pattern=r"\S")]


class SupplyPlanOption(BaseModel):
    """One option of the answer, as the clerk or engineer records it."""

    model_config = ConfigDict(extra="forbid")

    substation: Line = Field(description="connection point: the substation (变电站)")
    feeder: Line = Field(description="connection point: the feeder (线路/间隔)")
    voltage_kv: float = Field(strict=True, gt=0, le=1000)
    capacity_kva: float = Field(strict=True, gt=0, le=1e7)
    supply: Supply
    metering: Annotated[str, NoControl, Field(min_length=1, max_length=200, pattern=r"\S")]
    grid_works: Works = Field(description="works on the grid's side (电网侧工程)")
    customer_works: Works = Field(description="works on the customer's side (用户侧工程)")
    estimated_cost_yuan: float = Field(strict=True, ge=0, le=1e9, allow_inf_nan=False)
    estimated_working_days: int = Field(strict=True, ge=1, le=1000)
    reliability: Annotated[str, NoControl, Field(max_length=200)] = ""
    transitional: bool = Field(default=False, strict=True)
    upgrade_name: Annotated[str, NoControl, Field(max_length=200, pattern=r"\S")] | None = None
    upgrade_planned_on: date | None = None

    def problems(self, prefix: str, today: date) -> list[dict[str, str]]:
        found: list[dict[str, str]] = []
        if self.voltage_kv not in HV_VOLTAGES:
            found.append({"field": f"{prefix}.voltage_kv", "message": "not a standard HV voltage"})
        if self.transitional:
            if self.upgrade_name is None:
                found.append(
                    {
                        "field": f"{prefix}.upgrade_name",
                        "message": "a transitional plan names the grid upgrade (L27)",
                    }
                )
            if self.upgrade_planned_on is None or self.upgrade_planned_on < today:
                found.append(
                    {
                        "field": f"{prefix}.upgrade_planned_on",
                        "message": "a transitional plan "
                        "needs the upgrade's planned completion, today or later (L27)",
                    }
                )
            if (
                self.capacity_kva > TRANSITIONAL_MAX_KVA
                or self.voltage_kv != TRANSITIONAL_VOLTAGE_KV
                or self.supply != Supply.SINGLE
            ):
                found.append(
                    {
                        "field": f"{prefix}.transitional",
                        "message": "a transitional plan is for "
                        "10 kV single supply of 1250 kVA and below (L27)",
                    }
                )
        elif self.upgrade_name is not None or self.upgrade_planned_on is not None:
            found.append(
                {
                    "field": f"{prefix}.upgrade_name",
                    "message": "only a transitional plan names a grid upgrade",
                }
            )
        return found

    @property
    def estimated_cost_fen(self) -> int:
        return round(self.estimated_cost_yuan * 100)


def check_options(options: list[SupplyPlanOption], today: date) -> None:
    """Refuse an answer with no option, more than three, or an option that is wrong."""
    found: list[dict[str, str]] = []
    if not 1 <= len(options) <= MAX_OPTIONS:
        found.append({"field": "plans", "message": f"1 to {MAX_OPTIONS} options (L44)"})
    for index, option in enumerate(options):
        found += option.problems(f"plans.{index}", today)
    if found:
        raise InvalidSupplyPlan(
            "invalid supply plan: " + ", ".join(p["field"] for p in found), found
        )


def answer(
    ctx: flow.Context, app: Application, options: list[SupplyPlanOption]
) -> list[flow.RaisedAlert]:
    """Deliver the plan: record the answer, then advance out of `supply_plan` (its clock
    stops there) into design review."""
    if app.kind != Kind.HV or app.stage != SUPPLY_PLAN_STAGE or not app.is_open:
        raise SupplyPlanNotExpected(
            f"application {app.number} is not waiting for a supply plan (stage {app.stage})",
            {"stage": app.stage, "kind": str(app.kind)},
        )
    check_options(options, local_date(ctx.now))
    details: dict[str, Any] = {
        "options": len(options),
        "transitional": any(o.transitional for o in options),
    }
    flow._record(ctx, app, Event.SUPPLY_PLAN_ANSWERED, app.stage, details)
    return flow.advance(ctx, app)


def choose(ctx: flow.Context, app: Application, option_no: int, options: int) -> None:
    """Record the customer's choice (during design review, where it carries)."""
    if app.stage != DESIGN_REVIEW_STAGE or not app.is_open or options == 0:
        raise SupplyPlanNotExpected(
            f"a supply plan is chosen during design review (stage {app.stage})",
            {"stage": app.stage},
        )
    if not 1 <= option_no <= options:
        raise InvalidSupplyPlan(
            f"option {option_no} does not exist",
            [{"field": "option_no", "message": f"must be between 1 and {options}"}],
        )
    flow._record(ctx, app, Event.SUPPLY_PLAN_CHOSEN, app.stage, {"option_no": option_no})


def complete_upgrade(ctx: flow.Context, app: Application, option_no: int, on: date) -> None:
    """The grid upgrade of a transitional plan is done: permanent supply can follow."""
    flow._record(
        ctx,
        app,
        Event.GRID_UPGRADE_COMPLETED,
        app.stage,
        {"option_no": option_no, "completed_on": on.isoformat()},
    )


@dataclass(frozen=True)
class ChargeDecision:
    item: ChargeItem
    amount_fen: int


def decide_charge(
    catalogue: tuple[ChargeItem, ...], app: Application, item_code: str, quantity: float, on: date
) -> ChargeDecision:
    """The charge if the catalogue permits it for this customer, else a refusal naming why."""
    item = next((i for i in catalogue if i.code == item_code and i.in_force(on)), None)
    if item is None:
        codes = [i.code for i in catalogue if i.in_force(on)]
        raise ChargeNotInCatalogue(
            f"item_code {item_code!r} is not in the published catalogue of charges (L42, L52)",
            [{"field": "item_code", "message": f"must be one of {codes}"}],
        )
    zero_investment = app.kind == Kind.LV_RESIDENTIAL or app.three_zero
    if item.inside_investment_boundary and zero_investment:
        who = "residential" if app.kind == Kind.LV_RESIDENTIAL else "三零"
        raise ChargeInsideInvestmentBoundary(
            f"item_code {item_code!r} ({item.name}) lies inside the grid's investment boundary "
            f"and a {who} customer pays nothing for it (零投资, L37–L38)",
            [{"field": "item_code", "message": "inside the investment boundary (L37–L39)"}],
        )
    return ChargeDecision(item, round(item.amount_yuan * quantity * 100))


def record_charge(
    ctx: flow.Context, app: Application, decision: ChargeDecision, quantity: float
) -> None:
    flow._record(
        ctx,
        app,
        Event.CHARGE_RECORDED,
        app.stage,
        {
            "item_code": decision.item.code,
            "quantity": quantity,
            "amount_fen": decision.amount_fen,
        },
    )
