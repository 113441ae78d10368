"""A clerk works applications over HTTP: receipt, documents, stages, connection, audit."""

from __future__ import annotations

from typing import Any

from api_helpers import hv_body, lv_body, provide_documents
from freezegun import freeze_time

APPS = "/api/v1/applications"


def create(client: Any, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(APPS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def advance(client: Any, headers: dict[str, str], app: dict[str, Any]) -> dict[str, Any]:
    url = f"{APPS}/{app['id']}/advance"
    response = client.post(url, json={"expected_version": app["version"]}, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_a_clerk_takes_a_low_voltage_application_from_receipt_to_connection(
    client: Any, as_user: Any
) -> None:
    clerk = as_user("clerk_xa")
    with freeze_time("2026-09-28 02:00:00") as frozen:
        app = create(client, clerk, lv_body())
        assert app["company"] == "sgcc"
        assert app["stage"] == "acceptance"
        assert app["number"] == "SGCC-2026-000001"
        assert app["three_zero"] is True
        assert [s["stage"] for s in app["stages"]] == ["acceptance", "meter_install"]
        assert [m["doc_type"] for m in app["missing_documents"]] == [
            "identity_document",
            "property_certificate",
        ]
        assert "advance" not in app["allowed_actions"]
        full = app["clocks"][0]
        assert full["kind"] == "full_process"
        assert full["state"] == "running"
        assert full["limit_working_days"] == 15
        assert full["due_date"] == "2026-10-23"
        frozen.move_to("2026-09-29 03:00:00")
        app = provide_documents(client, clerk, app)
        assert app["missing_documents"] == []
        assert "advance" in app["allowed_actions"]
        app = advance(client, clerk, app)
        assert app["stage"] == "meter_install"
        app = advance(client, clerk, app)
    assert app["status"] == "connected"
    assert all(s["state"] == "done" for s in app["stages"])
    assert app["clocks"][0]["state"] == "met"
    events = client.get(f"{APPS}/{app['id']}/events", headers=clerk).json()
    assert events[0]["action"] == "received"
    assert events[-1]["action"] == "connected"
    assert events[-1]["actor"] == "clerk_xa"


@freeze_time("2026-09-28 02:00:00")
def test_a_clerk_takes_a_high_voltage_application_through_all_six_stages(
    client: Any, as_user: Any
) -> None:
    clerk = as_user("clerk_xa")
    app = create(client, clerk, hv_body())
    visited = [app["stage"]]
    while app["status"] == "open":
        app = advance(client, clerk, provide_documents(client, clerk, app))
        visited.append(app["stage"])
    assert app["status"] == "connected"
    assert [s["stage"] for s in app["stages"]] == [
        "acceptance",
        "supply_plan",
        "design_review",
        "mid_inspection",
        "completion_inspection",
        "meter_install",
    ]
    assert all(s["entered_at"] and s["left_at"] for s in app["stages"])


def test_a_commitment_letter_is_refused_with_the_allowed_types(client: Any, as_user: Any) -> None:
    clerk = as_user("clerk_xa")
    app = create(client, clerk, lv_body())
    response = client.post(
        f"{APPS}/{app['id']}/documents",
        json={"doc_type": "commitment_letter", "source": "e_license", "reference": "X"},
        headers=clerk,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "document_not_allowed"
    assert "identity_document" in str(body["details"])
    assert client.get(f"{APPS}/{app['id']}", headers=clerk).json()["documents"] == []


def test_advancing_too_early_lists_the_missing_documents(client: Any, as_user: Any) -> None:
    clerk = as_user("clerk_xa")
    app = create(client, clerk, lv_body())
    response = client.post(f"{APPS}/{app['id']}/advance", headers=clerk)
    assert response.status_code == 422
    assert response.json()["code"] == "missing_documents"
    assert "property_certificate" in str(response.json()["details"])


def test_a_stale_version_is_a_conflict_and_a_wrong_action_an_invalid_transition(
    client: Any, as_user: Any
) -> None:
    clerk = as_user("clerk_xa")
    app = create(client, clerk, lv_body())
    stale = app["version"]
    app = provide_documents(client, clerk, app)
    response = client.post(
        f"{APPS}/{app['id']}/advance", json={"expected_version": stale}, headers=clerk
    )
    assert response.status_code == 409
    assert response.json()["code"] == "version_conflict"
    response = client.post(f"{APPS}/{app['id']}/resume", headers=clerk)
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_a_suspension_pauses_the_clock_until_resumed(client: Any, as_user: Any) -> None:
    clerk = as_user("clerk_xa")
    with freeze_time("2026-09-28 02:00:00") as frozen:
        app = create(client, clerk, lv_body())
        response = client.post(
            f"{APPS}/{app['id']}/suspend",
            json={"reason_code": "customer_requested_wait", "note": "客户要求暂缓"},
            headers=clerk,
        )
        assert response.status_code == 200, response.text
        assert response.json()["suspended"] is True
        assert response.json()["clocks"][0]["state"] == "paused"
        frozen.move_to("2026-09-30 02:00:00")
        resumed = client.post(f"{APPS}/{app['id']}/resume", headers=clerk).json()
    assert resumed["suspended"] is False
    assert resumed["clocks"][0]["due_date"] > app["clocks"][0]["due_date"]


def test_a_clerk_of_xian_gets_404_on_a_yulin_application_as_for_an_unknown_id(
    client: Any, as_user: Any
) -> None:
    yulin = create(client, as_user("clerk_yl"), lv_body(city="榆林", address="榆林市榆阳区 1 号"))
    xian = as_user("clerk_xa")
    hidden = client.get(f"{APPS}/{yulin['id']}", headers=xian)
    unknown = client.get(f"{APPS}/999999", headers=xian)
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["code"] == unknown.json()["code"] == "application_not_found"
    for path in ("advance", "cancel", "events"):
        method = client.get if path == "events" else client.post
        assert method(f"{APPS}/{yulin['id']}/{path}", headers=xian).status_code == 404
    assert client.get(APPS, headers=xian).json()["total"] == 0
    other_company = as_user("clerk_local")
    assert client.get(f"{APPS}/{yulin['id']}", headers=other_company).status_code == 404


def test_a_clerk_registers_only_in_their_own_cities(client: Any, as_user: Any) -> None:
    response = client.post(APPS, json=lv_body(city="榆林"), headers=as_user("clerk_xa"))
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "city"


def test_invalid_fields_are_named_in_the_error(client: Any, as_user: Any) -> None:
    clerk = as_user("clerk_xa")
    bad_phone = lv_body(customer={"name": "张三", "phone": "12", "id_number": "610102199001011234"})
    response = client.post(APPS, json=bad_phone, headers=clerk)
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["details"]] == ["customer.phone"]
    response = client.post(APPS, json=lv_body(area_class="downtown"), headers=clerk)
    assert response.json()["code"] == "validation_error"
    assert response.json()["details"][0]["field"] == "area_class"
    response = client.post(APPS, json=hv_body(capacity_kva=None), headers=clerk)
    assert response.json()["details"][0]["field"] == "capacity_kva"


def test_the_queue_is_filtered_sorted_by_urgency_and_paginated(client: Any, as_user: Any) -> None:
    clerk = as_user("clerk_xa")
    with freeze_time("2026-09-28 02:00:00"):
        lv = create(client, clerk, lv_body())
        resident = create(client, clerk, lv_body(kind="lv_residential", capacity_kw=8))
        hv = create(client, clerk, hv_body())
    with freeze_time("2026-09-29 02:00:00"):
        advance(client, clerk, provide_documents(client, clerk, resident))
        page = client.get(APPS, params={"sort": "due", "limit": 2}, headers=clerk).json()
        assert page["total"] == 3
        assert page["limit"] == 2
        assert page["offset"] == 0
        # acceptance (1 working day, due today) of lv and hv comes before the residential
        # meter installation (3 working days)
        assert {a["id"] for a in page["items"]} == {lv["id"], hv["id"]}
        rest = client.get(APPS, params={"sort": "due", "offset": 2}, headers=clerk).json()
        assert [a["id"] for a in rest["items"]] == [resident["id"]]
        staged = client.get(APPS, params={"stage": "meter_install"}, headers=clerk).json()
        assert [a["id"] for a in staged["items"]] == [resident["id"]]
        running = client.get(APPS, params={"clock_state": "running"}, headers=clerk).json()
        assert running["total"] == 3
        assert client.get(APPS, params={"city": "咸阳"}, headers=clerk).json()["total"] == 0
        newest = client.get(APPS, headers=clerk).json()["items"]
        assert [a["id"] for a in newest] == [hv["id"], resident["id"], lv["id"]]
