"""The supervisor's page shows the monthly report's figures for the month, and a change
shows there within one breach-scan interval."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from api_helpers import sign_in
from fastapi.testclient import TestClient
from freezegun import freeze_time
from page_helpers import page_sign_in

from factories import advance_to_end, receive
from risk_history import local


def received_shown(client: TestClient) -> int:
    page = client.get("/supervisor").text
    found = re.search(r"<th>受理</th><td>(\d+)</td>", page)
    assert found, "the month's figures are missing"
    return int(found.group(1))


def received_reported(client: TestClient) -> int:
    headers = sign_in(client, "supervisor_xa")
    report = client.get("/api/v1/reports/monthly?month=2026-10", headers=headers).json()
    return int(report["summary"]["total"][0]["received"])


def test_the_page_shows_the_reports_count_and_a_new_application_within_the_interval(
    client: TestClient, staff: Any, services: Any, settings: Any
) -> None:
    with freeze_time(local("2026-10-12 10:00")):
        advance_to_end(services, receive(services, city="西安"))
        receive(services, city="西安")
    with freeze_time(local("2026-10-20 10:00")) as clock:
        page_sign_in(client, "supervisor_xa")
        assert received_shown(client) == received_reported(client) == 2
        receive(services, city="西安")
        clock.tick(timedelta(seconds=settings.scan_interval_seconds))
        assert received_shown(client) == received_reported(client) == 3
