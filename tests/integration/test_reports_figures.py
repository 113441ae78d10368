"""Monthly and quarterly figures against figures computed independently from the scenario."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from freezegun import freeze_time
from typer.testing import CliRunner

from gridconnect.config.settings import get_settings
from gridconnect.services.context import Scope, Services
from gridconnect.services.reports import monthly_report, quarterly_report
from gridconnect.services.reports.periods import parse_month, parse_quarter
from gridconnect.services.reports.render import to_csv, to_xlsx
from integration.reports_expected import expected
from integration.reports_scenario import END, Record

# Building the 240-application scenario takes tens of seconds.
pytestmark = pytest.mark.slow

MONTHS = ("2026-07", "2026-09", "2026-11")
BREAKDOWNS = ("total", "company", "city", "kind")
COUNTS = ("received", "connected", "cancelled", "open_at_end", "three_zero")
COUNTS += ("suspensions", "suspended_working_days", "warnings", "breaches", "clocks_finished")


@pytest.fixture(scope="module")
def scenario(
    report_scenario: tuple[Services, list[Record]],
) -> tuple[Services, list[Record]]:
    return report_scenario


def _rows(report: dict[str, Any], breakdown: str) -> dict[Any, dict[str, Any]]:
    return {
        row.get(breakdown, "total") if breakdown != "total" else "total": row
        for row in report["summary"][breakdown]
    }


def _check(actual: dict[str, Any], wanted: dict[str, Any]) -> None:
    for name in COUNTS:
        assert actual[name] == wanted[name], name
    finished, on_time = wanted["clocks_finished"], wanted["on_time"]
    counted = finished + wanted["overdue_open"]
    assert actual["clocks_overdue_open"] == wanted["overdue_open"]
    assert actual["on_time_rate"] == (round(on_time / counted, 4) if counted else None)
    assert actual["full_process"]["count"] == wanted["full_process_count"]
    for side, key in (("working_days", "full_process_wd"), ("calendar_days", "full_process_cd")):
        for stat, value in wanted[key].items():
            got = actual["full_process"][side][stat]
            assert got == (None if value is None else pytest.approx(value, abs=0.006)), (side, stat)
    assert actual["gov_approval"]["count"] == wanted["gov_count"]
    if wanted["gov_count"]:
        mean = wanted["gov_wd"] / wanted["gov_count"]
        assert actual["gov_approval"]["mean_working_days"] == pytest.approx(mean, abs=0.006)


@pytest.mark.parametrize("month", MONTHS)
@pytest.mark.parametrize("breakdown", BREAKDOWNS)
def test_monthly_figures_match_what_was_done(
    scenario: tuple[Services, list[Record]], calendar: Any, month: str, breakdown: str
) -> None:
    services, records = scenario
    with freeze_time(END):
        report = monthly_report(services, month)
    wanted = expected(records, calendar, parse_month(month), END, breakdown)
    actual = _rows(report, breakdown)
    assert set(actual) == {k for k, v in wanted.items() if any(v[n] for n in COUNTS)}
    for key, row in actual.items():
        _check(row, wanted[key])


def test_the_scenario_exercises_every_figure(
    scenario: tuple[Services, list[Record]], calendar: Any
) -> None:
    _, records = scenario
    total = expected(records, calendar, parse_quarter("2026Q3"), END, "total")["total"]
    for name in ("connected", "cancelled", "suspensions", "warnings", "breaches", "gov_count"):
        assert total[name] > 0, name


def test_stage_times_and_suspension_reasons_match(
    scenario: tuple[Services, list[Record]], calendar: Any
) -> None:
    services, records = scenario
    with freeze_time(END):
        report = monthly_report(services, "2026-09")
    wanted = expected(records, calendar, parse_month("2026-09"), END, "total")["total"]
    for row in report["stages"]["total"]:
        count = wanted[f"stage:{row['stage']}"]
        assert row["completed"] == count
        assert row["mean_working_days"] == pytest.approx(
            wanted[f"stage_wd:{row['stage']}"] / count, abs=0.006
        )
    assert sum(r["completed"] for r in report["stages"]["total"]) == sum(
        v for k, v in wanted.items() if k.startswith("stage:")
    )
    reasons = {r["reason"]: r["count"] for r in report["suspensions"]["total"]}
    assert reasons == {k[7:]: v for k, v in wanted.items() if k.startswith("reason:") and v}
    clocks = {r["clock"]: r["finished"] for r in report["clocks"]["total"]}
    assert clocks == {k[6:]: v for k, v in wanted.items() if k.startswith("clock:") and v}


def test_a_clerk_scope_sees_only_its_company_and_cities(
    scenario: tuple[Services, list[Record]], calendar: Any
) -> None:
    services, records = scenario
    scope = Scope("sgcc", ("西安", "榆林"))
    with freeze_time(END):
        report = monthly_report(services, "2026-09", scope)
    wanted = expected(
        records,
        calendar,
        parse_month("2026-09"),
        END,
        "total",
        admit=lambda r: r.company == "sgcc" and r.city in ("西安", "榆林"),
    )
    _check(report["summary"]["total"][0], wanted["total"])
    assert {row["city"] for row in report["summary"]["city"]} <= {"西安", "榆林"}
    assert [row["company"] for row in report["summary"]["company"]] == ["sgcc"]


def test_quarterly_analysis_compares_with_the_previous_quarter_and_lists_what_ran_late(
    scenario: tuple[Services, list[Record]], calendar: Any
) -> None:
    services, records = scenario
    with freeze_time(END):
        report = quarterly_report(services, "2026Q4")
    q4, q3 = parse_quarter("2026Q4"), parse_quarter("2026Q3")
    now_total = expected(records, calendar, q4, END, "total")["total"]
    before_total = expected(records, calendar, q3, END, "total")["total"]
    trend = {row["figure"]: row for row in report["trend"]}
    assert trend["received"]["value"] == now_total["received"]
    assert trend["received"]["previous_quarter"] == before_total["received"]
    assert trend["received"]["vs_previous"]["change"] == (
        now_total["received"] - before_total["received"]
    )
    assert trend["received"]["same_quarter_last_year"] == 0  # nothing before June 2026
    assert report["trend_periods"] == {
        "previous_quarter": "2026Q3",
        "same_quarter_last_year": "2025Q4",
    }
    still_open = sorted(
        (r for r in records if r.app and r.app.received_at < q4.end and r.app.is_open),
        key=lambda r: r.app.received_at,  # type: ignore[union-attr]
    )
    assert [row["number"] for row in report["longest_open"]] == [
        r.app.number
        for r in still_open[:10]  # type: ignore[union-attr]
    ]
    late = [
        (r, c)
        for r in records
        for c in (r.app.clocks if r.app else [])
        if c.late and c.stopped_at and q4.start <= c.stopped_at < q4.end
    ]
    assert len(report["breaches"]) == len(late) == now_total["breaches"]
    reasons = {r.app.number: sorted({s[2] for s in r.suspensions}) for r, _ in late}  # type: ignore[union-attr]
    for row in report["breaches"]:
        assert row["suspension_reasons"] == reasons[row["number"]]
        assert row["stage"]
        assert row["clock"]
    assert report["due"] == {
        "due_on": "2027-01-10",
        "rule": "10th calendar day of the next quarter (L55)",
        "late": False,
        "days_late": 0,
    }


def test_a_quarterly_analysis_read_after_the_10th_of_the_next_quarter_is_flagged_late(
    scenario: tuple[Services, list[Record]],
) -> None:
    services, _ = scenario
    with freeze_time(datetime.fromisoformat("2026-10-11T01:00:00+00:00")):
        report = quarterly_report(services, "2026Q3")
    assert report["due"]["due_on"] == "2026-10-10"
    assert report["due"]["late"] is True
    assert report["due"]["days_late"] == 1


def test_the_xlsx_has_a_sheet_per_breakdown_with_chinese_headers_and_the_totals(
    scenario: tuple[Services, list[Record]], calendar: Any
) -> None:
    services, records = scenario
    with freeze_time(END):
        report = quarterly_report(services, "2026Q3")
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))
    for name in ("合计", "按公司", "按城市", "按类型", "环节时长-合计", "时限达标-按城市"):
        assert name in book.sheetnames
    for name in ("中止原因-合计", "趋势", "最长在途", "超期原因", "报送期限"):
        assert name in book.sheetnames
    wanted = expected(records, calendar, parse_quarter("2026Q3"), END, "total")["total"]
    total = book["合计"]
    headers = [cell.value for cell in total[1]]
    values = dict(zip(headers, [cell.value for cell in total[2]], strict=True))
    assert values["受理数"] == wanted["received"]
    assert values["送电数"] == wanted["connected"]
    assert values["超期数"] == wanted["breaches"]
    by_city = book["按城市"]
    city_headers = [cell.value for cell in by_city[1]]
    column = city_headers.index("受理数")
    assert sum(row[column].value for row in by_city.iter_rows(min_row=2)) == wanted["received"]
    assert "送电户全过程中位数(工作日)" in headers
    assert "送电户全过程中位数(自然日)" in headers


def test_the_csv_stacks_the_breakdowns_under_chinese_headers(
    scenario: tuple[Services, list[Record]],
) -> None:
    services, _ = scenario
    with freeze_time(END):
        body = to_csv(monthly_report(services, "2026-09"))
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("分组,分组值,受理数,送电数,撤销数,期末在途数")
    assert lines[1].startswith("合计,合计,")
    assert {line.split(",")[0] for line in lines[1:]} == {"合计", "按公司", "按城市", "按类型"}


def test_the_report_command_writes_the_monthly_xlsx(
    scenario: tuple[Services, list[Record]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gridconnect.cli import app

    services, _ = scenario
    monkeypatch.setenv("GRIDCONNECT_DATABASE_URL", str(services.engine.url.render_as_string(False)))
    get_settings.cache_clear()
    try:
        target = tmp_path / "2026-09.xlsx"
        result = CliRunner().invoke(
            app, ["report", "monthly", "2026-09", "--format", "xlsx", "-o", str(target)]
        )
        assert result.exit_code == 0, result.output
        with freeze_time(END):
            received = monthly_report(services, "2026-09")["summary"]["total"][0]["received"]
        sheet = openpyxl.load_workbook(target)["合计"]
        headers = [cell.value for cell in sheet[1]]
        assert sheet.cell(2, headers.index("受理数") + 1).value == received
        bad = CliRunner().invoke(app, ["report", "monthly", "2026-13"])
        assert bad.exit_code == 1
        assert "YYYY-MM" in bad.output
    finally:
        get_settings.cache_clear()
