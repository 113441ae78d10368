"""Supervision orders (督办) in the monthly statistics: per city in the JSON, a sheet of the
workbook and columns of the CSV; and the workbook's 说明 sheet defines every rate."""

from __future__ import annotations

import csv
import io

from freezegun import freeze_time
from openpyxl import load_workbook

from factories import receive
from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.services.orders.service import answer_order, issue_order, list_orders
from gridconnect.services.rates import ON_TIME_DEFINITION
from gridconnect.services.reports.monthly import monthly_report
from gridconnect.services.reports.render import to_csv, to_xlsx
from risk_history import local


def order(services: Services, city: str, issued: str, answered: str | None = None) -> None:
    """An order of 3 working days issued at `issued`, answered at `answered` if given."""
    with freeze_time(local(issued)):
        app = receive(services, city=city)
        assert app.id is not None
        issue_order(
            services,
            app.id,
            instruction="请尽快完成现场勘查并回复",
            assignee="clerk",
            working_days=3,
            actor="supervisor",
            scope=EVERYTHING,
        )
    if answered is not None:
        [issued_order] = list_orders(services, app.id, EVERYTHING)
        with freeze_time(local(answered)):
            answer_order(
                services,
                app.id,
                issued_order["id"],
                answer="已处理",
                actor="clerk1",
                scope=EVERYTHING,
            )


def november(services: Services) -> None:
    # Monday 11-02, 3 working days: due at the end of Thursday 11-05.
    order(services, "西安", "2026-11-02 10:00", answered="2026-11-04 15:00")  # on time
    order(services, "西安", "2026-11-02 11:00", answered="2026-11-09 10:00")  # late
    order(services, "西安", "2026-11-03 10:00")  # unanswered
    order(services, "宝鸡", "2026-11-02 10:00", answered="2026-11-03 09:00")  # on time
    order(services, "宝鸡", "2026-10-30 10:00", answered="2026-11-02 09:00")  # October's


def test_the_monthly_report_counts_orders_per_city_and_in_all(services: Services) -> None:
    november(services)
    with freeze_time(local("2026-12-01 09:00")):
        report = monthly_report(services, "2026-11")

    assert report["supervision_orders"] == [
        {"city": "宝鸡", "issued": 1, "answered": 1, "answered_on_time": 1,
         "answered_on_time_rate": 1.0},
        {"city": "西安", "issued": 3, "answered": 2, "answered_on_time": 1,
         "answered_on_time_rate": 0.3333},
        {"city": "合计", "issued": 4, "answered": 3, "answered_on_time": 2,
         "answered_on_time_rate": 0.5},
    ]  # fmt: skip


def test_a_city_supervisor_sees_only_the_orders_of_the_city(services: Services) -> None:
    november(services)
    with freeze_time(local("2026-12-01 09:00")):
        report = monthly_report(services, "2026-11", Scope(cities=("宝鸡",)))

    assert [(r["city"], r["issued"]) for r in report["supervision_orders"]] == [
        ("宝鸡", 1),
        ("合计", 1),
    ]


def test_the_workbook_has_an_orders_sheet_and_the_csv_their_columns(services: Services) -> None:
    november(services)
    with freeze_time(local("2026-12-01 09:00")):
        report = monthly_report(services, "2026-11")

    sheet = load_workbook(io.BytesIO(to_xlsx(report)))["督办-按城市"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["城市", "督办下发数", "督办已答复数", "督办按时答复数", "督办按时答复率"]
    assert rows[-1][:4] == ["合计", 4, 3, 2]
    assert sheet.cell(row=len(rows), column=5).number_format == "0.00%"

    table = list(csv.DictReader(io.StringIO(to_csv(report).lstrip("\ufeff"))))
    total = next(row for row in table if row["分组"] == "合计")
    assert (total["督办下发数"], total["督办已答复数"], total["督办按时答复数"]) == ("4", "3", "2")
    xian = next(row for row in table if row["分组"] == "按城市" and row["分组值"] == "西安")
    assert (xian["督办下发数"], xian["督办按时答复数"]) == ("3", "1")


def test_the_workbook_states_how_each_rate_is_defined(services: Services) -> None:
    with freeze_time(local("2026-12-01 09:00")):
        report = monthly_report(services, "2026-11")

    workbook = load_workbook(io.BytesIO(to_xlsx(report)))
    notes = {row[0]: row[1] for row in workbook["说明"].iter_rows(min_row=2, values_only=True)}
    assert notes["按时率（按期率）"] == ON_TIME_DEFINITION  # the text the supervisor's page shows
    assert "督办按时答复率" in notes
    rate_headers = {
        "按时率",
        "三零占比",
        "政府审批按时率",
        "满意率",
        "按时答复率",
        "督办按时答复率",
    }
    shown = {
        str(cell.value)
        for sheet in workbook.worksheets
        for cell in sheet[1]
        if str(cell.value).endswith("率") or cell.value == "三零占比"
    }
    assert shown <= rate_headers | {"环比变化率", "同比变化率"} | set(notes), shown - set(notes)
