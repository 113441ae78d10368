"""Supply plans and charges on the pages: the clerk answers, the customer compares and
chooses."""

from __future__ import annotations

from typing import Any

from api_helpers import hv_body, provide_documents
from fastapi.testclient import TestClient
from page_helpers import page_sign_in, post_form

APPS = "/api/v1/applications"

OPTION = {
    "substation": "110kV 科技路变电站",
    "feeder": "10kV 科技I线",
    "voltage_kv": "10",
    "capacity_kva": "2000",
    "supply": "single",
    "metering": "高供高计",
    "grid_works": "新建电缆至用户红线",
    "customer_works": "用户配电室",
    "estimated_cost_yuan": "320000",
    "estimated_working_days": "25",
}


def online_hv_at_supply_plan(client: TestClient, clerk: dict[str, str]) -> tuple[Any, str, str]:
    body = hv_body(channel="online", company="sgcc", capacity_kva=2000)
    receipt = client.post("/api/v1/public/applications", json=body).json()
    found = client.get(APPS, params={"number": receipt["number"]}, headers=clerk).json()
    app = client.get(f"{APPS}/{found['items'][0]['id']}", headers=clerk).json()
    app = provide_documents(client, clerk, app)
    app = client.post(f"{APPS}/{app['id']}/advance", json={}, headers=clerk).json()
    return app, receipt["number"], receipt["access_code"]


def test_the_clerk_answers_two_options_on_the_page_and_the_customer_chooses_the_second(
    client: TestClient, as_user: Any
) -> None:
    app, number, code = online_hv_at_supply_plan(client, as_user("clerk_xa"))
    page_sign_in(client, "clerk_xa")
    path = f"/workbench/applications/{app['id']}/plans"
    assert 'id="plans-link"' in client.get(f"/workbench/applications/{app['id']}").text
    form = {f"p1.{k}": v for k, v in OPTION.items()}
    form |= {f"p2.{k}": v for k, v in OPTION.items()}
    form |= {"p2.supply": "dual", "p2.estimated_cost_yuan": "560000", "p2.reliability": "双电源"}
    form["expected_version"] = str(app["version"])
    answered = post_form(client, path, form)
    assert answered.status_code == 303, answered.text
    assert "方案2" in client.get(path).text

    client.post("/logout", follow_redirects=False)
    assert post_form(client, "/status", {"number": number, "code": code}).status_code == 303
    assert 'href="/my/plans"' in client.get("/my").text
    page = client.get("/my/plans")
    assert 'id="plans-compare"' in page.text
    assert "560,000.00 元" in page.text
    version = page.text.split('name="expected_version" value="')[1].split('"')[0]
    chosen = post_form(
        client, "/my/plans/choice", {"option_no": "2", "expected_version": version}, "/my/plans"
    )
    assert chosen.status_code == 303, chosen.text
    assert "您已选定方案2" in client.get("/my/plans").text

    page_sign_in(client, "clerk_xa")
    design_review = client.get(f"/workbench/applications/{app['id']}").text
    assert "客户选定方案2" in design_review  # the chosen plan carries into design review


def test_a_wrong_option_on_the_page_is_shown_beside_the_form_and_nothing_changes(
    client: TestClient, as_user: Any
) -> None:
    app, _, _ = online_hv_at_supply_plan(client, as_user("clerk_xa"))
    page_sign_in(client, "clerk_xa")
    path = f"/workbench/applications/{app['id']}/plans"
    form = {f"p1.{k}": v for k, v in OPTION.items()} | {"p1.estimated_working_days": "soon"}
    response = post_form(client, path, form)
    assert response.status_code == 422
    assert "方案1·预计建设工期" in response.text
    assert 'id="answer-plans"' in response.text


def test_a_charge_inside_the_boundary_is_refused_on_the_page_for_a_three_zero_customer(
    client: TestClient, as_user: Any
) -> None:
    clerk = as_user("clerk_xa")
    body = hv_body()
    body.update(kind="lv_nonresidential", capacity_kw=80)
    for key in ("capacity_kva", "voltage_kv", "supply"):
        del body[key]
    app = client.post(APPS, json=body, headers=clerk).json()
    page_sign_in(client, "clerk_xa")
    path = f"/workbench/applications/{app['id']}/plans"
    response = post_form(
        client,
        f"/workbench/applications/{app['id']}/charges",
        {"item_code": "metering_and_service_line", "quantity": "1"},
        path,
    )
    assert response.status_code == 422
    assert "L37" in response.text
    assert "未登记收费" in response.text
