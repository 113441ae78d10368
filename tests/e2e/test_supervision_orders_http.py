"""Supervision orders through the pages and the API: the supervisor issues on the
application page, the clerk answers there, both show in the audit trail; the API refuses
bad input naming the field, a stale version with 409, and the wrong role with 403."""

from __future__ import annotations

from typing import Any

from page_helpers import page_sign_in, post_form

from factories import receive

ORDER = {"instruction": "请尽快联系客户补齐资料", "assignee": "clerk", "working_days": "3"}


def test_the_supervisor_issues_and_the_clerk_answers_on_the_application_page(
    client: Any, staff: Any, services: Any
) -> None:
    app = receive(services)
    path = f"/workbench/applications/{app.id}"

    page_sign_in(client, "supervisor_xa")
    issued = post_form(client, f"{path}/orders", {**ORDER, "expected_version": app.version}, path)
    assert issued.status_code == 303
    shown = client.get(issued.headers["location"]).text
    assert "督办单已下达" in shown
    assert "请尽快联系客户补齐资料" in shown
    assert "答复督办" not in shown  # a supervisor does not answer

    client.cookies.clear()
    page_sign_in(client, "clerk_xa")
    page = client.get(path).text
    assert 'id="issue-order"' not in page  # a clerk does not issue
    order_id = page.split('data-order="')[1].split('"')[0]
    version = page.split('name="expected_version" value="')[1].split('"')[0]
    answered = post_form(
        client,
        f"{path}/orders/{order_id}/answer",
        {"answer": "已电话联系客户，资料明日补齐", "expected_version": version},
        path,
    )
    assert answered.status_code == 303
    shown = client.get(answered.headers["location"]).text
    assert "已电话联系客户，资料明日补齐" in shown
    audit = shown.split('id="audit"')[1]
    assert "下达督办单" in audit
    assert "答复督办单" in audit


def test_a_bad_order_on_the_page_names_the_field_in_chinese(
    client: Any, staff: Any, services: Any
) -> None:
    app = receive(services)
    path = f"/workbench/applications/{app.id}"
    page_sign_in(client, "supervisor_xa")
    refused = post_form(client, f"{path}/orders", {**ORDER, "working_days": "45"}, path)
    assert refused.status_code == 422
    assert "督办单未保存：请检查办理时限" in refused.text


def test_the_api_issues_answers_and_counts_orders(client: Any, as_user: Any, services: Any) -> None:
    app = receive(services)
    base = f"/api/v1/applications/{app.id}/orders"
    body = {"instruction": "督办", "assignee": "hall", "working_days": 2}

    issued = client.post(base, json=body, headers=as_user("supervisor_xa"))
    assert issued.status_code == 201, issued.text
    [order] = issued.json()["orders"]
    stale = client.post(
        base, json={**body, "expected_version": app.version}, headers=as_user("supervisor_xa")
    )
    by_clerk = client.post(base, json=body, headers=as_user("clerk_xa"))
    bad = client.post(base, json={**body, "working_days": 0}, headers=as_user("supervisor_xa"))
    answered = client.post(
        f"{base}/{order['id']}/answer", json={"answer": "已办"}, headers=as_user("clerk_xa")
    )
    stats = client.get(
        "/api/v1/supervision-orders/statistics", headers=as_user("supervisor_xa")
    ).json()

    assert stale.status_code == 409
    assert by_clerk.status_code == 403
    assert bad.status_code == 422
    assert "working_days" in bad.text
    assert answered.status_code == 200
    assert answered.json()["orders"][0]["state"] == "met"
    assert stats["issued"] == 1
    assert stats["answered_on_time"] == 1


def test_the_months_figures_count_orders_issued_and_answered_on_time(
    client: Any, staff: Any, services: Any, as_user: Any
) -> None:
    app = receive(services)
    base = f"/api/v1/applications/{app.id}/orders"
    body = {"instruction": "督办", "assignee": "clerk", "working_days": 2}
    client.post(base, json=body, headers=as_user("supervisor_xa"))
    client.post(base, json=body, headers=as_user("supervisor_xa"))

    page_sign_in(client, "supervisor_xa")
    figures = client.get("/supervisor").text.split('id="month-orders"')[1].split("</p>")[0]
    assert "本月下达 2 件，已答复 0 件，其中按期答复 0 件" in figures
