"""Reports and the regulator export over HTTP: roles, scope, formats, errors."""

from __future__ import annotations

import io
import json
from typing import Any

import openpyxl
import pytest
from api_helpers import sign_in
from freezegun import freeze_time

from factories import advance_to_end, receive
from gridconnect.services.context import Services


@pytest.fixture(autouse=True)
def _routes_built_before_freezing(client: Any, as_user: Any) -> None:
    """FastAPI builds each route's parameters on the first request that passes it; under
    freezegun a `date` parameter of an earlier router would be a FakeDate and fail."""
    client.get("/api/v1/exports/log", headers=as_user("admin"))


def _some_applications(services: Services) -> None:
    with freeze_time("2026-10-12 02:00:00"):
        advance_to_end(services, receive(services, city="西安"))
        receive(services, city="榆林")
        receive(services, "lv_residential", company="local", city="西安")


def test_a_supervisor_reads_the_monthly_figures_of_their_own_company_and_cities(
    client: Any, services: Services, as_user: Any
) -> None:
    supervisor, admin = as_user("supervisor_xa"), as_user("admin")
    _some_applications(services)
    with freeze_time("2026-10-20 02:00:00"):
        own = client.get("/api/v1/reports/monthly?month=2026-10", headers=supervisor)
        everything = client.get("/api/v1/reports/monthly?month=2026-10", headers=admin)
        current = client.get("/api/v1/reports/monthly", headers=supervisor)
    assert own.status_code == 200, own.text
    assert own.json()["summary"]["total"][0]["received"] == 1  # sgcc in 西安 only
    assert own.json()["scope"] == {"company": "sgcc", "cities": ["西安"]}
    assert everything.json()["summary"]["total"][0]["received"] == 3
    assert current.json()["period"]["label"] == "2026-10"  # the dashboard's current month


def test_clerks_may_not_read_reports_and_only_admins_may_export(client: Any, as_user: Any) -> None:
    assert client.get("/api/v1/reports/monthly", headers=as_user("clerk_xa")).status_code == 403
    assert client.get("/api/v1/reports/monthly").status_code == 401
    supervisor = as_user("supervisor_xa")
    assert client.get("/api/v1/exports/regulator", headers=supervisor).status_code == 403


def test_an_impossible_month_is_a_422_naming_the_field(client: Any, as_user: Any) -> None:
    response = client.get("/api/v1/reports/monthly?month=2026-13", headers=as_user("admin"))
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "month"
    bad = client.get("/api/v1/reports/quarterly?quarter=2026Q5", headers=as_user("admin"))
    assert bad.status_code == 422
    assert bad.json()["details"][0]["field"] == "quarter"


def test_the_quarterly_analysis_downloads_as_xlsx_and_csv_with_a_file_name(
    client: Any, services: Services, as_user: Any
) -> None:
    _some_applications(services)
    with freeze_time("2027-01-05 02:00:00"):
        admin = sign_in(client, "admin")  # a token of that day
        xlsx = client.get("/api/v1/reports/quarterly?quarter=2026Q4&format=xlsx", headers=admin)
        csv = client.get(
            "/api/v1/reports/quarterly?quarter=2026Q4", headers={**admin, "Accept": "text/csv"}
        )
        data = client.get("/api/v1/reports/quarterly?quarter=2026Q4", headers=admin).json()
    assert xlsx.status_code == 200
    assert 'filename="gridconnect-quarterly-2026Q4.xlsx"' in xlsx.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert {"合计", "按城市", "趋势", "最长在途", "超期原因", "报送期限"} <= set(book.sheetnames)
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.lstrip("\ufeff").startswith("分组,分组值,受理数")
    assert data["due"] == {
        "due_on": "2027-01-10",
        "rule": "10th calendar day of the next quarter (L55)",
        "late": False,
        "days_late": 0,
    }
    assert len(data["longest_open"]) == 2


def test_an_admin_export_ends_with_the_next_cursor_and_is_logged(
    client: Any, services: Services, as_user: Any
) -> None:
    _some_applications(services)
    admin = as_user("admin")
    first = client.get("/api/v1/exports/regulator", headers=admin)
    assert first.status_code == 200, first.text
    lines = [json.loads(line) for line in first.text.splitlines()]
    assert len(lines) == 4
    assert lines[-1]["next_cursor"] == first.headers["x-next-cursor"]
    again = client.get("/api/v1/exports/regulator", params={"cursor": ""}, headers=admin)
    assert again.text == first.text
    nothing = client.get(
        "/api/v1/exports/regulator", params={"cursor": lines[-1]["next_cursor"]}, headers=admin
    )
    assert nothing.text.splitlines() == [json.dumps(lines[-1])]
    refused = client.get("/api/v1/exports/regulator", params={"cursor": "x"}, headers=admin)
    assert refused.status_code == 422
    assert refused.json()["details"][0]["field"] == "cursor"
    log = client.get("/api/v1/exports/log", headers=admin).json()
    assert [entry["actor"] for entry in log] == ["admin"] * 3  # the warm-up exported nothing
    assert log[-1]["cursor_from"] == "0.0"
    assert log[-1]["events"] > 3
