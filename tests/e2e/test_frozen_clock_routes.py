"""Routes with date parameters work when the first request arrives under a moved clock.

FastAPI builds a route's fields at its first request; with postponed annotations a
`date` parameter would then resolve to freezegun's stand-in class and every call fail.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from freezegun import freeze_time


def test_calendar_add_answers_when_first_called_under_a_frozen_clock(app: FastAPI) -> None:
    with freeze_time("2026-09-28 02:00:00"), TestClient(app) as client:
        answer = client.get("/api/v1/calendar/add", params={"date": "2026-09-28", "n": 15})
        day = client.get("/api/v1/calendar/2026-10-10")
    assert answer.status_code == 200
    assert answer.json()["result"] == "2026-10-23"
    assert day.json()["kind"] == "adjusted_workday"


def test_service_standards_answer_under_a_frozen_clock(app: FastAPI) -> None:
    with freeze_time("2021-06-01 02:00:00"), TestClient(app) as client:
        answer = client.get("/api/v1/public/service-standards")
    assert answer.status_code == 200


def test_the_customer_status_page_answers_under_a_frozen_clock(app: FastAPI) -> None:
    with freeze_time("2026-09-28 02:00:00"), TestClient(app) as client:
        answer = client.get("/status")
    assert answer.status_code == 200
