"""The breach forecast as supervisors and clerks meet it: the 超期风险 alert on the
supervisor's page beside the riskiest running clocks, and the queue sorted by risk."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time
from page_helpers import page_sign_in

from factories import receive
from gridconnect.services.breach_risk.risk_scan import scan_risks_of
from risk_history import finished_history, local


def risky_and_safe(services: Any) -> tuple[Any, Any]:
    """Two 西安 applications of kinds whose history runs late (lv) and in time (hv)."""
    with freeze_time(local("2026-11-02 10:00")):
        risky = receive(services, "lv_nonresidential")
        safe = receive(services, "hv")
    finished_history(services, risky, taken_calendar_days=28)
    finished_history(services, safe, taken_calendar_days=7)
    # Assessed while the acceptance clocks (1 working day, no history) are still in time.
    with freeze_time(local("2026-11-03 09:00")):
        scan_risks_of(services)
    return risky, safe


def test_the_supervisor_sees_the_at_risk_alert_and_the_riskiest_clock_first(
    client: Any, staff: Any, services: Any
) -> None:
    risky, safe = risky_and_safe(services)

    page_sign_in(client, "supervisor_xa")
    page = client.get("/supervisor").text
    alerts = page.split('id="alerts"')[1].split("</table>")[0]
    risks = page.split('id="risks"')[1].split("</table>")[0]

    assert risky.number in alerts
    assert "超期风险" in alerts
    assert safe.number not in alerts
    assert risks.index(risky.number) < risks.index(safe.number)
    assert "按同城市同公司同类 30 例" in risks


def test_the_applications_api_sorts_by_risk(client: Any, as_user: Any, services: Any) -> None:
    risky, safe = risky_and_safe(services)
    with freeze_time(local("2026-11-05 10:00")):
        newest = client.get("/api/v1/applications?sort=newest", headers=as_user("clerk_xa"))
        by_risk = client.get("/api/v1/applications?sort=risk", headers=as_user("clerk_xa"))
        wrong = client.get("/api/v1/applications?sort=danger", headers=as_user("clerk_xa"))

    assert [item["number"] for item in newest.json()["items"]] == [safe.number, risky.number]
    assert [item["number"] for item in by_risk.json()["items"]] == [risky.number, safe.number]
    assert wrong.status_code == 422


def test_the_clerks_queue_sorts_by_risk_and_shows_it(
    client: Any, staff: Any, services: Any
) -> None:
    risky, safe = risky_and_safe(services)
    page_sign_in(client, "clerk_xa")
    queue = client.get("/workbench?sort=risk").text.split('id="queue"')[1]
    assert queue.index(risky.number) < queue.index(safe.number)
    safe_row = queue.split(f'data-number="{safe.number}"')[1].split("</tr>")[0]
    assert '<td class="num">0%</td>' in safe_row  # its history finishes well in time
