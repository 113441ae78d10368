"""Supply plans, charges and the LV ceiling over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import count_rows, hv_body, lv_body, provide_documents
from fastapi.testclient import TestClient
from freezegun import freeze_time
from sqlalchemy import Engine

APPS = "/api/v1/applications"
PUBLIC = "/api/v1/public"


def option(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "substation": "110kV 科技路变电站",
        "feeder": "10kV 科技I线 12号间隔",
        "voltage_kv": 10,
        "capacity_kva": 2000,
        "supply": "single",
        "metering": "高供高计，10kV 计量柜",
        "grid_works": "新建 10kV 电缆 0.8 km 至用户红线",
        "customer_works": "用户配电室及 800kVA 变压器",
        "estimated_cost_yuan": 320000,
        "estimated_working_days": 25,
        "reliability": "单电源，故障时需抢修恢复",
    }
    body.update(overrides)
    return body


THREE_OPTIONS = [
    option(),
    option(
        supply="dual",
        feeder="10kV 科技I线、科技II线",
        estimated_cost_yuan=560000.5,
        estimated_working_days=40,
        reliability="双电源，一路故障不停电",
    ),
    option(
        transitional=True,
        capacity_kva=1250,
        feeder="10kV 雁塔III线（临时）",
        estimated_cost_yuan=90000,
        estimated_working_days=10,
        upgrade_name="110kV 科技路变电站 2 号主变扩建",
        upgrade_planned_on="2027-06-30",
    ),
]


def at_supply_plan(client: TestClient, clerk: dict[str, str], **overrides: Any) -> Any:
    app = client.post(APPS, json=hv_body(**overrides), headers=clerk).json()
    app = provide_documents(client, clerk, app)
    app = client.post(f"{APPS}/{app['id']}/advance", json={}, headers=clerk).json()
    assert app["stage"] == "supply_plan"
    return app


def online_hv(client: TestClient) -> tuple[str, str]:
    # 2000 kVA: not an on-site reply (L26), so the supply plan has working days
    body = hv_body(channel="online", company="sgcc", capacity_kva=2000)
    response = client.post(f"{PUBLIC}/applications", json=body)
    assert response.status_code == 201, response.text
    return response.json()["number"], response.json()["access_code"]


# -- the LV ceiling (L36, L41) --------------------------------------------------------------
def test_an_lv_application_above_the_ceiling_is_refused_and_told_to_apply_as_hv(
    client: TestClient, as_user: Any, engine: Engine
) -> None:
    clerk = as_user("clerk_xa")
    refused = client.post(APPS, json=lv_body(kind="lv_residential", capacity_kw=500), headers=clerk)
    accepted = client.post(APPS, json=lv_body(capacity_kw=160), headers=clerk)

    assert refused.status_code == 422
    assert refused.json()["code"] == "lv_capacity_above_ceiling"
    assert refused.json()["details"][0]["field"] == "capacity_kw"
    assert "apply as high voltage" in refused.json()["message"]
    assert "160 kW" in refused.json()["message"]
    assert accepted.status_code == 201
    assert count_rows(engine, "application") == 1


def test_the_online_form_refuses_an_lv_capacity_above_the_ceiling_beside_the_field(
    client: TestClient,
) -> None:
    page = client.get("/apply")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    form = {
        "csrf_token": token,
        "kind": "lv_nonresidential",
        "company": "sgcc",
        "customer.name": "李四",
        "customer.phone": "13800138000",
        "customer.id_number": "610102199001011234",
        "address": "西安市未央区凤城八路 1 号",
        "city": "西安",
        "area_class": "urban",
        "capacity": "250",
    }
    response = client.post("/apply", data=form, follow_redirects=False)
    assert response.status_code == 422
    assert "请按高压用户申请" in response.text


# -- answering and choosing -------------------------------------------------------------------
def test_three_options_stop_the_supply_plan_clock_and_the_customer_chooses_one_online(
    client: TestClient, as_user: Any
) -> None:
    clerk = as_user("clerk_xa")
    with freeze_time("2026-11-23 01:00:00"):
        number, code = online_hv(client)
        listed = client.get(APPS, params={"number": number}, headers=clerk).json()
        app = client.get(f"{APPS}/{listed['items'][0]['id']}", headers=clerk).json()
        app = provide_documents(client, clerk, app)
        app = client.post(f"{APPS}/{app['id']}/advance", json={}, headers=clerk).json()
    with freeze_time("2026-11-25 02:00:00"):
        answered = client.post(
            f"{APPS}/{app['id']}/supply-plans",
            json={"plans": THREE_OPTIONS, "expected_version": app["version"]},
            headers=clerk,
        )
    assert answered.status_code == 201, answered.text
    assert answered.json()["stage"] == "design_review"
    assert [o["option_no"] for o in answered.json()["options"]] == [1, 2, 3]
    assert answered.json()["options"][1]["estimated_cost_yuan"] == 560000.5
    app = client.get(f"{APPS}/{app['id']}", headers=clerk).json()
    [clock] = [c for c in app["clocks"] if c["kind"] == "stage:supply_plan"]
    assert clock["state"] == "met"

    customer = {"X-Access-Code": code}
    seen = client.get(f"{PUBLIC}/applications/{number}/supply-plans", headers=customer)
    assert seen.status_code == 200
    assert len(seen.json()["options"]) == 3
    with freeze_time("2026-11-26 03:00:00"):
        chosen = client.post(
            f"{PUBLIC}/applications/{number}/supply-plans/choice",
            json={"option_no": 3},
            headers=customer,
        )
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["chosen"] == 3
    assert chosen.json()["on_transitional_supply"] is True
    events = client.get(f"{APPS}/{app['id']}/events", headers=clerk).json()
    [choice] = [e for e in events if e["action"] == "supply_plan_chosen"]
    assert choice["actor"] == "customer"
    assert choice["details"] == {"option_no": 3}
    assert choice["at"].startswith("2026-11-26T03:00")
    assert [e["action"] for e in events].index("supply_plan_answered") < [
        e["action"] for e in events
    ].index("supply_plan_chosen")


def test_a_wrong_access_code_neither_shows_nor_chooses_a_plan(client: TestClient) -> None:
    number, _ = online_hv(client)
    wrong = {"X-Access-Code": "AAAA-BBBB-CCCC-DDDD"}
    assert (
        client.get(f"{PUBLIC}/applications/{number}/supply-plans", headers=wrong).status_code == 404
    )
    response = client.post(
        f"{PUBLIC}/applications/{number}/supply-plans/choice", json={"option_no": 1}, headers=wrong
    )
    assert response.status_code == 404


def test_a_single_option_is_an_answer_and_the_clerk_records_the_choice(
    client: TestClient, as_user: Any
) -> None:
    clerk = as_user("clerk_xa")
    app = at_supply_plan(client, clerk, capacity_kva=2000)
    answered = client.post(
        f"{APPS}/{app['id']}/supply-plans", json={"plans": [option()]}, headers=clerk
    )
    chosen = client.post(
        f"{APPS}/{app['id']}/supply-plans/choice",
        json={"option_no": 1, "expected_version": answered.json()["version"]},
        headers=clerk,
    )
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["chosen"] == 1
    assert chosen.json()["on_transitional_supply"] is False


@pytest.mark.parametrize(
    ("plans", "field"),
    [
        ([], "plans"),
        ([option()] * 4, "plans"),
        ([option(transitional=True, capacity_kva=800)], "plans.0.upgrade_name"),
        (
            [option(transitional=True, upgrade_name="扩建", upgrade_planned_on="2099-01-01")],
            "plans.0.transitional",
        ),
        ([option(upgrade_name="扩建")], "plans.0.upgrade_name"),
        ([option(voltage_kv=7)], "plans.0.voltage_kv"),
        ([option(estimated_cost_yuan=-1)], "plans.0.estimated_cost_yuan"),
    ],
)
def test_a_wrong_answer_is_refused_naming_the_field_and_the_clock_keeps_running(
    client: TestClient, as_user: Any, engine: Engine, plans: list[dict[str, Any]], field: str
) -> None:
    clerk = as_user("clerk_xa")
    app = at_supply_plan(client, clerk)
    response = client.post(f"{APPS}/{app['id']}/supply-plans", json={"plans": plans}, headers=clerk)
    assert response.status_code == 422, response.text
    assert field in response.text
    assert count_rows(engine, "supply_plan") == 0
    again = client.get(f"{APPS}/{app['id']}", headers=clerk).json()
    assert again["stage"] == "supply_plan"


def test_an_answer_outside_the_supply_plan_stage_or_on_a_stale_version_is_a_conflict(
    client: TestClient, as_user: Any, engine: Engine
) -> None:
    clerk = as_user("clerk_xa")
    early = client.post(APPS, json=hv_body(), headers=clerk).json()
    app = at_supply_plan(client, clerk)
    body = {"plans": [option()]}
    assert (
        client.post(f"{APPS}/{early['id']}/supply-plans", json=body, headers=clerk).json()["code"]
        == "supply_plan_not_expected"
    )
    stale = client.post(
        f"{APPS}/{app['id']}/supply-plans",
        json={**body, "expected_version": app["version"] - 1},
        headers=clerk,
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    assert count_rows(engine, "supply_plan") == 0


# -- charges --------------------------------------------------------------------------------
def test_a_charge_outside_the_catalogue_is_refused(client: TestClient, as_user: Any) -> None:
    clerk = as_user("clerk_xa")
    app = at_supply_plan(client, clerk)
    response = client.post(
        f"{APPS}/{app['id']}/charges", json={"item_code": "connection_fee"}, headers=clerk
    )
    assert response.status_code == 422
    assert response.json()["code"] == "charge_not_in_catalogue"
    assert response.json()["details"][0]["field"] == "item_code"


@pytest.mark.parametrize("kind", ["lv_residential", "lv_nonresidential"])
def test_a_zero_investment_customer_is_never_charged_inside_the_boundary(
    client: TestClient, as_user: Any, engine: Engine, kind: str
) -> None:
    clerk = as_user("clerk_xa")
    app = client.post(APPS, json=lv_body(kind=kind, capacity_kw=50), headers=clerk).json()
    assert app["three_zero"] is True
    response = client.post(
        f"{APPS}/{app['id']}/charges",
        json={"item_code": "metering_and_service_line"},
        headers=clerk,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "charge_inside_investment_boundary"
    assert "L37" in response.json()["message"]
    assert count_rows(engine, "charge") == 0


def test_a_catalogue_charge_is_recorded_audited_and_totalled(
    client: TestClient, as_user: Any
) -> None:
    clerk = as_user("clerk_xa")
    app = at_supply_plan(client, clerk, supply="dual", capacity_kva=1000)
    recorded = client.post(
        f"{APPS}/{app['id']}/charges",
        json={"item_code": "high_reliability_fee", "quantity": 1000, "note": "双电源"},
        headers=clerk,
    )
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["total_yuan"] == 150000.0
    assert recorded.json()["charges"][0]["name"] == "高可靠性供电费"
    events = client.get(f"{APPS}/{app['id']}/events", headers=clerk).json()
    assert events[-1]["action"] == "charge_recorded"
    assert events[-1]["details"]["amount_fen"] == 15_000_000


def test_the_public_catalogue_lists_the_permitted_items(client: TestClient) -> None:
    items = client.get(f"{PUBLIC}/charge-catalogue").json()
    assert {i["code"] for i in items} >= {"high_reliability_fee", "metering_and_service_line"}
    assert all(i["source"] for i in items)
