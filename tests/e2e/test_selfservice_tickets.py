"""A customer's help request becomes a ticket for the city's supervisors, with
its own working-day clock, a warning and a breach alert once each, and the answer shown to
the customer."""

from __future__ import annotations

import json
from typing import Any

from freezegun import freeze_time
from page_helpers import apply_online, page_sign_in, post_form
from sqlalchemy import text

from gridconnect.services.selfservice.tickets import scan_tickets

ALERTS = "http://robot.test/alerts"


def alerts_sent(engine: Any) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT payload FROM outbox WHERE topic = 'alert' ORDER BY id")
        ).all()
    payloads = [json.loads(r[0]) if isinstance(r[0], str) else r[0] for r in rows]
    return [p for p in payloads if p["clock"] == "ticket"]


def test_a_help_request_is_answered_by_a_supervisor_and_the_customer_reads_the_answer(
    client, staff, engine
):
    # Monday 2 November 2026, 10:00 in Xi'an; 5 working days: due at the end of 9 November.
    with freeze_time("2026-11-02 02:00:00", tick=False):
        number, code = apply_online(client)
        asked = post_form(
            client,
            "/my/tickets",
            {"category": "help", "text": "请问装表前需要准备什么？"},
            from_page="/my",
        )
        assert asked.headers["location"] == "/my?done=ticket"
        page = client.get("/my?done=ticket").text
        assert "已收到您的诉求" in page
        assert "处理中，将于 2026-11-09（含）前答复" in page
        client.cookies.clear()
        page_sign_in(client, "supervisor_yl")  # another city: not theirs
        assert "目前没有待答复的客户诉求" in client.get("/supervisor/tickets").text
        client.cookies.clear()
        page_sign_in(client, "supervisor_xa")
        board = client.get("/supervisor/tickets").text
        assert "请问装表前需要准备什么？" in board
        ticket_id = board.split('id="ticket-')[1].split('"')[0]
        answered = post_form(
            client,
            f"/supervisor/tickets/{ticket_id}/answer",
            {"answer": "无需准备，装表人员会提前电话联系您。"},
            from_page="/supervisor/tickets",
        )
        assert answered.headers["location"] == "/supervisor/tickets?done=answered"
        assert "目前没有待答复的客户诉求" in client.get("/supervisor/tickets").text
        client.cookies.clear()
        post_form(client, "/status", {"number": number, "code": code})
        assert "无需准备，装表人员会提前电话联系您。" in client.get("/my").text


def test_an_unanswered_ticket_warns_then_breaches_once_each(client, staff, engine, services):
    with freeze_time("2026-11-02 02:00:00", tick=False) as clock:
        apply_online(client)
        post_form(client, "/my/tickets", {"category": "complaint", "text": "迟迟没人联系"}, "/my")
        assert scan_tickets(engine, [ALERTS]).warned == 0
        clock.move_to("2026-11-06 16:00:00")  # Friday 7 November 00:00 in Xi'an: 1 day left
        first = scan_tickets(engine, [ALERTS])
        again = scan_tickets(engine, [ALERTS])
        assert (first.warned, first.breached, again.warned) == (1, 0, 0)
        clock.move_to("2026-11-09 16:00:01")  # past 24:00 of Monday 9 November in Xi'an
        assert scan_tickets(engine, [ALERTS]).breached == 1
        assert scan_tickets(engine, [ALERTS]).breached == 0
    levels = [(a["level"], a["city"], a["clock"]) for a in alerts_sent(engine)]
    assert levels == [("warning", "西安", "ticket"), ("breach", "西安", "ticket")]


def test_an_empty_request_is_refused_and_nothing_is_stored(client, engine):
    apply_online(client)
    refused = post_form(client, "/my/tickets", {"category": "help", "text": "  "}, "/my")
    assert refused.headers["location"] == "/my?error=ticket"
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM help_ticket")).scalar_one() == 0


def test_the_monthly_statistics_count_satisfaction_and_tickets_per_city(client, services):
    from factories import advance_to_end
    from gridconnect.services.reports.monthly import monthly_report
    from gridconnect.services.selfservice.satisfaction import rate
    from gridconnect.services.selfservice.tickets import answer_ticket, open_ticket

    with freeze_time("2026-11-02 02:00:00", tick=False):
        number, _ = apply_online(client)
        with services.unit_of_work() as uow:
            app = uow.applications.get_by_number(number)
        assert app is not None
        advance_to_end(services, app)
        rate(services, number, 5, None)
        answered = open_ticket(services, number, "complaint", "装表慢")
        open_ticket(services, number, "help", "如何缴费？")
        assert answered.id is not None
        answer_ticket(services, answered.id, "已催办", "supervisor_xa")
        report = monthly_report(services, "2026-11")
    xian, total = report["satisfaction_and_tickets"]
    assert xian == {
        "city": "西安",
        "ratings": 1,
        "mean_score": 5.0,
        "satisfied_share": 1.0,
        "tickets": 2,
        "complaints": 1,
        "answered": 1,
        "answered_on_time_rate": 0.5,
    }
    assert total["city"] == "合计"
    assert total["tickets"] == 2


def test_the_spreadsheet_has_a_satisfaction_and_tickets_sheet(client, services):
    from gridconnect.services.reports.monthly import monthly_report
    from gridconnect.services.reports.render import sheets
    from gridconnect.services.selfservice.tickets import open_ticket

    with freeze_time("2026-11-02 02:00:00", tick=False):
        number, _ = apply_online(client)
        open_ticket(services, number, "complaint", "装表慢")
        report = monthly_report(services, "2026-11")
    found = {title: (headers, rows) for title, headers, rows in sheets(report)}
    headers, rows = found["满意度与诉求-按城市"]
    assert headers[:2] == ["城市", "评价数"]
    assert [row[0] for row in rows] == ["西安", "合计"]
    assert rows[0][headers.index("其中投诉")] == 1
