"""The alert inbox: filtered by city, clock, level and age, paged in SQL, and worked
through a selection at a time with one note, on the supervisor's page and in the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from page_helpers import page_sign_in, post_form
from sqlmodel import Session, select

from factories import receive
from gridconnect.services.sla_scan import scan
from gridconnect.store.tables import AlertRow


def breached(services: Any, engine: Any, count: int, **overrides: Any) -> list[Any]:
    """`count` applications whose acceptance and full-process clocks have breached."""
    apps = [receive(services, **overrides) for _ in range(count)]
    scan(engine, now=apps[-1].received_at + timedelta(days=40))
    return apps


def test_the_supervisor_acknowledges_a_selection_with_one_note(
    client: Any, staff: Any, services: Any, engine: Any
) -> None:
    breached(services, engine, 3)
    page_sign_in(client, "supervisor_xa")
    page = client.get("/supervisor?clock=stage:acceptance").text
    ids = page.split('id="alerts"')[1].count('name="ids"')
    assert ids == 3  # the acceptance breaches alone

    with Session(engine) as session:
        chosen = [a.id for a in session.exec(select(AlertRow)).all()][:2]
    done = post_form(
        client, "/supervisor/alerts/ack", {"ids": chosen, "note": "已电话督促"}, "/supervisor"
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/supervisor?acked=2"
    assert "预警已确认（2 条）" in client.get(done.headers["location"]).text
    with Session(engine) as session:
        notes = {a.id: a.ack_note for a in session.exec(select(AlertRow)).all()}
    assert [notes[i] for i in chosen] == ["已电话督促", "已电话督促"]
    assert sum(1 for note in notes.values() if note is None) == len(notes) - 2


def test_the_inbox_filters_and_pages_in_the_api(
    client: Any, as_user: Any, services: Any, engine: Any
) -> None:
    breached(services, engine, 3)
    supervisor = as_user("supervisor_xa")

    first = client.get("/api/v1/alerts/inbox?limit=2", headers=supervisor).json()
    second = client.get("/api/v1/alerts/inbox?limit=2&offset=2", headers=supervisor).json()
    by_clock = client.get(
        "/api/v1/alerts/inbox?clock=full_process&level=breach", headers=supervisor
    ).json()
    elsewhere = client.get("/api/v1/alerts/inbox?city=榆林", headers=supervisor).json()
    too_fresh = client.get("/api/v1/alerts/inbox?min_age_days=1", headers=supervisor).json()
    bad_level = client.get("/api/v1/alerts/inbox?level=panic", headers=supervisor)

    assert first["total"] == 6
    assert len(first["items"]) == 2
    assert {a["id"] for a in first["items"]}.isdisjoint(a["id"] for a in second["items"])
    assert by_clock["total"] == 3
    assert {a["clock"] for a in by_clock["items"]} == {"full_process"}
    assert elsewhere["total"] == 0
    assert too_fresh["total"] == 0  # raised by the scan just now
    assert bad_level.status_code == 422


def test_bulk_acknowledgement_in_the_api_skips_what_is_outside_the_scope(
    client: Any, as_user: Any, services: Any, engine: Any
) -> None:
    breached(services, engine, 1)
    breached(services, engine, 1, city="榆林")
    with Session(engine) as session:
        ids = sorted(a.id for a in session.exec(select(AlertRow)).all())

    answer = client.post(
        "/api/v1/alerts/acknowledge",
        json={"ids": ids, "note": "集中处理"},
        headers=as_user("supervisor_xa"),
    )
    empty = client.post(
        "/api/v1/alerts/acknowledge", json={"ids": []}, headers=as_user("supervisor_xa")
    )

    assert answer.status_code == 200
    assert len(answer.json()["acknowledged"]) == 2  # 西安's two; 榆林's are not theirs
    assert empty.status_code == 422
