"""Verified e-licences against the simulated platform as a real server."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import httpx
from api_helpers import lv_body
from gov_helpers import platform_down
from sqlalchemy import Engine, text

from gridconnect.services.context import Services
from gridconnect.services.govlink.licences import retry_pending_checks
from gridconnect.timesource import SHANGHAI
from gridconnect.timesource import now as system_now

COMPANY_NUMBER = "91610000MA6TG1234X"
COMPANY_NAME = "西安秦川机械有限公司"


def _application(clerk: httpx.Client) -> dict:  # type: ignore[type-arg]
    body = lv_body(
        customer={"name": COMPANY_NAME, "phone": "13800138000", "id_number": COMPANY_NUMBER}
    )
    response = clerk.post("/api/v1/applications", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _licence(clerk: httpx.Client, app_id: int, licence_type: str, holder: str) -> httpx.Response:
    return clerk.post(
        f"/api/v1/applications/{app_id}/e-licences",
        json={
            "licence_type": licence_type,
            "certificate_number": COMPANY_NUMBER,
            "holder_name": holder,
        },
    )


def _provided(clerk: httpx.Client, app_id: int) -> list[str]:
    app = clerk.get(f"/api/v1/applications/{app_id}").json()
    return sorted(d["doc_type"] for d in app["documents"])


def test_a_verified_licence_counts_and_a_mismatch_does_not(
    staff_client: Callable[[str], httpx.Client],
) -> None:
    clerk = staff_client("clerk_xa")
    app = _application(clerk)
    verified = _licence(clerk, app["id"], "business_licence", COMPANY_NAME)
    assert verified.status_code == 201, verified.text
    assert verified.json()["state"] == "verified"
    assert verified.json()["licence_number"] == "BL-610100-000123"
    mismatch = _licence(clerk, app["id"], "real_estate", "西安秦川机械")
    assert mismatch.json()["state"] == "mismatch"
    assert mismatch.json()["counted"] is False
    assert mismatch.json()["differences"] == [
        {"field": "holder_name", "given": "西安秦川机械", "registered": COMPANY_NAME}
    ]
    assert _provided(clerk, app["id"]) == ["identity_document"]
    checks = clerk.get(f"/api/v1/applications/{app['id']}/e-licences").json()
    assert [c["state"] for c in checks] == ["verified", "mismatch"]


def test_the_platform_down_never_blocks_the_hall_and_the_pending_check_resolves(
    staff_client: Callable[[str], httpx.Client], govsim: httpx.Client, linked: Services
) -> None:
    clerk = staff_client("clerk_xa")
    app = _application(clerk)
    with platform_down(govsim):
        pending = _licence(clerk, app["id"], "business_licence", COMPANY_NAME)
        assert pending.status_code == 201, pending.text
        assert pending.json()["state"] == "pending"
        assert retry_pending_checks(linked).still_pending == 0  # not due yet
    # Counted provisionally: the document is there while the platform is down.
    assert _provided(clerk, app["id"]) == ["identity_document"]
    month = system_now().astimezone(SHANGHAI).strftime("%Y-%m")
    supervisor = staff_client("supervisor_xa")
    figures = supervisor.get(f"/api/v1/gov/reports/monthly/{month}").json()
    assert figures["pending_licence_checks"] == 1  # the supervisor sees it pending
    linked.now = lambda: system_now() + timedelta(minutes=1)
    assert retry_pending_checks(linked).verified == 1
    assert retry_pending_checks(linked).verified == 0  # resolved once
    checks = clerk.get(f"/api/v1/applications/{app['id']}/e-licences").json()
    assert [c["state"] for c in checks] == ["verified"]


def test_a_pending_check_that_turns_out_a_mismatch_alerts_the_supervisor(
    staff_client: Callable[[str], httpx.Client],
    govsim: httpx.Client,
    linked: Services,
    engine: Engine,
) -> None:
    clerk = staff_client("clerk_xa")
    app = _application(clerk)
    with platform_down(govsim):
        assert _licence(clerk, app["id"], "business_licence", "别人家公司").json()["state"] == (
            "pending"
        )
    linked.now = lambda: system_now() + timedelta(minutes=1)
    assert retry_pending_checks(linked).mismatched == 1
    with engine.connect() as connection:
        levels = (
            connection.execute(
                text("SELECT level FROM alert WHERE application_id = :id"), {"id": app["id"]}
            )
            .scalars()
            .all()
        )
    assert levels == ["licence_mismatch"]
    supervisor = staff_client("supervisor_xa")
    alerts = supervisor.get("/api/v1/alerts").json()
    assert [(a["level"], a["clock"]) for a in alerts] == [("licence_mismatch", "licence_mismatch")]


def test_a_clerk_pulls_an_applicants_licences_and_attaches_them_in_one_step(
    staff_client: Callable[[str], httpx.Client],
) -> None:
    clerk = staff_client("clerk_xa")
    app = _application(clerk)
    found = clerk.get("/api/v1/gov/licences", params={"certificate_number": COMPANY_NUMBER})
    assert sorted(x["licence_type"] for x in found.json()) == ["business_licence", "real_estate"]
    attached = clerk.post(
        f"/api/v1/applications/{app['id']}/e-licences/pull",
        json={"certificate_number": COMPANY_NUMBER, "expected_version": app["version"]},
    )
    assert attached.status_code == 200, attached.text
    assert sorted(d["doc_type"] for d in attached.json()["documents"]) == [
        "identity_document",
        "property_certificate",
    ]
    assert attached.json()["missing_documents"] == []
    advanced = clerk.post(f"/api/v1/applications/{app['id']}/advance")
    assert advanced.json()["stage"] == "meter_install"


def test_pulling_while_the_platform_is_down_is_a_503_that_says_so(
    staff_client: Callable[[str], httpx.Client], govsim: httpx.Client
) -> None:
    clerk = staff_client("clerk_xa")
    with platform_down(govsim):
        response = clerk.get("/api/v1/gov/licences", params={"certificate_number": COMPANY_NUMBER})
    assert response.status_code == 503
    assert response.json()["code"] == "gov_platform_unavailable"


def test_a_slow_platform_makes_the_check_pending_within_the_timeout(
    staff_client: Callable[[str], httpx.Client], govsim: httpx.Client
) -> None:
    clerk = staff_client("clerk_xa")
    app = _application(clerk)
    govsim.post("/sim/faults", json={"delay_seconds": 6}).raise_for_status()
    started = time.monotonic()
    answer = _licence(clerk, app["id"], "business_licence", COMPANY_NAME)
    waited = time.monotonic() - started
    govsim.post("/sim/faults", json={"delay_seconds": 0}).raise_for_status()
    assert answer.json()["state"] == "pending"
    assert waited < 5  # the linked services' timeout is 2 s; the platform would take 6
    assert _provided(clerk, app["id"]) == ["identity_document"]
