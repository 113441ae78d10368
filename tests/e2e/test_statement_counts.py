"""How many SQL statements a read and a list page cost, pinned: a change that
loads an application's children one by one again, or opens another query per row, fails
here before it shows in a benchmark. The answers themselves are the existing tests' job."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from api_helpers import hv_body, lv_body, provide_documents
from freezegun import freeze_time
from sqlalchemy import Engine, event

APPS = "/api/v1/applications"
# the token's user; the application with its stage visits; its documents; its clocks with
# their pauses
SINGLE_READ_STATEMENTS = 4
# the user; the count; the page's rows; their stage visits; documents; clocks with pauses
LIST_PAGE_STATEMENTS = 6


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _worked_application(client: Any, clerk: dict[str, str]) -> dict[str, Any]:
    """An HV application with documents, a second stage and a paused-then-resumed clock."""
    with freeze_time("2026-09-28 02:00:00") as frozen:
        app = client.post(APPS, json=hv_body(), headers=clerk).json()
        provide_documents(client, clerk, app)
        app = client.get(f"{APPS}/{app['id']}", headers=clerk).json()
        url = f"{APPS}/{app['id']}"
        client.post(f"{url}/advance", json={"expected_version": app["version"]}, headers=clerk)
        suspend = {"reason_code": "customer_requested_wait", "note": "客户要求暂缓"}
        assert client.post(f"{url}/suspend", json=suspend, headers=clerk).status_code == 200
        frozen.move_to("2026-09-30 02:00:00")
        assert client.post(f"{url}/resume", headers=clerk).status_code == 200
    return dict(client.get(url, headers=clerk).json())


def test_a_single_read_costs_a_fixed_number_of_statements(
    client: Any, as_user: Any, engine: Engine
) -> None:
    clerk = as_user("clerk_xa")
    app = _worked_application(client, clerk)
    assert len(app["documents"]) >= 2
    assert len([s for s in app["stages"] if s["state"] != "pending"]) == 2
    assert any(c["pauses"] for c in app["clocks"])
    with counting(engine) as statements:
        response = client.get(f"{APPS}/{app['id']}", headers=clerk)
    assert response.status_code == 200
    assert response.json() == app
    assert len(statements) == SINGLE_READ_STATEMENTS, statements


def test_a_list_page_costs_the_same_statements_for_3_applications_as_for_30(
    client: Any, as_user: Any, engine: Engine
) -> None:
    clerk = as_user("clerk_xa")
    _worked_application(client, clerk)
    for _ in range(2):
        client.post(APPS, json=lv_body(), headers=clerk)
    counts = []
    for _ in range(2):
        with counting(engine) as statements:
            response = client.get(f"{APPS}?limit=50&sort=due", headers=clerk)
        assert response.status_code == 200
        counts.append((response.json()["total"], len(statements)))
        for _ in range(27):
            client.post(APPS, json=lv_body(), headers=clerk)
    assert counts == [(3, LIST_PAGE_STATEMENTS), (30, LIST_PAGE_STATEMENTS)]


WRITES = ("INSERT", "UPDATE", "DELETE")


def test_a_status_read_with_the_right_code_writes_nothing_and_a_wrong_code_is_recorded(
    client: Any, engine: Engine
) -> None:
    receipt = client.post(
        "/api/v1/public/applications", json=lv_body(company="sgcc", channel="online")
    ).json()
    url = f"/api/v1/public/applications/{receipt['number']}"
    with counting(engine) as statements:
        right = client.get(url, headers={"X-Access-Code": receipt["access_code"]})
    assert right.status_code == 200
    assert not [s for s in statements if s.lstrip().upper().startswith(WRITES)], statements
    with counting(engine) as statements:
        wrong = client.get(url, headers={"X-Access-Code": "AAAA-BBBB-CCCC-DDDD"})
    assert wrong.status_code == 404
    assert any(s.lstrip().upper().startswith("INSERT") for s in statements), statements
    # The number's count, cleared by the next right code (a delete, only because there is one).
    with counting(engine) as statements:
        again = client.get(url, headers={"X-Access-Code": receipt["access_code"]})
    assert again.status_code == 200
    assert any(s.lstrip().upper().startswith("DELETE") for s in statements), statements
