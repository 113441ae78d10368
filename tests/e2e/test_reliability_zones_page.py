"""The /reliability page lists the high-reliability zones (L51) with their year to date."""

from __future__ import annotations

from dataclasses import replace

from freezegun import freeze_time
from page_helpers import page_sign_in

from integration.test_reliability_zones import POLICY, the_ledger


def test_the_reliability_page_lists_the_zone(client, staff, engine, services):
    the_ledger(engine)
    policy = services.policy
    zoned = replace(policy, reliability=POLICY)
    services.policy_source = lambda: zoned
    with freeze_time("2026-04-01T00:00:00+08:00"):
        page_sign_in(client, "supervisor_xa")
        page = client.get("/reliability")
    assert page.status_code == 200
    assert 'id="reliability-zones"' in page.text
    assert "高新示范区" in page.text
    assert "1.6000" in page.text
    assert "<title>供电可靠性" in page.text
