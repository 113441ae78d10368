"""The rules of supply plans and charges on plain domain objects."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from test_application_flow import POLICY, ctx, new, provide

from gridconnect.workflow import application as flow
from gridconnect.workflow import supply_plans as rules
from gridconnect.workflow.events import Event

TODAY = date(2026, 9, 30)


def option(**overrides: Any) -> rules.SupplyPlanOption:
    values: dict[str, Any] = {
        "substation": "110kV 甲变",
        "feeder": "10kV 甲线",
        "voltage_kv": 10.0,
        "capacity_kva": 1000.0,
        "supply": "single",
        "metering": "高供高计",
        "grid_works": "电缆",
        "customer_works": "配电室",
        "estimated_cost_yuan": 1.005,
        "estimated_working_days": 5,
    }
    values.update(overrides)
    return rules.SupplyPlanOption.model_validate(values)


def test_the_answer_is_recorded_before_the_advance_that_stops_the_stage_clock() -> None:
    app = new("hv")
    provide(app)
    flow.advance(ctx("2026-09-29 11:00"), app)
    provide(app, "2026-09-29 12:00")
    rules.answer(ctx("2026-09-30 10:00"), app, [option(), option(supply="dual")])
    assert app.stage == "design_review"
    assert [e.action for e in app.events[-2:]] == [Event.SUPPLY_PLAN_ANSWERED, Event.ADVANCED]
    assert app.events[-2].details == {"options": 2, "transitional": False}
    clock = app.clock("stage:supply_plan")
    assert clock is not None
    assert not clock.is_open


def test_a_transitional_plan_must_fit_the_ledger_case_and_name_its_upgrade() -> None:
    fits = option(transitional=True, upgrade_name="扩建", upgrade_planned_on=TODAY)
    assert fits.problems("plans.0", TODAY) == []
    too_big = option(
        transitional=True, capacity_kva=1600.0, upgrade_name="扩建", upgrade_planned_on=TODAY
    )
    assert [p["field"] for p in too_big.problems("plans.0", TODAY)] == ["plans.0.transitional"]
    past = option(transitional=True, upgrade_name="扩建", upgrade_planned_on=date(2026, 1, 1))
    assert [p["field"] for p in past.problems("p", TODAY)] == ["p.upgrade_planned_on"]


def test_the_estimated_cost_is_kept_in_whole_fen() -> None:
    assert option().estimated_cost_fen == 100  # 1.005 yuan: rounded to the nearest fen
    assert option(estimated_cost_yuan=320000.0).estimated_cost_fen == 32_000_000


@pytest.mark.parametrize(
    ("kind", "three_zero", "allowed"),
    [
        ("lv_residential", True, False),
        ("lv_nonresidential", True, False),
        ("lv_nonresidential", False, True),
        ("hv", False, True),
    ],
)
def test_an_item_inside_the_boundary_is_charged_only_outside_zero_investment(
    kind: str, three_zero: bool, allowed: bool
) -> None:
    app = new(kind, three_zero=three_zero)
    if allowed:
        decision = rules.decide_charge(
            POLICY.charge_items, app, "metering_and_service_line", 2, TODAY
        )
        assert decision.amount_fen == 240_000
    else:
        with pytest.raises(rules.ChargeInsideInvestmentBoundary, match="L37"):
            rules.decide_charge(POLICY.charge_items, app, "metering_and_service_line", 1, TODAY)


def test_an_item_out_of_force_is_as_absent_as_an_unknown_one() -> None:
    app = new("hv")
    with pytest.raises(rules.ChargeNotInCatalogue):
        rules.decide_charge(POLICY.charge_items, app, "high_reliability_fee", 1, date(2019, 12, 31))
    with pytest.raises(rules.ChargeNotInCatalogue):
        rules.decide_charge(POLICY.charge_items, app, "service_fee", 1, TODAY)
