"""Supervisors see the breach alerts of their company and cities and acknowledge them."""

from __future__ import annotations

from typing import Any

from api_helpers import lv_body
from freezegun import freeze_time
from sqlalchemy import Engine

from gridconnect.services.sla_scan import scan


def breached_application(client: Any, engine: Engine, clerk: dict[str, str], **body: Any) -> Any:
    with freeze_time("2026-09-28 02:00:00"):
        app = client.post("/api/v1/applications", json=lv_body(**body), headers=clerk).json()
    with freeze_time("2026-10-26 02:00:00"):  # the 15 working days ended on 2026-10-23
        scan(engine)
    return app


def test_a_supervisor_sees_and_acknowledges_a_breach_alert_after_a_scan(
    client: Any, engine: Engine, as_user: Any
) -> None:
    app = breached_application(client, engine, as_user("clerk_xa"))
    supervisor = as_user("supervisor_xa")
    with freeze_time("2026-10-26 03:00:00"):
        open_alerts = client.get("/api/v1/alerts", params={"state": "open"}, headers=supervisor)
        assert open_alerts.status_code == 200, open_alerts.text
        every_breach = [a for a in open_alerts.json() if a["level"] == "breach"]
        # acceptance (1 working day) was breached long before the full process
        assert sorted(a["clock"] for a in every_breach) == ["full_process", "stage:acceptance"]
        breaches = [a for a in every_breach if a["clock"] == "full_process"]
        assert [a["number"] for a in breaches] == [app["number"]]
        assert breaches[0]["clock"] == "full_process"
        assert breaches[0]["city"] == "西安"
        acked = client.post(f"/api/v1/alerts/{breaches[0]['id']}/ack", headers=supervisor)
        assert acked.status_code == 200, acked.text
        assert acked.json()["acknowledged_by"] == "supervisor_xa"
        assert acked.json()["acknowledged_at"].startswith("2026-10-26T03:00:00")
        still_open = client.get("/api/v1/alerts", headers=supervisor).json()
        assert breaches[0]["id"] not in [a["id"] for a in still_open]
        done = client.get("/api/v1/alerts", params={"state": "acknowledged"}, headers=supervisor)
        assert breaches[0]["id"] in [a["id"] for a in done.json()]


def test_alerts_of_other_cities_are_neither_listed_nor_acknowledged(
    client: Any, engine: Engine, as_user: Any
) -> None:
    breached_application(client, engine, as_user("clerk_xa"))
    yulin = as_user("supervisor_yl")
    assert client.get("/api/v1/alerts", params={"state": "all"}, headers=yulin).json() == []
    alert_id = client.get("/api/v1/alerts", headers=as_user("supervisor_xa")).json()[0]["id"]
    response = client.post(f"/api/v1/alerts/{alert_id}/ack", headers=yulin)
    assert response.status_code == 404
    assert response.json()["code"] == "alert_not_found"
    clerk = client.get("/api/v1/alerts", headers=as_user("clerk_xa"))
    assert clerk.status_code == 403
