"""The clerk records the HV site survey; an on-site reply's clock (当日办结) starts there."""

from __future__ import annotations

from typing import Any

from api_helpers import hv_body, provide_documents
from freezegun import freeze_time
from page_helpers import page_sign_in, post_form

APPS = "/api/v1/applications"


def test_a_site_survey_recorded_on_the_page_restarts_the_same_day_supply_plan_clock(
    client: Any, as_user: Any
) -> None:
    clerk = as_user("clerk_xa")
    with freeze_time("2026-11-23 01:00:00"):  # Monday 09:00 in Xi'an
        app = client.post(APPS, json=hv_body(), headers=clerk).json()
        app = provide_documents(client, clerk, app)
        app = client.post(f"{APPS}/{app['id']}/advance", json={}, headers=clerk).json()
    assert app["stage"] == "supply_plan"
    assert app["on_site_reply"] is True
    page_sign_in(client, "clerk_xa")
    path = f"/workbench/applications/{app['id']}"
    assert "当日办结" in client.get(path).text

    with freeze_time("2026-11-24 02:00:00"):  # Tuesday 10:00
        response = post_form(client, f"{path}/site-survey", {}, path)
        again = post_form(client, f"{path}/site-survey", {}, path)

    assert response.status_code == 303
    assert again.status_code == 409
    app = client.get(f"{APPS}/{app['id']}", headers=clerk).json()
    [clock] = [c for c in app["clocks"] if c["kind"] == "stage:supply_plan"]
    assert clock["due_date"] == "2026-11-24"
    assert 'id="site-survey"' in client.get(path).text
