"""The monthly and quarterly workbooks as supervisors meet them: opened in LibreOffice
(headless, every sheet converted to CSV as shown on screen), every figure matches the JSON
report; rates read as percentages, times as Beijing time, no column narrower than its text.

Skipped only where LibreOffice is missing (apt-get install libreoffice-calc-nogui), never
under CI.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from freezegun import freeze_time

from gridconnect.services.context import Services
from gridconnect.services.reports import monthly_report, quarterly_report
from gridconnect.services.reports.render import FIGURES, Percent, sheets, to_xlsx
from integration.reports_scenario import END

# They read the shared report scenario, which takes tens of seconds to build.
pytestmark = pytest.mark.slow

# Every sheet to its own CSV (last token -1, LibreOffice 7.2+), cells as shown (token 9).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


@pytest.fixture(scope="module")
def reports(report_scenario: tuple[Services, Any]) -> dict[str, dict[str, Any]]:
    services, _records = report_scenario
    with freeze_time(END):
        return {
            "monthly": monthly_report(services, "2026-09"),
            "quarterly": quarterly_report(services, "2026Q3"),
        }


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        reason = "LibreOffice is missing (apt-get install libreoffice-calc-nogui)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"the spreadsheet test must run under CI: {reason}")
        pytest.skip(reason)
    return found


def _as_shown(value: Any) -> str:
    """What LibreOffice shows for a cell the workbook wrote from this report value."""
    if value is None:
        return ""
    if isinstance(value, Percent):
        return f"{value:.2%}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def _same(shown: str, value: Any) -> bool:
    if isinstance(value, float) and not isinstance(value, Percent):
        return abs(float(shown) - value) <= 1e-9 * max(1.0, abs(value))
    return shown == _as_shown(value)


@pytest.mark.parametrize("which", ["monthly", "quarterly"])
def test_libreoffice_shows_every_figure_of_the_json_report(
    reports: dict[str, dict[str, Any]], which: str, tmp_path: Path
) -> None:
    soffice = _soffice()
    report = reports[which]
    book = tmp_path / f"{which}.xlsx"
    book.write_bytes(to_xlsx(report))
    profile = (tmp_path / "lo-profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore"]
    done = subprocess.run(
        [*command, "--convert-to", CSV_FILTER, "--outdir", str(tmp_path / "csv"), str(book)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    compared = 0
    for title, headers, rows in sheets(report):
        text = (tmp_path / "csv" / f"{which}-{title}.csv").read_text(encoding="utf-8")
        shown = list(csv.reader(io.StringIO(text)))
        assert shown[0] == headers, title
        assert len(shown) == len(rows) + 1, title
        for row, cells in zip(rows, shown[1:], strict=True):
            for header, value, cell in zip(headers, row, cells, strict=True):
                assert _same(cell, value), (title, header, cell, value)
                compared += 1
    total = report["summary"]["total"][0]
    summary_text = (tmp_path / "csv" / f"{which}-合计.csv").read_text(encoding="utf-8")
    summary = list(csv.reader(io.StringIO(summary_text)))
    row = dict(zip(summary[0], summary[1], strict=True))
    assert row["受理数"] == str(total["received"])
    assert row["按时率"] == f"{total['on_time_rate']:.2%}"
    assert compared > 500


def test_rates_are_percentages_times_are_beijing_and_nothing_is_clipped(
    reports: dict[str, dict[str, Any]],
) -> None:
    report = reports["quarterly"]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))
    total = book["合计"]
    headers = [cell.value for cell in total[1]]
    assert all(cell.font.bold for cell in total[1])
    assert total.freeze_panes == "A2"
    rate = total.cell(2, headers.index("按时率") + 1)
    assert rate.value == report["summary"]["total"][0]["on_time_rate"]
    assert rate.number_format == "0.00%"
    longest = book["最长在途"]
    received = longest.cell(2, 6)
    first = report["longest_open"][0]
    assert received.number_format == "yyyy-mm-dd hh:mm"
    beijing = datetime.fromisoformat(first["received_at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    assert received.value == beijing.replace(tzinfo=None, second=0, microsecond=0) or (
        received.value.strftime("%Y-%m-%d %H:%M") == beijing.strftime("%Y-%m-%d %H:%M")
    )
    for sheet in book.worksheets:
        for column in sheet.iter_cols():
            letter = column[0].column_letter
            width = sheet.column_dimensions[letter].width
            for cell in column:
                text = str(cell.value or "")
                wide = sum(2 if ord(c) > 0x2E80 else 1 for c in text)
                if isinstance(cell.value, datetime):
                    wide = len(cell.number_format)  # yyyy-mm-dd hh:mm or yyyy-mm-dd
                assert width >= wide, (sheet.title, letter, text, width)


def test_the_trend_sheet_names_each_figure_in_chinese_with_its_change_ratio(
    reports: dict[str, dict[str, Any]],
) -> None:
    report = reports["quarterly"]
    trend = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))["趋势"]
    headers = [cell.value for cell in trend[1]]
    assert "环比变化率" in headers
    assert "同比变化率" in headers
    labels = [row[0].value for row in trend.iter_rows(min_row=2)]
    assert labels == [FIGURES[row["figure"]] for row in report["trend"]]
    assert len(set(labels)) == len(labels)
    assert all(not any("a" <= c <= "z" for c in label) for label in labels)


def test_the_summary_and_the_clock_tables_name_their_full_process_populations_apart(
    reports: dict[str, dict[str, Any]],
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(reports["monthly"])))
    summary_headers = [cell.value for cell in book["合计"][1]]
    clocks = [row[1].value for row in book["时限达标-合计"].iter_rows(min_row=2)]
    assert "送电户数(全过程)" in summary_headers
    assert "全过程办电时限" in clocks
    assert "全过程" not in clocks
