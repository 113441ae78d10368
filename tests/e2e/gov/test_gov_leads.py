"""Leads pushed by the platform become applications in one step (L18, L23)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from gov_helpers import send

from gridconnect.services.context import Services
from gridconnect.services.govlink.leads import lead_statistics
from gridconnect.timesource import now as system_now

LEAD = {
    "source": "market_registration",
    "reference": "SCJG-2026-000981",
    "name": "西安秦川机械有限公司",
    "city": "西安",
    "address": "西安市雁塔区科技路 1 号",
    "contact_phone": "13800000000",
    "certificate_number": "91610000MA6TG1234X",
    "expected_capacity_kw": 80,
}


def _push(govsim: httpx.Client, **overrides: Any) -> int:
    (answer,) = send(govsim, "leads", {**LEAD, **overrides}, times=1)
    assert answer["status"] == 200, answer
    lead_id: int = answer["body"]["lead_id"]
    return lead_id


def test_a_lead_becomes_a_prefilled_application_in_one_step(
    staff_client: Callable[[str], httpx.Client], govsim: httpx.Client, linked: Services
) -> None:
    clerk = staff_client("clerk_xa")
    lead_id = _push(govsim)
    again = send(govsim, "leads", LEAD, message_id="lead-1", times=2)
    assert again[0]["body"] == again[1]["body"]  # a repeated push is one lead
    leads = clerk.get("/api/v1/gov/leads").json()
    assert [x["reference"] for x in leads] == ["SCJG-2026-000981", "SCJG-2026-000981"]
    assert staff_client("clerk_yl").get("/api/v1/gov/leads").json() == []  # not their city
    draft = clerk.get(f"/api/v1/gov/leads/{lead_id}/draft").json()
    assert draft["customer"]["name"] == "西安秦川机械有限公司"
    assert draft["capacity_kw"] == 80
    converted = clerk.post(f"/api/v1/gov/leads/{lead_id}/convert", json=draft)
    assert converted.status_code == 201, converted.text
    assert converted.json()["customer"]["id_number"] == "91610000MA6TG1234X"
    twice = clerk.post(f"/api/v1/gov/leads/{lead_id}/convert", json=draft)
    assert twice.status_code == 409
    assert twice.json()["code"] == "gov_lead_already_handled"
    other = leads[1]["id"] if leads[0]["id"] == lead_id else leads[0]["id"]
    closed = clerk.post(f"/api/v1/gov/leads/{other}/close", json={"reason": "重复推送"})
    assert closed.json()["state"] == "closed"
    assert clerk.get("/api/v1/gov/leads").json() == []
    month_start = system_now() - timedelta(days=1)
    stats = lead_statistics(linked, month_start, system_now() + timedelta(days=1))
    assert (stats.received, stats.converted, stats.closed) == (2, 1, 1)
    assert stats.mean_days_to_application is not None


def test_a_lead_with_a_bad_field_is_refused_naming_it(
    govsim: httpx.Client, product_url: str
) -> None:
    (answer,) = send(govsim, "leads", {**LEAD, "city": "北京"})
    assert answer["status"] == 422
    assert answer["body"]["details"][0]["field"] == "city"
