"""Faults: gridconnect dying mid-callback, the platform retrying, duplicates racing.

Nothing doubled and nothing lost: a callback whose transaction died is applied in full on the
platform's retry; one whose answer was lost after the commit gets the stored answer; two
deliveries of one message id at once apply it once (PostgreSQL runs them truly in parallel).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from api_helpers import hv_body
from gov_helpers import GOV_SECRET, send
from sqlalchemy import Engine, text

from gridconnect.api.routers import gov as gov_router
from gridconnect.services.govlink import callbacks
from gridconnect.services.govlink.signing import signed_headers


def _submitted(clerk: httpx.Client) -> dict[str, Any]:
    app: dict[str, Any] = clerk.post(
        "/api/v1/applications", json=hv_body(city="咸阳", address="咸阳市秦都区 9 号")
    ).json()
    submitted = clerk.post(f"/api/v1/applications/{app['id']}/gov-approval/submit", json={})
    assert submitted.status_code == 200, submitted.text
    return app


def _decided(engine: Engine, app_id: int) -> dict[str, str]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT d.department, d.state FROM gov_department d JOIN gov_approval a "
                "ON a.id = d.approval_id WHERE a.application_id = :id"
            ),
            {"id": app_id},
        ).all()
    return {department: state for department, state in rows}


def _count(engine: Engine, sql: str, **params: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(sql), params).scalar_one())


def _fail_once(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, after: bool) -> None:
    """The first call dies (before its effect commits, or after: the answer is lost)."""
    original = getattr(owner, name)
    calls = {"n": 0}

    def dying(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1 and not after:
            raise RuntimeError("killed before the commit")
        result = original(*args, **kwargs)
        if calls["n"] == 1:
            raise RuntimeError("killed after the commit, before the answer")
        return result

    monkeypatch.setattr(owner, name, dying)


@pytest.mark.parametrize("after_commit", [False, True], ids=["before-commit", "after-commit"])
def test_a_callback_interrupted_and_retried_by_the_platform_is_applied_exactly_once(
    staff_client: Callable[[str], httpx.Client],
    govsim: httpx.Client,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    after_commit: bool,
) -> None:
    clerk = staff_client("clerk_xa")
    app = _submitted(clerk)
    for department in ("planning", "housing"):
        send(govsim, "department-decisions", _body(app["number"], department))
    if after_commit:
        _fail_once(monkeypatch, gov_router, "receive_decision", after=True)
    else:
        _fail_once(monkeypatch, callbacks, "_jsonable", after=False)
    (answer,) = send(
        govsim,
        "department-decisions",
        _body(app["number"], "transport"),
        retry_attempts=3,
        retry_delay_seconds=0.05,
    )
    assert (answer["status"], answer["attempts"]) == (200, 2)
    assert answer["body"]["approval_state"] == "decided"
    assert _decided(engine, app["id"]) == {
        "planning": "approved",
        "housing": "approved",
        "transport": "approved",
    }
    completed = "SELECT count(*) FROM event WHERE application_id = :id AND action = :action"
    assert _count(engine, completed, id=app["id"], action="gov_approval_completed") == 1
    assert _count(engine, "SELECT count(*) FROM gov_inbound_message") == 3


def _body(number: str, department: str) -> dict[str, Any]:
    return {"application_number": number, "department": department, "decision": "approved"}


def test_two_deliveries_of_one_message_at_once_apply_it_once(
    staff_client: Callable[[str], httpx.Client], product_url: str, engine: Engine
) -> None:
    clerk = staff_client("clerk_xa")
    app = _submitted(clerk)
    body = json.dumps(_body(app["number"], "planning")).encode()

    def deliver(_: int) -> httpx.Response:
        headers = signed_headers(GOV_SECRET, int(time.time()), body, "race-1")
        headers["Content-Type"] = "application/json"
        url = f"{product_url}/api/v1/gov/callbacks/department-decisions"
        return httpx.post(url, content=body, headers=headers, timeout=30)

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(deliver, range(4)))
    assert [a.status_code for a in answers] == [200] * 4
    assert len({a.text for a in answers}) == 1
    assert _decided(engine, app["id"])["planning"] == "approved"
    assert _count(engine, "SELECT count(*) FROM gov_inbound_message") == 1
