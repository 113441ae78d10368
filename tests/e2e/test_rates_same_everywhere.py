"""One month, three readers: the supervisor's dashboard, the JSON report and the XLSX show
the same on-time rate for each city, with open overdue clocks counted as not kept."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from api_helpers import sign_in
from fastapi import FastAPI
from fastapi.testclient import TestClient
from freezegun import freeze_time
from page_helpers import page_sign_in

from factories import advance_to_end, receive
from gridconnect.services import dashboard
from gridconnect.services.context import EVERYTHING
from gridconnect.services.reports.render import to_xlsx
from risk_history import local


def one_month(services: Any) -> None:
    """Oct 2026 in 西安 and 咸阳: some finished in time, some left open past a due."""
    with freeze_time(local("2026-10-12 10:00")):
        advance_to_end(services, receive(services, city="西安"))
        receive(services, city="西安")  # acceptance due 10-13, left open: not kept
        receive(services, city="咸阳")
        receive(services, city="咸阳")
    with freeze_time(local("2026-10-20 10:00")):
        advance_to_end(services, receive(services, city="咸阳"))


def test_dashboard_api_and_xlsx_show_the_same_rates(
    app: FastAPI, staff: Any, services: Any
) -> None:
    one_month(services)
    with freeze_time(local("2026-10-30 10:00")), TestClient(app) as client:
        shown = dashboard.on_time_rates(services, EVERYTHING)
        headers = sign_in(client, "supervisor_xa")
        report = client.get("/api/v1/reports/monthly?month=2026-10", headers=headers).json()
        admin = client.get(
            "/api/v1/reports/monthly?month=2026-10", headers=sign_in(client, "admin")
        ).json()
        xlsx = openpyxl.load_workbook(io.BytesIO(to_xlsx(admin)))

    dashboard_rates = {row["key"]: row["rate"] for row in shown["by_city"]}
    api_rates = {row["city"]: row["on_time_rate"] for row in admin["summary"]["city"]}
    sheet = xlsx["按城市"]
    names = [cell.value for cell in sheet[1]]
    city, rate = names.index("城市") + 1, names.index("按时率") + 1
    xlsx_rates = {
        sheet.cell(r, city).value: sheet.cell(r, rate).value for r in range(2, sheet.max_row + 1)
    }
    assert dashboard_rates == api_rates == xlsx_rates
    assert sheet.cell(2, rate).number_format == "0.00%"
    # 西安: the finished one kept its acceptance, meter-install and full-process clocks; the
    # open one's acceptance fell due in October and is not kept: 3 of 4.
    assert dashboard_rates["西安"] == 0.75
    assert report["summary"]["city"][0]["city"] == "西安"  # the supervisor sees 西安 alone
    assert report["summary"]["city"][0]["on_time_rate"] == dashboard_rates["西安"]


def test_the_twelve_month_trend_ends_with_the_months_figures(
    client: Any, staff: Any, services: Any
) -> None:
    from gridconnect.services.reports.periods import month
    from gridconnect.services.reports.trend import city_trend

    one_month(services)
    with freeze_time(local("2026-10-30 10:00")):
        trend = city_trend(services, EVERYTHING, month(2026, 10))
        shown = {
            row["key"]: row["rate"]
            for row in dashboard.on_time_rates(services, EVERYTHING)["by_city"]
        }
        page_sign_in(client, "supervisor_xa")
        page = client.get("/supervisor").text

    assert trend["months"][0] == "2025-11"
    assert trend["months"][-1] == "2026-10"
    for city, rate in shown.items():
        assert trend["cities"][city]["rate"][-1] == rate
        assert trend["cities"][city]["rate"][:-1] == [None] * 11
    assert trend["cities"]["西安"]["working_days"][-1] is not None
    section = page.split('id="trend"')[1].split("</section>")[0]
    assert 'data-city="西安"' in section
    assert "<polyline" in section
    assert "75.0%" in section
