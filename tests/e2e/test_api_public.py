"""Customers apply online at any hour and read their status with the code they were given."""

from __future__ import annotations

from typing import Any

from api_helpers import TestClient, lv_body
from freezegun import freeze_time
from sqlalchemy import Engine

from gridconnect.api.app import create_app
from gridconnect.api.deps import get_services

PUBLIC = "/api/v1/public/applications"


def apply(client: Any) -> dict[str, Any]:
    body = lv_body(company="sgcc", channel="online")
    response = client.post(PUBLIC, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


@freeze_time("2026-10-04 19:30:00")  # 03:30 on a Sunday of the National Day holiday
def test_a_customer_applies_online_at_any_hour_and_reads_their_status_with_the_code(
    client: Any,
) -> None:
    receipt = apply(client)
    assert receipt["number"].startswith("SGCC-2026-")
    assert len(receipt["access_code"].replace("-", "")) == 16
    response = client.get(
        f"{PUBLIC}/{receipt['number']}", headers={"X-Access-Code": receipt["access_code"]}
    )
    assert response.status_code == 200, response.text
    status = response.json()
    assert status["stage"] == "acceptance"
    assert status["status"] == "open"
    assert status["customer_name"] == "张*"
    assert status["customer_phone"] == "138****8000"
    assert "13800138000" not in response.text
    assert "610102199001011234" not in response.text
    assert [m["doc_type"] for m in status["missing_documents"]] == [
        "identity_document",
        "property_certificate",
    ]
    assert status["deadlines"][0]["kind"] == "full_process"
    assert [s["stage"] for s in status["stages"]] == ["acceptance", "meter_install"]


def test_without_the_code_or_with_a_wrong_one_the_answer_is_that_of_an_unknown_number(
    client: Any,
) -> None:
    receipt = apply(client)
    missing = client.get(f"{PUBLIC}/{receipt['number']}")
    wrong = client.get(f"{PUBLIC}/{receipt['number']}", headers={"X-Access-Code": "AAAA-BBBB"})
    unknown = client.get(f"{PUBLIC}/SGCC-2026-999999", headers={"X-Access-Code": "AAAA-BBBB"})
    assert missing.status_code == wrong.status_code == unknown.status_code == 404
    assert missing.json()["code"] == wrong.json()["code"] == unknown.json()["code"]


def test_after_five_wrong_codes_in_fifteen_minutes_even_the_right_code_gets_429(
    client: Any,
) -> None:
    with freeze_time("2026-09-28 02:00:00") as frozen:
        receipt = apply(client)
        url = f"{PUBLIC}/{receipt['number']}"
        for _ in range(5):
            assert client.get(url, headers={"X-Access-Code": "WRONG"}).status_code == 404
        blocked = client.get(url, headers={"X-Access-Code": receipt["access_code"]})
        assert blocked.status_code == 429
        assert blocked.json()["code"] == "too_many_attempts"
        frozen.tick(15 * 60 + 1)
        allowed = client.get(url, headers={"X-Access-Code": receipt["access_code"]})
        assert allowed.status_code == 200


def test_the_wrong_code_count_lives_in_the_database_shared_by_every_worker(
    client: Any, app: Any, engine: Engine
) -> None:
    receipt = apply(client)
    url = f"{PUBLIC}/{receipt['number']}"
    second_worker = create_app(app.state.settings, engine=engine)
    second_worker.dependency_overrides[get_services] = app.dependency_overrides[get_services]
    with TestClient(second_worker) as other:
        for worker in (client, other, client, other, client):
            assert worker.get(url, headers={"X-Access-Code": "WRONG"}).status_code == 404
        assert other.get(url, headers={"X-Access-Code": receipt["access_code"]}).status_code == 429


def test_the_service_standards_are_public_and_come_from_the_policy(client: Any) -> None:
    response = client.get("/api/v1/public/service-standards", params={"date": "2026-09-28"})
    assert response.status_code == 200
    standards = response.json()
    assert standards["source"] == "L52"
    assert standards["kinds"]["hv"]["stage_count"] == 6
    assert standards["kinds"]["lv_residential"]["stage_count"] == 2
    stages = standards["kinds"]["lv_nonresidential"]["stages"]
    documents = {d["code"] for d in stages[0]["documents"]}
    assert documents == {"identity_document", "property_certificate"}
