"""The outage ledger over HTTP: a dispatcher records, a supervisor reads, the public sees."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import count_rows
from freezegun import freeze_time
from page_helpers import page_sign_in

from integration.outage_helpers import add_counts, add_customers

NOW = "2026-10-01T09:00:00+08:00"


@pytest.fixture
def dispatcher(as_user) -> dict[str, str]:
    return as_user("dispatcher_xa")


def fault_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "company": "sgcc",
        "city": "西安",
        "area_class": "urban",
        "kind": "fault",
        "cause": "树障",
        "start": "2026-10-01T08:30:00",
        "areas": [{"feeder": "F1"}],
    }
    body.update(overrides)
    return body


def test_a_dispatcher_records_a_fault_its_progress_and_its_restoration(
    client, dispatcher, as_user, engine, services
):
    services.customer_channels = ["http://gateway.test/notices"]
    add_customers(engine, "F1", 40)
    with freeze_time(NOW):
        created = client.post("/api/v1/outages", json=fault_body(), headers=dispatcher)
        assert created.status_code == 201, created.text
        outage = created.json()["outage"]
        assert outage["customers"] == 40
        assert outage["state"] == "current"
        assert created.json()["notices_queued"] == 1
        oid = outage["id"]
        step = client.post(
            f"/api/v1/outages/{oid}/progress",
            json={"version": 1, "note": "已找到故障点", "expected_restoration": "2026-10-01T11:00"},
            headers=dispatcher,
        )
        assert step.status_code == 200, step.text
        stale = client.post(
            f"/api/v1/outages/{oid}/restoration",
            json={"version": 1, "restored_at": "2026-10-01T08:59"},
            headers=dispatcher,
        )
        assert stale.status_code == 409
        assert stale.json()["code"] == "version_conflict"
        done = client.post(
            f"/api/v1/outages/{oid}/restoration",
            json={"version": 2, "restored_at": "2026-10-01T08:59"},
            headers=dispatcher,
        )
        assert done.status_code == 200, done.text
        assert done.json()["outage"]["state"] == "restored"
        events = [e["kind"] for e in done.json()["outage"]["events"]]
        assert events == ["registered", "progress", "restored"]
        listed = client.get("/api/v1/outages?state=restored", headers=as_user("supervisor_xa"))
        assert listed.json()["total"] == 1
        other_city = client.get(f"/api/v1/outages/{oid}", headers=as_user("supervisor_yl"))
        assert other_city.status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"city": "北京"}, "city"),
        ({"area_class": "suburb"}, "area_class"),
        ({"customers": -1, "areas": []}, "customers"),
        ({"end": "2026-10-01T08:00:00"}, "end"),
        ({"start": "2026-10-02T08:00:00"}, "start"),
        ({"city": "榆林"}, "city"),  # not one of the dispatcher's cities
    ],
)
def test_bad_outages_are_refused_naming_the_field_and_write_nothing(
    client, dispatcher, engine, overrides, field
):
    add_customers(engine, "F1", 2)
    with freeze_time(NOW):
        response = client.post("/api/v1/outages", json=fault_body(**overrides), headers=dispatcher)
    assert response.status_code == 422, response.text
    assert field in response.text
    assert count_rows(engine, "outage") == 0
    assert count_rows(engine, "outbox") == 0


def test_only_a_dispatcher_records_outages(client, as_user, staff):
    for name in ("clerk_xa", "supervisor_xa", "admin"):
        response = client.post("/api/v1/outages", json=fault_body(), headers=as_user(name))
        assert response.status_code == 403


def test_the_public_sees_current_and_planned_outages_without_personal_data(
    client, dispatcher, engine
):
    add_customers(engine, "F1", 3)
    with freeze_time(NOW):
        client.post("/api/v1/outages", json=fault_body(), headers=dispatcher)
        planned = fault_body(
            kind="planned", start="2026-10-10T08:00:00", end="2026-10-10T12:00:00", cause="检修"
        )
        assert client.post("/api/v1/outages", json=planned, headers=dispatcher).status_code == 201
        public = client.get("/api/v1/public/outages?city=西安")
        mine = client.get("/api/v1/public/outages/account/F1-000001")
    assert public.status_code == 200
    assert [o["state"] for o in public.json()] == ["current", "planned"]
    assert "138" not in public.text
    assert "F1-000001" not in public.text
    assert len(mine.json()) == 2


def test_a_supervisor_reads_the_reliability_figures_and_the_customers_masked(
    client, dispatcher, as_user, engine
):
    add_customers(engine, "F1", 10)
    add_counts(engine, [f"2026-{m:02d}" for m in range(1, 11)], 1000)
    with freeze_time(NOW):
        body = fault_body(customers=100, areas=[{"feeder": "F1", "customers": 100}])
        body["end"] = "2026-10-01T08:50:00"
        assert client.post("/api/v1/outages", json=body, headers=dispatcher).status_code == 201
        figures = client.get("/api/v1/reliability?year=2026", headers=as_user("supervisor_xa"))
        refused = client.get("/api/v1/reliability?year=2026", headers=dispatcher)
        bad = client.get("/api/v1/reliability?year=20x6", headers=as_user("supervisor_xa"))
        customers = client.get("/api/v1/customers?feeder=F1", headers=dispatcher)
    assert figures.status_code == 200, figures.text
    [row] = figures.json()["rows"]
    assert row["customer_hours"] == pytest.approx(100 * 20 / 60, abs=1e-4)
    assert row["target_hours"] == 2.0
    assert refused.status_code == 403
    assert bad.status_code == 422
    assert bad.json()["details"][0]["field"] == "year"
    assert customers.json()["items"][0]["phone"] == "138****0000"


def test_a_failed_notice_and_a_late_planned_outage_are_visible_to_the_supervisor(
    client, dispatcher, as_user, engine, services
):
    import httpx

    from gridconnect.services.outbox import deliver_due

    services.customer_channels = ["http://gateway.test/notices"]
    add_customers(engine, "F1", 3)
    planned = fault_body(
        kind="planned", start="2026-10-03T08:00:00", end="2026-10-03T12:00:00", cause="检修"
    )
    with freeze_time(NOW):
        created = client.post("/api/v1/outages", json=planned, headers=dispatcher)
    assert created.json()["alerts"] == ["late_notice"]
    refusing = httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(502)))
    with freeze_time(NOW):
        assert deliver_due(engine, client=refusing).retrying == 1
        failures = client.get(
            "/api/v1/reliability/notice-failures", headers=as_user("supervisor_xa")
        )
        late = client.get("/api/v1/reliability/alerts", headers=as_user("supervisor_xa"))
        page_sign_in(client, "supervisor_xa")
        page = client.get("/reliability")
    [failure] = failures.json()
    assert failure["notice"] == "planned"
    assert failure["last_error"].startswith("HTTP 502")
    assert [a["kind"] for a in late.json()] == ["late_notice"]
    assert page.status_code == 200
    assert "计划停电通知不足" in page.text
    assert "通知发送失败（1）" in page.text


def test_a_customer_finds_this_years_outages_by_account_number(client, dispatcher, engine):
    add_customers(engine, "F1", 2)
    with freeze_time(NOW):
        client.post("/api/v1/outages", json=fault_body(cause="雷击"), headers=dispatcher)
        mine = client.get("/outage-info?account=F1-000001")
        unknown = client.get("/outage-info?account=NOPE")
    assert "本年停电记录（1 次）" in mine.text
    assert "雷击" in mine.text
    assert "未找到该户号" in unknown.text


def test_a_connected_application_becomes_a_customer_account_with_its_feeder(
    client, as_user, services, engine
):
    from factories import advance_to_end, receive

    open_app = receive(services, "lv_residential", city="西安")
    connected = advance_to_end(services, receive(services, "lv_residential", city="西安"))
    assert connected.status == "connected"
    url = "/api/v1/customers/from-application/{}"
    body = {"feeder": "F7", "transformer_area": "T7-2"}
    clerk = as_user("clerk_xa")
    too_early = client.post(url.format(open_app.id), json=body, headers=clerk)
    created = client.post(url.format(connected.id), json=body, headers=clerk)
    refused = client.post(url.format(connected.id), json=body, headers=as_user("supervisor_xa"))
    assert too_early.status_code == 409
    assert too_early.json()["code"] == "not_connected"
    assert created.status_code == 200, created.text
    account = created.json()
    assert account["account"] == connected.number
    assert account["feeder"] == "F7"
    assert "****" in account["phone"]
    assert refused.status_code == 403
    assert count_rows(engine, "customer_account") == 1
