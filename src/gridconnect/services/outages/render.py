"""CSV and XLSX of the reliability report: Chinese headers, the JSON's figures unchanged."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from gridconnect.config.vocabulary import AreaClass, Company

#: JSON field -> Chinese header (DL/T 836.1 names, IEEE 1366 in brackets).
HEADERS: dict[str, str] = {
    "company": "供电企业",
    "city": "城市",
    "area_class": "区域类别",
    "customers": "用户数",
    "outages": "停电次数",
    "customer_interruptions": "停电户次",
    "customer_hours": "停电时户数",
    "momentary": "瞬时停电户次",
    "aihc_hours": "用户平均停电时间(小时)[SAIDI]",
    "aitc": "用户平均停电次数[SAIFI]",
    "caidi_hours": "停电平均持续时间(小时)[CAIDI]",
    "rs_percent": "供电可靠率(%)",
    "planned_customer_hours": "计划停电时户数",
    "fault_customer_hours": "故障停电时户数",
    "limited_customer_hours": "限电等效时户数",
    "target_hours": "目标(小时)",
    "target_item": "依据条目",
    "previous_aihc_hours": "上年同期(小时)",
    "change_percent": "同比(%)",
    "met": "是否达标",
    "budget_used_percent": "年度目标已用(%)",
    "year_elapsed_percent": "全年已过(%)",
    # high-reliability zones (L51)
    "zone": "高可靠性示范区",
    "feeders": "线路",
}
ZONE_SHEET = "示范区"
SHEETS = (("明细", "rows"), ("按城市", "city"), ("按企业", "company"), ("全省", "province"))


def _cell(field: str, value: Any) -> Any:
    if field == "area_class" and value in AreaClass.names():
        return AreaClass.names()[value]
    if field == "company" and value in Company.names():
        return Company.names()[value]
    if field == "met" and value is not None:
        return "达标" if value else "未达标"
    return value


def _tables(report: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    out = []
    for title, key in SHEETS:
        rows = report["rows"] if key == "rows" else report["rollups"][key]
        fields = [f for f in HEADERS if any(f in row for row in rows)] or ["customers"]
        out.append(
            (
                title,
                [HEADERS[f] for f in fields],
                [[_cell(f, row.get(f)) for f in fields] for row in rows],
            )
        )
    zones = report.get("zones") or []
    if zones:
        fields = [f for f in HEADERS if any(f in row for row in zones)]
        out.append(
            (
                ZONE_SHEET,
                [HEADERS[f] for f in fields],
                [[_cell(f, row.get(f)) for f in fields] for row in zones],
            )
        )
    return out


def reliability_csv(report: dict[str, Any]) -> str:
    """The rows (明细) as CSV with Chinese headers; the high-reliability zones (L51), when
    the policy declares any, follow after an empty line with their own header."""
    tables = _tables(report)
    _title, header, rows = tables[0]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    for title, zone_header, zone_rows in tables[1:]:
        if title == ZONE_SHEET:
            writer.writerow([])
            writer.writerow(zone_header)
            writer.writerows(zone_rows)
    return buffer.getvalue()


def reliability_xlsx(report: dict[str, Any]) -> bytes:
    """One sheet per table: rows, per city, per company, the province."""
    book = Workbook()
    book.remove(book.worksheets[0])
    for title, header, rows in _tables(report):
        sheet = book.create_sheet(title)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def outage_sheets(section: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The monthly / quarterly report's outage tables (L55): per city and area class, and
    the province."""
    out = []
    for title, rows in (("停电-明细", section["rows"]), ("停电-全省", section["province"])):
        fields = [f for f in HEADERS if any(f in row for row in rows)] or ["customers"]
        out.append(
            (
                title,
                [HEADERS[f] for f in fields],
                [[_cell(f, row.get(f)) for f in fields] for row in rows],
            )
        )
    return out
