"""Parallel approval with departments answering through signed callbacks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from api_helpers import hv_body, lv_body
from gov_helpers import platform_down, send
from sqlalchemy import Engine, text

from gridconnect.services.context import Services
from gridconnect.services.govlink.retry import retry_submissions

DEPARTMENTS = ["planning", "housing", "transport"]


def _hv_in_xianyang(clerk: httpx.Client) -> dict[str, Any]:
    response = clerk.post(
        "/api/v1/applications", json=hv_body(city="咸阳", address="咸阳市秦都区 9 号")
    )
    assert response.status_code == 201, response.text
    app: dict[str, Any] = response.json()
    return app


def _decision(
    number: str, department: str, decision: str = "approved", **extra: Any
) -> dict[str, Any]:
    return {"application_number": number, "department": department, "decision": decision, **extra}


def _gov_clock(clerk: httpx.Client, app_id: int) -> dict[str, Any]:
    app = clerk.get(f"/api/v1/applications/{app_id}").json()
    (clock,) = [c for c in app["clocks"] if c["kind"] == "gov_approval"]
    result: dict[str, Any] = clock
    return result


def _events(engine: Engine, app_id: int, action: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT count(*) FROM event WHERE application_id = :id AND action = :a"),
                {"id": app_id, "a": action},
            ).scalar_one()
        )


def test_the_mode_is_chosen_at_receipt_by_city_and_kind(
    staff_client: Callable[[str], httpx.Client],
) -> None:
    clerk = staff_client("clerk_xa")
    hv = _hv_in_xianyang(clerk)
    small = clerk.post("/api/v1/applications", json=lv_body(capacity_kw=50)).json()
    large = clerk.post("/api/v1/applications", json=lv_body(capacity_kw=150)).json()
    modes = {
        name: clerk.get(f"/api/v1/applications/{app['id']}/gov-approval").json()
        for name, app in (("hv", hv), ("small", small), ("large", large))
    }
    assert modes["hv"]["mode"] == "parallel"
    assert [d["department"] for d in modes["hv"]["departments"]] == []  # not submitted yet
    assert modes["small"]["mode"] == "none"
    assert modes["large"]["mode"] == "notice_commitment"


def test_three_departments_in_any_order_one_twice_one_forged_one_stale(
    staff_client: Callable[[str], httpx.Client], govsim: httpx.Client, engine: Engine
) -> None:
    clerk = staff_client("clerk_xa")
    app = _hv_in_xianyang(clerk)
    number = app["number"]
    submitted = clerk.post(f"/api/v1/applications/{app['id']}/gov-approval/submit", json={})
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["state"] == "submitted"
    (request,) = govsim.get("/sim/approvals").json()
    assert request["departments"] == DEPARTMENTS
    assert request["application_number"] == number
    assert _gov_clock(clerk, app["id"])["state"] == "running"

    # A decision before the acknowledgement, delivered twice: one answer, one change.
    first, again = send(govsim, "department-decisions", _decision(number, "transport"), times=2)
    assert first["status"] == again["status"] == 200
    assert first["body"] == again["body"]
    assert first["body"]["departments"]["transport"] == "approved"
    # A forged one and a stale one are refused and change nothing.
    forged = send(govsim, "department-decisions", _decision(number, "housing"), signature="bad")
    assert forged[0]["status"] == 401
    assert forged[0]["body"]["code"] == "gov_signature_invalid"
    stale = send(govsim, "department-decisions", _decision(number, "housing"), age_seconds=301)
    assert stale[0]["status"] == 401
    assert stale[0]["body"]["code"] == "gov_timestamp_out_of_window"
    more = send(govsim, "department-decisions", _decision(number, "planning", "more_information"))
    assert more[0]["body"]["departments"]["planning"] == "more_information"
    ack = send(
        govsim,
        "approval-acknowledged",
        {"application_number": number, "case_id": "ZW-2026-1", "departments": DEPARTMENTS},
    )
    assert ack[0]["body"]["case_id"] == "ZW-2026-1"
    assert _gov_clock(clerk, app["id"])["state"] == "running"
    send(govsim, "department-decisions", _decision(number, "planning"))
    assert _gov_clock(clerk, app["id"])["state"] == "running"
    last = send(
        govsim,
        "department-decisions",
        _decision(number, "housing", "approved_with_conditions", conditions="夜间施工另行报备"),
    )
    assert last[0]["body"]["approval_state"] == "decided"
    clock = _gov_clock(clerk, app["id"])
    assert clock["state"] != "running"
    assert clock["stopped_at"] is not None
    assert _events(engine, app["id"], "gov_approval_completed") == 1
    # A department's repeat after the end changes nothing.
    send(govsim, "department-decisions", _decision(number, "housing", "refused", reason="x"))
    approval = clerk.get(f"/api/v1/applications/{app['id']}/gov-approval").json()
    assert {d["department"]: d["state"] for d in approval["departments"]} == {
        "planning": "approved",
        "housing": "approved_with_conditions",
        "transport": "approved",
    }
    assert all(d["working_days"] == 0 for d in approval["departments"])
    assert _events(engine, app["id"], "gov_approval_completed") == 1


def test_unknown_application_and_unknown_department_are_refused(
    staff_client: Callable[[str], httpx.Client], govsim: httpx.Client
) -> None:
    clerk = staff_client("clerk_xa")
    app = _hv_in_xianyang(clerk)
    clerk.post(f"/api/v1/applications/{app['id']}/gov-approval/submit", json={})
    unknown = send(govsim, "department-decisions", _decision("SGCC-2026-999999", "planning"))
    assert unknown[0]["status"] == 404
    assert unknown[0]["body"]["code"] == "gov_unknown_application"
    landscaping = send(govsim, "department-decisions", _decision(app["number"], "landscaping"))
    assert landscaping[0]["status"] == 422
    assert landscaping[0]["body"]["details"][0]["field"] == "department"
    bad = send(govsim, "department-decisions", {"application_number": app["number"]})
    assert bad[0]["status"] == 422
    assert {d["field"] for d in bad[0]["body"]["details"]} == {"department", "decision"}


def test_a_submission_while_the_platform_is_down_is_retried_and_the_hall_goes_on(
    staff_client: Callable[[str], httpx.Client], govsim: httpx.Client, linked: Services
) -> None:
    from datetime import timedelta

    from gridconnect.timesource import now as system_now

    clerk = staff_client("clerk_xa")
    app = _hv_in_xianyang(clerk)
    with platform_down(govsim):
        submitted = clerk.post(f"/api/v1/applications/{app['id']}/gov-approval/submit", json={})
        assert submitted.status_code == 200
        assert submitted.json()["state"] == "submitting"
        assert submitted.json()["last_error"].startswith("HTTP 503")
    assert _gov_clock(clerk, app["id"])["state"] == "running"  # started at the submission
    assert govsim.get("/sim/approvals").json() == []
    linked.now = lambda: system_now() + timedelta(minutes=1)
    assert retry_submissions(linked) == 1
    assert retry_submissions(linked) == 0
    assert len(govsim.get("/sim/approvals").json()) == 1
    approval = clerk.get(f"/api/v1/applications/{app['id']}/gov-approval").json()
    assert approval["state"] == "submitted"
