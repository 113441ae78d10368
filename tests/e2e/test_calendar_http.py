"""The calendar router over HTTP, mounted on a minimal FastAPI app."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from gridconnect.api.routers.calendar import get_calendar, router
from gridconnect.calendar import WorkingCalendar, load_calendar, parse_notice
from gridconnect.errors import GridconnectError

NOTICE_2027 = """\
year = 2027
[notice]
title = "测试用：2027年部分节假日安排（虚构）"
published = 2026-11-05
[[holidays]]
name = "元旦"
dates = [2027-01-01, 2027-01-02, 2027-01-03]
"""


def _app(calendar: WorkingCalendar | None = None) -> FastAPI:
    app = FastAPI()
    app.include_router(router)

    @app.exception_handler(GridconnectError)
    async def _domain(_request: Request, exc: GridconnectError) -> JSONResponse:
        body = {"code": exc.code, "message": exc.message, "details": exc.details}
        return JSONResponse(body, status_code=exc.status)

    chosen = calendar if calendar is not None else load_calendar()
    app.dependency_overrides[get_calendar] = lambda: chosen
    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(_app())


def test_a_national_day_holiday_is_described(client):
    response = client.get("/api/v1/calendar/2026-10-01")
    assert response.status_code == 200
    assert response.json() == {
        "date": "2026-10-01",
        "kind": "holiday",
        "is_workday": False,
        "provisional": False,
        "name": "国庆节",
    }


def test_an_adjusted_working_saturday_is_a_working_day(client):
    body = client.get("/api/v1/calendar/2026-10-10").json()
    assert (body["kind"], body["is_workday"]) == ("adjusted_workday", True)


def test_add_returns_the_due_date(client):
    response = client.get("/api/v1/calendar/add", params={"date": "2026-09-28", "n": 15})
    assert response.status_code == 200
    assert response.json() == {
        "date": "2026-09-28",
        "n": 15,
        "result": "2026-10-23",
        "provisional": False,
    }


def test_add_into_an_estimated_year_is_provisional(client):
    body = client.get("/api/v1/calendar/add", params={"date": "2026-11-26", "n": 30}).json()
    assert (body["result"], body["provisional"]) == ("2027-01-08", True)


def test_count_returns_the_working_days_between(client):
    response = client.get(
        "/api/v1/calendar/count", params={"start": "2026-09-28", "end": "2026-10-23"}
    )
    assert response.json() == {
        "start": "2026-09-28",
        "end": "2026-10-23",
        "working_days": 15,
        "provisional": False,
    }


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/calendar/2026-02-30", "date"),
        ("/api/v1/calendar/add?date=2026-09-28&n=fifteen", "n"),
        ("/api/v1/calendar/add?date=28/09/2026&n=15", "date"),
        ("/api/v1/calendar/count?start=2026-09-28", "end"),
    ],
)
def test_a_malformed_parameter_is_422_naming_the_field(client, url, field):
    response = client.get(url)
    assert response.status_code == 422
    assert field in [error["loc"][-1] for error in response.json()["detail"]]


def test_a_date_out_of_range_is_422_date_out_of_range(client):
    response = client.get("/api/v1/calendar/2036-01-01")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "date_out_of_range"
    assert "2020-01-01..2035-12-31" in body["message"]


def test_the_calendar_dependency_can_be_overridden():
    calendar = load_calendar().with_notice(parse_notice(NOTICE_2027))
    client = TestClient(_app(calendar))
    body = client.get("/api/v1/calendar/2027-01-01").json()
    assert (body["kind"], body["provisional"]) == ("holiday", False)
    assert calendar.kind(date(2027, 1, 1)).provisional is False
