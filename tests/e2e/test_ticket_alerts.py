"""A customer's ticket that reaches its warning or its due is an alert in the supervisors'
inbox (API and /supervisor), once each however often the scan runs, with a link to the
ticket, acknowledged in bulk like the others; the tickets page keeps its badges."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time
from page_helpers import apply_online, page_sign_in, post_form
from sqlalchemy import text

from gridconnect.services.selfservice.tickets import scan_tickets

ALERTS = "http://robot.test/alerts"


def ticket_alerts(engine: Any) -> list[tuple[str, bool]]:
    """Every ticket alert row: (level, withdrawn)."""
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT level, cleared_at FROM alert WHERE ticket_id IS NOT NULL ORDER BY id")
        ).all()
    return [(level, cleared is not None) for level, cleared in rows]


def complain(client: Any, clock: Any) -> None:
    """Monday 2 November 2026 in Xi'an: a complaint, due at the end of 9 November."""
    apply_online(client)
    post_form(client, "/my/tickets", {"category": "complaint", "text": "迟迟没人联系"}, "/my")
    client.cookies.clear()


def test_a_ticket_warns_then_breaches_in_the_alert_table_once_each(client, staff, engine):
    with freeze_time("2026-11-02 02:00:00", tick=False) as clock:
        complain(client, clock)
        clock.move_to("2026-11-06 16:00:00")  # the warning day
        scan_tickets(engine, [ALERTS])
        scan_tickets(engine, [ALERTS])
        assert ticket_alerts(engine) == [("ticket_warning", False)]
        clock.move_to("2026-11-09 16:00:01")  # past the due
        scan_tickets(engine, [ALERTS])
        scan_tickets(engine, [ALERTS])
    # The breach withdraws the warning, as a clock's breach does: the inbox shows it alone.
    assert ticket_alerts(engine) == [("ticket_warning", True), ("ticket_breach", False)]


def test_the_inbox_lists_the_ticket_alert_with_a_link_and_acknowledges_it(client, as_user, engine):
    with freeze_time("2026-11-02 02:00:00", tick=False) as clock:
        complain(client, clock)
        clock.move_to("2026-11-09 16:00:01")
        scan_tickets(engine, [ALERTS])
        supervisor = as_user("supervisor_xa")
        inbox = client.get("/api/v1/alerts/inbox?clock=ticket", headers=supervisor).json()
        [alert] = inbox["items"]
        assert (alert["level"], alert["clock"], alert["city"]) == (
            "ticket_breach",
            "ticket",
            "西安",
        )
        assert alert["link"] == f"/supervisor/tickets#ticket-{alert['ticket_id']}"
        stalls = client.get("/api/v1/alerts/inbox?clock=stall", headers=supervisor).json()
        assert alert["id"] not in [a["id"] for a in stalls["items"]]
        elsewhere = client.get("/api/v1/alerts/inbox", headers=as_user("supervisor_yl")).json()
        assert alert["id"] not in [a["id"] for a in elsewhere["items"]]

        done = client.post(
            "/api/v1/alerts/acknowledge",
            json={"ids": [alert["id"]], "note": "已电话联系客户"},
            headers=supervisor,
        )
        assert done.json() == {"acknowledged": [alert["id"]]}
        after = client.get("/api/v1/alerts/inbox?clock=ticket", headers=supervisor).json()
        assert after["items"] == []


def test_the_supervisor_page_names_the_ticket_alert_in_chinese_and_links_the_ticket(
    client, staff, engine
):
    with freeze_time("2026-11-02 02:00:00", tick=False) as clock:
        complain(client, clock)
        clock.move_to("2026-11-06 16:00:00")
        scan_tickets(engine, [ALERTS])
        page_sign_in(client, "supervisor_xa")
        page = client.get("/supervisor?clock=ticket").text
        assert "诉求预警" in page
        assert "客户诉求答复" in page
        link = page.split('class="ticket-link"')[0].rsplit('href="', 1)[1].split('"')[0]
        ticket_id = link.removeprefix("/supervisor/tickets#ticket-")
        board = client.get("/supervisor/tickets").text
        assert f'id="ticket-{ticket_id}"' in board
        assert "迟迟没人联系" in board
